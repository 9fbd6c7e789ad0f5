// Shared by the kernel-process tests: builds a C program written by a test with
// gcc -m32 -static, runs it under qemu-i386 (the oracle: this host cannot run i386 itself)
// and under `vdso-lab run` through runCli, and returns stdout, stderr and the exit status.
import { spawnSync } from 'node:child_process';
import { buildC, scratch } from '../support/oracles';
import { runCli } from '../../cli/run-cli';

export interface RunOutput {
  readonly stdout: string;
  readonly stderr: string;
  readonly status: number;
}

/** gcc -m32 -static -O1 -o NAME; returns the program's path. */
export function buildStatic(name: string, source: string, dir = scratch()): string {
  return buildC(name, source, ['-static', '-O1', '-w'], dir);
}

/** Runs under qemu-i386 with only `env` in the environment, in `cwd`; fails loudly if qemu is missing. */
export function runQemu(program: string, args: readonly string[] = [], options: { cwd?: string; env?: Record<string, string>; input?: string } = {}): RunOutput {
  const r = spawnSync('qemu-i386', [program, ...args], { cwd: options.cwd, env: options.env ?? {}, input: options.input ?? '', encoding: 'utf8', timeout: 60_000 });
  if (r.error) {
    const code = (r.error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new Error("oracle 'qemu-i386' is not installed: .ci/run must install qemu-user");
    throw r.error;
  }
  return { stdout: r.stdout, stderr: r.stderr, status: r.status ?? 128 + (r.signal ? signalNumber(r.signal) : 0) };
}

function signalNumber(name: string): number {
  const table: Record<string, number> = { SIGILL: 4, SIGTRAP: 5, SIGABRT: 6, SIGBUS: 7, SIGFPE: 8, SIGKILL: 9, SIGSEGV: 11, SIGALRM: 14, SIGTERM: 15 };
  return table[name] ?? 0;
}

/** `vdso-lab run ...options PROGRAM -- args` in memory. */
export async function runLab(program: string, options: readonly string[] = [], args: readonly string[] = []): Promise<RunOutput> {
  const io = { stdout: '', stderr: '', cwd: process.cwd(), out(t: string) { io.stdout += t; }, err(t: string) { io.stderr += t; } };
  const status = await runCli(['run', ...options, program, '--', ...args], io);
  return { stdout: io.stdout, stderr: io.stderr, status };
}
