// A hot block does not go on past the jump back to its own start (cpu.ts heat): a self-loop's
// block ends at its back edge, and the code after the loop is a block of its own (before, the
// hot loop went on at the fall-through and copied that code into the loop's function, where
// it ran only after the loop ended and so was optimized by V8 without type feedback; see
// docs/speed-and-exactness.md). The program's inner loop runs a different number of rounds
// each time and leaves through its fall-through thousands of times; it ends as under
// qemu-i386 (and natively where the host runs i386) with the same instruction count whatever
// the budget slices, and a breakpoint after the loop and a watchpoint on the loop's store stop
// where the one-instruction path stops.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildGuest, EXIT, loadElf, qemuOutput, writeOut } from './guest';
import { instructionMark, sameBreakpointHits, sameWatchpointStop, sameWhateverTheSlices, warmedPair } from './fast-slow';

const ROUNDS = 3000;

const PROGRAM = `
.globl _start
_start:
  mov $${ROUNDS}, %edi
outer:
  mov %edi, %ecx
  and $15, %ecx
  inc %ecx
  mov $buf, %esi
  xor %eax, %eax
inner:
  add (%esi), %eax
  rol $3, %eax
  mov %eax, (%esi)
  add $4, %esi
  dec %ecx
  jnz inner
after:
  add %eax, out
  xor %edi, out+4
  cmp $${ROUNDS / 2}, %edi
  jb low
  addl $3, out+8
low:
  dec %edi
  jnz outer
  ${writeOut(12)}
  ${EXIT}

.data
out: .long 0, 0, 0
buf: .fill 16, 4, 0x01020304
`;

/** Instructions after which the loop's block has run often enough to be made hot (cpu.ts HOT_RUNS), before any flow forms. */
const WARM = 20_000;

test('a hot self-loop ends at its back edge, and the program ends as under qemu-i386 whatever the budget slices', () => {
  const g = buildGuest('loop-exit', PROGRAM);
  const p = loadElf(g.path);
  assert.equal(p.cpu.run(WARM).kind, 'budget');
  const source = p.cpu.blockSource(g.symbols.get('inner')!) ?? '';
  assert.match(source, instructionMark(g.symbols.get('inner')!), 'the loop has a block');
  assert.doesNotMatch(source, instructionMark(g.symbols.get('after')!), 'the loop\'s block does not go on after the loop');
  const expected = qemuOutput(g.path);
  assert.equal(expected.length, 12);
  sameWhateverTheSlices(g.path, expected, [1, 7, 64, 4099]);
});

test('a breakpoint after a hot loop and a watchpoint on its store stop where the one-instruction path does', () => {
  const g = buildGuest('loop-exit-stops', PROGRAM);
  const { fast, slow } = warmedPair(g.path, WARM);
  sameBreakpointHits(fast, slow, g.symbols.get('after')!);
  sameBreakpointHits(fast, slow, g.symbols.get('low')!);
  sameWatchpointStop(fast, slow, g.symbols.get('buf')! + 12, 4, 'write');
});
