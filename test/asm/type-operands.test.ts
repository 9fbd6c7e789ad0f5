// Checks `.type`'s operand split (directives.ts typeOperands), which reads the common spelling
// by character codes: it must split every text as the regular expression it stands in for does,
// and the objects of `.type` in its spellings must equal what as --32 writes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { typeOperands } from '../../toolchain/asm/directives';
import { compareWithGas } from './gas-compare';

const REGEX = /^("[^"]*"|[^\s,]+)\s*,?\s*(.*)$/;

test('typeOperands splits as the regular expression does, for texts of every character class it tells apart', async () => {
  const pieces = ['f', 'f1', '"q"', '"', ',', ' ', '\t', '\n', '\r', '\u2028', '\u00a0', '@function', '%object', 'x', '', '#', ',,'];
  let n = 0;
  for (const a of pieces) {
    for (const b of pieces) {
      for (const c of pieces) {
        for (const d of ['', ' ', 'STT_FUNC']) {
          const text = a + b + c + d;
          const m = REGEX.exec(text.trim());
          assert.deepEqual(typeOperands(text), m ? [m[1], m[2]] : undefined, JSON.stringify(text));
          n++;
        }
      }
    }
  }
  assert.ok(n > 10_000);
});

/** Code labels a to e for the types to name. */
const FIVE_LABELS = ['\t.text', 'a:\tret', 'b:\tret', 'c:\tret', 'd:\tret', 'e:\tret'];

test('.type in its spellings writes the object as --32 does', async () => {
  await compareWithGas('type-spellings', [
    ...FIVE_LABELS,
    '\t.type a, @function',
    '\t.type b,%object',
    '\t.type c STT_FUNC',
    '\t.type d , "function"',
    '\t.type e,\t@notype',
    '\t.type "f", @object',
    '\t.data',
    'f:\t.long 1',
    'g:\t.long 2',
    '\t.type g, STT_OBJECT',
    '',
  ].join('\n'));
});

test('.type named again combines as GNU as combines BFD flags: the object as --32 writes it', async () => {
  // A TLS object named an object stays TLS, an indirect function named a function stays one,
  // notype clears; the numbers name types as the words do.
  await compareWithGas('type-again', [
    ...FIVE_LABELS,
    '\t.type a, @tls_object',
    '\t.type a, @object',
    '\t.type b, @gnu_indirect_function',
    '\t.type b, @function',
    '\t.type c, @function',
    '\t.type c, @notype',
    '\t.type c, 1',
    '\t.type d, 10',
    '\t.type d, 2',
    '\t.type e, @object',
    '\t.type e, @function',
    '',
  ].join('\n'));
});

test('.type @common and common symbols met by other directives: the symbols, objects and errors of as --32', async () => {
  // A symbol not yet defined becomes a common one of size 0, which a label may still define; a
  // common symbol is an object and keeps that type.
  await compareWithGas('type-common', '\t.type x, @common\n\t.type y, STT_COMMON\n\t.comm y, 4, 2\n\t.type z, 5\nz:\t.long z\n\t.comm w, 8\n\t.type w, @object\n\t.comm v, 0\nv:\n');
  for (const [name, source] of [
    ['type-common-function', '\t.comm x, 4, 4\n\t.type x, @function\n'],
    ['type-common-notype', '\t.type x, @common\n\t.type x, @notype\n'],
    ['type-common-tls', '\t.comm x, 4\n\t.type x, @tls_object\n'],
    ['type-common-label', 'x:\n\t.type x, @common\n'],
    ['common-label', '\t.comm x, 4\nx:\n'],
    ['weak-common', '\t.weak x\n\t.comm x, 4\n'],
    ['weak-type-common', '\t.weak x\n\t.type x, @common\n'],
    ['equiv-type-common', '\t.equiv x, 1\n\t.type x, @common\n'],
    ['set-after-type-common', '\t.set x, 1\n\t.type x, @common\n\t.set x, 2\n'],
    ['set-after-comm', '\t.comm x, 4\nx = 2\n'],
  ] as const) {
    const gas = await compareWithGas(name, source);
    assert.notEqual(gas.status, 0, `${name}: as --32 refuses it`);
  }
  // A symbol `.set` equated becomes a common one (no longer equated: references relocate against it).
  await compareWithGas('set-type-common', '\t.set x, 8\n\t.type x, @common\n\t.long x\n\t.data\ny:\t.long 0\n\t.set w, y\n\t.type w, @common\n\t.set v, 1\n\t.type v, @common\n\t.comm v, 8\n');
});

test('@gnu_unique_object gives GNU\'s unique binding and combines with other types as as --32 does', async () => {
  // Unique without .globl (relocated against its section), with .globl (against itself),
  // after .weak, named an object again (stays unique), retyped (a warning, unique gone),
  // cleared by notype, equated symbols, an undefined one (still a GNU object), a common one refused.
  const unique = (x: string) => `\t.type ${x}, @gnu_unique_object`;
  await compareWithGas('type-unique', [
    '\t.data', 'z:\t.long 0', 'a:\t.long 1', unique('a'), 'b:\t.long 2', unique('b'), '\t.globl b',
    'c:\t.long 3', '\t.weak c', unique('c'), 'd:\t.long 4', unique('d'), '\t.type d, %object',
    'e:\t.long 5', unique('e'), '\t.type e, @function', 'f:\t.long 6', '\t.type f, @tls_object', unique('f'),
    'g:\t.long 7', unique('g'), '\t.type g, @notype', '\t.set h, a + 2', unique('h'), '\t.set i, 9', '\t.type i, "gnu_unique_object"',
    '\t.long a, b, h', '\t.text', '\tcall b', '\tmovl a, %eax', '',
  ].join('\n'));
  await compareWithGas('type-unique-undefined', [unique('u'), '\t.long u', ''].join('\n'));
  await compareWithGas('type-unique-common', ['\t.comm k, 4', unique('k'), ''].join('\n'));
});
