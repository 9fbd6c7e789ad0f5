// The bench's rows with a peer are measured with both sides on one CPU (bench/one-cpu.ts): while
// a row measures, the main thread may run on one CPU only and a process it starts (the peer)
// inherits that CPU, as the kernel reports both in /proc; afterwards the main thread has its
// CPUs back; the row's note names the CPU.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { rowsOnOneCpu } from '../../bench/one-cpu';
import { row } from '../../bench/rows';

function allowedCpus(status: string): string {
  return /^Cpus_allowed_list:\s*(\S+)$/m.exec(status)?.[1] ?? '';
}

const tasksetMissing = spawnSync('taskset', ['-V'], { stdio: 'ignore' }).error !== undefined;

test('a row measured on one CPU: the main thread and its peer on that CPU, the CPUs given back after', { skip: tasksetMissing ? 'taskset is not installed' : false }, () => {
  const before = allowedCpus(readFileSync('/proc/thread-self/status', 'utf8'));
  let during = '';
  let peer = '';
  const rows = rowsOnOneCpu(() => {
    during = allowedCpus(readFileSync('/proc/thread-self/status', 'utf8'));
    peer = allowedCpus(spawnSync('cat', ['/proc/self/status'], { encoding: 'utf8' }).stdout);
    return [row({ workload: 'w', unit: 's', higherIsBetter: false, ours: 1, peer: 'p', peerValue: 1, target: 1, checksum: null, peerChecksum: null, note: 'n' })];
  });
  assert.match(during, /^\d+$/, `one CPU while measuring, not ${during}`);
  assert.equal(peer, during, 'the peer runs on the main thread\'s CPU');
  assert.equal(allowedCpus(readFileSync('/proc/thread-self/status', 'utf8')), before, 'the CPUs given back');
  assert.equal(rows[0]!.note, `n; both sides on CPU ${during}`);
});
