// Owns running one outside tool for the tests and turning its failure into an error that says
// what failed; a missing tool names what .ci/run must install (nothing skips).
import { spawnSync } from 'node:child_process';

/** Runs a tool and returns its stdout; throws with the tool's stderr when it fails. */
export function run(tool: string, args: readonly string[], options: { cwd?: string; input?: string } = {}): string {
  const r = spawnSync(tool, args, { cwd: options.cwd, input: options.input, encoding: 'utf8', maxBuffer: 256 << 20 });
  if (r.error) {
    const code = (r.error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new Error(`oracle '${tool}' is not installed: .ci/run must install it`);
    throw r.error;
  }
  if (r.status !== 0) throw new Error(`${tool} ${args.join(' ')} failed (${r.status}): ${r.stderr}`);
  return r.stdout;
}
