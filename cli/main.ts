// The `vdso-lab` executable: hands argv to runCli with the process's stdout and stderr,
// written synchronously as commands produce them (a slow reader holds the command back
// instead of filling memory); a closed stdout (`| head`) ends the command quietly.
import { writeSync } from 'node:fs';
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

const io = {
  out: (text: string) => {
    if (writeAll(1, Buffer.from(text)) < 0) throw new OutputClosed();
  },
  // A closed stderr has nobody to tell: its text is dropped.
  err: (text: string) => void writeAll(2, Buffer.from(text)),
  outBytes: (bytes: Uint8Array) => writeAll(1, bytes),
  errBytes: (bytes: Uint8Array) => writeAll(2, bytes),
  cwd: process.cwd(),
};

runCli(process.argv.slice(2), io).then((status) => {
  process.exitCode = status;
});
