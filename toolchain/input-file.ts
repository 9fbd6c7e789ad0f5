// Owns reading every file the project takes as input (programs, vDSOs, kernel images, .S
// sources and their #includes, --stdin, launch.json's program): the file is opened without
// blocking, checked to be a regular file (a folder, FIFO, device or socket is a one-line
// InputError, never an endless read or a wait), and its size capped before any byte is read.
// The caps are settings: VDSO_LAB_INPUT_LIMIT and VDSO_LAB_KERNEL_IMAGE_LIMIT, in bytes or
// with a K, M or G suffix (defaults 256M and 1G).
import { closeSync, constants, fstatSync, openSync, readSync, type Stats } from 'node:fs';
import { InputError } from './errors';

export const DEFAULT_INPUT_LIMIT = 256 * 2 ** 20;
export const DEFAULT_KERNEL_IMAGE_LIMIT = 2 ** 30;

export type InputKind = 'input' | 'kernel-image';

/** Parses a size setting: digits with an optional K, M or G (powers of 1024). */
export function parseSize(text: string): number | undefined {
  const m = /^\s*([0-9]+)\s*([KMG]?)i?B?\s*$/i.exec(text);
  if (!m) return undefined;
  const n = Number(m[1]) * 1024 ** ' KMG'.indexOf((m[2] || ' ').toUpperCase());
  return Number.isSafeInteger(n) && n > 0 ? n : undefined;
}

/** The size cap for a kind of input, from its setting (the environment) or the default. */
export function inputLimit(kind: InputKind, env: NodeJS.ProcessEnv = process.env): number {
  const name = kind === 'kernel-image' ? 'VDSO_LAB_KERNEL_IMAGE_LIMIT' : 'VDSO_LAB_INPUT_LIMIT';
  const fallback = kind === 'kernel-image' ? DEFAULT_KERNEL_IMAGE_LIMIT : DEFAULT_INPUT_LIMIT;
  const text = env[name];
  if (text === undefined || text === '') return fallback;
  const n = parseSize(text);
  if (n === undefined) throw new InputError(name, '', `expected a size in bytes, with an optional K, M or G (got '${text}')`);
  return n;
}

/** What a non-regular file is, in the words an error uses. */
export function fileKind(st: Stats): string | undefined {
  if (st.isFile()) return undefined;
  if (st.isDirectory()) return 'a folder';
  if (st.isFIFO()) return 'a FIFO';
  if (st.isCharacterDevice() || st.isBlockDevice()) return 'a device';
  if (st.isSocket()) return 'a socket';
  return 'not a regular file';
}

function why(e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'no such file';
  if (code === 'ENXIO') return 'a socket or a device with nothing behind it, not a file';
  if (code === 'EACCES') return 'permission denied';
  return code ? `cannot be read (${code})` : 'cannot be read';
}

function fmtSize(n: number): string {
  return n % 2 ** 30 === 0 ? `${n / 2 ** 30} GiB` : n % 2 ** 20 === 0 ? `${n / 2 ** 20} MiB` : `${n} bytes`;
}

export interface ReadInputOptions {
  readonly kind?: InputKind;
  /** What the file is to the command ("the program", "the vDSO image"), put before the reason. */
  readonly what?: string;
  /** A cap overriding the setting. */
  readonly limit?: number;
}

/** A regular file's bytes; a one-line InputError (naming `shownAs`) for anything else. */
export function readInputFile(path: string, shownAs: string, options: ReadInputOptions = {}): Uint8Array {
  const prefix = options.what ? `${options.what}: ` : '';
  const limit = options.limit ?? inputLimit(options.kind ?? 'input');
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOCTTY);
  } catch (e) {
    throw new InputError(shownAs, '', prefix + ((e as NodeJS.ErrnoException).code === 'EISDIR' ? 'is a folder, not a file' : why(e)));
  }
  try {
    const st = fstatSync(fd);
    const kind = fileKind(st);
    if (kind) throw new InputError(shownAs, '', `${prefix}is ${kind}, not a file`);
    if (st.size > limit) throw new InputError(shownAs, '', `${prefix}${st.size} bytes is more than the limit of ${fmtSize(limit)}`);
    // One byte more than stat promised tells a file that grows while it is read.
    const bytes = new Uint8Array(st.size + 1);
    let done = 0;
    for (;;) {
      const n = readSync(fd, bytes, done, bytes.length - done, null);
      if (n === 0) break;
      done += n;
      if (done === bytes.length) throw new InputError(shownAs, '', `${prefix}grew while it was read`);
    }
    return bytes.subarray(0, done);
  } catch (e) {
    if (e instanceof InputError) throw e;
    throw new InputError(shownAs, '', prefix + why(e));
  } finally {
    closeSync(fd);
  }
}

/** A regular file's text (UTF-8). */
export function readInputText(path: string, shownAs: string, options: ReadInputOptions = {}): string {
  return Buffer.from(readInputFile(path, shownAs, options)).toString('utf8');
}

/**
 * An #include candidate: its text, undefined when there is no such file or it is a folder
 * (the search goes on, as cpp's does), a one-line InputError for a FIFO, device or socket.
 */
export function readIncludeCandidate(path: string, shownAs: string = path): string | undefined {
  try {
    return readInputText(path, shownAs);
  } catch (e) {
    if (e instanceof InputError && (e.detail === 'no such file' || e.detail.startsWith('is a folder'))) return undefined;
    throw e;
  }
}

/** A stream opened for reading as its reader asks: up to `max` bytes, an empty array at its end. */
export interface InputStreamSource {
  read(max: number): Uint8Array;
  close(): void;
}

/**
 * A stream (a FIFO, a device, a pipe) read as its reader asks, never buffered ahead: what
 * --stdin reads when it names something that is not a regular file, as the guest would read
 * a pipe. More than `limit` bytes in all is a one-line InputError, as a regular file's size is.
 */
export function openInputStream(path: string, shownAs: string, limit: number = inputLimit('input')): InputStreamSource {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NOCTTY);
  } catch (e) {
    throw new InputError(shownAs, '', why(e));
  }
  let open = true;
  let total = 0;
  const close = (): void => {
    if (open) closeSync(fd);
    open = false;
  };
  try {
    if (fstatSync(fd).isDirectory()) throw new InputError(shownAs, '', 'is a folder, not a file');
  } catch (e) {
    close();
    throw e instanceof InputError ? e : new InputError(shownAs, '', why(e));
  }
  return {
    read(max: number): Uint8Array {
      if (!open || max <= 0) return new Uint8Array(0);
      const chunk = new Uint8Array(Math.min(max, 1 << 16));
      let n: number;
      try {
        n = readSync(fd, chunk, 0, chunk.length, null);
      } catch (e) {
        close();
        throw new InputError(shownAs, '', why(e));
      }
      total += n;
      if (total > limit) {
        close();
        throw new InputError(shownAs, '', `more than the limit of ${fmtSize(limit)} (a stream without end?)`);
      }
      return chunk.subarray(0, n);
    },
    close,
  };
}
