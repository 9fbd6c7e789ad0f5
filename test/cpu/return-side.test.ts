// Blocks that go on past the `ret` of a call they went on through (compile.ts decodeBlock):
// the ret continues in the block when it pops the call's return address and leaves otherwise.
// The program's calls nest (a call inside a callee), take `ret $4`, and one callee returns
// normally for thousands of rounds and then moves its return address past an instruction for
// the last ones. It ends as under qemu-i386 (and natively where the host runs i386) with the
// same instruction count whatever the budget slices; a breakpoint at a return address and a
// watchpoint on the stack slot of a return address stop where the one-instruction path stops,
// and both reach the program's write in one state.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildGuest, EXIT, loadElf, qemuOutput, writeOut } from './guest';
import { instructionMark, sameBreakpointHits, sameWatchpointStop, sameWhateverTheSlices, warmedPair } from './fast-slow';

/** Rounds in all; `twist` moves its return address in the last FLIP of them. */
const ROUNDS = 6000;
const FLIP = 150;

const PROGRAM = `
.globl _start
_start:
  mov $stack_top, %esp
  mov $${ROUNDS}, %edi
outer:
  call mid
after_mid:
  add %eax, out
  push %edi
  call std4
after_std:
  xor %eax, out+4
  call twist
after_twist:
  incl out+8
back:
  dec %edi
  jnz outer
  ${writeOut(12)}
  ${EXIT}

# a call inside a callee: both rets go on in the caller's block
mid:
  mov %edi, %eax
  call leaf
after_leaf:
  imul $3, %eax, %eax
  ret
leaf:
  rol $3, %eax
  add $7, %eax
  ret

# ret with an immediate (the callee drops its argument)
std4:
  mov 4(%esp), %eax
  lea 1(%eax,%eax,2), %eax
  ret $4

# while edi <= FLIP, returns past the instruction after its call (its ret pops another
# address), with no jump: its ret is in the caller's block either way
twist:
  xor %ecx, %ecx
  cmp $${FLIP}, %edi
  setbe %cl
  imul $(back - after_twist), %ecx, %ecx
  add %ecx, (%esp)
  ret

.data
out: .long 0, 0, 0
stack: .fill 1024, 1, 0
stack_top:
`;

/** Instructions after which the blocks at outer are hot (cpu.ts HOT_RUNS) and no flow has formed yet (FLOW_RUNS). */
const WARM = 10_000;

test('blocks that go on past returns end as under qemu-i386, also when a callee returns elsewhere, whatever the budget slices', () => {
  const g = buildGuest('return-side', PROGRAM);
  // First in the process: no flow has been made of these blocks yet (a later CPU takes the flows as translations).
  const p = loadElf(g.path);
  assert.equal(p.cpu.run(WARM).kind, 'budget');
  // The block at outer goes on through mid and leaf and back to after_mid and after_std.
  const source = p.cpu.blockSource(g.symbols.get('outer')!) ?? '';
  for (const label of ['after_leaf', 'after_mid', 'after_std', 'after_twist']) {
    assert.match(source, instructionMark(g.symbols.get(label)!), `outer's block goes on at ${label}`);
  }
  const expected = qemuOutput(g.path);
  assert.equal(expected.length, 12);
  sameWhateverTheSlices(g.path, expected, [1, 5, 13, 4099]);
});

test('a breakpoint at a return address a block goes on at and a watchpoint on a return address\'s stack slot stop where the one-instruction path does', () => {
  const g = buildGuest('return-side-stops', PROGRAM);
  const { fast, slow } = warmedPair(g.path, WARM);
  sameBreakpointHits(fast, slow, g.symbols.get('after_mid')!);
  sameBreakpointHits(fast, slow, g.symbols.get('after_leaf')!);
  // The slot outer's calls push their return address into: written by each call, read by each ret.
  sameWatchpointStop(fast, slow, g.symbols.get('stack_top')! - 4, 4, 'readWrite');
  // On through the rounds where twist returns to back, to the write system call: both stop
  // there in one state (a ret that continued in its block while popping another address
  // would have run incl out+8).
  const stop = fast.cpu.run(1e7);
  let slowStop = slow.cpu.run(1);
  for (let k = 0; slowStop.kind === 'budget' && k < 1e7; k++) slowStop = slow.cpu.run(1);
  assert.equal(stop.kind, 'kernel', JSON.stringify(stop));
  assert.equal(slowStop.kind, stop.kind);
  assert.equal(fast.cpu.state.icount, slow.cpu.state.icount);
  assert.deepEqual([...fast.cpu.state.r], [...slow.cpu.state.r]);
  assert.deepEqual(fast.cpu.memory.read(g.symbols.get('out')!, 12), slow.cpu.memory.read(g.symbols.get('out')!, 12));
});
