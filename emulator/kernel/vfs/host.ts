// Owns the narrow interface through which the guest file system reaches the host's files
// (injected: the CLI and tests pass node-host.ts, a debugger may pass its own). Paths given
// to it are host paths the resolver built inside the guest root, every component already
// checked not to be a symlink; `open` must not follow a symlink in the last component.
// Errors are negative errno numbers (-ENOENT), never exceptions.
import type { FileFacts } from '../linux-abi';

export type HostFileKind = 'file' | 'dir' | 'symlink' | 'char' | 'fifo' | 'other';

/** What the host says of a file: the facts stat64/statx report (mode with the type bits), and its kind. */
export interface HostStat extends FileFacts {
  readonly kind: HostFileKind;
}

export interface HostOpenFlags {
  readonly read: boolean;
  readonly write: boolean;
  readonly create: boolean;
  readonly exclusive: boolean;
  readonly truncate: boolean;
  readonly directory: boolean;
}

export interface HostHandle {
  /** Reads up to into.length bytes at `position` (exact 64-bit); bytes read or -errno. */
  read(into: Uint8Array, position: bigint): number;
  /** Writes at `position`; bytes written or -errno (-EFBIG past what the host file system takes). */
  write(from: Uint8Array, position: bigint): number;
  /** Sets the file's length; 0 or -errno (-EFBIG past what the host takes). */
  truncate(length: bigint): number;
  stat(): HostStat | number;
  /**
   * The largest offset the host's file system takes for this file (its s_maxbytes), as far as
   * the host can tell; absent: MAX_LFS_FILESIZE. lseek past it is -EINVAL.
   */
  maxOffset?(): bigint;
  close(): void;
}

export interface HostFs {
  /** Like lstat(2): a symlink is reported as one. */
  lstat(path: string): HostStat | number;
  readlink(path: string): string | number;
  /** Opens without following a final symlink (O_NOFOLLOW). */
  open(path: string, flags: HostOpenFlags, mode: number): HostHandle | number;
  /** Whether the host would allow the access (access(2) mode bits R=4 W=2 X=1). */
  access(path: string, mode: number): number;
  /** Removes a name that is not a directory, a symlink itself rather than its target (unlink(2)); 0 or -errno. */
  unlink(path: string): number;
}
