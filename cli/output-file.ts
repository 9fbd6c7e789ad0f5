// Owns writing every file a command produces (asm -o, capture-host -o, start's saved
// image), the way GNU tools write them: a regular file, or a symlink to one, is replaced
// atomically through a temporary file made with O_EXCL|O_NOFOLLOW under a random name in
// the target's real folder and renamed over the symlink's target (never the symlink
// itself); a device, FIFO or socket is opened and written directly, as `as -o /dev/null`
// does. A temporary file is removed on every way out: an error, process exit, and the
// terminating signals (which then go on to end the process as they would have).
import { randomBytes } from 'node:crypto';
import {
  closeSync, constants, fchmodSync, fstatSync, lstatSync, openSync, readlinkSync, realpathSync, renameSync, statSync, unlinkSync, writeSync,
} from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { InputError } from '../toolchain/errors';

/** Symlink hops followed before giving up, as the kernel's MAXSYMLINKS. */
const MAX_LINKS = 40;
/** Temporary names tried before giving up when each is already taken. */
const MAX_TEMP_TRIES = 100;
/** Signals that end a process by default and that a user sends to stop a command. */
const SIGNALS: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT'];

export interface OutputOptions {
  /** Permission bits less the umask, as ld gives a program (default: an existing file keeps its own, a new one gets 0o666 less the umask). */
  readonly mode?: number;
  /** The random part of temporary names (tests pass a fixed one to plant a file under it). */
  readonly randomName?: () => string;
}

const liveTemps = new Set<string>();
let handlersInstalled = false;

function removeTemp(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // Already gone: nothing left to remove.
  }
  liveTemps.delete(path);
}

function removeLiveTemps(): void {
  for (const path of [...liveTemps]) removeTemp(path);
}

/**
 * Installed once, on the first write: a signal that arrives while a temporary file exists
 * is handled only after the synchronous write has renamed or removed it, and then ends the
 * process as the signal's default action would.
 */
function installCleanup(): void {
  if (handlersInstalled) return;
  handlersInstalled = true;
  process.on('exit', removeLiveTemps);
  for (const signal of SIGNALS) {
    const handler = (): void => {
      removeLiveTemps();
      for (const s of SIGNALS) process.removeAllListeners(s);
      process.kill(process.pid, signal);
    };
    // Only where nobody else (a server, a test runner) decided what the signal does.
    if (process.listenerCount(signal) === 0) process.on(signal, handler);
  }
}

function code(e: unknown): string {
  return (e as NodeJS.ErrnoException).code ?? (e as Error).message;
}

/** Where a write to `path` lands: `path` itself, or the file at the end of its symlinks. */
function finalTarget(path: string, shownAs: string): string {
  let target = path;
  for (let hops = 0; hops <= MAX_LINKS; hops++) {
    let link;
    try {
      link = lstatSync(target);
    } catch (e) {
      if (code(e) === 'ENOENT') return target;
      throw new InputError(shownAs, '', `cannot write the output: ${code(e)}`);
    }
    if (!link.isSymbolicLink()) return target;
    target = resolve(dirname(target), readlinkSync(target));
  }
  throw new InputError(shownAs, '', 'cannot write the output: ELOOP (too many symbolic links)');
}

function writeAll(fd: number, bytes: Uint8Array): void {
  for (let done = 0; done < bytes.length; ) done += writeSync(fd, bytes, done, bytes.length - done);
}

/** Opens and writes a device, FIFO or socket in place (a FIFO waits for its reader, as with GNU as). */
function writeInPlace(target: string, shownAs: string, bytes: Uint8Array): void {
  let fd: number;
  try {
    fd = openSync(target, constants.O_WRONLY);
  } catch (e) {
    throw new InputError(shownAs, '', `cannot write the output: ${code(e)}`);
  }
  try {
    writeAll(fd, bytes);
  } catch (e) {
    throw new InputError(shownAs, '', `cannot write the output: ${code(e)}`);
  } finally {
    closeSync(fd);
  }
}

/** Creates a fresh temporary file beside `target`, never following or reusing a name that exists. */
function createTemp(folder: string, name: string, shownAs: string, randomName: () => string): { path: string; fd: number } {
  for (let tries = 0; tries < MAX_TEMP_TRIES; tries++) {
    const path = join(folder, `.${name}.${randomName()}.tmp`);
    try {
      const fd = openSync(path, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o600);
      liveTemps.add(path);
      return { path, fd };
    } catch (e) {
      if (code(e) !== 'EEXIST') throw new InputError(shownAs, '', `cannot write the output: ${code(e)}`);
    }
  }
  throw new InputError(shownAs, '', `cannot write the output: no free temporary name in ${folder}`);
}

/** Writes `bytes` as the content of `path` (resolved already); errors are one-line InputErrors naming `shownAs`. */
export function writeOutputFile(path: string, shownAs: string, bytes: Uint8Array, options: OutputOptions = {}): void {
  const target = finalTarget(path, shownAs);
  let existing;
  try {
    existing = statSync(target);
  } catch (e) {
    if (code(e) !== 'ENOENT') throw new InputError(shownAs, '', `cannot write the output: ${code(e)}`);
  }
  if (existing?.isDirectory()) throw new InputError(shownAs, '', 'cannot write the output: it is a directory');
  if (existing && !existing.isFile()) return writeInPlace(target, shownAs, bytes);

  let folder: string;
  try {
    folder = realpathSync(dirname(target));
  } catch (e) {
    throw new InputError(shownAs, '', `cannot write the output: ${dirname(target)}: ${code(e)}`);
  }
  installCleanup();
  const randomName = options.randomName ?? (() => randomBytes(8).toString('hex'));
  const temp = createTemp(folder, basename(target), shownAs, randomName);
  try {
    try {
      const mode = options.mode !== undefined ? options.mode & ~process.umask() : existing ? existing.mode & 0o7777 : 0o666 & ~process.umask();
      fchmodSync(temp.fd, mode);
      writeAll(temp.fd, bytes);
      if (fstatSync(temp.fd).size !== bytes.length) throw new Error('short write');
    } finally {
      closeSync(temp.fd);
    }
    renameSync(temp.path, join(folder, basename(target)));
    liveTemps.delete(temp.path);
  } catch (e) {
    removeTemp(temp.path);
    if (e instanceof InputError) throw e;
    throw new InputError(shownAs, '', `cannot write the output: ${code(e)}`);
  }
}
