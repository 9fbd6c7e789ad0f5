// Owns what a benchmark run reports: one row per workload with vdso-lab's figure, the peer's
// figure from the same run (qemu-i386, GNU as, or a fixed bound), their ratio expressed so
// that higher is better, the target the ratio must reach, and a checksum of the guest's final
// state beside the peer's. Also the text table, and the verdict `bench --check` exits with.
import { createHash } from 'node:crypto';

export interface BenchRow {
  /** What was measured, one line. */
  readonly workload: string;
  /** The unit of `ours` and `peerValue` (MIPS, ns/call, MB/s, s). */
  readonly unit: string;
  /** True when a larger figure is better (MIPS, MB/s); false for times. */
  readonly higherIsBetter: boolean;
  readonly ours: number | null;
  /** Who the peer is: qemu-i386, GNU as, or the bound itself. */
  readonly peer: string;
  readonly peerValue: number | null;
  /** ours relative to the peer, larger is better (peer/ours for times); null when either is missing. */
  readonly ratio: number | null;
  /** The ratio this row must reach. */
  readonly target: number;
  /** A checksum of the guest's final state (its output and exit status), and the peer's. */
  readonly checksum: string | null;
  readonly peerChecksum: string | null;
  readonly note: string;
}

/** Builds a row, computing the ratio from the two figures. */
export function row(r: Omit<BenchRow, 'ratio'>): BenchRow {
  const ratio = r.ours === null || r.peerValue === null || r.ours <= 0 || r.peerValue <= 0
    ? null
    : r.higherIsBetter ? r.ours / r.peerValue : r.peerValue / r.ours;
  return { ...r, ratio };
}

/** The checksum of a guest's final state as the bench shows it: sha256 of its output and exit status, 16 hex digits. */
export function stateChecksum(stdout: Uint8Array | string, status: number): string {
  return createHash('sha256').update(stdout).update(`\nexit ${status}`).digest('hex').slice(0, 16);
}

/** Why a row fails `--check`, or undefined when it holds. */
export function rowProblem(r: BenchRow): string | undefined {
  if (r.checksum !== null && r.peerChecksum !== null && r.checksum !== r.peerChecksum) return `final state ${r.checksum} differs from ${r.peer}'s ${r.peerChecksum}`;
  if (r.ratio === null) return `no ratio (${r.note})`;
  if (r.ratio < r.target) return `ratio ${r.ratio.toFixed(2)} is below the target ${r.target}`;
  return undefined;
}

function figure(v: number | null): string {
  if (v === null) return '-';
  return v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(3);
}

/** The rows as a table: workload, ours, the peer's, ratio and target, checksums. */
export function formatRows(rows: readonly BenchRow[]): string {
  const width = Math.max(8, ...rows.map((r) => r.workload.length));
  const lines = [`${'workload'.padEnd(width)} ${'vdso-lab'.padStart(10)} ${'peer'.padStart(10)}  ${'unit'.padEnd(7)} ${'ratio'.padStart(6)} ${'target'.padStart(7)}  state (ours / peer's)`];
  for (const r of rows) {
    const state = r.checksum === null ? '-' : r.peerChecksum === null ? r.checksum : r.checksum === r.peerChecksum ? `${r.checksum} = ${r.peer}` : `${r.checksum} != ${r.peerChecksum} (${r.peer})`;
    const verdict = rowProblem(r) === undefined ? '' : '  BELOW TARGET';
    lines.push(`${r.workload.padEnd(width)} ${figure(r.ours).padStart(10)} ${figure(r.peerValue).padStart(10)}  ${r.unit.padEnd(7)} ${(r.ratio === null ? '-' : r.ratio.toFixed(2)).padStart(6)} ${`>= ${r.target}`.padStart(7)}  ${state}${verdict}`);
    lines.push(`${''.padEnd(4)}peer: ${r.peer}; ${r.note}`);
  }
  return lines.join('\n') + '\n';
}
