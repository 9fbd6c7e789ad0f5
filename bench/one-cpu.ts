// Owns timing both sides of a bench row on one CPU. The vCPUs of a virtual machine may run at
// different speeds for minutes at a time, and a peer the bench starts may run on another vCPU
// than the bench's main thread, so a row's ratio could read the vCPUs' difference instead of the
// two programs' (docs/speed-and-exactness.md, "The call-heavy row's slow processes: one vCPU
// slower than the other"). For a row's measurement the main thread is pinned to the CPU it is on
// (that thread only: V8's compiler and collector threads keep every CPU), the peers it starts
// inherit that CPU, and the main thread gets its CPUs back afterwards. A thread made while the
// main thread is pinned keeps its one CPU for good, so a measurement here must start none (the
// rows measured so are synchronous). Where the CPU cannot be read or set (not Linux, no taskset,
// not the main thread), the row runs as before and its note says so.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { isMainThread } from 'node:worker_threads';
import type { BenchRow } from './rows';

/** The CPU the calling thread last ran on (field 39 of /proc/thread-self/stat), or null where there is no such file. */
function thisThreadCpu(): number | null {
  try {
    const stat = readFileSync('/proc/thread-self/stat', 'utf8');
    // The fields after the command name (which may hold spaces) start at field 3.
    const cpu = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[36]);
    return Number.isInteger(cpu) ? cpu : null;
  } catch {
    return null;
  }
}

/** A thread's allowed CPUs as taskset's list (`0-1`) from its /proc status text, or null. */
export function allowedCpus(status: string): string | null {
  return /^Cpus_allowed_list:\s*(\S+)$/m.exec(status)?.[1] ?? null;
}

/** The calling thread's allowed CPUs (allowedCpus), or null where /proc cannot say. */
export function thisThreadCpus(): string | null {
  try {
    return allowedCpus(readFileSync('/proc/thread-self/status', 'utf8'));
  } catch {
    return null;
  }
}

/** Sets the main thread's CPUs (`taskset -p`: that thread alone); why not, or null when done. */
function setMainThreadCpus(list: string): string | null {
  const r = spawnSync('taskset', ['-p', '-c', list, String(process.pid)], { stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
  if (r.error) return `taskset: ${(r.error as NodeJS.ErrnoException).code ?? r.error.message}`;
  if (r.status !== 0) return `taskset: ${r.stderr.trim().split('\n')[0]?.replace(/^taskset: /, '') || `status ${r.status}`}`;
  return null;
}

/** Why the main thread cannot be pinned here, or null when it can be (`cpu` and `before` read). */
function cannotPin(cpu: number | null, before: string | null): string | null {
  if (!isMainThread) return 'not the main thread';
  if (cpu === null || before === null) return 'no /proc/thread-self';
  return setMainThreadCpus(String(cpu));
}

/**
 * `measure`'s rows, measured with the main thread (and so every peer it starts) on the CPU it
 * is on now; each row's note says which CPU, or why the sides were not pinned. Throws when the
 * main thread cannot be given its CPUs back: every later row and process would inherit one CPU.
 */
export function rowsOnOneCpu(measure: () => BenchRow[]): BenchRow[] {
  const cpu = thisThreadCpu();
  const before = thisThreadCpus();
  const failed = cannotPin(cpu, before);
  let rows: BenchRow[];
  try {
    rows = measure();
  } finally {
    const stuck = failed === null && before !== null ? setMainThreadCpus(before) : null;
    if (stuck !== null) throw new Error(`bench: cannot give the main thread its CPUs ${before} back (${stuck})`);
  }
  const where = failed === null ? `both sides on CPU ${cpu}` : `the sides not pinned to one CPU (${failed})`;
  return rows.map((r) => ({ ...r, note: r.note ? `${r.note}; ${where}` : where }));
}
