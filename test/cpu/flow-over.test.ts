// Blocks that sat between flows (cpu.ts formFlowOver, joinFlows, mayJoin): a block whose
// successors are in flows already makes one flow of itself and their members, entered at it
// only; a flow entered often from another flow's block goes on inside that block's flow; a jump
// table's register `jmp *` whose block can make no dispatch region joins a flow. The program ends as
// under qemu-i386 whatever the budget slices; a breakpoint in a member two flows share, a
// watchpoint and the debugger's TF stop where the one-instruction path stops.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildGuest, loadElf, qemuOutput } from './guest';
import { sameBreakpointHits, sameTrapFlagSteps, sameWatchpointStop, sameWhateverTheSlices, step } from './fast-slow';

/**
 * `switch` jumps through a table by a register, to one of four cases a round (its block is the
 * only one ending at that jump, so no dispatch region can be made of it); the flow of the loop's
 * blocks forms before any case block is entered often enough to make one, so each case block
 * sits between that flow and itself.
 */
const PROGRAM = `
.globl _start
_start:
  mov $40000, %edi
  mov $h, %esi
  xor %ecx, %ecx
  xor %edx, %edx
loop:
  call *%esi
  mov $between, %eax
  jmp *%eax
between:
  add %edx, %ecx
  call *%esi
switch:
  mov %edi, %eax
  and $3, %eax
  mov table(,%eax,4), %eax
  jmp *%eax
case0:
  add $1, %edx
  jmp next
case1:
  xor $5, %edx
  jmp next
case2:
  add %ecx, %edx
  jmp next
case3:
  sub $7, %edx
next:
  mov %edx, acc
  mov %ecx, acc+4
  dec %edi
  jnz loop
  mov $4, %eax
  mov $1, %ebx
  mov $acc, %ecx
  mov $8, %edx
  int $0x80
  mov $1, %eax
  xor %ebx, %ebx
  int $0x80

h:
  inc %edx
  rol $3, %ecx
  ret

.data
table: .long case0, case1, case2, case3
acc: .long 0, 0
`;

/** Instructions run before the flows are looked at (about 20,000 rounds: cpu.ts FLOW_RUNS, REGION_AFTER). */
const WARM = 300_000;
const IN_FLOW = /F\d+\(s, m, H, left\)/;

test('a jump table\'s block, blocks between flows and flows one after another join flows, and the program ends as under qemu-i386 whatever the budget slices', () => {
  const g = buildGuest('flow-over', PROGRAM);
  const expected = qemuOutput(g.path);
  assert.equal(expected.length, 8);
  const p = sameWhateverTheSlices(g.path, expected, [1, 7, 97, 10007]);
  assert.match(p.cpu.blockSource(g.symbols.get('switch')!) ?? '', IN_FLOW, 'the jump table\'s block runs in a flow');
  for (const name of ['case0', 'case1', 'case3']) assert.match(p.cpu.blockSource(g.symbols.get(name)!) ?? '', IN_FLOW, `${name} runs in a flow`);
  // between's flow (between and h) leaves to the loop's flow each round.
  const members = (name: string): number => (p.cpu.blockSource(g.symbols.get(name)!) ?? '').match(new RegExp(IN_FLOW, 'g'))?.length ?? 0;
  assert.ok(members('between') > members('h'), 'the flow entered at between goes on into the loop\'s');
});

test('a breakpoint in a member two flows share, a watchpoint and the debugger\'s TF stop where the one-instruction path does', () => {
  const g = buildGuest('flow-over-stops', PROGRAM);
  const slow = loadElf(g.path);
  step(slow, WARM);
  const fast = loadElf(g.path);
  assert.equal(fast.cpu.run(WARM).kind, 'budget');
  assert.match(fast.cpu.blockSource(g.symbols.get('case0')!) ?? '', IN_FLOW, 'case0 runs in a flow by now');
  assert.deepEqual([...fast.cpu.state.r], [...slow.cpu.state.r]);
  // The and after switch's first instruction: inside a member of the loop's flow and of each case block's.
  sameBreakpointHits(fast, slow, g.symbols.get('switch')! + 2);
  assert.equal(fast.cpu.run(WARM).kind, 'budget');
  step(slow, WARM);
  sameWatchpointStop(fast, slow, g.symbols.get('acc')! + 4);
  sameTrapFlagSteps(fast, slow);
});
