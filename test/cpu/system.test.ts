// The instructions the random differential test leaves out because they stop a user program
// or need descriptors: segment loads (checked selectors, fs/gs bases for TLS), far-pointer
// loads, bound, port I/O and interrupt-flag changes (#GP at CPL 3), sysexit/sysret (#GP, or
// #UD where the CPU model has no such instruction in that kernel mode),
// and the coverage of every semantic id of the table by an emitter.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TABLE } from '../../toolchain/isa/table-index';
import { Op } from '../../toolchain/isa/ops';
import { SEMANTICS } from '../../emulator/x86/semantics';
import { isPrivileged } from '../../emulator/x86/sem-system';
import { buildGuest, loadElf, runGuest } from './guest';
import { runQemu } from './harness';
import type { CpuModel, KernelKind } from '../../toolchain/designs/options';

test('every semantic id the CPU runs at CPL 3 has one emitter; a privileged one has none', () => {
  const runnable = new Set(TABLE.filter((e) => !isPrivileged(e.gate)).map((e) => e.op));
  const privileged = new Set(TABLE.filter((e) => isPrivileged(e.gate)).map((e) => e.op).filter((op) => !runnable.has(op) && op !== Op.NotCovered));
  assert.deepEqual([...runnable].filter((op) => !SEMANTICS[op]).map((op) => Op[op]), []);
  assert.deepEqual([...privileged].filter((op) => SEMANTICS[op]).map((op) => Op[op]), []);
});

const SEGMENTS = `
.globl _start
_start:
  mov %ds, %eax
  mov %eax, %es
  mov %ss, out
  les ptr, %ebx
  mov %es, out+4
  mov %ebx, out+8
  lfs ptr, %ecx
  mov %fs, out+12
  mov %ecx, out+16
  push %ds
  pop %gs
  mov %gs, out+20
  xor %eax, %eax
  mov %eax, %fs
  mov %fs, out+24
  mov $4, %eax
  mov $1, %ebx
  mov $out, %ecx
  mov $28, %edx
  int $0x80
  mov $1, %eax
  xor %ebx, %ebx
  int $0x80
.data
ptr: .long 0x12345678
     .word 0x2b
out: .fill 28
`;

test('segment loads with the user selectors and null give what qemu-i386 gives', async () => {
  const g = buildGuest('segments', SEGMENTS);
  const expected = await runQemu(g.path);
  assert.deepEqual(runGuest(loadElf(g.path)).stdout, expected);
});

test('a selector the kernel did not define is #GP; mov to cs is #UD; fs/gs bases come from defined segments', () => {
  const g = buildGuest('tls', `.globl _start\n_start:\n mov $0x63, %eax\n bad:\n mov %eax, %ds\n cs:\n .byte 0x8e, 0xc8\n tls:\n mov $0x33, %eax\n mov %eax, %gs\n mov %gs:8, %ecx\n int $0x80\n.data\nvar: .long 1, 2, 0x5a5a5a5a\n`);
  const p = loadElf(g.path);
  assert.deepEqual(p.cpu.run(10), { kind: 'fault', fault: { vector: 'GP', code: 0x60, reason: 'general protection' }, address: g.symbols.get('bad') });
  p.cpu.state.eip = g.symbols.get('cs')!;
  assert.deepEqual(p.cpu.run(10), { kind: 'fault', fault: { vector: 'UD', bytes: [0x8e, 0xc8] }, address: g.symbols.get('cs') });
  p.cpu.state.eip = g.symbols.get('tls')!;
  p.cpu.defineSegment(0x33, g.symbols.get('var')!);
  assert.equal(p.cpu.run(10).kind, 'kernel');
  assert.equal(p.cpu.state.r[1]! >>> 0, 0x5a5a5a5a);
  assert.equal(p.cpu.state.gsBase, g.symbols.get('var'));
});

test('privileged and I/O instructions are #GP at CPL 3; bound raises #BR only out of range', () => {
  for (const code of ['cli', 'sti', 'in $0x60, %al', 'out %al, $0x80', 'insb', 'outsb', 'sysexit', 'clts', 'lgdt (%eax)', 'mov %cr0, %eax']) {
    const g = buildGuest('priv', `.globl _start\n_start:\n ${code}\n`);
    const stop = loadElf(g.path).cpu.run(5);
    assert.deepEqual(stop, { kind: 'fault', fault: { vector: 'GP', code: 0, reason: 'general protection' }, address: g.symbols.get('_start') }, code);
  }
  // sysexit and sysret check the privilege only where the CPU has the instruction in that mode.
  const cases: [string, CpuModel, KernelKind, string][] = [
    ['sysret', 'intel', 'compat64', 'UD'], ['sysret', 'amd', 'compat64', 'GP'], ['sysret', 'amd', 'native32', 'UD'],
    ['sysexit', 'amd', 'compat64', 'UD'], ['sysexit', 'amd', 'native32', 'GP'], ['sysexit', 'generic', 'native32', 'UD'],
  ];
  for (const [code, model, kernel, vector] of cases) {
    const g = buildGuest('priv', `.globl _start\n_start:\n ${code}\n`);
    const stop = loadElf(g.path, model, kernel).cpu.run(5);
    assert.equal(stop.kind === 'fault' && stop.fault.vector, vector, `${code} ${model} ${kernel}`);
  }
  const g = buildGuest('bound', `.globl _start\n_start:\n mov $5, %eax\n bound %eax, range\n mov $11, %eax\nout:\n bound %eax, range\n int $0x80\n.data\nrange: .long 1, 10\n`);
  const p = loadElf(g.path);
  assert.deepEqual(p.cpu.run(10), { kind: 'fault', fault: { vector: 'BR' }, address: g.symbols.get('out') });
  assert.equal(p.cpu.state.icount, 3);
});
