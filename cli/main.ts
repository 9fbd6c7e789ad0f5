// The `vdso-lab` executable: hands argv to runCli with the process's stdout and stderr,
// written synchronously as commands produce them (a slow reader holds the command back
// instead of filling memory); a closed stdout (`| head`), or a closed stderr under a command
// whose output goes there (`run --trace`), ends the command quietly.
import { readFileSync, readlinkSync, writeSync } from 'node:fs';
import { OutputClosed } from './command';
import { runCli } from './run-cli';

const EPIPE = -32;

/** Writes all bytes to `fd`, waiting while a non-blocking pipe is full; bytes written or -EPIPE. */
function writeAll(fd: number, bytes: Uint8Array): number {
  let done = 0;
  while (done < bytes.length) {
    try {
      done += writeSync(fd, bytes, done, bytes.length - done);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'EAGAIN') {
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1);
        continue;
      }
      if (code === 'EPIPE') return EPIPE;
      throw e;
    }
  }
  return done;
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

const stderrClosed = closedAtStart(2);

const io = {
  out: (text: string) => {
    if (writeAll(1, Buffer.from(text)) < 0) throw new OutputClosed();
  },
  // A closed stderr has nobody to tell: its text is dropped.
  err: (text: string) => void writeAll(2, Buffer.from(text)),
  outBytes: (bytes: Uint8Array) => writeAll(1, bytes),
  errBytes: (bytes: Uint8Array) => writeAll(2, bytes),
  // What a command prints on stderr as its output (a trace) follows stdout's rule.
  errData: (text: string) => {
    if (stderrClosed || writeAll(2, Buffer.from(text)) < 0) throw new OutputClosed();
  },
  cwd: process.cwd(),
};

runCli(process.argv.slice(2), io).then((status) => {
  process.exitCode = status;
});
