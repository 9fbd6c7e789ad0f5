// Runs a command and every process it starts as one process group that ends with it: the quick
// runner's `node --test` (scripts/test-quick.mjs), whose group processes and their tools outlived
// it when it died (`npm run test:quick | head`: its stdout closed, it died at its next write and
// the groups ran on, orphaned). Nothing here writes to stdout, so a closed one is noticed at the
// command's next write (the spec reporter's next file done). The command starts in a process
// group of its own; when it ends, however it ends, whatever of the group is left is killed; a
// SIGINT (Ctrl-C), SIGTERM or SIGHUP to this process ends the whole group first (the terminal's
// Ctrl-C no longer reaches a group outside its foreground one). Run as a program (`node scripts/process-group.mjs COMMAND
// ARGS...`) it exits as the command did (tested by test/scripts/process-group.test.ts).
import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import { fileURLToPath } from 'node:url';

/** Signals to this process that end the command's group (the command's own is SIGTERM). */
const ENDING = ['SIGINT', 'SIGTERM', 'SIGHUP'];

/** Sends `signal` to every process of group `group` (none left is not an error). */
function signalGroup(group, signal) {
  try {
    process.kill(-group, signal);
  } catch (e) {
    if (e.code !== 'ESRCH') throw e;
  }
}

/**
 * Runs `file` with `args` (spawn's `options`, stdio inherited by default) in a process group of its
 * own; resolves with how it ended ({ code, signal }) once the rest of its group is killed, or,
 * when this process got an ending signal, with that signal after the group is ended.
 */
export function runAsGroup(file, args, options = {}) {
  const child = spawn(file, args, { stdio: 'inherit', ...options, detached: true });
  let ended;
  const onSignal = (signal) => {
    ended ??= signal;
    signalGroup(child.pid, 'SIGTERM');
  };
  for (const s of ENDING) process.on(s, onSignal);
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      // What is left (the groups of a `node --test` that died, a tool they started) has no one to wait for it.
      signalGroup(child.pid, 'SIGKILL');
      for (const s of ENDING) process.off(s, onSignal);
      resolve(ended ? { code: null, signal: ended } : { code, signal });
    });
  });
}

/** The status a shell gives a command that ended so: its code, or 128 + its signal's number. */
export function exitStatus({ code, signal }) {
  return code ?? 128 + (constants.signals[signal] ?? 0);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [file, ...args] = process.argv.slice(2);
  process.exit(exitStatus(await runAsGroup(file, args)));
}
