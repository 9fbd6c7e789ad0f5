// Owns running several `vdso-lab` command lines in one child process instead of one process
// each, for tests whose cases are about the CLI's limits (a heap cap, a bound on time) but
// not about its start: the calling test file's own bundle is started again with the command
// lines in an environment variable, and there answerBatch() runs each through runCli in turn
// and writes their results to stdout as one JSON line. The child's bounds hold for the whole
// batch as they held for each command line alone; a batch that runs into them fails as a whole.
// A command line may carry settings of its own (environment variables), set for it alone.
import { spawnSync } from 'node:child_process';
import { runCli } from '../../cli/run-cli';
import type { Invocation } from './invoke';

const VARIABLE = 'VDSO_LAB_TEST_CLI_BATCH';

/** Whether this process is a batch's child (its test file then registers no tests). */
export const isBatchChild = process.env[VARIABLE] !== undefined;

/** One command line of a batch: its arguments, or its arguments and the settings it runs with. */
export type BatchLine = readonly string[] | { readonly args: readonly string[]; readonly env: Readonly<Record<string, string>> };

/** In a batch's child: runs the command lines from `cwd` and writes their results. */
export function answerBatch(): void {
  const lines = JSON.parse(process.env[VARIABLE]!) as BatchLine[];
  void (async () => {
    const results: Invocation[] = [];
    for (const line of lines) {
      const { args, env } = 'args' in line ? line : { args: line, env: {} };
      // The child is the batch's own process: a line's settings are set for it and taken away after.
      const before = Object.fromEntries(Object.keys(env).map((name) => [name, process.env[name]]));
      Object.assign(process.env, env);
      let stdout = '';
      let stderr = '';
      const status = await runCli([...args], { cwd: process.cwd(), out: (t) => void (stdout += t), err: (t) => void (stderr += t) });
      for (const [name, value] of Object.entries(before)) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
      results.push({ status, stdout, stderr });
    }
    process.stdout.write(JSON.stringify(results) + '\n');
  })();
}

export interface BatchOutcome {
  /** One result per command line, in order; undefined when the child did not finish. */
  readonly results: readonly Invocation[] | undefined;
  /** How the child ended when it did not finish: its signal (a timeout, the heap) or its stderr. */
  readonly failure: string;
}

/** Runs `lines` in one child on `file` (the calling test's __filename) from `cwd`, under node's `options` and `timeout` ms. */
export function runBatch(file: string, lines: readonly BatchLine[], cwd: string, options: readonly string[], timeout: number): BatchOutcome {
  const r = spawnSync(process.execPath, [...options, file], { cwd, encoding: 'utf8', timeout, env: { ...process.env, [VARIABLE]: JSON.stringify(lines) } });
  if (r.status === 0 && r.signal === null) {
    const results = JSON.parse(r.stdout) as Invocation[];
    if (results.length === lines.length) return { results, failure: '' };
  }
  return { results: undefined, failure: `ended by ${r.signal ?? `status ${r.status}`}: ${r.stderr}` };
}
