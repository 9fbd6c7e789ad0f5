// Self-loops through memory sites (emulator/x86/compile.ts): a loop's loads and stores keep
// the page they last reached and leave the loop when an address is elsewhere. Programs that
// cross pages with every access width, aligned or not, store beside a watchpoint, run off the
// end of their mapping, or go on after fork (copy-on-write pages), end as under qemu-i386,
// with exact instruction counts whatever the budget slices.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { runQemu } from './harness';
import { buildGuest, EXIT, loadElf, runGuest } from './guest';


/**
 * Loads of 1, 2 and 4 bytes and stores of 2 and 4, unaligned too, a read-modify-write, a push
 * and a pop, moving 14 bytes a pass over 64 KiB (so a page lasts some 290 passes): 15
 * instructions a pass.
 */
const WALK = `
.globl _start
_start:
  mov $buf, %esi
  mov $30000, %ecx
  mov $0x12345678, %eax
  xor %ebx, %ebx
loop:
  movzbl (%esi,%ebx), %edx
  add %edx, %eax
  movw %ax, 3(%esi,%ebx,2)
  rol $3, %eax
  xor (%esi,%ebx,2), %eax
  mov %eax, 1(%esi,%ebx,2)
  push %eax
  pop %edx
  addl %eax, 8(%esi,%ebx,2)
  movzwl 6(%esi,%ebx,2), %edx
  sub %edx, %eax
  add $7, %ebx
  and $32767, %ebx
  dec %ecx
  jnz loop
  mov %eax, regs
  mov %ebx, regs+4
  mov %edx, regs+8
  mov $4, %eax
  mov $1, %ebx
  mov $buf, %ecx
  mov $65552, %edx
  int $0x80
${EXIT}
.data
buf: .space 65536
regs: .space 16
`;
const WALK_PASS = 15;
const WALK_SETUP = 4;

test('a loop crossing pages with every access width ends as under qemu-i386, whatever the budget slices', async () => {
  const g = buildGuest('walk', WALK);
  const expected = await runQemu(g.path);
  assert.equal(expected.length, 65552);
  const whole = loadElf(g.path);
  // Armed as a debugging session would have them, on pages the loop never touches.
  for (let k = 0; k < 10; k++) whole.cpu.setBreakpoint(0x09000000 + 16 * k);
  whole.cpu.setWatchpoint(0x0a000100, 4, 'write');
  const r = runGuest(whole);
  assert.deepEqual(r.stdout, expected);
  assert.equal(r.instructions, WALK_SETUP + 30000 * WALK_PASS + 8 + 3);
  for (const slice of [1, 6, 13, 14, 29, 1000]) {
    const p = loadElf(g.path);
    let guard = 0;
    while (p.cpu.run(slice).kind === 'budget') assert.ok(guard++ < 1e7);
    assert.equal(p.cpu.state.icount, WALK_SETUP + 30000 * WALK_PASS + 8, `slice ${slice}: the count up to the write`);
    assert.deepEqual(p.memory.read(g.symbols.get('buf')!, 65552), expected, `slice ${slice}: the buffer and registers`);
  }
});

/** Stores the pass number into one word after another: 5 instructions a pass. */
const FILL = `
.globl _start
_start:
  mov $buf, %edi
  xor %ecx, %ecx
loop:
  mov %ecx, (%edi,%ecx,4)
store_done:
  inc %ecx
  cmp $3000, %ecx
  jne loop
  mov $4, %eax
  mov $1, %ebx
  mov $buf, %ecx
  mov $12000, %edx
  int $0x80
${EXIT}
.data
buf: .space 12000
`;

test('a watchpoint on a word a loop stores stops after the storing instruction of that pass, on a page the loop already holds', async () => {
  const g = buildGuest('fill', FILL);
  const expected = await runQemu(g.path);
  const buf = g.symbols.get('buf')!;
  const p = loadElf(g.path);
  // Word 2500 sits two pages on: the loop has held its page (and the next) before the watchpoint is set.
  assert.equal(p.cpu.run(2 + 1000 * 4).kind, 'budget');
  p.cpu.setWatchpoint(buf + 4 * 2500, 4, 'write');
  const stop = p.cpu.run(1e9);
  assert.deepEqual(stop, { kind: 'watchpoint', watched: buf + 4 * 2500, address: g.symbols.get('loop') });
  assert.equal(p.cpu.state.eip, g.symbols.get('store_done'));
  assert.equal(p.cpu.state.icount, 2 + 2500 * 4 + 1);
  assert.equal(p.cpu.state.r[1], 2500);
  const r = runGuest(p);
  assert.deepEqual(r.stdout, expected);
});

/** Sums bytes upward from `buf` until a load faults past the end of the mapping: 4 instructions a pass. */
const RUNAWAY = `
.globl _start
_start:
  mov $buf, %esi
  xor %eax, %eax
loop:
  movzbl (%esi), %edx
  add %edx, %eax
  inc %esi
  jmp loop
.data
buf: .byte 1, 2, 3
`;

test('a loop running off the end of its mapping faults at the load, with the passes before it done', () => {
  const g = buildGuest('runaway', RUNAWAY);
  const buf = g.symbols.get('buf')!;
  // The first byte past the page-rounded data segment, as ld laid it out.
  const file = readFileSync(g.path);
  let end = 0;
  for (let k = 0; k < file.readUInt16LE(44); k++) {
    const at = file.readUInt32LE(28) + k * file.readUInt16LE(42);
    if (file.readUInt32LE(at) === 1) end = Math.max(end, file.readUInt32LE(at + 8) + file.readUInt32LE(at + 20));
  }
  const unmapped = (end + 4095) & ~4095;
  assert.ok(unmapped > buf);
  const p = loadElf(g.path);
  const stop = p.cpu.run(1e9);
  assert.deepEqual(stop, { kind: 'fault', fault: { kind: 'page-fault', address: unmapped, access: 'read', protection: false, vector: 'PF' }, address: g.symbols.get('loop') });
  assert.equal(p.cpu.state.eip, g.symbols.get('loop'));
  assert.equal(p.cpu.state.r[6], unmapped);
  assert.equal(p.cpu.state.r[0], 6, 'the data segment holds 1, 2, 3 and zeros');
  assert.equal(p.cpu.state.icount, 2 + (unmapped - buf) * 4);
});

test('after fork, a loop in each address space stores into its own copy of the pages', async () => {
  const g = buildGuest('walk', WALK);
  const expected = await runQemu(g.path);
  const parent = loadElf(g.path);
  // Halfway: the loop holds its pages in both sites and the next run in either space must copy them first.
  assert.equal(parent.cpu.run(WALK_SETUP + 15000 * WALK_PASS + 5).kind, 'budget');
  const memory = parent.memory.fork();
  const child = { cpu: parent.cpu.clone(memory), memory, entry: parent.entry };
  child.cpu.state.eip = parent.cpu.state.eip;
  assert.deepEqual(runGuest(child).stdout, expected, 'the child');
  assert.deepEqual(runGuest(parent).stdout, expected, 'the parent');
});

/**
 * Each round stores the opcode of inc or dec %eax (by the round's parity) into bytes of a page
 * (from offset 64 down to 1, in steps of 3), evicts that page from the store TLB (a store 4
 * MiB on, in the same TLB slot), then calls code at the start of the page, whose second byte
 * the stores rewrote: from the second round on, the page holds code that the loop's stores
 * reach only after its first pass.
 */
const CODE_LATER = `
.globl _start
_start:
  mov $40, %esi
round:
  mov $0x48, %eax
  test $1, %esi
  jz 1f
  mov $0x40, %eax
1:
  mov $page+64, %edi
  mov $22, %ecx
fill:
  mov %al, (%edi)
  sub $3, %edi
  dec %ecx
  jnz fill
  mov %eax, evict
  mov $1000, %eax
  call page
  add %eax, result
  dec %esi
  jnz round
  mov $4, %eax
  mov $1, %ebx
  mov $result, %ecx
  mov $4, %edx
  int $0x80
${EXIT}
.data
.balign 4096
page:
  nop
  inc %eax
  ret
  .skip 0x400000 - 3
evict: .long 0
result: .long 0
`;

test('a loop storing into a page that came to hold code since it last ran invalidates that code', async () => {
  const g = buildGuest('code-later', CODE_LATER, true);
  const expected = await runQemu(g.path);
  assert.deepEqual(runGuest(loadElf(g.path)).stdout, expected);
});
