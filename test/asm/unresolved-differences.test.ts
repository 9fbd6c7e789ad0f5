// Checks the message for a data field holding a difference the object file cannot express (two
// symbols of other sections than the field's), against as --32: GNU as names the fixup's
// symbols, a local label (and `.`) by its section, a global, weak or undefined one by its name.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compareWithGas } from './gas-compare';

test('a difference of symbols in other sections: the messages of as --32, each on its line', async () => {
  const gas = await compareWithGas('unresolved-differences', [
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

test('operators that do not take their operands\' sections: the messages of as --32, in statements and when setting a symbol', async () => {
  const statements = await compareWithGas('operator-sections', [
    '\t.data',
    'g:\t.long g + f',
    '\t.long g * 2',
    '\t.byte 2 * g, 1, u * 3',
    '\t.long g << 1',
    '\t.long ~g',
    '\t.long (g - f) * 2',
    '\t.long (u - v) & 1',
    '\tmovl $g*2, %eax',
    '\t.text',
    'f:\tnop',
    '',
  ].join('\n'));
  assert.equal(statements.messages.length, 9, statements.messages.join('\n'));
  // A symbol defined after its use as an absolute operand is that value, as GNU as reads it at the end.
  await compareWithGas('operator-forward', '\t.data\ng:\t.long g + f\n\t.set f, 4\n');
  for (const [name, set] of [['set-difference', 'g - f'], ['set-sum', 'g + f'], ['set-product', 'g * 2'], ['set-undefined', 'u - v'], ['set-not', '~g']] as const) {
    const gas = await compareWithGas(name, `\t.data\n\t.set x, ${set}\ng:\n\t.text\nf:\tnop\n`);
    assert.equal(gas.messages.length, 1, gas.messages.join('\n'));
  }
});

test('.uleb128/.sleb128 of symbols, resolved at the end as GNU as resolves them: the objects and messages of as --32', async () => {
  // A label is its offset in its section (relaxed with the fields around it), a common symbol its size.
  await compareWithGas('leb-symbols', '\t.comm c, 300, 8\n\t.data\n\t.byte 1\ng:\t.uleb128 g, g + 200, h, c\n\t.sleb128 g\n\t.skip 300\nh:\n\t.uleb128 2f - 1f\n1:\t.skip 200\n2:\n');
  const gas = await compareWithGas('leb-unresolved', '\t.data\ng:\t.uleb128 u\n\t.sleb128 u - v\n\t.uleb128 h - g\n\t.uleb128 g * 2\n\t.sleb128 -g\n\t.text\nh:\tnop\n');
  assert.equal(gas.messages.length, 5, gas.messages.join('\n'));
});
