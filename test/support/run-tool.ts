// Owns running outside tools for the tests and turning a failure into an error that says what
// failed; a missing tool names what .ci/run must install (nothing skips). Several invocations
// a file needs at once can run from one shell (runEach): each process a test process starts
// costs it a fork of itself, and each tool's start its own page faults (docs/testing.md), so
// readelf, objdump or nm runs that differ only in their file are one run over all the files, its
// output cut at the header each tool prints before each file.
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
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
  return stdoutOf(tool, args, spawnSync(tool, args, { cwd: options.cwd, input: options.input, encoding: 'utf8', maxBuffer: 256 << 20 }));
}

/** A finished run's stdout, or the error `run` throws for it. */
function stdoutOf(tool: string, args: readonly string[], r: SpawnSyncReturns<string>): string {
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

/** The header readelf, objdump and nm print before each file's output when given several files. */
const FILE_HEADER: Readonly<Record<string, (file: string) => string>> = {
  readelf: (file) => `\nFile: ${file}\n`,
  objdump: (file) => `\n${file}:     file format `,
  nm: (file) => `\n${file}:\n`,
};

/** Whether the header is part of the file's own output (objdump prints it for a single file too). */
const HEADER_IS_OUTPUT: Readonly<Record<string, boolean>> = { readelf: false, objdump: true, nm: false };

/**
 * The runs of `runs` that can be one run: the same readelf, objdump or nm options in the same
 * folder, the last argument (the file) apart; each list of two or more, by index.
 */
function mergeable(runs: readonly ToolRun[]): number[][] {
  const lists = new Map<string, number[]>();
  runs.forEach((r, k) => {
    const file = r.args[r.args.length - 1];
    if (!(r.tool in FILE_HEADER) || file === undefined || file.startsWith('-')) return;
    const key = JSON.stringify([r.tool, r.cwd, r.args.slice(0, -1)]);
    lists.set(key, [...(lists.get(key) ?? []), k]);
  });
  return [...lists.values()].filter((list) => list.length > 1);
}

/** The output of one file of a run over several, cut at the tools' headers; null where a header is missing. */
function cut(tool: string, stdout: string, files: readonly string[]): string[] | null {
  const starts: number[] = [];
  let from = 0;
  for (const file of files) {
    const at = stdout.indexOf(FILE_HEADER[tool]!(file), from);
    if (at < 0) return null;
    starts.push(at);
    from = at + FILE_HEADER[tool]!(file).length;
  }
  return files.map((file, k) => stdout.slice(HEADER_IS_OUTPUT[tool] ? starts[k]! : starts[k]! + FILE_HEADER[tool]!(file).length, starts[k + 1] ?? stdout.length));
}

/**
 * Runs each of `runs` in its folder, one after another, from one shell; returns a function per
 * run giving its stdout or throwing as `run` would, so that each caller (a test sharing the
 * runs with the file's other tests) fails alone. readelf, objdump and nm runs that differ only in
 * their last argument, the file, are one run over all their files; where that run fails, the
 * shell runs each alone, so a failure names its own file with its own stderr. A single run, or
 * a single run over every file, starts no shell.
 */
export function runEach(runs: readonly ToolRun[]): Array<() => string> {
  if (runs.length === 1) {
    // One run: no shell.
    const { tool, args, cwd } = runs[0]!;
    const r = spawnSync(tool, args, { cwd, encoding: 'utf8', maxBuffer: 256 << 20 });
    return [() => stdoutOf(tool, args, r)];
  }
  const dir = mkdtempSync(join(tmpdir(), 'vdso-lab-each-'));
  try {
    const quote = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;
    const alone = (k: number): string => {
      const r = runs[k]!;
      return `(cd ${quote(r.cwd)} && exec ${[r.tool, ...r.args].map(quote).join(' ')}) >${k}.out 2>${k}.err; echo $? >${k}.status`;
    };
    const lists = mergeable(runs);
    const inList = new Map(lists.flatMap((list, m) => list.map((k) => [k, m] as const)));
    const lines = runs.flatMap((r, k) => {
      const m = inList.get(k);
      if (m === undefined) return [alone(k)];
      const list = lists[m]!;
      if (list[0] !== k) return [];
      const files = list.map((i) => runs[i]!.args[runs[i]!.args.length - 1]!);
      const together = `(cd ${quote(r.cwd)} && exec ${[r.tool, ...r.args.slice(0, -1), ...files].map(quote).join(' ')}) >m${m}.out 2>m${m}.err`;
      return [`if ${together}; then echo 0 >m${m}.status; else echo 1 >m${m}.status`, ...list.map(alone), 'fi'];
    });
    if (lists.length === 1 && lists[0]!.length === runs.length) {
      // One run over every file: no shell, unless it fails.
      const { tool, args, cwd } = runs[0]!;
      const files = runs.map((r) => r.args[r.args.length - 1]!);
      const r = spawnSync(tool, [...args.slice(0, -1), ...files], { cwd, encoding: 'utf8', maxBuffer: 256 << 20 });
      const parts = r.status === 0 ? cut(tool, r.stdout, files) : null;
      if (parts !== null) return parts.map((part) => () => part);
    }
    writeFileSync(join(dir, 'runs.sh'), lines.join('\n') + '\n');
    const shell = spawnSync('sh', ['runs.sh'], { cwd: dir, encoding: 'utf8' });
    if (shell.error || shell.status !== 0) throw new Error(`sh could not run the tools: ${shell.error?.message ?? shell.stderr}`);
    const fromLists = new Map<number, () => string>();
    lists.forEach((list, m) => {
      if (readFileSync(join(dir, `m${m}.status`), 'utf8').trim() !== '0') return;
      const { tool, args } = runs[list[0]!]!;
      const files = list.map((i) => runs[i]!.args[runs[i]!.args.length - 1]!);
      const parts = cut(tool, readFileSync(join(dir, `m${m}.out`), 'utf8'), files);
      list.forEach((k, i) => fromLists.set(k, () => {
        if (parts === null) throw new Error(`${tool} ${args.slice(0, -1).join(' ')} over ${files.join(' ')}: no header for each file, so no output for ${files[i]}`);
        return parts[i]!;
      }));
    });
    return runs.map((r, k) => {
      const fromList = fromLists.get(k);
      if (fromList !== undefined) return fromList;
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

/**
 * `tool ...args FILE` for each of `files` in `cwd` (runEach: one run over them all where the tool
 * prints a header per file); the outputs in order, or the first failure thrown.
 */
export function runOverFiles(tool: string, args: readonly string[], files: readonly string[], cwd = process.cwd()): string[] {
  return runEach(files.map((file) => ({ tool, args: [...args, file], cwd }))).map((output) => output());
}
