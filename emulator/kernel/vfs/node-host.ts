// Owns the Node.js implementation of HostFs (vfs/host.ts) for the CLI and tests: synchronous
// fs calls, O_NOFOLLOW on every open, errors turned into negative errno values.
import * as fs from 'node:fs';
import { constants as osConstants } from 'node:os';
import type { HostFileKind, HostFs, HostHandle, HostOpenFlags, HostStat } from './host';

function errno(e: unknown): number {
  const code = (e as NodeJS.ErrnoException).code ?? 'EIO';
  const n = (osConstants.errno as Record<string, number>)[code];
  return -(n ?? 5);
}

function kindOf(s: fs.BigIntStats): HostFileKind {
  if (s.isFile()) return 'file';
  if (s.isDirectory()) return 'dir';
  if (s.isSymbolicLink()) return 'symlink';
  if (s.isCharacterDevice()) return 'char';
  if (s.isFIFO()) return 'fifo';
  return 'other';
}

function toStat(s: fs.BigIntStats): HostStat {
  return {
    kind: kindOf(s),
    dev: Number(s.dev & 0xffffffffn),
    ino: Number(s.ino & 0xffffffffn),
    mode: Number(s.mode),
    nlink: Number(s.nlink),
    uid: Number(s.uid),
    gid: Number(s.gid),
    rdev: Number(s.rdev & 0xffffffffn),
    size: Number(s.size),
    blksize: Number(s.blksize),
    blocks: Number(s.blocks),
    atimeNs: s.atimeNs,
    mtimeNs: s.mtimeNs,
    ctimeNs: s.ctimeNs,
  };
}

/** statfs's f_type of ext2, ext3 and ext4 (EXT4_SUPER_MAGIC). */
const EXT4_SUPER_MAGIC = 0xef53;
/** MAX_LFS_FILESIZE of a 64-bit kernel: what file systems without a smaller limit take. */
const MAX_LFS_FILESIZE = 2n ** 63n - 1n;

/**
 * s_maxbytes of the file system holding `path` (docs/kernel-facts.md section 13): ext4's
 * extent files end at 2^32 - 1 blocks; other file systems (tmpfs, xfs, btrfs) take
 * MAX_LFS_FILESIZE. ext2/ext3, and ext4 files without extents, stop lower (s_bitmap_maxbytes),
 * which statfs cannot tell: for them writes still get the host's -EFBIG.
 */
function fileSystemMaxBytes(path: string): bigint {
  try {
    const s = fs.statfsSync(path, { bigint: true });
    if (s.type === BigInt(EXT4_SUPER_MAGIC)) return (2n ** 32n - 1n) * s.bsize;
  } catch {
    // no statfs answer: the general limit
  }
  return MAX_LFS_FILESIZE;
}

class NodeHandle implements HostHandle {
  private maxBytes: bigint | undefined;
  constructor(
    private fd: number,
    private readonly path: string,
  ) {}
  maxOffset(): bigint {
    if (this.maxBytes === undefined) {
      const s = this.stat();
      // A device node's or FIFO's seeks are its driver's, not the file system's.
      this.maxBytes = typeof s !== 'number' && s.kind === 'file' ? fileSystemMaxBytes(this.path) : MAX_LFS_FILESIZE;
    }
    return this.maxBytes;
  }
  read(into: Uint8Array, position: bigint): number {
    try {
      return fs.readSync(this.fd, into, 0, into.length, position);
    } catch (e) {
      return errno(e);
    }
  }
  write(from: Uint8Array, position: bigint): number {
    // node's write takes only a safe integer position (a bigint is ignored: it would write
    // at the file's current position); beyond that no host file system on Node can go.
    if (position + BigInt(from.length) > BigInt(Number.MAX_SAFE_INTEGER)) return -osConstants.errno.EFBIG;
    try {
      return fs.writeSync(this.fd, from, 0, from.length, Number(position));
    } catch (e) {
      return errno(e);
    }
  }
  truncate(length: bigint): number {
    if (length > BigInt(Number.MAX_SAFE_INTEGER)) return -osConstants.errno.EFBIG;
    try {
      fs.ftruncateSync(this.fd, Number(length));
      return 0;
    } catch (e) {
      return errno(e);
    }
  }
  stat(): HostStat | number {
    try {
      return toStat(fs.fstatSync(this.fd, { bigint: true }));
    } catch (e) {
      return errno(e);
    }
  }
  close(): void {
    if (this.fd < 0) return;
    try {
      fs.closeSync(this.fd);
    } catch {
      // closing twice or a vanished fd: nothing to report to the guest
    }
    this.fd = -1;
  }
}

export const nodeHostFs: HostFs = {
  lstat(path) {
    try {
      return toStat(fs.lstatSync(path, { bigint: true }));
    } catch (e) {
      return errno(e);
    }
  },
  readlink(path) {
    try {
      return fs.readlinkSync(path, 'utf8');
    } catch (e) {
      return errno(e);
    }
  },
  open(path, flags: HostOpenFlags, mode) {
    const c = fs.constants;
    let f = c.O_NOFOLLOW | (flags.read && flags.write ? c.O_RDWR : flags.write ? c.O_WRONLY : c.O_RDONLY);
    if (flags.create) f |= c.O_CREAT;
    if (flags.exclusive) f |= c.O_EXCL;
    if (flags.truncate) f |= c.O_TRUNC;
    if (flags.directory) f |= c.O_DIRECTORY;
    try {
      return new NodeHandle(fs.openSync(path, f, mode & 0o777), path);
    } catch (e) {
      return errno(e);
    }
  },
  access(path, mode) {
    try {
      fs.accessSync(path, mode);
      return 0;
    } catch (e) {
      return errno(e);
    }
  },
  unlink(path) {
    try {
      fs.unlinkSync(path);
      return 0;
    } catch (e) {
      return errno(e);
    }
  },
};
