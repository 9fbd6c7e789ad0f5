// Corrupted programs: bytes of a real static program's ELF header and program headers
// changed at random (fixed seed) must each end as a one-line input error (status 2), a
// guest death by signal, a budget stop or an exit with the guest's status: never an internal error, a host
// exception or a hang.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { scratch } from '../support/oracles';
import { scaled } from '../support/scale';
import { buildStatic, runLab } from './support';

function xorshift(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 2 ** 32;
  };
}

const MUTANTS = scaled(150, 40);

test(`${MUTANTS} corrupted ELF headers end cleanly`, async () => {
  const dir = scratch();
  const prog = buildStatic('victim', '#include <stdio.h>\nint main(void) { puts("alive"); return 0; }', dir);
  const original = new Uint8Array(readFileSync(prog));
  const phEnd = 52 + 32 * (original[44]! | (original[45]! << 8));
  const random = xorshift(0x5eed);
  const path = join(dir, 'mutant');
  const seen = new Map<number, number>();
  for (let i = 0; i < MUTANTS; i++) {
    const bytes = original.slice();
    const edits = 1 + Math.floor(random() * 4);
    for (let k = 0; k < edits; k++) bytes[Math.floor(random() * phEnd)] = Math.floor(random() * 256);
    writeFileSync(path, bytes);
    const r = await runLab(path, ['--budget', '300000']);
    seen.set(r.status, (seen.get(r.status) ?? 0) + 1);
    assert.notEqual(r.status, 70, `case ${i}: ${r.stderr}`);
    assert.ok(!r.stderr.includes('internal error'), `case ${i}: ${r.stderr}`);
    assert.ok(r.status >= 0 && r.status <= 255, `case ${i}: status ${r.status}`);
    if (r.status === 2) assert.equal(r.stderr.trim().split('\n').length, 1, `case ${i}: ${r.stderr}`);
  }
  assert.ok((seen.get(2) ?? 0) > MUTANTS / 15, JSON.stringify([...seen]));
});
