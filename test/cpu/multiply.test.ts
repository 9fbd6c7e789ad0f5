// 32-bit multiplication in compiled blocks (emulator/x86/sem-muldiv.ts): the high half of mul
// and one-operand imul computed from the product as a double (no helper call), and CF/OF of
// the truncating imul from the same product, skipped when nothing reads them. Operand pairs
// whose product a double cannot hold exactly, pairs on each side of the int32 range, in a
// loop run often enough for its blocks to be compiled hot, end as under qemu-i386 (and the
// real CPU where the host runs i386 code).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildGuest, EXIT, loadElf, qemuOutput, runGuest, writeOut } from './guest';

/** Operand pairs: products past 2^53 with every sign, and truncating-imul overflow edges (2^31 and -2^31, 46340^2 and 46341^2). */
const PAIRS: Array<[number, number]> = [
  [0xffffffff, 0xffffffff], [0xfffffffe, 0xffffffff], [0x7fffffff, 0x80000001], [0x80000000, 0x80000000],
  [0x80000000, 0x7fffffff], [0xdeadbeef, 0xcafebabe], [0x12345679, 0xfedcba97], [0x9e3779b9, 0x01000193],
  [0x00010000, 0x00008000], [0x00008000, 0xffff0000], [0x0000b504, 0x0000b504], [0x0000b505, 0x0000b505],
  [0xffff4afc, 0x0000b504], [0x00000001, 0x80000000], [0xffffffff, 0x80000000], [0x00000000, 0xffffffff],
  [0x40000000, 0x00000002], [0xc0000000, 0x00000002], [0x0001ffff, 0x0001ffff], [0x89abcdef, 0x00000010],
];

const WRITE_OUT = writeOut('outEnd-out');
/** Each pass of the outer loop records, per pair: mul's edx:eax and CF/OF, imul's, imul r,r/m's product and CF/OF, imul r,r/m,imm's; then a hash whose imul flags nobody reads. */
const SOURCE = `
.globl _start
_start:
  mov $200, %ebp
again:
  mov $pairs, %esi
  mov $out, %edi
pair:
  mov (%esi), %eax
  mull 4(%esi)
  mov %eax, (%edi)
  mov %edx, 4(%edi)
  pushf
  pop %ebx
  and $0x801, %ebx
  mov %ebx, 8(%edi)
  mov (%esi), %eax
  imull 4(%esi)
  mov %eax, 12(%edi)
  mov %edx, 16(%edi)
  pushf
  pop %ebx
  and $0x801, %ebx
  mov %ebx, 20(%edi)
  mov (%esi), %eax
  imul 4(%esi), %eax
  mov %eax, 24(%edi)
  setc 28(%edi)
  seto 29(%edi)
  movb $0, 30(%edi)
  imul $-1640531535, (%esi), %ecx
  jo 1f
  movb $1, 30(%edi)
1:
  mov %ecx, 32(%edi)
  mov 4(%esi), %ecx
  imul $0x7fff, %ecx, %ecx
  setc 31(%edi)
  mov %ecx, 36(%edi)
  add $8, %esi
  add $40, %edi
  cmp $pairsEnd, %esi
  jne pair
  mov $0x811c9dc5, %eax
  mov $pairs, %esi
hash:
  movzbl (%esi), %edx
  inc %esi
  xor %edx, %eax
  imul $0x01000193, %eax, %eax
  cmp $pairsEnd, %esi
  jne hash
  mov %eax, (%edi)
  dec %ebp
  jnz again
${WRITE_OUT}${EXIT}
.data
pairs:
${PAIRS.map(([a, b]) => `  .long ${a}, ${b}`).join('\n')}
pairsEnd:
out: .fill ${PAIRS.length * 40 + 4}
outEnd:
`;

test('mul, imul and their CF/OF on products past 2^53 and at the int32 edges end as under qemu-i386', () => {
  const g = buildGuest('multiply', SOURCE);
  const expected = qemuOutput(g.path);
  const p = loadElf(g.path);
  const r = runGuest(p);
  assert.equal(r.stop, null, JSON.stringify(r.stop));
  assert.deepEqual(r.stdout, expected);
  // The loop's blocks ran compiled, hot ones too (entered past the CPU's threshold): not only the one-instruction path.
  assert.ok(p.cpu.blockSource(g.symbols.get('pair')!)?.includes('Math.round'), 'the pair loop is a compiled block computing the high half inline');
});
