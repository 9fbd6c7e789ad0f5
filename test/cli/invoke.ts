// Owns how a test runs one `vdso-lab` command line when the test is about what the command
// prints or decides, not about its process: through the bin (node dist/cli.js) at full scale,
// as `npm test` has always run it, and through runCli in this process at a smaller scale
// (test/support/scale.ts), which saves the node start-up and the bundle's load per call. Tests
// about the process (closed or full output, signals, stdin, peak memory, the environment, the
// worker threads beside dist/cli.js) spawn dist/cli.js themselves.
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { runCli } from '../../cli/run-cli';
import { TEST_SCALE } from '../support/scale';

export interface Invocation {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** `vdso-lab ARGS` from `cwd` (default: this process's): its status, stdout and stderr. */
export async function vdsoLab(args: readonly string[], cwd = process.cwd()): Promise<Invocation> {
  if (TEST_SCALE >= 1) {
    const r = spawnSync(process.execPath, [resolve('dist/cli.js'), ...args], { cwd, encoding: 'utf8', maxBuffer: 1 << 30, timeout: 120_000 });
    if (r.error) throw r.error;
    return { status: r.status, stdout: r.stdout, stderr: r.stderr };
  }
  let stdout = '';
  let stderr = '';
  const status = await runCli(args, { cwd, out: (t) => void (stdout += t), err: (t) => void (stderr += t) });
  return { status, stdout, stderr };
}
