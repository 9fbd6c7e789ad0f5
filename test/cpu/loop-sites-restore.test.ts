// A self-loop's memory sites keep their page across the loop's calls until the TLB changes
// (emulator/x86/compile.ts loopSource): a checkpoint restored between two calls gives the
// address space its pages of checkpoint time back, and the loop's next call must read those,
// not the copy a store made after the checkpoint (Memory.restorePages empties the TLB, and
// with it the sites). The store goes to a word past the first (the first pass of each call runs
// in the block before the loop's). The sums expected are the program's own data summed here.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildGuest, EXIT, loadElf, runGuest } from './guest';

const WORDS = Array.from({ length: 64 }, (_, k) => 3 * k + 1);
const ADDED = 1000;

/**
 * `sums`: 200 calls of a loop summing `buf`, the last sum left in eax, returning by a register;
 * int3 is where the host reads the sum and acts. Nothing is stored but the one word between the
 * checkpoint and the restore: a store into a page the checkpoint shares would empty the TLB
 * itself, and the restore's own emptying would go untested.
 */
const SOURCE = `
.globl _start
_start:
  mov $1f, %esi
  jmp sums
1:
  int3
  addl $${ADDED}, buf+128
  mov $1f, %esi
  jmp sums
1:
  int3
  mov $1f, %esi
  jmp sums
1:
  int3
  ${EXIT}
sums:
  mov $200, %ebp
1:
  xor %eax, %eax
  mov $buf, %ebx
  mov $64, %ecx
sum:
  add (%ebx), %eax
  add $4, %ebx
  dec %ecx
  jnz sum
  dec %ebp
  jnz 1b
  jmp *%esi
.data
.p2align 12
buf: .long ${WORDS.join(', ')}
`;

test('a hot loop called again after a checkpoint is restored reads the restored page, not the copy a store made', () => {
  const g = buildGuest('loop-sites-restore', SOURCE);
  const p = loadElf(g.path);
  const total = WORDS.reduce((a, b) => a + b, 0);
  const sumAtPause = (): number => {
    const r = runGuest(p);
    assert.equal(r.stop?.kind, 'fault', `stopped at int3, not ${JSON.stringify(r.stop)}`);
    return p.cpu.state.r[0]! >>> 0;
  };
  const first = sumAtPause();
  const checkpoint = p.memory.checkpointPages();
  const stored = sumAtPause();
  p.memory.restorePages(checkpoint);
  const restored = sumAtPause();
  assert.deepEqual([first, stored, restored], [total, total + ADDED, total], 'the sum before the store, after it, and after the restore');
  assert.equal(runGuest(p).exitCode, 0);
});
