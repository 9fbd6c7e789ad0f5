// Branch displacements that do not fit their field, checked against `as --32` at test time:
// GAS's "value of V too large for field of N bytes at A" (V from 0 to 1000 in decimal, any
// other as 8 hex digits; A always so), a 1-byte displacement checked signed and a wider one
// either way (a 16-bit call wraps at 64K), an absolute target in .code16 checked like any
// fixup, and a relaxed branch to its own section written unchecked, as GAS writes it.
// GAS prints no line for a relaxed branch's message (it makes that fixup after reading), so
// there only the text is compared (gas-compare.ts). A jecxz or loop to a constant address GAS takes when the
// address is a disp8 (-0x80..0x7f), and relocates against nothing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compareWithGas as compare } from './gas-compare';

test('.code16 branches to an absolute address above 64K: GAS\'s error for the 2-byte field, in hex', async () => {
  const gas = await compare('abs16', '\t.code16\n\tjmp 0x12345\n\tcall 0x12345\n\tjz 0x12345\n\tjmp 5000000000\n\tcall 0x100\n');
  assert.ok(gas.messages.includes('3: Error: value of 00012343 too large for field of 2 bytes at 00000004'), gas.messages.join('\n'));
  assert.ok(gas.messages.includes('Error: value of 00012343 too large for field of 2 bytes at 00000001'), gas.messages.join('\n'));
});

test('jecxz and loop to a target out of 8-bit reach: decimal up to 1000, hex beyond and below zero', async () => {
  const gas = await compare('byte-field', '\tjecxz far\n\tloop far\n\tloopne far2\n\t.skip 300\nfar:\t.byte 0\n\t.skip 900\nfar2:\t.byte 0\nback:\t.skip 300\n\tjecxz back\n');
  assert.ok(gas.messages.includes('1: Error: value of 304 too large for field of 1 byte at 00000001'), gas.messages.join('\n'));
  assert.equal(gas.status, 1);
});

test('16-bit displacements GAS accepts: a call that wraps at 64K, relaxed jumps to their own section written unchecked', async () => {
  const gas = await compare('wrap16', '\t.code16\nback:\t.skip 40000\n\tcall back\n\tjmp back\n\tjz back\n\tcall fwd\n\t.skip 40000\nfwd:\t.byte 0\n\t.skip 70000\n\tjmp back\n\tjmp .+0x20000\n');
  assert.equal(gas.status, 0);
});

test('a 16-bit call out of reach either way: GAS\'s error with the value in hex', async () => {
  const gas = await compare('call16', '\t.code16\nback:\t.skip 70000\n\tcall back\n\tjmp back\n');
  assert.ok(gas.messages.includes('3: Error: value of fffeee8d too large for field of 2 bytes at 00011171'), gas.messages.join('\n'));
});

test('jecxz, jcxz and loop to an absolute address: accepted within a disp8 (a PC8 relocation against nothing), else GAS\'s messages', async () => {
  await compare('byte-abs-ok', '\t.equ X, 5\n\tloop 0x10\n\tjecxz 0x7f\n\tjcxz -0x7f\n\tloopne X\n\tloope 0\n\tloop -1\n\t.code16\n\tjcxz 0x10\n\tjecxz -1\n');
  const gas = await compare('byte-abs-bad', '\tloop 0x80\n\tjecxz -0x80\n\tjcxz -0x81\n\tloop 0xffffff7f\n\t.code16\n\tjcxz 0x80\n\tjecxz -0x80\n');
  assert.ok(gas.messages.includes('1: Error: operand size mismatch for `loop\''), gas.messages.join('\n'));
  assert.ok(gas.messages.includes('2: Error: value of ffffff7f too large for field of 1 byte at 00000001'), gas.messages.join('\n'));
});
