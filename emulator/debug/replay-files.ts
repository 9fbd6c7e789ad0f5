// Owns the debugged guest's view of host files when it may be rewound: a file the guest
// closed can be open again after a checkpoint restore (its description is machine state,
// the host descriptor is not), so each handle reopens the same path on its next use after a
// close. The debugger never writes host files (allowWrites is false), so a reopen reads the
// same bytes and replay reads what the first run read.
import type { HostFs, HostHandle, HostOpenFlags, HostStat } from '../kernel/vfs/host';
import { keepAsIs } from './checkpoint';

class ReopeningHandle implements HostHandle {
  constructor(
    private readonly fs: HostFs,
    private readonly path: string,
    private readonly flags: HostOpenFlags,
    private readonly mode: number,
    private live: HostHandle | undefined,
  ) {}

  private handle(): HostHandle | number {
    if (this.live) return this.live;
    const h = this.fs.open(this.path, { ...this.flags, create: false, exclusive: false, truncate: false }, this.mode);
    if (typeof h !== 'number') this.live = h;
    return h;
  }

  read(into: Uint8Array, position: bigint): number {
    const h = this.handle();
    return typeof h === 'number' ? h : h.read(into, position);
  }

  write(from: Uint8Array, position: bigint): number {
    const h = this.handle();
    return typeof h === 'number' ? h : h.write(from, position);
  }

  truncate(length: bigint): number {
    const h = this.handle();
    return typeof h === 'number' ? h : h.truncate(length);
  }

  stat(): HostStat | number {
    const h = this.handle();
    return typeof h === 'number' ? h : h.stat();
  }

  close(): void {
    this.live?.close();
    this.live = undefined;
  }
}

/** `fs` with handles that survive being rewound past their close (kept as they are by checkpoints). */
export function rewindableHostFs(fs: HostFs): HostFs {
  return keepAsIs<HostFs>({
    lstat: (path) => fs.lstat(path),
    readlink: (path) => fs.readlink(path),
    access: (path, mode) => fs.access(path, mode),
    unlink: (path) => fs.unlink(path),
    open(path, flags, mode) {
      const h = fs.open(path, flags, mode);
      return typeof h === 'number' ? h : keepAsIs(new ReopeningHandle(fs, path, flags, mode, h));
    },
  });
}
