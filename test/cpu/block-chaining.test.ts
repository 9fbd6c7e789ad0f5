// Blocks that go on through direct jumps and calls and, once hot, past the fall-through of
// conditional jumps (compile.ts decodeBlock, cpu.ts), and the dispatch behind them (the jump
// cache). The program (its blocks turn hot as it runs) ends as under qemu-i386, and natively
// where the host runs i386, though it rewrites, in the same block, an immediate that sits
// after a followed jmp; it ends with the instruction count of the one-instruction slow path
// (a loop is left and re-entered from the middle of its block); breakpoints at followed
// targets and a watchpoint on a followed call's push stop where the slow path stops.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildGuest, loadElf, qemuOutput, runGuest, type LoadedProgram } from './guest';

const CHAINED = `
.globl _start
_start:
  mov $300, %ecx
  xor %eax, %eax
  xor %ebx, %ebx
outer:
  call step
  dec %ecx
  jnz outer
  mov %eax, result
  mov %ebx, result+4
  mov $4, %eax
  mov $1, %ebx
  mov $result, %ecx
  mov $8, %edx
  int $0x80
  mov $1, %eax
  xor %ebx, %ebx
  int $0x80
step:
  mov $9, %esi
inner:
  add %esi, %eax
  dec %esi
  jz inner_done
  test $3, %esi
  jnz inner
  xor $0x55, %eax
  jmp inner
inner_done:
  add %ecx, %eax
  test $1, %cl
  jz even
  mov %eax, patched+1
  jmp tail
even:
  rol $3, %eax
  cmp $100, %ecx
  ja tail
  sub $7, %eax
tail:
patched:
  mov $0x12345678, %edx
  xor %edx, %ebx
  ret
result: .long 0, 0
`;

/** Stops looked at: enough for the blocks around them to be made hot (cpu.ts HOT_RUNS). */
const HITS = 150;

/** Runs in budgets of one instruction (the slow path: one-instruction blocks, nothing followed) until `done`. */
function stepUntil(p: LoadedProgram, done: () => boolean): void {
  for (let guard = 0; guard < 1e6 && !done(); guard++) {
    const stop = p.cpu.run(1);
    assert.ok(stop.kind === 'budget' || stop.kind === 'watchpoint', `unexpected stop ${JSON.stringify(stop)}`);
  }
}

test('followed jumps and calls, and a store to an immediate after a followed jmp in the same block, end as under qemu-i386', () => {
  const g = buildGuest('chained', CHAINED, true);
  const expected = qemuOutput(g.path);
  assert.equal(expected.length, 8);
  const p = loadElf(g.path);
  const r = runGuest(p);
  assert.equal(r.exitCode, 0);
  assert.deepEqual(r.stdout, expected);
  for (const slice of [1, 3, 7, 11]) {
    const q = loadElf(g.path);
    const sliced = runGuest(q, 1e9, slice);
    assert.equal(sliced.exitCode, 0, `budgets of ${slice}: exit(0)`);
    assert.deepEqual(sliced.stdout, expected, `budgets of ${slice}`);
    assert.equal(q.cpu.state.icount, p.cpu.state.icount, `budgets of ${slice}: the same instruction count`);
  }
});

test('a breakpoint at a followed target stops there, at the count the slow path reaches it with', () => {
  const g = buildGuest('chained-bp', CHAINED, true);
  for (const name of ['step', 'tail', 'even']) {
    const at = g.symbols.get(name)!;
    const p = loadElf(g.path);
    p.cpu.run(3);
    p.cpu.setBreakpoint(at);
    for (let hit = 0; hit < HITS; hit++) assert.deepEqual(p.cpu.run(1e6), { kind: 'breakpoint', address: at });
    const slow = loadElf(g.path);
    let hits = 0;
    stepUntil(slow, () => slow.cpu.state.eip === at && ++hits === HITS);
    assert.equal(p.cpu.state.icount, slow.cpu.state.icount, `${name}: hit ${HITS}`);
    assert.deepEqual([...p.cpu.state.r], [...slow.cpu.state.r]);
  }
});

test('a watchpoint on the slot a followed call pushes to stops after the call, with eip at its target', () => {
  const g = buildGuest('chained-watch', CHAINED, true);
  const p = loadElf(g.path);
  const slot = (p.cpu.state.r[4]! - 4) >>> 0;
  p.cpu.setWatchpoint(slot, 4, 'write');
  for (let hit = 0; hit < HITS; hit++) {
    assert.deepEqual(p.cpu.run(1e6), { kind: 'watchpoint', watched: slot, address: g.symbols.get('outer') });
    assert.equal(p.cpu.state.eip, g.symbols.get('step'));
  }
  const slow = loadElf(g.path);
  slow.cpu.setWatchpoint(slot, 4, 'write');
  let hits = 0;
  for (let guard = 0; guard < 1e6 && hits < HITS; guard++) if (slow.cpu.run(1).kind === 'watchpoint') hits++;
  assert.equal(hits, HITS);
  assert.equal(p.cpu.state.icount, slow.cpu.state.icount);
  assert.equal(slow.cpu.state.eip, p.cpu.state.eip);
  assert.equal(p.memory.rd32(slot) >>> 0, g.symbols.get('outer')! + 5);
});
