// The sampling rules of test/support/scale.ts: a full-scale run covers every member and every
// combination; a smaller one covers each value of every dimension, spreads its picks from the
// first member to the last, and never goes below the least asked for.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { combinationsAt, sampledAt, scaledAt } from './scale';

const DIMENSIONS = { vdso: ['legacy', 'proposal', 'upstream', 'auxv'], kernel: ['compat64', 'native32'], cpu: ['intel', 'amd', 'generic'] } as const;

test('at full scale every combination is covered once, the last dimension varying fastest', () => {
  const expected: string[] = [];
  for (const vdso of DIMENSIONS.vdso) for (const kernel of DIMENSIONS.kernel) for (const cpu of DIMENSIONS.cpu) expected.push(`${vdso}/${kernel}/${cpu}`);
  assert.deepEqual(combinationsAt(1, DIMENSIONS).map((c) => `${c.vdso}/${c.kernel}/${c.cpu}`), expected);
});

test('below full scale each value of every dimension appears, in fewer combinations, none twice', () => {
  for (const scale of [0.01, 0.1, 0.3, 0.5, 0.9]) {
    const got = combinationsAt(scale, DIMENSIONS);
    assert.ok(got.length >= 4 && got.length >= Math.round(24 * scale) && got.length < 24, `${scale}: ${got.length}`);
    assert.equal(new Set(got.map((c) => `${c.vdso}/${c.kernel}/${c.cpu}`)).size, got.length, `${scale}: no duplicates`);
    for (const key of ['vdso', 'kernel', 'cpu'] as const) {
      assert.deepEqual(new Set(got.map((c) => c[key])), new Set(DIMENSIONS[key]), `${scale}: every ${key}`);
    }
  }
  assert.deepEqual(combinationsAt(0.1, { only: [] as string[], other: ['a'] }), []);
});

test('a sample keeps the first and last members, their order, and at least the least asked for', () => {
  const all = Array.from({ length: 57 }, (_, i) => i * 3);
  assert.deepEqual(sampledAt(1, all), all);
  for (const [scale, least] of [[0.1, 1], [0.1, 9], [0.5, 1], [0.02, 2]] as const) {
    const got = sampledAt(scale, all, least);
    assert.equal(got.length, scaledAt(scale, all.length, least));
    assert.ok(got.length >= least);
    assert.equal(got[0], 0);
    if (got.length > 1) assert.equal(got.at(-1), 168);
    assert.deepEqual(got, [...got].sort((a, b) => a - b));
  }
  assert.deepEqual(sampledAt(0.01, ['x', 'y']), ['x']);
});
