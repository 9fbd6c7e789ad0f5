// Owns running one i386 program both ways the tests compare: under qemu-i386 (the oracle;
// this host may not run i386 itself) and under `vdso-lab run` (runCli, in memory), each
// giving stdout, stderr and the exit status as a shell shows it (128 + signal when killed).
import { spawnSync } from 'node:child_process';
import { constants } from 'node:os';
import { runCli } from '../../cli/run-cli';

export interface RunOutput {
  readonly stdout: string;
  readonly stderr: string;
  readonly status: number;
}

/** The exit status a shell shows for a process that ended by `signal` (or with `status`). */
export function shellStatus(status: number | null, signal: NodeJS.Signals | null): number {
  return status ?? 128 + (signal ? constants.signals[signal] ?? 0 : 0);
}

/** An oracle that could not start: named, with what installs it. */
export function qemuMissing(e: Error): Error {
  const code = (e as NodeJS.ErrnoException).code;
  return code === 'ENOENT' ? new Error("oracle 'qemu-i386' is not installed: npm test's first step (scripts/prerequisites.ts) installs qemu-user") : e;
}

/** Runs under qemu-i386, by default with an empty environment and empty stdin. */
export function runQemu(program: string, args: readonly string[] = [], options: { cwd?: string; env?: Record<string, string>; input?: string } = {}): RunOutput {
  const r = spawnSync('qemu-i386', [program, ...args], { cwd: options.cwd, env: options.env ?? {}, input: options.input ?? '', encoding: 'utf8', timeout: 60_000 });
  if (r.error) throw qemuMissing(r.error);
  return { stdout: r.stdout, stderr: r.stderr, status: shellStatus(r.status, r.signal) };
}

/** `vdso-lab run OPTIONS PROGRAM -- ARGS` through runCli, in memory, from `cwd` (default: this process's). */
export async function runLab(program: string, options: readonly string[] = [], args: readonly string[] = [], cwd = process.cwd()): Promise<RunOutput> {
  const io = { stdout: '', stderr: '', cwd, out(t: string) { io.stdout += t; }, err(t: string) { io.stderr += t; } };
  const status = await runCli(['run', ...options, program, '--', ...args], io);
  return { stdout: io.stdout, stderr: io.stderr, status };
}
