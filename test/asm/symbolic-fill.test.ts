// Checks `.space`/`.skip` with a fill value that names a symbol, or a number outside -128..255,
// against as --32: each byte a field of its own (relocated, settled by a later `.set`, or
// truncated with a warning each), `.` taken once where the directive starts, and GNU as's
// messages for a count it will not fill that way.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compareWithGas } from './gas-compare';

test('.space and .skip with a fill value naming a symbol or wider than a byte write the object as --32 does', async () => {
  await compareWithGas('symbolic-fill', [
    '\t.space 2, u', '\t.skip 3, u + 1', '\t.space 2, 300', '\t.skip 3, -257', '\t.space 2, -129', '\t.space 2, 255', '\t.space 0, 300', '\t.space 2, f', '\t.space 2, x', '\t.space 0, u', '\t.space 2, g - f',
    'f:\tnop', 'g:\tnop', '\t.set x, 5', '\t.data', '\t.long 0', '\t.space 3, .', '\t.space 2, f', '\t.space 1024, u', '',
  ].join('\n'));
});

test('such a fill value with a count GNU as refuses gets its messages', async () => {
  for (const [name, source] of [
    ['symbolic-fill-variable', '\t.space n, u\n\t.set n, 2\n'],
    ['symbolic-fill-negative', '\t.space -1, u\n'],
    ['symbolic-fill-large', '\t.space 1025, u\n'],
    ['symbolic-fill-suffix', '\t.skip 2, 1 + u@GOTOFF\n'],
    ['wide-fill-large', '\t.space 2000, -129\n'],
    ['wide-fill-negative', '\t.space -1, 256\n'],
  ] as const) {
    const gas = await compareWithGas(name, source);
    assert.notEqual(gas.status, 0, `${name}: as --32 refuses it`);
  }
});
