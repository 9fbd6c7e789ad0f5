// The two tiers of the block compiler (compile.ts): a block is first compiled in the cold form
// and, once it ran HOT_RUNS times, again in the full form, in place or as a hot block going on
// past its conditional jumps. A loop that crosses HOT_RUNS partway, rewriting an immediate and
// flipping an opcode of code it calls now and then (its blocks dropped and compiled cold
// again), ends as under qemu-i386 whatever the budget slices; a watchpoint on its store and a
// breakpoint in its body stop it once a round, at the place and with the registers the
// program text gives, through the crossing; then it still ends as under qemu-i386.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HOT_RUNS } from '../../emulator/x86/cpu';
import { buildGuest, EXIT, loadElf, qemuOutput, runGuest, writeOut, type BuiltGuest } from './guest';
import { sameWhateverTheSlices } from './fast-slow';

/** Rounds of the loop: HOT_RUNS is crossed partway, and again by blocks compiled anew after a rewrite. */
const ROUNDS = 3 * HOT_RUNS + 17;

const PROGRAM = `
.globl _start
_start:
  mov $${ROUNDS}, %edi
round:
  mov out, %eax
  add %edi, %eax
  mov %eax, out
after_store:
  call patched
  add %eax, out+4
  test $31, %edi
  jnz 1f
  addl $3, patched+1
  xorb $0x28, flipped
1:
  dec %edi
  jnz round
  ${writeOut(8)}
  ${EXIT}

# mov $imm32, %eax (its immediate rewritten), then add or sub (its opcode flipped: 0x01 and 0x29)
patched:
  mov $7, %eax
  mov %edi, %ecx
flipped:
  add %ecx, %eax
  ret

.data
out: .long 0, 0
`;

function built(): BuiltGuest {
  return buildGuest('cold-tier', PROGRAM, true);
}

/** The value of out (the sum of the rounds' edi so far) after round `k` (1-based), as the program text computes it. */
function counterAfter(k: number): number {
  let sum = 0;
  for (let j = 0; j < k; j++) sum = (sum + ROUNDS - j) | 0;
  return sum;
}

test('a loop whose blocks turn hot partway, rewriting the code it calls, ends as under qemu-i386 whatever the budget slices', () => {
  const g = built();
  const expected = qemuOutput(g.path);
  assert.equal(expected.length, 8);
  sameWhateverTheSlices(g.path, expected, [1, 7, 13, 4099]);
});

test('a watchpoint on the loop\'s store stops after it each round, through the rounds where its blocks turn hot', () => {
  const g = built();
  const p = loadElf(g.path);
  const out = g.symbols.get('out')!;
  p.cpu.setWatchpoint(out, 4, 'write');
  for (let k = 1; k <= ROUNDS; k++) {
    assert.deepEqual(p.cpu.run(1e6), { kind: 'watchpoint', watched: out, address: g.symbols.get('after_store')! - 5 }, `round ${k}`);
    assert.equal(p.cpu.state.eip, g.symbols.get('after_store')!, `round ${k}: stopped after the store`);
    assert.equal(p.cpu.state.r[7], ROUNDS - k + 1, `round ${k}: edi`);
    assert.equal(p.cpu.state.r[0], counterAfter(k), `round ${k}: eax holds what was stored`);
  }
  p.cpu.clearWatchpoint();
  const r = runGuest(p);
  assert.equal(r.exitCode, 0);
  assert.deepEqual(r.stdout, qemuOutput(g.path));
});

test('a breakpoint in the loop\'s body stops it each round, through the rounds where its blocks turn hot', () => {
  const g = built();
  const p = loadElf(g.path);
  const at = g.symbols.get('after_store')!;
  p.cpu.setBreakpoint(at);
  for (let k = 1; k <= ROUNDS; k++) {
    assert.deepEqual(p.cpu.run(1e6), { kind: 'breakpoint', address: at }, `round ${k}`);
    assert.equal(p.cpu.state.r[7], ROUNDS - k + 1, `round ${k}: edi`);
    assert.equal(p.cpu.state.r[0], counterAfter(k), `round ${k}: eax`);
  }
  p.cpu.clearBreakpoint(at);
  const r = runGuest(p);
  assert.equal(r.exitCode, 0);
  assert.deepEqual(r.stdout, qemuOutput(g.path));
});
