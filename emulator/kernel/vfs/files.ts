// Owns open file descriptions and the fd table: host files under the guest root (with their
// offset and access mode), directories, the injected standard streams (stdin bytes then EOF
// or a read that blocks, optionally arriving late in virtual time; stdout/stderr sinks), and the lowest-free-fd allocation with the
// RLIMIT_NOFILE bound (EMFILE).
import { E, O, S_IFCHR, S_IFDIR, S_IFIFO, type FileFacts } from '../linux-abi';
import type { HostHandle, HostStat } from './host';
import { sideTable } from '../side-tables';
import type { PageCache } from './page-cache';

/** A read that must wait (a stream with no data yet and no EOF). */
export const WOULD_BLOCK = 'would-block';

export interface OpenFile {
  /** The guest path (or a name such as "stdout") for the trace. */
  readonly name: string;
  readonly readable: boolean;
  readonly writable: boolean;
  /** Bytes read, -errno, or WOULD_BLOCK. */
  read(max: number): Uint8Array | number | typeof WOULD_BLOCK;
  /** Bytes written, -errno, or WOULD_BLOCK (a full pipe). */
  write(data: Uint8Array): number | typeof WOULD_BLOCK;
  /** The new offset (exact 64-bit), or -errno as a number. */
  seek(offset: bigint, whence: number): bigint | number;
  stat(): FileFacts | number;
  /** True for a terminal (TCGETS succeeds); the model has none. */
  readonly tty: boolean;
  /** Called when the last descriptor referring to this description is closed. */
  close(): void;
  /** A read would not wait now (data, EOF or an error); absent: reads never wait. */
  readReady?(): boolean;
  /** A write would not wait now; absent: writes never wait. */
  writeReady?(): boolean;
}

export function factsOf(s: HostStat): FileFacts {
  return { ...s };
}

/** The largest offset lseek takes on a regular file (MAX_LFS_FILESIZE of a 64-bit kernel); writes past what the host file system takes get EFBIG from it. */
export const MAX_OFFSET = 2n ** 63n - 1n;

/** The largest size a file opened without O_LARGEFILE may grow to (MAX_NON_LFS); docs/kernel-facts.md. */
export const MAX_NON_LFS = 2n ** 31n - 1n;

export class HostFile implements OpenFile {
  private offset = 0n;
  readonly tty = false;
  constructor(
    readonly name: string,
    private readonly handle: HostHandle,
    readonly readable: boolean,
    readonly writable: boolean,
    private readonly append: boolean,
    private readonly directory: boolean,
    /** Opened with O_LARGEFILE; without it writes stop at MAX_NON_LFS. */
    readonly largeFile = true,
    /** The machine's page cache: reads and writes through this description stay coherent with shared mappings of the file. */
    private readonly pageCache?: PageCache,
  ) {}

  /** Shared mappings made through this description (their page cache keeps the host file open). */
  private pins = 0;
  private closed = false;
  private key: string | number | undefined;

  pin(): void {
    this.pins++;
  }

  unpin(): void {
    if (--this.pins === 0 && this.closed) this.handle.close();
  }

  /** The file's identity (device and inode) that the page cache knows it by, or -errno. */
  identity(): string | number {
    if (this.key === undefined) {
      const s = this.handle.stat();
      this.key = typeof s === 'number' ? s : `${s.dev}:${s.ino}`;
    }
    return this.key;
  }

  /** The page cache's own read of the host file: up to `length` bytes at `position`, fewer at its end. */
  readHost(position: number, length: number): Uint8Array | number {
    const buf = new Uint8Array(length);
    let got = 0;
    for (let guard = 0; got < length && guard < 1 << 16; guard++) {
      const n = this.handle.read(buf.subarray(got), BigInt(position + got));
      if (n < 0) return n;
      if (n === 0) break;
      got += n;
    }
    return buf.subarray(0, got);
  }

  /** The page cache's write-back of mapped bytes (never past the file's end: the caller cuts them). */
  writeHost(position: number, data: Uint8Array): number {
    return this.writable ? this.handle.write(data, BigInt(position)) : -E.EBADF;
  }

  /** Stores in shared mappings of the file reach it before it is read or written through a descriptor. */
  private syncMapped(): void {
    this.pageCache?.cached(this)?.syncAll();
  }

  /** A write through a descriptor reaches the shared mappings of the file. */
  private reloadMapped(): void {
    this.pageCache?.cached(this)?.reload();
  }

  /** What of `data` a write at `position` may write (generic_write_check_limits): -EFBIG at or past MAX_NON_LFS without O_LARGEFILE, else cut short of it. */
  private withinLimit(position: bigint, data: Uint8Array): Uint8Array | number {
    if (this.largeFile) return data;
    if (position >= MAX_NON_LFS) return -E.EFBIG;
    const room = MAX_NON_LFS - position;
    return room < BigInt(data.length) ? data.subarray(0, Number(room)) : data;
  }

  read(max: number): Uint8Array | number {
    if (this.directory) return -E.EISDIR;
    if (!this.readable) return -E.EBADF;
    this.syncMapped();
    const buf = new Uint8Array(max);
    const n = this.handle.read(buf, this.offset);
    if (n < 0) return n;
    this.offset += BigInt(n);
    return buf.subarray(0, n);
  }

  /** pread64: up to `max` bytes at `position`, the offset unchanged. */
  readAtOffset(position: bigint, max: number): Uint8Array | number {
    if (this.directory) return -E.EISDIR;
    if (!this.readable) return -E.EBADF;
    this.syncMapped();
    const buf = new Uint8Array(max);
    const n = this.handle.read(buf, position);
    return n < 0 ? n : buf.subarray(0, n);
  }

  /** pwrite64: writes at `position`, the offset unchanged (O_APPEND too, as Linux's pwrite). */
  writeAtOffset(position: bigint, data: Uint8Array): number {
    if (!this.writable) return -E.EBADF;
    const allowed = this.withinLimit(position, data);
    if (typeof allowed === 'number') return allowed;
    this.syncMapped();
    const n = this.handle.write(allowed, position);
    this.reloadMapped();
    return n;
  }

  /** ftruncate64. */
  truncate(length: bigint): number {
    if (this.directory) return -E.EISDIR;
    if (!this.writable) return -E.EINVAL;
    this.syncMapped();
    const r = this.handle.truncate(length);
    this.reloadMapped();
    return r;
  }

  /** pread for a private mapping: up to `length` bytes at `position` (fewer at the end of the file), offset unchanged; shared mappings' stores included. */
  readAt(position: number, length: number): Uint8Array | number {
    this.syncMapped();
    return this.readHost(position, length);
  }

  write(data: Uint8Array): number {
    if (!this.writable) return -E.EBADF;
    if (this.append) {
      const s = this.handle.stat();
      if (typeof s === 'number') return s;
      this.offset = BigInt(s.size);
    }
    const allowed = this.withinLimit(this.offset, data);
    if (typeof allowed === 'number') return allowed;
    this.syncMapped();
    const n = this.handle.write(allowed, this.offset);
    this.reloadMapped();
    if (n > 0) this.offset += BigInt(n);
    return n;
  }

  seek(offset: bigint, whence: number): bigint | number {
    let base: bigint;
    if (whence === 0) base = 0n;
    else if (whence === 1) base = this.offset;
    else if (whence === 2) {
      const s = this.handle.stat();
      if (typeof s === 'number') return s;
      base = BigInt(s.size);
    } else return -E.EINVAL;
    const next = base + offset;
    // vfs_setpos: past the file system's s_maxbytes (a regular file's; docs/kernel-facts.md section 13) is -EINVAL.
    const limit = !this.directory && this.handle.maxOffset ? this.handle.maxOffset() : MAX_OFFSET;
    if (next < 0n || next > (limit < MAX_OFFSET ? limit : MAX_OFFSET)) return -E.EINVAL;
    this.offset = next;
    return next;
  }

  stat(): FileFacts | number {
    const s = this.handle.stat();
    return typeof s === 'number' ? s : factsOf(s);
  }

  close(): void {
    this.closed = true;
    if (this.pins === 0) this.handle.close();
  }
}

/** The device facts the standard streams report (a pipe for stdin, a character device for output). */
function streamFacts(mode: number, ino: number): FileFacts {
  return { dev: 0x0c, ino, mode, nlink: 1, uid: 0, gid: 0, rdev: 0, size: 0, blksize: 4096, blocks: 0, atimeNs: 0n, mtimeNs: 0n, ctimeNs: 0n };
}

/** When a late stream's bytes arrive: at `atNs` on the clock `now` reads (virtual monotonic ns). */
export interface StreamArrival {
  readonly atNs: bigint;
  readonly now: () => bigint;
}

/** Bytes pulled as the guest reads them (a FIFO or a device on the host): up to `max`, empty at the end. */
export interface StreamSource {
  read(max: number): Uint8Array;
}

/**
 * stdin: the given bytes (or those a source gives as the guest reads), then EOF or (when
 * `thenBlock`) a read that waits forever. With `arrival`, nothing is readable before that time
 * (a pipe whose writer writes late): a read waits until then (wakeAt), and a signal meanwhile
 * interrupts it.
 */
export class InputStream implements OpenFile {
  private at = 0;
  /** A source has given its end. */
  private ended = false;
  readonly readable = true;
  readonly writable = false;
  readonly tty = false;
  constructor(
    readonly name: string,
    private readonly data: Uint8Array | StreamSource,
    private readonly thenBlock: boolean,
    private readonly arrival?: StreamArrival,
  ) {}
  /** The time a waiting read can go on (the data's arrival), or undefined when none is due. */
  wakeAt(): bigint | undefined {
    return this.arrival && this.arrival.now() < this.arrival.atNs ? this.arrival.atNs : undefined;
  }
  read(max: number): Uint8Array | number | typeof WOULD_BLOCK {
    if (this.wakeAt() !== undefined) return WOULD_BLOCK;
    if (!(this.data instanceof Uint8Array)) {
      const out = this.ended ? new Uint8Array(0) : this.data.read(max);
      if (out.length === 0) this.ended = true;
      return out.length === 0 && this.thenBlock ? WOULD_BLOCK : out;
    }
    if (this.at >= this.data.length) return this.thenBlock ? WOULD_BLOCK : new Uint8Array(0);
    const out = this.data.subarray(this.at, Math.min(this.data.length, this.at + max));
    this.at += out.length;
    return out;
  }
  /** True when a read would wait (no bytes left, and the stream blocks instead of EOF). */
  waiting(): boolean {
    const drained = this.data instanceof Uint8Array ? this.at >= this.data.length : this.ended;
    return this.wakeAt() !== undefined || (drained && this.thenBlock);
  }
  readReady(): boolean {
    return !this.waiting();
  }
  write(): number {
    return -E.EBADF;
  }
  seek(): number {
    return -E.ESPIPE;
  }
  stat(): FileFacts {
    return streamFacts(S_IFIFO | 0o600, 1);
  }
  close(): void {}
}

/** stdout/stderr: every write goes to the injected sink. */
export class OutputStream implements OpenFile {
  readonly readable = false;
  readonly writable = true;
  readonly tty = false;
  constructor(
    readonly name: string,
    private readonly sink: (bytes: Uint8Array) => void | number,
    private readonly ino: number,
  ) {}
  read(): number {
    return -E.EBADF;
  }
  write(data: Uint8Array): number {
    const r = this.sink(data.slice());
    return typeof r === 'number' && r < 0 ? r : data.length;
  }
  seek(): number {
    return -E.ESPIPE;
  }
  stat(): FileFacts {
    return streamFacts(S_IFCHR | 0o620, this.ino);
  }
  close(): void {}
}

/** A directory opened with O_RDONLY|O_DIRECTORY or O_PATH: fstat works, read gives EISDIR. */
export class DirectoryFile implements OpenFile {
  readonly readable = true;
  readonly writable = false;
  readonly tty = false;
  constructor(
    readonly name: string,
    private readonly facts: FileFacts,
  ) {}
  read(): number {
    return -E.EISDIR;
  }
  write(): number {
    return -E.EBADF;
  }
  seek(): bigint {
    return 0n;
  }
  stat(): FileFacts {
    return { ...this.facts, mode: (this.facts.mode & ~0o170000) | S_IFDIR };
  }
  close(): void {}
}

export const DEFAULT_NOFILE = 1024;

/**
 * How many fd table entries (in every table: fork copies them, dup adds one) refer to each
 * open file description; the description is closed when the last one goes (a pipe's reader
 * sees EOF only when every write end in every process is closed).
 */
const references = sideTable<OpenFile, number>();

function hold(f: OpenFile): void {
  references.set(f, (references.get(f) ?? 0) + 1);
}

function release(f: OpenFile): void {
  const n = (references.get(f) ?? 1) - 1;
  if (n > 0) references.set(f, n);
  else {
    references.delete(f);
    f.close();
  }
}

export class FdTable {
  private readonly files: Array<OpenFile | undefined> = [];
  private readonly cloexec = new Set<number>();
  constructor(public limit = DEFAULT_NOFILE) {}

  get(fd: number): OpenFile | undefined {
    return fd >= 0 && fd < this.files.length ? this.files[fd] : undefined;
  }

  /** Installs at the lowest free fd at or above `from`; -EMFILE when the limit is reached. */
  install(file: OpenFile, flags = 0, from = 0): number {
    for (let fd = Math.max(0, from); fd < this.limit; fd++) {
      if (this.files[fd] === undefined) {
        this.files[fd] = file;
        hold(file);
        if (flags & O.CLOEXEC) this.cloexec.add(fd);
        return fd;
      }
    }
    return -E.EMFILE;
  }

  /** dup2/dup3: `fd` becomes `file`, closing what it held; -EBADF beyond the limit. */
  installAt(fd: number, file: OpenFile, flags = 0): number {
    if (fd < 0 || fd >= this.limit) return -E.EBADF;
    hold(file);
    if (this.files[fd] !== undefined) this.close(fd);
    this.files[fd] = file;
    if (flags & O.CLOEXEC) this.cloexec.add(fd);
    return fd;
  }

  close(fd: number): number {
    const f = this.get(fd);
    if (!f) return -E.EBADF;
    this.files[fd] = undefined;
    this.cloexec.delete(fd);
    release(f);
    return 0;
  }

  closeAll(): void {
    for (let fd = 0; fd < this.files.length; fd++) if (this.files[fd]) this.close(fd);
  }

  count(): number {
    return this.files.filter((f) => f !== undefined).length;
  }

  /** FD_CLOEXEC of `fd`. */
  closeOnExec(fd: number): boolean {
    return this.cloexec.has(fd);
  }

  setCloseOnExec(fd: number, on: boolean): void {
    if (on) this.cloexec.add(fd);
    else this.cloexec.delete(fd);
  }

  /** fork: a new table with the same open file descriptions and close-on-exec flags. */
  copy(): FdTable {
    const t = new FdTable(this.limit);
    this.files.forEach((f, fd) => {
      if (!f) return;
      t.files[fd] = f;
      hold(f);
      if (this.cloexec.has(fd)) t.cloexec.add(fd);
    });
    return t;
  }

  /** execve: closes every close-on-exec descriptor. */
  closeCloexec(): void {
    for (const fd of [...this.cloexec]) this.close(fd);
  }
}
