// Checks data fields holding `A - B` of two symbols, where either may be a label of the field's
// section or another's, `.`, undefined, global or equated (to a label and offset, a number or
// another symbol), against as --32: the evaluator answers a difference of two symbols that are
// not equated without its general path (evaluate.ts `labelDifference`), which these hold to it.
import { test } from 'node:test';
import { compareWithGas } from './gas-compare';

test('differences of two symbols in data fields, equated ones among them: the object and messages of as --32', async () => {
  await compareWithGas('label-differences', [
    '\t.set e, f + 4',
    '\t.set k, 12',
    '\t.equ z, g',
    '\t.set y, a + 2',
    '\t.globl h',
    '\t.data',
    'a:\t.long e - a, e - f, f - e, k - a, z - f, z - g, y - a, a - y',
    '\t.long . - a, a - ., f - ., . - f, b - a, a - b, h - a, h - f',
    '\t.byte y - a, b - a, e - f, g - f, z - f',
    '\t.long k - k, a - a, e - e, u - f',
    'b:\t.long 1f - ., 1f - a, y - b',
    '1:',
    '\t.text',
    'f:\tnop',
    'g:\tnop',
    'h:\tret',
    '\t.long g - f, f - g, e - g, . - f, h - g',
    // Equated after their use (binding could not put their values in) and a global one.
    '\t.data',
    '\t.long e2 - a, k2 - a, y2 - a, a - y2, e2 - f, y2 - b, q - a',
    '\t.byte y2 - a, k2 - b',
    '\t.set e2, f + 4',
    '\t.set k2, 12',
    '\t.set y2, a + 2',
    '\t.globl q',
    '\t.set q, g + 1',
    '',
  ].join('\n'));
});
