// The `vdso-lab` executable: hands argv to runCli with the process's stdout and stderr,
// written synchronously as commands produce them (a slow reader holds the command back
// instead of filling memory); a closed stdout (`| head`), or a closed stderr under a command
// whose output goes there (`run --trace`), ends the command quietly; a stdout closed at start
// (`>&-`) or a failed write ends it with one line on stderr.
import { readFileSync, readlinkSync, writeSync } from 'node:fs';
import { EXIT_OUTPUT_CLOSED, OutputClosed, OutputFailed } from './command';
import { runCli } from './run-cli';

const EBADF = -9;
/** The text Linux's strerror gives for EBADF: what a write to a closed descriptor would have said. */
const BAD_FILE_DESCRIPTOR = 'Bad file descriptor';

/** Writes all bytes to `fd`, waiting while a non-blocking pipe is full; the bytes written, or the error that stopped it. */
function writeAll(fd: number, bytes: Uint8Array): number | NodeJS.ErrnoException {
  let done = 0;
  while (done < bytes.length) {
    try {
      done += writeSync(fd, bytes, done, bytes.length - done);
    } catch (e) {
      const error = e as NodeJS.ErrnoException;
      if (error.code === 'EAGAIN') {
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1);
        continue;
      }
      return error;
    }
  }
  return done;
}

/** A failed write's negative errno (for the guest's write), EIO when the error has none. */
function errnoOf(r: number | NodeJS.ErrnoException): number {
  return typeof r === 'number' ? r : (r.errno ?? -5);
}

/** stdout's rule for a command's own output: a gone reader ends the command quietly, any other failure with one line. */
function checked(r: number | NodeJS.ErrnoException): void {
  if (typeof r === 'number') return;
  if (r.code === 'EPIPE') throw new OutputClosed();
  // libuv's text for the error ("no space left on device, write"), as strerror words it.
  const text = r.message.replace(/^[A-Z0-9]+: /, '').replace(/, write$/, '');
  throw new OutputFailed(text.charAt(0).toUpperCase() + text.slice(1));
}

/**
 * Whether descriptor `fd` was closed when the process started (`2>&-`). Node never lets a
 * program see that: at start-up it puts /dev/null, opened read-write, on each of 0, 1 and 2
 * that is closed, where a shell's `2>/dev/null` opens it write-only. Linux's /proc tells them apart.
 */
function closedAtStart(fd: number): boolean {
  try {
    if (readlinkSync(`/proc/self/fd/${fd}`) !== '/dev/null') return false;
    const flags = /^flags:\s*([0-7]+)$/m.exec(readFileSync(`/proc/self/fdinfo/${fd}`, 'utf8'));
    const O_ACCMODE = 3, O_RDWR = 2;
    return flags !== null && (parseInt(flags[1]!, 8) & O_ACCMODE) === O_RDWR;
  } catch {
    return false;
  }
}

const stdoutClosed = closedAtStart(1);
const stderrClosed = closedAtStart(2);

const io = {
  out: (text: string) => {
    if (stdoutClosed) throw new OutputFailed(BAD_FILE_DESCRIPTOR);
    checked(writeAll(1, Buffer.from(text)));
  },
  // A closed stderr has nobody to tell: its text is dropped.
  err: (text: string) => void writeAll(2, Buffer.from(text)),
  outBytes: (bytes: Uint8Array) => (stdoutClosed ? EBADF : errnoOf(writeAll(1, bytes))),
  errBytes: (bytes: Uint8Array) => (stderrClosed ? EBADF : errnoOf(writeAll(2, bytes))),
  // What a command prints on stderr as its output (a trace) follows stdout's rule.
  errData: (text: string) => {
    if (stderrClosed) throw new OutputClosed();
    const r = writeAll(2, Buffer.from(text));
    if (typeof r !== 'number') throw new OutputClosed();
  },
  outClosed: stdoutClosed,
  cwd: process.cwd(),
};

runCli(process.argv.slice(2), io).then((status) => {
  process.exitCode = status;
  // A server whose client stopped reading ends now, whatever still listens on stdin.
  if (status === EXIT_OUTPUT_CLOSED) process.exit(status);
});
