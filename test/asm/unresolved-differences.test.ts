// Checks the message for a data field holding a difference the object file cannot express (two
// symbols of other sections than the field's), against as --32: GNU as names the fixup's
// symbols, a local label (and `.`) by its section, a global, weak or undefined one by its name.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compareWithGas } from './gas-compare';

test('a difference of symbols in other sections: the messages of as --32, each on its line', () => {
  const gas = compareWithGas('unresolved-differences', [
    '\t.data',
    '\t.long . - f',
    'g:\t.long g - f',
    '\t.byte g - f',
    '\t.long u - f',
    '\t.long g - u',
    '\t.long -f',
    '\t.long 3 + g - f',
    '\t.globl h',
    'h:\t.long h - f',
    '\t.weak w',
    'w:\t.long w - f',
    '\t.long 1f - f',
    '1:',
    '\t.text',
    'f:\tnop',
    '',
  ].join('\n'));
  assert.equal(gas.messages.length, 10, gas.messages.join('\n'));
});
