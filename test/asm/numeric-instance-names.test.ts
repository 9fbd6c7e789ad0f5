// Checks the numeric label instances against as --32 when a quoted name spells one (`".L1\2"
// "1"` with the mark GAS puts in the names it gives `1:`'s instances): the symbol table keeps
// the instances apart from the named symbols (symbol-table.ts), and a quoted name must still
// reach the same symbol as `1b`/`1f` do, defined or referred to first either way.
import { test } from 'node:test';
import { compareWithGas } from './gas-compare';

const MARK = '\u0002';

test('a quoted name of a numeric label instance is that instance, as in as --32', async () => {
  await compareWithGas('instance-forward', [
    '\t.text',
    `\tjmp ".L1${MARK}2"`,
    '1:\tnop',
    '1:\tnop',
    '\tjmp 1b',
    '\t.data',
    `\t.long ".L1${MARK}1", ".L1${MARK}2"`,
    '',
  ].join('\n'));
  await compareWithGas('instance-set', [
    '\t.text',
    '4:\tnop',
    `\t.set ".L4${MARK}2", 4b`,
    '4:\tnop',
    '\tjmp 4b',
    '',
  ].join('\n'));
});

test('an instance named by a quoted name and never defined is the error as --32 gives', async () => {
  await compareWithGas('instance-undefined', ['\t.text', `\tjmp ".L7${MARK}3"`, '7:\tnop', ''].join('\n'));
});
