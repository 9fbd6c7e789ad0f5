// Owns the assembler's memory benchmark: sources of 100k and 500k labels (each followed by
// one instruction) assembled by `vdso-lab asm` and by GNU as --32 in processes of their own,
// their peak resident memory read by /usr/bin/time. The figure compared is the memory each
// label adds, (peak at 500k - peak at 100k) / 400k, so that node's and as's start-up do not
// count; both peaks go into the note. The objects must be byte-identical.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { row, type BenchRow } from './rows';
import { selfCommand } from './process-runs';

const SIZES = [100_000, 500_000] as const;
const TIME = '/usr/bin/time';

/** A source of `labels` labels, each before a one-byte instruction. */
export function labelSource(labels: number): string {
  const parts = ['\t.text\n'];
  for (let i = 0; i < labels; i++) parts.push(`label${i}:\n\tnop\n`);
  return parts.join('');
}

/** Peak resident memory in bytes of `command args` as /usr/bin/time -f %M reports it, or a reason. */
function peakResident(command: string, args: readonly string[], cwd: string): number | string {
  const r = spawnSync(TIME, ['-f', 'peak %M', command, ...args], { cwd, encoding: 'utf8', maxBuffer: 16 << 20 });
  if (r.error) return r.error.message;
  if (r.status !== 0) return `${command} failed: ${r.stderr.trim().split('\n')[0]}`;
  const m = /peak (\d+)\s*$/.exec(r.stderr);
  return m ? Number(m[1]) * 1024 : `no peak in ${TIME}'s output`;
}

export function runAsmMemoryBench(): BenchRow {
  const base = { workload: 'assembler memory per label (100k and 500k labels, peak RSS)', unit: 'B/label', higherIsBetter: false, peer: 'GNU as', target: 0.25, checksum: null, peerChecksum: null };
  if (!existsSync(TIME)) return row({ ...base, ours: null, peerValue: null, note: `${TIME} is not installed (Debian package time)` });
  const dir = mkdtempSync(join(tmpdir(), 'vdso-lab-asm-memory-'));
  try {
    const ours: number[] = [];
    const peer: number[] = [];
    for (const n of SIZES) {
      writeFileSync(join(dir, `l${n}.s`), labelSource(n));
      const self = selfCommand(['asm', `l${n}.s`, '-o', `ours${n}.o`]);
      const a = peakResident(self.command, self.args, dir);
      const g = peakResident('as', ['--32', `l${n}.s`, '-o', `gas${n}.o`], dir);
      if (typeof a === 'string' || typeof g === 'string') return row({ ...base, ours: null, peerValue: null, note: typeof a === 'string' ? a : String(g) });
      if (!readFileSync(join(dir, `ours${n}.o`)).equals(readFileSync(join(dir, `gas${n}.o`)))) {
        return row({ ...base, ours: null, peerValue: null, note: `the objects for ${n} labels differ from GNU as's` });
      }
      ours.push(a);
      peer.push(g);
    }
    const labels = SIZES[1] - SIZES[0];
    const mb = (b: number): string => `${(b / 1e6).toFixed(0)} MB`;
    return row({
      ...base,
      ours: (ours[1]! - ours[0]!) / labels,
      peerValue: (peer[1]! - peer[0]!) / labels,
      note: `peak RSS at 100k / 500k labels: vdso-lab asm ${mb(ours[0]!)} / ${mb(ours[1]!)} (a node process), GNU as ${mb(peer[0]!)} / ${mb(peer[1]!)}; the objects are identical`,
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
