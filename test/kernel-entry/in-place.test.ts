// The run loop's in-place system calls (issue 12): a call whose row is `inline` (getpid,
// gettid, clock_gettime, time...) is finished inside Cpu.run when no listener is subscribed
// and the machine has one task. Exactness: the same guest run with a listener (every call
// back through the run loop) and without one gives the same trace records, registers,
// memory results and instruction count, on every CPU and kernel; and the in-place path is
// really taken (Cpu.run is entered far fewer times than there are calls). With no trace kept
// either (the bench's timed runs: calls go straight from the handler to the exit path), the
// registers, memory and instruction count are the same again.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadProgram, vdsoMapper } from '../../emulator/kernel/loader';
import { RunLoop } from '../../emulator/kernel/run-loop';
import { buildDesign } from '../../toolchain/designs/build';
import { CPU_MODELS, KERNEL_KINDS } from '../../toolchain/designs/options';
import { combinations, scaled } from '../support/scale';
import { buildAsmGuest, guestSymbol } from './harness';

/** Rounds of five calls (a tenth at the quick scale). */
const CALLS = scaled(200, 20);
const GUEST = `
	.globl _start, done, ts, t
	.data
ts:	.long 0, 0, 0, 0
t:	.long 0
	.text
_start:
	movl (%esp), %eax
	leal 8(%esp,%eax,4), %esi
1:	lodsl
	testl %eax, %eax
	jnz 1b
	movl $int80, %edi
2:	lodsl
	movl %eax, %edx
	lodsl
	testl %edx, %edx
	jz 4f
	cmpl $32, %edx
	jne 2b
	movl %eax, %edi
4:	movl $${CALLS}, %esi
5:	movl $20, %eax			/* getpid */
	call *%edi
	addl %eax, t
	movl $224, %eax			/* gettid */
	int $0x80
	movl $265, %eax			/* clock_gettime(CLOCK_MONOTONIC, &ts) */
	movl $1, %ebx
	movl $ts, %ecx
	call *%edi
	movl $13, %eax			/* time(&t) */
	movl $t, %ebx
	call *%edi
	movl $4, %eax			/* write(1, ts, 0): not inline */
	movl $1, %ebx
	movl $ts, %ecx
	xorl %edx, %edx
	call *%edi
	decl %esi
	jnz 5b
done:	movl $1, %eax
	xorl %ebx, %ebx
	int $0x80
int80:	int $0x80
	ret
`;

function run(cpu: (typeof CPU_MODELS)[number], kernel: (typeof KERNEL_KINDS)[number], listen: boolean, keepTrace = true) {
  const g = buildAsmGuest('in-place', GUEST);
  const vdso = buildDesign('upstream', kernel, { cpu }).bytes;
  const { process: p } = loadProgram(g.bytes, 'in-place', {
    options: { cpu, kernel, abi: 'upstream' },
    host: { stdout: () => undefined, stderr: () => undefined },
  }, { argv: ['in-place'], envp: [], execPath: '/in-place', mapVdso: vdsoMapper(vdso, 'vdso/upstream') });
  const loop = new RunLoop(p);
  if (!keepTrace) loop.traceKept = 0;
  let events = 0;
  if (listen) loop.subscribe(() => events++);
  let runs = 0;
  const cpuRun = p.cpu.run.bind(p.cpu);
  p.cpu.run = (budget: number) => {
    runs++;
    return cpuRun(budget);
  };
  // Stopped before the exit (which gives the address space back): the registers and the
  // data the calls wrote, then on to the end.
  const done = guestSymbol(g.bytes, 'done');
  p.cpu.setBreakpoint(done);
  const stopped = loop.run(1_000_000);
  assert.deepEqual(stopped, { kind: 'breakpoint', address: done });
  const icount = p.cpu.state.icount;
  const regs = [...p.cpu.state.r];
  const memory = [p.memory.read(guestSymbol(g.bytes, 'ts'), 16), p.memory.read(guestSymbol(g.bytes, 't'), 4)];
  assert.ok(memory.every((m) => m instanceof Uint8Array), 'the data the calls wrote is readable');
  const result = loop.run(1_000_000);
  return { result, trace: p.trace, icount, regs, memory, runs, events };
}

for (const { kernel, cpu } of combinations({ kernel: KERNEL_KINDS, cpu: CPU_MODELS })) {
  test(`${cpu}/${kernel}: in-place calls give the trace, registers and icount of calls through the run loop`, () => {
    const direct = run(cpu, kernel, false);
    const looped = run(cpu, kernel, true);
    assert.deepEqual(direct.result, { kind: 'exited', status: 0 });
    assert.deepEqual(looped.result, direct.result);
    assert.equal(direct.trace.length, 5 * CALLS + 1);
    assert.deepEqual(direct.trace, looped.trace);
    assert.equal(direct.icount, looped.icount);
    assert.deepEqual(direct.regs, looped.regs);
    assert.deepEqual(direct.memory, looped.memory);
    assert.ok(looped.events > 2 * CALLS, 'the listener saw the calls');
    // Only the write goes back to the run loop without a listener; with one, every call does.
    assert.ok(direct.runs <= CALLS + 10, `Cpu.run entered ${direct.runs} times for ${5 * CALLS} calls`);
    assert.ok(looped.runs >= 5 * CALLS, `Cpu.run entered ${looped.runs} times with a listener`);
    const unrecorded = run(cpu, kernel, false, false);
    assert.deepEqual(unrecorded.result, direct.result);
    assert.equal(unrecorded.trace.length, 0);
    assert.equal(unrecorded.icount, looped.icount);
    assert.deepEqual(unrecorded.regs, looped.regs);
    assert.deepEqual(unrecorded.memory, looped.memory);
    assert.ok(unrecorded.runs <= CALLS + 10, `Cpu.run entered ${unrecorded.runs} times for ${5 * CALLS} calls`);
  });
}
