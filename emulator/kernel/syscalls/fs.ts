// Owns the file system calls: read/write (and the vector forms), open/openat/close,
// lseek/_llseek, the stat family (stat64, lstat64, fstat64, fstatat64, statx), readlink
// (/proc/self/exe gives the program's guest path), access/faccessat, ioctl (no terminals:
// ENOTTY), getcwd/chdir, ftruncate/ftruncate64, unlink and the fcntl queries glibc makes.
// Paths go through vfs/resolve.ts, so nothing outside the guest root is reachable; writes
// (unlink included) need --allow-writes (else EROFS).
import type { PtRegs } from '../seams';
import {
  AT_EMPTY_PATH, AT_FDCWD, AT_SYMLINK_NOFOLLOW, E, IOVEC_SIZE, le32, O, SI_USER, SIG,
  writeStat64, writeStatx, type FileFacts,
} from '../linux-abi';
import type { Process } from '../process';
import { DirectoryFile, factsOf, HostFile, InputStream, MAX_NON_LFS, WOULD_BLOCK, type OpenFile } from '../vfs/files';
import { NAME_MAX, type Resolved } from '../vfs/resolve';
import { fcntlDescriptor } from './pipe';
import { arg, copyIn, copyOut, readCString, row, sarg, type SyscallRow } from './table';

/** Largest single transfer (Linux caps at MAX_RW_COUNT; a smaller cap bounds host memory). */
const MAX_IO = 1 << 20;
const UIO_MAXIOV = 1024;
const PROC_SELF_EXE = ['/proc/self/exe', '/proc/thread-self/exe', '/proc/1000/exe'];

function fileOf(p: Process, fd: number): OpenFile | number {
  return p.fds.get(fd) ?? -E.EBADF;
}

function doRead(p: Process, fd: number, buf: number, count: number): number {
  const f = fileOf(p, fd);
  if (typeof f === 'number') return f;
  if (!f.readable) return -E.EBADF;
  if ((count | 0) < 0) return -E.EINVAL;
  const n = Math.min(count, MAX_IO);
  if (n === 0) return 0;
  if (!p.memory.canWrite(buf, n)) return -E.EFAULT;
  const r = f.read(n);
  if (r === WOULD_BLOCK) {
    return p.sleep({
      until: f instanceof InputStream ? f.wakeAt() : undefined,
      ready: () => f.readReady?.() ?? true,
      resume: (why) => (why === 'signal' ? -E.ERESTARTSYS : doRead(p, fd, buf, count)),
    });
  }
  if (typeof r === 'number') return r;
  return copyOut(p, buf, r) ? r.length : -E.EFAULT;
}

function doWrite(p: Process, fd: number, buf: number, count: number): number {
  const f = fileOf(p, fd);
  if (typeof f === 'number') return f;
  if (!f.writable) return -E.EBADF;
  if ((count | 0) < 0) return -E.EINVAL;
  const n = Math.min(count, MAX_IO);
  const data = copyIn(p, buf, n);
  if (!data) return -E.EFAULT;
  const r = f.write(data);
  // A write to a pipe whose reader is gone: SIGPIPE as well as EPIPE, as pipe_write sends.
  if (r === -E.EPIPE) p.signals.send(SIG.SIGPIPE, SI_USER);
  if (r === WOULD_BLOCK) {
    return p.sleep({ ready: () => f.writeReady?.() ?? true, resume: (why) => (why === 'signal' ? -E.ERESTARTSYS : doWrite(p, fd, buf, count)) });
  }
  return r;
}

function vector(p: Process, regs: PtRegs, each: (base: number, len: number) => number): number {
  const iov = arg(regs, 1);
  const count = sarg(regs, 2);
  if (count < 0 || count > UIO_MAXIOV) return -E.EINVAL;
  const table = copyIn(p, iov, count * IOVEC_SIZE);
  if (!table) return -E.EFAULT;
  let total = 0;
  for (let i = 0; i < count; i++) {
    const base = le32(table, i * 8);
    const len = le32(table, i * 8 + 4);
    if ((len | 0) < 0) return -E.EINVAL;
    if (len === 0) continue;
    const r = each(base, len);
    if (r < 0) return total > 0 ? total : r;
    total += r;
    if (r < len) break;
  }
  return total;
}

/** The directory a relative path starts from: the cwd, or an open directory's path. */
function startDir(p: Process, dirfd: number, path: string): string[] | number {
  if (path.startsWith('/') || dirfd === AT_FDCWD) return p.cwd;
  const f = p.fds.get(dirfd);
  if (!f) return -E.EBADF;
  if (!(f instanceof DirectoryFile)) return -E.ENOTDIR;
  return f.name.split('/').filter((c) => c.length > 0);
}

/** Resolves a user path argument: the path text, or -errno (no root given: nothing exists). */
export function lookup(p: Process, dirfd: number, pathPtr: number, follow: boolean): { path: string; resolved: Resolved } | number {
  const path = readCString(p, pathPtr);
  if (typeof path === 'number') return path;
  if (!p.paths) return path.length === 0 ? -E.ENOENT : -E.ENOENT;
  const from = startDir(p, dirfd, path);
  if (typeof from === 'number') return from;
  const resolved = p.paths.resolve(path, from, follow);
  return typeof resolved === 'number' ? resolved : { path, resolved };
}

export function openFile(p: Process, dirfd: number, pathPtr: number, flags: number, mode: number): number {
  const found = lookup(p, dirfd, pathPtr, (flags & O.NOFOLLOW) === 0);
  if (typeof found === 'number') return found;
  const { resolved } = found;
  const acc = flags & O.ACCMODE;
  const write = acc === O.WRONLY || acc === O.RDWR;
  const stat = resolved.stat;
  if (!stat) {
    if (!(flags & O.CREAT)) return -E.ENOENT;
    if (!p.allowWrites) return -E.EROFS;
  } else {
    if ((flags & O.CREAT) && (flags & O.EXCL)) return -E.EEXIST;
    if (stat.kind === 'symlink') return -E.ELOOP;
    if ((flags & O.DIRECTORY) && stat.kind !== 'dir') return -E.ENOTDIR;
    if (stat.kind === 'dir') {
      if (write || (flags & O.CREAT)) return -E.EISDIR;
      return p.fds.install(new DirectoryFile(resolved.guestPath, factsOf(stat)), flags);
    }
    if (stat.kind !== 'file') return -E.EACCES;
    if ((write || (flags & O.TRUNC)) && !p.allowWrites) return -E.EROFS;
  }
  if (p.fds.count() >= p.fds.limit) return -E.EMFILE;
  const handle = p.paths!.host.open(
    resolved.hostPath,
    { read: acc !== O.WRONLY, write, create: (flags & O.CREAT) !== 0, exclusive: (flags & O.EXCL) !== 0, truncate: (flags & O.TRUNC) !== 0 && write, directory: false },
    mode,
  );
  if (typeof handle === 'number') return handle;
  const file = new HostFile(resolved.guestPath, handle, acc !== O.WRONLY, write, (flags & O.APPEND) !== 0, false, (flags & O.LARGEFILE) !== 0, p.machine.pageCache);
  // O_TRUNC emptied the file: its shared mappings see zeros, as after ftruncate.
  if ((flags & O.TRUNC) && write) p.machine.pageCache.cached(file)?.reload();
  const fd = p.fds.install(file, flags);
  if (fd < 0) handle.close();
  return fd;
}

function statTo(p: Process, facts: FileFacts | number, buf: number, write: (f: FileFacts) => Uint8Array): number {
  if (typeof facts === 'number') return facts;
  return copyOut(p, buf, write(facts)) ? 0 : -E.EFAULT;
}

function statPath(p: Process, dirfd: number, pathPtr: number, flags: number, buf: number, write: (f: FileFacts) => Uint8Array): number {
  if (flags & AT_EMPTY_PATH) {
    const path = readCString(p, pathPtr);
    if (path === '') {
      const f = dirfd === AT_FDCWD ? undefined : p.fds.get(dirfd);
      if (!f) return dirfd === AT_FDCWD ? statCwd(p, buf, write) : -E.EBADF;
      return statTo(p, f.stat(), buf, write);
    }
  }
  const found = lookup(p, dirfd, pathPtr, (flags & AT_SYMLINK_NOFOLLOW) === 0);
  if (typeof found === 'number') return found;
  const s = found.resolved.stat;
  if (!s) return -E.ENOENT;
  return statTo(p, factsOf(s), buf, write);
}

function statCwd(p: Process, buf: number, write: (f: FileFacts) => Uint8Array): number {
  if (!p.paths) return -E.ENOENT;
  const s = p.paths.host.lstat(p.paths.hostPathOf(p.cwd));
  return typeof s === 'number' ? s : statTo(p, factsOf(s), buf, write);
}

function readlinkAt(p: Process, dirfd: number, pathPtr: number, buf: number, size: number): number {
  if ((size | 0) <= 0) return -E.EINVAL;
  const path = readCString(p, pathPtr);
  if (typeof path === 'number') return path;
  let target: string;
  if (PROC_SELF_EXE.includes(path)) target = p.exePath;
  else {
    const found = lookup(p, dirfd, pathPtr, false);
    if (typeof found === 'number') return found;
    const s = found.resolved.stat;
    if (!s) return -E.ENOENT;
    if (s.kind !== 'symlink') return -E.EINVAL;
    const t = p.paths!.host.readlink(found.resolved.hostPath);
    if (typeof t === 'number') return t;
    target = t;
  }
  const bytes = new TextEncoder().encode(target).subarray(0, size);
  return copyOut(p, buf, bytes) ? bytes.length : -E.EFAULT;
}

function accessAt(p: Process, dirfd: number, pathPtr: number, mode: number, flags: number): number {
  if (mode & ~7) return -E.EINVAL;
  const found = lookup(p, dirfd, pathPtr, (flags & AT_SYMLINK_NOFOLLOW) === 0);
  if (typeof found === 'number') return found;
  if (!found.resolved.stat) return -E.ENOENT;
  if ((mode & 2) && !p.allowWrites) return -E.EROFS;
  return p.paths!.host.access(found.resolved.hostPath, mode);
}

function llseek(p: Process, regs: PtRegs): number {
  const f = fileOf(p, sarg(regs, 0));
  if (typeof f === 'number') return f;
  const r = f.seek(offset64(arg(regs, 1), arg(regs, 2)), arg(regs, 4));
  if (typeof r === 'number') return r;
  const out = new Uint8Array(8);
  new DataView(out.buffer).setBigUint64(0, r, true);
  return copyOut(p, arg(regs, 3), out) ? 0 : -E.EFAULT;
}

function lseek(p: Process, regs: PtRegs): number {
  const f = fileOf(p, sarg(regs, 0));
  if (typeof f === 'number') return f;
  const r = f.seek(BigInt(sarg(regs, 1)), arg(regs, 2));
  if (typeof r === 'number') return r;
  // ksys_lseek: a 32-bit kernel's off_t cannot hold the offset (EOVERFLOW); a 64-bit
  // kernel's can, and the compat process sees its low 32 bits in eax.
  if (r > 0x7fffffffn) return p.options.kernel === 'native32' ? -E.EOVERFLOW : Number(BigInt.asIntN(32, r));
  return Number(r);
}

/** A 64-bit signed offset from the two registers the i386 ABI passes it in. */
function offset64(high: number, low: number): bigint {
  return BigInt.asIntN(64, (BigInt(high >>> 0) << 32n) | BigInt(low >>> 0));
}

/** pread64/pwrite64's file: a regular one (ESPIPE for streams), the offset not negative. */
function positioned(p: Process, fd: number, offset: bigint): HostFile | number {
  const f = fileOf(p, fd);
  if (typeof f === 'number') return f;
  if (offset < 0n) return -E.EINVAL;
  return f instanceof HostFile ? f : -E.ESPIPE;
}

function pread64(p: Process, regs: PtRegs): number {
  const offset = offset64(arg(regs, 4), arg(regs, 3));
  const f = positioned(p, sarg(regs, 0), offset);
  if (typeof f === 'number') return f;
  if ((arg(regs, 2) | 0) < 0) return -E.EINVAL;
  const n = Math.min(arg(regs, 2), MAX_IO);
  if (n === 0) return 0;
  if (!p.memory.canWrite(arg(regs, 1), n)) return -E.EFAULT;
  const r = f.readAtOffset(offset, n);
  if (typeof r === 'number') return r;
  return copyOut(p, arg(regs, 1), r) ? r.length : -E.EFAULT;
}

function pwrite64(p: Process, regs: PtRegs): number {
  const offset = offset64(arg(regs, 4), arg(regs, 3));
  const f = positioned(p, sarg(regs, 0), offset);
  if (typeof f === 'number') return f;
  if ((arg(regs, 2) | 0) < 0) return -E.EINVAL;
  const data = copyIn(p, arg(regs, 1), Math.min(arg(regs, 2), MAX_IO));
  if (!data) return -E.EFAULT;
  if (data.length === 0) return 0;
  return f.writeAtOffset(offset, data);
}

/**
 * do_sys_ftruncate (docs/kernel-facts.md section 13): a negative length is EINVAL before the
 * descriptor is looked at; only a regular file open for writing can be cut (else EINVAL);
 * with `small` and no O_LARGEFILE, a length past MAX_NON_LFS is EINVAL.
 */
function truncateFd(p: Process, fd: number, length: bigint, small: boolean): number {
  if (length < 0n) return -E.EINVAL;
  const f = fileOf(p, fd);
  if (typeof f === 'number') return f;
  if (!(f instanceof HostFile)) return -E.EINVAL;
  if (small && !f.largeFile && length > MAX_NON_LFS) return -E.EINVAL;
  return f.truncate(length);
}

/** do_unlinkat without AT_REMOVEDIR (docs/kernel-facts.md section 13): the name removed, never a directory, inside the guest root. */
function unlinkAt(p: Process, dirfd: number, pathPtr: number): number {
  const path = readCString(p, pathPtr);
  if (typeof path === 'number') return path;
  if (!p.paths) return -E.ENOENT;
  const from = startDir(p, dirfd, path);
  if (typeof from === 'number') return from;
  const found = p.paths.resolveParent(path, from);
  if (typeof found === 'number') return found;
  // As the kernel orders it: the kind of the last component, then the mount's write access, then the name itself.
  if (found.kind !== 'name') return -E.EISDIR;
  if (!p.allowWrites) return -E.EROFS;
  if (found.name.length > NAME_MAX) return -E.ENAMETOOLONG;
  const hostPath = `${found.parent.hostPath}/${found.name}`;
  const s = p.paths.host.lstat(hostPath);
  if (typeof s === 'number') return s;
  if (s.kind === 'dir') return -E.EISDIR;
  if (found.trailingSlash) return -E.ENOTDIR;
  return p.paths.host.unlink(hostPath);
}

function getcwd(p: Process, regs: PtRegs): number {
  const text = new TextEncoder().encode('/' + p.cwd.join('/') + '\0');
  if (arg(regs, 1) < text.length) return -E.ERANGE;
  return copyOut(p, arg(regs, 0), text) ? text.length : -E.EFAULT;
}

function chdir(p: Process, regs: PtRegs): number {
  const found = lookup(p, AT_FDCWD, arg(regs, 0), true);
  if (typeof found === 'number') return found;
  if (!found.resolved.stat) return -E.ENOENT;
  if (found.resolved.stat.kind !== 'dir') return -E.ENOTDIR;
  p.cwd = found.resolved.guestPath.split('/').filter((c) => c.length > 0);
  return 0;
}

function fcntl(p: Process, regs: PtRegs): number {
  const f = fileOf(p, sarg(regs, 0));
  if (typeof f === 'number') return f;
  const own = fcntlDescriptor(p, sarg(regs, 0), arg(regs, 1), arg(regs, 2));
  if (own !== undefined) return own;
  switch (arg(regs, 1)) {
    case 3: return f.readable && f.writable ? O.RDWR : f.writable ? O.WRONLY : O.RDONLY;
    case 4: return 0;
    default: return -E.EINVAL;
  }
}

export const fsRows: readonly SyscallRow[] = [
  row(3, 'read', 'fxu', (p, r) => doRead(p, sarg(r, 0), arg(r, 1), arg(r, 2))),
  row(4, 'write', 'fxu', (p, r) => doWrite(p, sarg(r, 0), arg(r, 1), arg(r, 2))),
  row(5, 'open', 'sxo', (p, r) => openFile(p, AT_FDCWD, arg(r, 0), arg(r, 1), arg(r, 2))),
  row(6, 'close', 'f', (p, r) => p.fds.close(sarg(r, 0))),
  row(10, 'unlink', 's', (p, r) => unlinkAt(p, AT_FDCWD, arg(r, 0))),
  row(12, 'chdir', 's', chdir),
  row(19, 'lseek', 'fiu', lseek),
  row(33, 'access', 'so', (p, r) => accessAt(p, AT_FDCWD, arg(r, 0), arg(r, 1), 0)),
  row(54, 'ioctl', 'fxx', (p, r) => (p.fds.get(sarg(r, 0)) ? -E.ENOTTY : -E.EBADF)),
  row(55, 'fcntl', 'fix', fcntl),
  row(85, 'readlink', 'sxu', (p, r) => readlinkAt(p, AT_FDCWD, arg(r, 0), arg(r, 1), arg(r, 2))),
  // i386 ftruncate and the compat one both pass small=1 (their off_t length cannot pass MAX_NON_LFS anyway).
  row(93, 'ftruncate', 'fi', (p, r) => truncateFd(p, sarg(r, 0), BigInt(sarg(r, 1)), true)),
  row(140, '_llseek', 'fxxxu', llseek),
  row(145, 'readv', 'fxi', (p, r) => vector(p, r, (b, n) => doRead(p, sarg(r, 0), b, n))),
  row(146, 'writev', 'fxi', (p, r) => vector(p, r, (b, n) => doWrite(p, sarg(r, 0), b, n))),
  row(180, 'pread64', 'fxuxx', pread64),
  row(181, 'pwrite64', 'fxuxx', pwrite64),
  row(183, 'getcwd', 'xu', getcwd),
  // A 64-bit kernel's compat ftruncate64 goes through ksys_ftruncate (small=1); a 32-bit kernel's passes small=0.
  row(194, 'ftruncate64', 'fxx', (p, r) => truncateFd(p, sarg(r, 0), offset64(arg(r, 2), arg(r, 1)), p.options.kernel !== 'native32')),
  row(195, 'stat64', 'sx', (p, r) => statPath(p, AT_FDCWD, arg(r, 0), 0, arg(r, 1), writeStat64)),
  row(196, 'lstat64', 'sx', (p, r) => statPath(p, AT_FDCWD, arg(r, 0), AT_SYMLINK_NOFOLLOW, arg(r, 1), writeStat64)),
  row(197, 'fstat64', 'fx', (p, r) => {
    const f = fileOf(p, sarg(r, 0));
    return typeof f === 'number' ? f : statTo(p, f.stat(), arg(r, 1), writeStat64);
  }),
  row(221, 'fcntl64', 'fix', fcntl),
  row(295, 'openat', 'fsxo', (p, r) => openFile(p, sarg(r, 0), arg(r, 1), arg(r, 2), arg(r, 3))),
  row(300, 'fstatat64', 'fsxx', (p, r) => statPath(p, sarg(r, 0), arg(r, 1), arg(r, 3), arg(r, 2), writeStat64)),
  row(305, 'readlinkat', 'fsxu', (p, r) => readlinkAt(p, sarg(r, 0), arg(r, 1), arg(r, 2), arg(r, 3))),
  row(307, 'faccessat', 'fso', (p, r) => accessAt(p, sarg(r, 0), arg(r, 1), arg(r, 2), 0)),
  row(383, 'statx', 'fsxxx', (p, r) => statPath(p, sarg(r, 0), arg(r, 1), arg(r, 2), arg(r, 4), writeStatx)),
  row(439, 'faccessat2', 'fsox', (p, r) => accessAt(p, sarg(r, 0), arg(r, 1), arg(r, 2), arg(r, 3))),
];

