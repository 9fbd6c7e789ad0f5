// GAS's arithmetic on numbers where C's would differ, and the fields numbers are written to,
// checked against `as --32` at test time (gas-compare.ts: messages, exit status, object):
// `>>` shifts the unsigned value; a shift count outside 0..63 gives 0 and a division or
// remainder by zero divides by 1, each with GAS's warning; .byte and .word warn when a number
// does not fit (-256 does not fit a byte) and .long, .fill and the alignment fills do not; a
// symbol's addend in a 1- or 2-byte field is checked as any fixup's number is; a number wider
// than 64 bits (a bignum) keeps its low bytes in data, is 0 to an operator (each with GAS's
// warning) and is no instruction operand.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compareWithGas } from './gas-compare';

test('shifts and divisions GAS computes unlike C: logical >>, counts outside 0..63, division by zero', async () => {
  const gas = await compareWithGas('shift-divide', [
    '\t.long 1 << 64', '\t.long 1 << 65', '\t.long 1 << -1', '\t.long -8 >> 1', '\t.long (-8 >> 1) >> 32',
    '\t.long -1 >> 60', '\t.long 5 / 0', '\t.long 5 % 0', '\t.long -7 / 2', '\t.long -7 % 2', '\t.long 1 >> 64',
    '\t.quad -16 >> 2', '\t.long (-1 < 1)', '\t.equ N, 64', '\t.long 3 << N', '\t.byte (1 << 70) + 4',
    '\tmovl $(-1 >> 33), %eax', '\taddl $(7 / 0), %ebx', '\taddl $(7 / 0), %ebx', '\t.rept 2', '\t.long 1 << 64', '\t.endr', '',
  ].join('\n'));
  assert.equal(gas.status, 0);
  assert.ok(gas.messages.includes('3: Warning: shift count out of range (-1 is not between 0 and 63)'), gas.messages.join('\n'));
  assert.ok(gas.messages.includes('7: Warning: division by zero'), gas.messages.join('\n'));
});

test('numbers too wide for their field: .byte and .word warn (-256 included), .long, .fill and alignment fills do not', async () => {
  const gas = await compareWithGas('field-width', [
    '\t.data', '\t.byte -256', '\t.byte -255', '\t.word -65536', '\t.byte 255', '\t.byte 256', '\t.word 0x10000',
    '\t.long 0x100000000', '\t.long -0x100000001', '\t.long 0x7fffffff80000000', '\t.fill 1, 4, 0x100000000',
    '\t.fill 1, 2, 0x10000', '\t.fill 1, 1, 0x100', '\t.byte 1', '\t.balign 4, 0x100', '\t.balignw 8, 0x10000',
    '\t.balignl 16, 0x100000000', '\t.byte 2', '\t.balign 4, 0x1ff', '',
  ].join('\n'));
  assert.ok(gas.messages.includes('2: Warning: value 0xffffffffffffff00 truncated to 0x0'), gas.messages.join('\n'));
  assert.ok(!gas.messages.some((m) => m.startsWith('8: ')), gas.messages.join('\n'));
});

test('a symbol plus a number in a 1- or 2-byte field: GAS\'s error when the number left in the field does not fit', async () => {
  const gas = await compareWithGas('symbol-field', [
    '\t.text', 'bar:\tnop', '\t.byte bar + 0xff', '\t.byte bar + 0x100', '\t.word bar + 0xfffe', '\t.byte foo + 0xff',
    '\t.byte foo - 0x80', '\t.byte foo - 0x100', '\t.byte foo - 0x101', '\t.word foo + 0x10000', '\t.long foo + 0x100000000',
    '\t.globl gb', 'gb:\t.byte gb + 0x100', '',
  ].join('\n'));
  assert.ok(gas.messages.includes('8: Error: value of ffffff00 too large for field of 1 byte at 00000007'), gas.messages.join('\n'));
  const fits = await compareWithGas('symbol-field-fits', '\t.byte foo + 0xff\n\t.byte foo - 0xff\n\t.word foo - 0xffff\n\t.long foo + 0x100000000\n');
  assert.equal(fits.status, 0);
});

test('numbers wider than 64 bits (GAS\'s bignums): low bytes with a warning, 0 for an operator, no instruction operand', async () => {
  const gas = await compareWithGas('bignum', [
    '\t.long 0x1ffffffffffffffff', '\t.quad 0x1ffffffffffffffff', '\t.byte 0x1ffffffffffffffff', '\t.word 0x10000000000000000',
    '\t.quad 0x10000000000000005+1', '\t.quad 1+0x10000000000000000', '\t.quad -0x10000000000000000', '\t.quad ~0x10000000000000000',
    '\t.quad (0x10000000000000000)', '\t.long 0x123456789abcdef0123', '\t.quad 18446744073709551616', '\t.quad 0xffffffffffffffff',
    '\t.quad -0xffffffffffffffff', '\tmovl $(0x1ffffffffffffffff+1), %eax', '',
  ].join('\n'));
  assert.ok(gas.messages.includes('5: Warning: left operand is a bignum; integer 0 assumed'), gas.messages.join('\n'));
  for (const [name, line] of [['bignum-imm', '\tmovl $0x1ffffffffffffffff, %eax'], ['bignum-disp', '\tmovl 0x1ffffffffffffffff, %eax'], ['bignum-neg-imm', '\tpushl $-0x10000000000000000']]) {
    assert.notEqual((await compareWithGas(name, `${line}\n`)).status, 0, name);
  }
});
