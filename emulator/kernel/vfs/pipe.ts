// Owns pipes: one buffer of PIPE_BUF_SIZE bytes between a read end and a write end (open file
// descriptions, each closed when the last descriptor in any process goes). A read with no
// data waits while a writer exists and sees EOF after; a write waits while the buffer is
// full and fails with EPIPE (and SIGPIPE, sent by the caller) when no reader exists. Writes
// of at most PIPE_BUF bytes are atomic.
import { E, S_IFIFO, type FileFacts } from '../linux-abi';
import { WOULD_BLOCK, type OpenFile } from './files';

/** The pipe's capacity (Linux's default: 16 pages). */
export const PIPE_CAPACITY = 65536;
/** Writes up to this size are never split (POSIX PIPE_BUF). */
export const PIPE_BUF = 4096;

class PipeBuffer {
  private data = new Uint8Array(0);
  readers = 0;
  writers = 0;
  constructor(readonly ino: number) {}

  get size(): number {
    return this.data.length;
  }

  take(max: number): Uint8Array {
    const out = this.data.slice(0, max);
    this.data = this.data.slice(out.length);
    return out;
  }

  put(bytes: Uint8Array): void {
    const next = new Uint8Array(this.data.length + bytes.length);
    next.set(this.data);
    next.set(bytes, this.data.length);
    this.data = next;
  }
}

function pipeFacts(ino: number): FileFacts {
  return { dev: 0x0d, ino, mode: S_IFIFO | 0o600, nlink: 1, uid: 0, gid: 0, rdev: 0, size: 0, blksize: 4096, blocks: 0, atimeNs: 0n, mtimeNs: 0n, ctimeNs: 0n };
}

export class PipeReadEnd implements OpenFile {
  readonly readable = true;
  readonly writable = false;
  readonly tty = false;
  constructor(private readonly pipe: PipeBuffer) {
    pipe.readers++;
  }
  get name(): string {
    return `pipe:[${this.pipe.ino}]`;
  }
  read(max: number): Uint8Array | number | typeof WOULD_BLOCK {
    if (this.pipe.size > 0) return this.pipe.take(max);
    return this.pipe.writers > 0 ? WOULD_BLOCK : new Uint8Array(0);
  }
  readReady(): boolean {
    return this.pipe.size > 0 || this.pipe.writers === 0;
  }
  write(): number {
    return -E.EBADF;
  }
  seek(): number {
    return -E.ESPIPE;
  }
  stat(): FileFacts {
    return pipeFacts(this.pipe.ino);
  }
  close(): void {
    this.pipe.readers--;
  }
}

export class PipeWriteEnd implements OpenFile {
  readonly readable = false;
  readonly writable = true;
  readonly tty = false;
  constructor(private readonly pipe: PipeBuffer) {
    pipe.writers++;
  }
  get name(): string {
    return `pipe:[${this.pipe.ino}]`;
  }
  read(): number {
    return -E.EBADF;
  }
  /** Bytes written, -EPIPE with no reader, or WOULD_BLOCK when none fit (or an atomic write does not fit whole). */
  write(data: Uint8Array): number | typeof WOULD_BLOCK {
    if (this.pipe.readers === 0) return -E.EPIPE;
    const room = PIPE_CAPACITY - this.pipe.size;
    if (room === 0 || (data.length <= PIPE_BUF && room < data.length)) return WOULD_BLOCK;
    const n = Math.min(room, data.length);
    this.pipe.put(data.subarray(0, n));
    return n;
  }
  writeReady(): boolean {
    return this.pipe.readers === 0 || this.pipe.size < PIPE_CAPACITY;
  }
  seek(): number {
    return -E.ESPIPE;
  }
  stat(): FileFacts {
    return pipeFacts(this.pipe.ino);
  }
  close(): void {
    this.pipe.writers--;
  }
}

/** A new pipe's two ends (read, write); `ino` names it (pipe:[ino], fstat). */
export function newPipe(ino: number): [PipeReadEnd, PipeWriteEnd] {
  const buffer = new PipeBuffer(ino);
  return [new PipeReadEnd(buffer), new PipeWriteEnd(buffer)];
}
