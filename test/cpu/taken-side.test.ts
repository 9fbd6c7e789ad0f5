// Hot blocks that go on at the target of a conditional jump which was taken every time it ran
// (cpu.ts heat, compile.ts decodeBlock): the fall-through is then the side that leaves the
// block, and one hot block may go on at fall-throughs and at taken targets alike. The
// program's jumps are taken for thousands of rounds (the blocks are made hot along the taken
// side) and then fall through for the last ones; it ends as under qemu-i386 (and natively
// where the host runs i386) with the same instruction count whatever the budget
// slices, and a breakpoint at a followed target, at the fall-through that leaves, and a
// watchpoint on a store after a followed jump stop where the one-instruction path stops.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildGuest, EXIT, loadElf, qemuOutput, RUN_ONCE_PAGE, writeOut } from './guest';
import { instructionMark, sameBreakpointHits, sameWatchpointStop, sameWhateverTheSlices, warmedPair } from './fast-slow';

/** Rounds in all; the jumps fall through in the last FLIP of them. */
const ROUNDS = 6000;
const FLIP = 150;

/** Its loop on one page; its start, exit and data on the next (guest.ts RUN_ONCE_PAGE). */
const PROGRAM = `
.globl _start
outer:
  call pick
  dec %edi
  jnz outer
  jmp finish

# a jump never taken (the hot block goes on at its fall-through, so the block is compiled
# again) and two forward jumps taken while edi > FLIP (it goes on at their targets)
pick:
  mov %edi, %eax
  test %edi, %edi
  jz never
  cmp $${FLIP}, %edi
  ja skip
  xor $0x5a5a, %eax
  add %edi, out+4
skip:
  imul $3, %eax, %eax
  add %eax, out
  lea 7(%eax,%edi,2), %eax
  cmp $${FLIP}, %edi
  jae far
low:
  rol $5, %eax
  mov %eax, out+8
far:
  xor %eax, out+8
  ret
never:
  ud2

${RUN_ONCE_PAGE}
_start:
  mov $${ROUNDS}, %edi
  jmp outer
finish:
  ${writeOut(12)}
  ${EXIT}
.data
out: .long 0, 0, 0
`;

/** Instructions after which the block at `outer` is hot (cpu.ts HOT_RUNS: ~500 rounds) and no flow has formed yet (FLOW_RUNS). */
const WARM = 10_000;

test('hot blocks that went on at taken jumps end as under qemu-i386 when the jumps fall through, whatever the budget slices', () => {
  const g = buildGuest('taken-side', PROGRAM, true);
  // First in the process: no flow has been made of these blocks yet (a later CPU takes the flows as translations).
  const p = loadElf(g.path);
  assert.equal(p.cpu.run(WARM).kind, 'budget');
  // The block at outer goes on through the call into pick.
  const source = p.cpu.blockSource(g.symbols.get('outer')!) ?? '';
  for (const label of ['skip', 'far']) {
    assert.match(source, instructionMark(g.symbols.get(label)!), `outer's hot block goes on at ${label}`);
  }
  const expected = qemuOutput(g.path);
  assert.equal(expected.length, 12);
  sameWhateverTheSlices(g.path, expected, [1, 5, 13, 4099]);
});

test('a breakpoint at a followed target or at the fall-through that leaves, and a watchpoint after a followed jump, stop where the one-instruction path does', () => {
  const g = buildGuest('taken-side-stops', PROGRAM, true);
  const { fast, slow } = warmedPair(g.path, WARM);
  sameBreakpointHits(fast, slow, g.symbols.get('skip')!);
  sameBreakpointHits(fast, slow, g.symbols.get('far')!);
  sameWatchpointStop(fast, slow, g.symbols.get('out')! + 8, 4, 'write');
  // On to the rounds whose jumps fall through: the first fall-through to rol stops both alike.
  sameBreakpointHits(fast, slow, g.symbols.get('low')!);
});
