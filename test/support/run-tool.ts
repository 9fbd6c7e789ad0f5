// Owns running outside tools for the tests and turning a failure into an error that says what
// failed; a missing tool names what .ci/run must install (nothing skips). Several invocations
// a file needs at once can run from one shell (runEach): each process a test process starts
// costs it a fork of itself (docs/testing.md).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

function notInstalled(tool: string): Error {
  return new Error(`oracle '${tool}' is not installed: .ci/run must install it`);
}

function failed(tool: string, args: readonly string[], status: number | null, stderr: string): Error {
  return new Error(`${tool} ${args.join(' ')} failed (${status}): ${stderr}`);
}

/** Runs a tool and returns its stdout; throws with the tool's stderr when it fails. */
export function run(tool: string, args: readonly string[], options: { cwd?: string; input?: string } = {}): string {
  const r = spawnSync(tool, args, { cwd: options.cwd, input: options.input, encoding: 'utf8', maxBuffer: 256 << 20 });
  if (r.error) {
    const code = (r.error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw notInstalled(tool);
    throw r.error;
  }
  if (r.status !== 0) throw failed(tool, args, r.status, r.stderr);
  return r.stdout;
}

export interface ToolRun {
  readonly tool: string;
  readonly args: readonly string[];
  readonly cwd: string;
}

/**
 * Runs each of `runs` in its folder, one after another, from one shell; returns a function per
 * run giving its stdout or throwing as `run` would, so that each caller (a test sharing the
 * runs with the file's other tests) fails alone.
 */
export function runEach(runs: readonly ToolRun[]): Array<() => string> {
  const dir = mkdtempSync(join(tmpdir(), 'vdso-lab-each-'));
  try {
    const quote = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;
    const lines = runs.map((r, k) => `(cd ${quote(r.cwd)} && exec ${[r.tool, ...r.args].map(quote).join(' ')}) >${k}.out 2>${k}.err; echo $? >${k}.status`);
    writeFileSync(join(dir, 'runs.sh'), lines.join('\n') + '\n');
    const shell = spawnSync('sh', ['runs.sh'], { cwd: dir, encoding: 'utf8' });
    if (shell.error || shell.status !== 0) throw new Error(`sh could not run the tools: ${shell.error?.message ?? shell.stderr}`);
    return runs.map((r, k) => {
      const status = Number(readFileSync(join(dir, `${k}.status`), 'utf8'));
      const stdout = readFileSync(join(dir, `${k}.out`), 'utf8');
      const stderr = readFileSync(join(dir, `${k}.err`), 'utf8');
      return () => {
        if (status === 127) throw notInstalled(r.tool);
        if (status !== 0) throw failed(r.tool, r.args, status, stderr);
        return stdout;
      };
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
