// Owns timing both sides of a bench row on one CPU. On a virtual machine of this kind the two
// vCPUs run at speeds up to ~1.45x apart for stretches of seconds to minutes, the emulator and
// qemu-i386 alike, and a peer the bench starts may run on the other vCPU than the bench's main
// thread, so a row's ratio could read the vCPUs' difference instead of the two programs'
// (docs/speed-and-exactness.md, "The call-heavy row's slow processes: one vCPU slower than the
// other"). For a row's measurement the main thread is pinned to the CPU it is on (the main
// thread only: V8's compiler and collector threads keep every CPU), the peers it starts inherit
// that CPU, and the main thread gets its CPUs back afterwards. Where the CPU cannot be read or
// set (not Linux, no taskset), the row runs as before and its note says so.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
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

/** The calling thread's allowed CPUs as taskset's list (`0-1`), or null. */
function thisThreadCpus(): string | null {
  try {
    return /^Cpus_allowed_list:\s*(\S+)$/m.exec(readFileSync('/proc/thread-self/status', 'utf8'))?.[1] ?? null;
  } catch {
    return null;
  }
}

/** Sets the main thread's CPUs (`taskset -p`: that thread alone); why not, or null when done. */
function setMainThreadCpus(list: string): string | null {
  const r = spawnSync('taskset', ['-p', '-c', list, String(process.pid)], { stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
  if (r.error) return `taskset: ${(r.error as NodeJS.ErrnoException).code ?? r.error.message}`;
  if (r.status !== 0) return `taskset: ${r.stderr.trim().split('\n')[0] ?? `status ${r.status}`}`;
  return null;
}

/**
 * `measure`'s rows, measured with the main thread (and so every peer it starts) on the CPU it
 * is on now; each row's note says which CPU, or why the sides were not pinned.
 */
export function rowsOnOneCpu(measure: () => BenchRow[]): BenchRow[] {
  const cpu = thisThreadCpu();
  const before = thisThreadCpus();
  const failed = cpu === null || before === null ? 'no /proc/thread-self' : setMainThreadCpus(String(cpu));
  let rows: BenchRow[];
  try {
    rows = measure();
  } finally {
    if (failed === null && before !== null) setMainThreadCpus(before);
  }
  const where = failed === null ? `both sides on CPU ${cpu}` : `the sides not pinned to one CPU (${failed})`;
  return rows.map((r) => ({ ...r, note: r.note ? `${r.note}; ${where}` : where }));
}
