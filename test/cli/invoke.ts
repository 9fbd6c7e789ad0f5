// Owns how a test runs one `vdso-lab` command line when the test is about what the command
// prints or decides, not about its process: through the bin (node dist/cli.js) at full scale,
// as `npm test` has always run it, and through runCli in this process at a smaller scale
// (test/support/scale.ts), which saves the node start-up and the bundle's load per call. Tests
// about the process (closed or full output, signals, stdin, peak memory, the environment, the
// worker threads beside dist/cli.js) spawn dist/cli.js themselves, with node's arguments from
// cliArgs: the V8 budget the quick runner gives the test processes reaches their CLI processes too.
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { runCli } from '../../cli/run-cli';
import { TEST_SCALE } from '../support/scale';

/**
 * The V8 flags of this test process that the CLI processes it starts are given too: the quick
 * runner's interrupt budget (scripts/test-quick.mjs, docs/testing.md), none under npm test. A
 * CLI process of a few hundred milliseconds to two seconds otherwise spends a third of its CPU
 * having TurboFan optimize code it then runs briefly (docs/speed-and-exactness.md).
 */
const CHILD_V8_FLAGS: readonly string[] = process.execArgv.filter((a) => a.startsWith('--interrupt-budget='));

/** node's arguments that start the bin (dist/cli.js), with `options` (a heap cap) before it. */
export function cliArgs(...options: string[]): string[] {
  return [...CHILD_V8_FLAGS, ...options, resolve('dist/cli.js')];
}

/** The same as the start of a shell command line, after `node` (default: this process's node). */
export function cliCommand(node = process.execPath): string {
  return [node, ...cliArgs()].join(' ');
}

export interface Invocation {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** `vdso-lab ARGS` from `cwd` (default: this process's): its status, stdout and stderr. */
export async function vdsoLab(args: readonly string[], cwd = process.cwd()): Promise<Invocation> {
  if (TEST_SCALE >= 1) {
    const r = spawnSync(process.execPath, [...cliArgs(), ...args], { cwd, encoding: 'utf8', maxBuffer: 1 << 30, timeout: 120_000 });
    if (r.error) throw r.error;
    return { status: r.status, stdout: r.stdout, stderr: r.stderr };
  }
  let stdout = '';
  let stderr = '';
  const status = await runCli(args, { cwd, out: (t) => void (stdout += t), err: (t) => void (stderr += t) });
  return { status, stdout, stderr };
}
