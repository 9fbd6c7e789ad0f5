// Reverse execution restores the whole machine, not only what the Variables view shows:
// an as/ld program that reads a file (lseek back to its start at EOF), uses the x87 FPU,
// and takes an ITIMER_VIRTUAL signal every 10 µs of virtual time runs 10,000
// instructions to its first signal handler; from just before that delivery, 50
// instruction steps (through a read system call and the signal delivery) keep every
// register (the FPU's and segment state included), every byte of every mapped page, and the
// kernel model's state of the process (signals, timers, clocks, file offsets, memory map);
// 50 steps back give exactly each of those, restoring checkpoints taken every 7
// instructions and thinned ones from the continue. reverseContinue goes back to the data
// breakpoint's previous writes and to the previous signal delivery (the exception filter),
// each in exactly the state the forward stop had. Then the program runs to its end: its
// exit status (the sum of the bytes it read) is what qemu-i386 (or the host) gives.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DebugRuntime } from '../../emulator/debug/runtime';
import type { Target } from '../../emulator/debug/launch';
import type { StopEvent } from '../../emulator/debug/types';
import { Memory, PAGE_SIZE, PROT_READ } from '../../emulator/memory/memory';
import { nodeDebugHost } from '../../debug-adapter/node-host';
import { assemble, run, scratch } from '../support/oracles';
import { symbolValues } from './dap-helpers';

const dir = scratch('vdso-lab-reverse-state-');
const data = join(dir, 'data');
writeFileSync(data, Buffer.from('reverse execution, exactly\n'));

const SOURCE = `
  .data
ticks: .long 0
sum: .long 0
act: .long handler, 0, 0, 0
timer: .long 0, 10, 0, 10
buf: .space 16
path: .asciz "${data}"
fpv: .double 1.25
  .text
  .globl _start
_start:
  movl $67, %eax
  movl $26, %ebx
  movl $act, %ecx
  xorl %edx, %edx
  int $0x80
  movl $104, %eax
  movl $1, %ebx
  movl $timer, %ecx
  xorl %edx, %edx
  int $0x80
  movl $5, %eax
  movl $path, %ebx
  xorl %ecx, %ecx
  int $0x80
  movl %eax, %esi
  movl $1500, %edi
again:
  movl $3, %eax
  movl %esi, %ebx
  movl $buf, %ecx
  movl $1, %edx
  int $0x80
  testl %eax, %eax
  jnz 2f
  movl $19, %eax
  movl %esi, %ebx
  xorl %ecx, %ecx
  xorl %edx, %edx
  int $0x80
  jmp again
2:
  movzbl buf, %eax
  addl %eax, sum
  fldl fpv
  fmull fpv
  fstpl buf+8
  pushl %edi
  popl %edx
  decl %edi
  jnz again
  movl $1, %eax
  movl sum, %ebx
  int $0x80
handler:
  incl ticks
  fldl fpv
  fstpl buf+8
  ret
`;

/** A JSON text of any value: typed arrays as arrays, bigints as strings, Maps and Sets as entries, functions and cycles named; address spaces are compared page by page instead. */
function text(value: unknown): string {
  const seen = new Set<object>();
  return JSON.stringify(value, (key, v: unknown) => {
    if (v instanceof Memory) return '[memory]';
    // An open file's host handle is the host's, not the guest's (it reopens after a rewind): its offset is compared.
    if (key === 'handle') return '[host]';
    if (typeof v === 'bigint') return `${v}n`;
    if (typeof v === 'function') return '[function]';
    if (ArrayBuffer.isView(v)) return Array.from(v as Uint8Array);
    if (v instanceof Map) return [...v.entries()];
    if (v instanceof Set) return [...v];
    if (typeof v === 'object' && v !== null) {
      if (seen.has(v)) return '[seen]';
      seen.add(v);
    }
    return v;
  });
}

/**
 * Everything about the process: registers, every mapped page (its number, protection and the
 * SHA-256 of its bytes: a snapshot of ~100 pages taken ~110 times, where their text was half
 * this file's CPU), the kernel model's view of it.
 */
function machine(t: Target): Record<string, string> {
  const p = t.process;
  const pages = p.memory.mappedPages().map(([page, prot]) => {
    const bytes = prot & PROT_READ ? p.memory.read(page * PAGE_SIZE, PAGE_SIZE) : undefined;
    return `${page.toString(16)}:${prot}:${bytes instanceof Uint8Array ? createHash('sha256').update(bytes).digest('base64') : '-'}`;
  });
  return {
    cpu: text(p.cpu.state),
    pages: pages.join('\n'),
    signals: text(p.signals),
    timers: text(p.timers),
    clock: `${p.clock.monotonic()} ${p.clock.cpuTime()} ${p.clock.realtime()}`,
    files: text([0, 1, 2, 3, 4].map((fd) => p.fds.get(fd))),
    mm: text(p.mm),
  };
}

test('50 instruction steps back across a read and a signal delivery restore every register, every mapped byte and the kernel state; the run then ends as qemu-i386 ends it', async () => {
  const program = join(dir, 'guest');
  run('ld', ['-m', 'elf_i386', '-o', program, assemble('guest', SOURCE, dir)]);
  const symbols = symbolValues(program);
  const handler = symbols.get('handler')!;
  const runtime = new DebugRuntime(nodeDebugHost(() => dir));
  const stops: StopEvent[] = [];
  let exited: number | undefined;
  let wake: () => void = () => undefined;
  runtime.events.on('stopped', (e) => {
    stops.push(e);
    wake();
  });
  runtime.events.on('exited', (e) => {
    exited = e.status;
    wake();
  });
  const next = async (action: () => void): Promise<StopEvent | undefined> => {
    const before = stops.length;
    const done = new Promise<void>((r) => (wake = r));
    action();
    await done;
    return stops.length > before ? stops[stops.length - 1] : undefined;
  };
  // The runtime's target: what this test compares is the machine itself, which no surface shows whole.
  const target = (): Target => (runtime as unknown as { target: Target }).target;
  try {
    runtime.launch({ program, root: '/', vdso: 'upstream', reverseCheckpointEvery: 7, reverseCheckpointsKept: 12 });
    runtime.setInstructionBreakpoints([handler]);
    const first = await next(() => runtime.continue());
    assert.equal(first?.reason, 'instruction-breakpoint');
    assert.ok(target().process.cpu.state.icount >= 10_000, `the first signal came ${target().process.cpu.state.icount} instructions in`);
    runtime.setInstructionBreakpoints([]);
    for (let k = 0; k < 30; k++) await next(() => runtime.stepBack('instruction'));
    const forward = [machine(target())];
    const eips: number[] = [target().process.cpu.state.eip >>> 0];
    for (let k = 1; k <= 50; k++) {
      await next(() => runtime.stepInstruction());
      forward.push(machine(target()));
      eips.push(target().process.cpu.state.eip >>> 0);
    }
    assert.ok(eips.some((e) => e > handler && e < handler + 16), 'the 50 steps enter the signal handler');
    assert.ok(forward.some((s, k) => k > 0 && s.files !== forward[k - 1]!.files), 'the 50 steps read the file');
    for (let k = 49; k >= 0; k--) {
      await next(() => runtime.stepBack('instruction'));
      const now = machine(target());
      for (const part of Object.keys(now)) assert.equal(now[part], forward[k]![part], `${part} after stepping back to step ${k}`);
    }
    // reverseContinue to the data breakpoint's previous hits and to the previous signal delivery (the exception filter), each in the state the forward stop had.
    const sumAt = symbols.get('sum')!;
    runtime.setDataBreakpoints([{ address: sumAt, length: 4, access: 'write' }]);
    const writes: Array<Record<string, string>> = [];
    for (let k = 0; k < 3; k++) {
      assert.equal((await next(() => runtime.continue()))?.reason, 'data-breakpoint');
      writes.push(machine(target()));
    }
    for (const k of [1, 0]) {
      assert.equal((await next(() => runtime.reverseContinue()))?.reason, 'data-breakpoint');
      assert.deepEqual(machine(target()), writes[k], `reverseContinue to write ${k}`);
    }
    runtime.setDataBreakpoints([]);
    runtime.setKernelEventBreakpoints({ signal: true });
    const deliveries: Array<Record<string, string>> = [];
    for (let k = 0; k < 2; k++) {
      assert.equal((await next(() => runtime.continue()))?.reason, 'kernel-event');
      deliveries.push(machine(target()));
      assert.equal(target().process.cpu.state.eip >>> 0, handler, 'stopped at the handler');
    }
    assert.equal((await next(() => runtime.reverseContinue()))?.reason, 'kernel-event');
    assert.deepEqual(machine(target()), deliveries[0], 'reverseContinue to the previous signal delivery: in the handler, as the forward stop was');
    runtime.setKernelEventBreakpoints({});
    await next(() => runtime.continue());
    assert.notEqual(exited, undefined, 'the program ran to its end');
    const oracle = run('sh', ['-c', `qemu-i386 ${program}; echo $?`]).trim().split('\n').pop();
    assert.equal(String(exited), oracle, 'exit status (the sum of the bytes read, mod 256) as under qemu-i386');
  } finally {
    runtime.dispose();
  }
});
