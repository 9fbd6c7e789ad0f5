// Flows (compile.ts compileFlow, cpu.ts formFlow): hot blocks that pass control to each other
// (a recursion's blocks and its return sites, calls through a register, conditional jumps, a
// self-loop between its caller's blocks)
// called one after another by one dispatcher function instead of the run loop. A program with
// those, and with an opcode flipped by a store from inside the flow each round, ends as under
// qemu-i386 (and natively where the host runs i386) with the same instruction count whatever
// the budget slices; a breakpoint, a watchpoint and TF (set by the guest's own iret inside the
// flow, or by the debugger) stop where the one-instruction path stops.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildGuest, EXIT, loadElf, qemuOutput, RUN_ONCE_PAGE, runGuest } from './guest';
import { scaled } from '../support/scale';
import { sameBreakpointHits, sameTrapFlagSteps, sameWatchpointStop, sameWhateverTheSlices, step } from './fast-slow';

/**
 * The program, of `rounds` rounds; `trapAt`: the round (counting down) at which its iret sets TF
 * inside a flow (0: never). Its loop is on one page; its start, its exit and its data on the next
 * (guest.ts RUN_ONCE_PAGE), so the only stores into the loop's page are the opcode flips.
 */
function program(trapAt: number, rounds: number): string {
  return `
.globl _start
outer:
  mov $6, %eax
  call fib
  add %eax, acc
  mov $compare, %ebp
  mov $24, %ecx
inner:
  mov %ecx, %eax
  mov %edi, %edx
  and $31, %edx
  call *%ebp
  add %eax, acc+4
  dec %ecx
  jnz inner
  call toggle
  call patched
  add %eax, acc+8
  call sum
  add %eax, acc+8
  dec %edi
  jnz outer
  jmp finish

# eax = fib(eax): returns to two call sites of its own
fib:
  cmp $2, %eax
  jb 1f
  push %eax
  dec %eax
  call fib
  xchg %eax, (%esp)
  sub $2, %eax
  call fib
  add (%esp), %eax
  add $4, %esp
1:
  ret

# eax = -1, 0 or 1 as eax is below, equal to or above edx (called through a register)
compare:
  cmp %edx, %eax
  jb 1f
  ja above
  xor %eax, %eax
  ret
1:
  mov $-1, %eax
  ret
above:
  mov $1, %eax
  ret

# every 512th round flips the add in patched into a sub (opcode 0x05 <-> 0x2d) or back with a
# rep stosb, which ends its block (the store goes to scratch in the other rounds, so the blocks
# are the same each round); then an iret that sets TF at round ${trapAt} only (the instruction
# after it traps)
toggle:
  push %edi
  push %ecx
  mov %edi, %eax
  mov $scratch, %edi
  mov $op, %edx
  test $511, %eax
  cmovz %edx, %edi
  movzbl (%edi), %eax
  xor $0x28, %eax
  mov $1, %ecx
  rep stosb
  pop %ecx
  pop %edi
  pushf
  xor %eax, %eax
  cmp $${trapAt}, %edi
  sete %al
  shl $8, %eax
  or %eax, (%esp)
  push %cs
  push $after_iret
  iret
after_iret:
  nop
  ret

# eax = the sum of the bytes of text up to its 0, each times its place; the loop at sumloop is
# a self-loop block (entered there by the jnz), which joins the flow of its caller
sum:
  mov $text, %edx
  xor %eax, %eax
sumloop:
  movzbl (%edx), %ecx
  inc %edx
  imul %edx, %ecx
  add %ecx, %eax
  cmpb $0, -1(%edx)
  jnz sumloop
  ret

patched:
  mov %edi, %eax
op:
  add $0x01234567, %eax
  ret

${RUN_ONCE_PAGE}
_start:
  mov $${rounds}, %edi
  jmp outer
finish:
  mov $4, %eax
  mov $1, %ebx
  mov $acc, %ecx
  mov $12, %edx
  int $0x80
  ${EXIT}
.data
acc: .long 0, 0, 0
scratch: .byte 0
text: .asciz "flows"
`;
}

/** Instructions run before the flows are looked at: enough for the blocks to be settled and the flows formed (cpu.ts FLOW_RUNS). */
const WARM = 400_000;

test('a program whose calls, returns and jumps become flows ends as under qemu-i386, whatever the budget slices', () => {
  const g = buildGuest('flow', program(0, scaled(1500, 800)), true);
  const expected = qemuOutput(g.path);
  assert.equal(expected.length, 12);
  const p = sameWhateverTheSlices(g.path, expected, [1, 7, 97, 10007]);
  assert.match(p.cpu.blockSource(g.symbols.get('fib')!) ?? '', /F\d+\(s, m, H, left\)/, 'fib runs in a flow');
});

/**
 * The program warmed up on the fast CPU (its flows formed) and stepped as far on the
 * one-instruction path; `member`'s block runs in a flow by then, and both are in one state.
 */
function warmedPair(name: string, member: string) {
  const g = buildGuest(name, program(0, 3000), true);
  const slow = loadElf(g.path);
  step(slow, WARM);
  const fast = loadElf(g.path);
  assert.equal(fast.cpu.run(WARM).kind, 'budget');
  assert.match(fast.cpu.blockSource(g.symbols.get(member)!) ?? '', /F\d+\(s, m, H, left\)/, `${member} runs in a flow by now`);
  assert.deepEqual([...fast.cpu.state.r], [...slow.cpu.state.r]);
  return { g, fast, slow };
}

test('a self-loop inside a flow goes round as on the one-instruction path: a breakpoint in it and a watchpoint on what it reads', () => {
  const { g, fast, slow } = warmedPair('flow-loop', 'sumloop');
  const loop = g.symbols.get('sumloop')!;
  sameBreakpointHits(fast, slow, loop);
  assert.equal(fast.cpu.run(WARM).kind, 'budget');
  step(slow, WARM);
  sameWatchpointStop(fast, slow, g.symbols.get('text')! + 2, 1, 'readWrite');
});

test('TF set by iret inside a flow traps after the next instruction, as on the one-instruction path', () => {
  const g = buildGuest('flow-trap', program(300, 1500), true);
  const fast = loadElf(g.path);
  const r = runGuest(fast);
  assert.equal(r.exitCode, null);
  assert.deepEqual(r.stop, { kind: 'fault', fault: { vector: 'DB', reason: 'single-step' }, address: g.symbols.get('after_iret')! });
  const slow = loadElf(g.path);
  let guard = 0;
  while (slow.cpu.state.icount < fast.cpu.state.icount && ++guard < 1e7) {
    const stop = slow.cpu.run(1);
    if (stop.kind === 'kernel') {
      slow.cpu.state.r[0] = 12;
      continue;
    }
    if (stop.kind !== 'budget') {
      assert.deepEqual(stop, r.stop);
      break;
    }
  }
  assert.equal(slow.cpu.state.icount, fast.cpu.state.icount);
  assert.equal(slow.cpu.state.eip, fast.cpu.state.eip);
  assert.deepEqual([...slow.cpu.state.r], [...fast.cpu.state.r]);
});

test('a breakpoint set inside a formed flow, a watchpoint and the debugger\'s TF stop where the one-instruction path does', () => {
  const { g, fast, slow } = warmedPair('flow-stops', 'compare');

  // A breakpoint at compare's return of 1: the flow is dropped and the run stops before it.
  sameBreakpointHits(fast, slow, g.symbols.get('above')!);

  // The flows form again; the watchpoint on the sum the calls through %ebp add to stops after that store.
  assert.equal(fast.cpu.run(WARM).kind, 'budget');
  step(slow, WARM);
  sameWatchpointStop(fast, slow, g.symbols.get('acc')! + 4);

  // TF from the debugger: each instruction traps after it runs, as on the slow path.
  sameTrapFlagSteps(fast, slow);
});

test('a CPU whose memory differs in a flow member does not take the flow another CPU holds', () => {
  // The same program with compare's `mov $-1` made `mov $-2`: every instruction at the same address, one immediate byte different.
  // Quick runs take 800 rounds, about 416,000 instructions, still past WARM: the first test's
  // program, whose build and qemu-i386 output they share (guest.ts qemuOutput).
  const source = program(0, scaled(3000, 800));
  const variant = source.replace('mov $-1, %eax', 'mov $-2, %eax');
  assert.notEqual(variant, source);
  const g = buildGuest('flow-held', source, true);
  const v = buildGuest('flow-held-variant', variant, true);
  assert.equal(v.symbols.get('compare'), g.symbols.get('compare'));
  const holder = loadElf(g.path);
  assert.equal(holder.cpu.run(WARM).kind, 'budget');
  assert.match(holder.cpu.blockSource(g.symbols.get('compare')!) ?? '', /F\d+\(s, m, H, left\)/, 'the first CPU holds compare\'s flow');
  const other = runGuest(loadElf(v.path));
  assert.equal(other.exitCode, 0);
  assert.deepEqual(other.stdout, qemuOutput(v.path));
  const rest = runGuest(holder);
  assert.equal(rest.exitCode, 0);
  assert.deepEqual(rest.stdout, qemuOutput(g.path));
});
