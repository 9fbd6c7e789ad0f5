// The bench's rows with a peer are measured with both sides on one CPU (bench/one-cpu.ts): while
// a row measures, the main thread may run on one CPU only and a process it starts (the peer)
// inherits that CPU, as the kernel reports both in /proc; afterwards, and after a measurement
// that throws, the main thread has its CPUs back; the row's note names the CPU, or says why the
// sides were not pinned (no taskset); and `bench` measures the integer loop so.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { allowedCpus, rowsOnOneCpu, thisThreadCpus } from '../../bench/one-cpu';
import { row, type BenchRow } from '../../bench/rows';
import { vdsoLab } from './invoke';

const oneRow = (): BenchRow[] => [row({ workload: 'w', unit: 's', higherIsBetter: false, ours: 1, peer: 'p', peerValue: 1, target: 1, checksum: null, peerChecksum: null, note: 'n' })];

/** Why these tests cannot tell a pinned thread from another here, or false. */
function cannotTell(): string | false {
  if (spawnSync('taskset', ['-V'], { stdio: 'ignore' }).error !== undefined) return 'taskset is not installed';
  const cpus = thisThreadCpus();
  if (cpus === null) return 'no /proc/thread-self';
  if (/^\d+$/.test(cpus)) return `this process already runs on one CPU (${cpus})`;
  return false;
}

test('a row measured on one CPU: the main thread and its peer on that CPU, the CPUs given back after', { skip: cannotTell() }, () => {
  const before = thisThreadCpus();
  let during: string | null = null;
  let peer: string | null = null;
  const rows = rowsOnOneCpu(() => {
    during = thisThreadCpus();
    peer = allowedCpus(spawnSync('cat', ['/proc/self/status'], { encoding: 'utf8' }).stdout);
    return oneRow();
  });
  assert.match(during ?? '', /^\d+$/, `one CPU while measuring, not ${during}`);
  assert.equal(peer, during, 'the peer runs on the main thread\'s CPU');
  assert.equal(thisThreadCpus(), before, 'the CPUs given back');
  assert.equal(rows[0]!.note, `n; both sides on CPU ${during}`);
});

test('a measurement that throws: the error goes on and the main thread has its CPUs back', { skip: cannotTell() }, () => {
  const before = thisThreadCpus();
  let during: string | null = null;
  assert.throws(() => rowsOnOneCpu(() => {
    during = thisThreadCpus();
    throw new Error('the guest stopped');
  }), /the guest stopped/);
  assert.match(during ?? '', /^\d+$/);
  assert.equal(thisThreadCpus(), before);
});

test('without taskset the row is measured as before and its note says why', { skip: cannotTell() === 'taskset is not installed' ? 'taskset is not installed' : false }, () => {
  const path = process.env.PATH;
  const before = readFileSync('/proc/thread-self/status', 'utf8');
  let rows: BenchRow[];
  process.env.PATH = mkdtempSync(join(tmpdir(), 'vdso-lab-no-taskset-'));
  try {
    rows = rowsOnOneCpu(oneRow);
  } finally {
    process.env.PATH = path;
  }
  assert.equal(rows[0]!.note, 'n; the sides not pinned to one CPU (taskset: ENOENT)');
  assert.equal(thisThreadCpus(), allowedCpus(before));
});

test('bench --only int-loop: the row says both sides ran on one CPU', { skip: cannotTell() }, async () => {
  const r = await vdsoLab(['bench', '--only', 'int-loop', '--iterations', '2000', '--runs', '1', '--json']);
  assert.equal(r.status, 0, r.stderr);
  const rows = (JSON.parse(r.stdout) as { rows: BenchRow[] }).rows;
  assert.equal(rows.length, 1);
  assert.match(rows[0]!.note, /; both sides on CPU \d+$/);
});
