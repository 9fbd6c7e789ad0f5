// Checks the pruning of the cold blocks' files in a cache folder several builds share
// (toolchain/checked-file.ts, emulator/x86/cold-cache.ts COLD_PRUNING): a write keeps every
// file used lately, however many builds made them, removes those unused for days, and keeps
// the family's files within their size bound by removing the least recently used; a use
// (touchUsed) is what keeps a file.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { prunedFiles, touchUsed, writeThrough, type Pruning } from '../../toolchain/checked-file';
import { COLD_PRUNING } from '../../emulator/x86/cold-cache';
import { scratch } from '../support/oracles';

const HOUR = 3600 * 1000;

/** Makes `name` in `dir` with `size` bytes, last used `ago` ms before now. */
function file(dir: string, name: string, size: number, ago: number): string {
  const path = join(dir, name);
  writeFileSync(path, Buffer.alloc(size));
  const when = new Date(Date.now() - ago);
  utimesSync(path, when, when);
  return path;
}

test('a cold file written keeps every build\'s file used lately, and removes those unused for days', () => {
  const dir = join(scratch('vdso-lab-pruning-'), 'v8');
  mkdirSync(dir, { recursive: true });
  // Twenty builds (worktrees, versions) in use within the hour: more than the sixteen once kept.
  const fresh = Array.from({ length: 20 }, (_, i) => file(dir, `cold-build${i}-0000.v8`, 1000, i * 60_000));
  const stale = file(dir, 'cold-old-0000.v8', 1000, 4 * 24 * HOUR);
  const other = file(dir, 'hello-0000.v8', 1000, 30 * 24 * HOUR);
  writeThrough(dir, join(dir, 'cold-new-0000.v8'), (fd) => void writeFileSync(fd, Buffer.alloc(1000)), COLD_PRUNING);
  for (const f of fresh) assert.ok(existsSync(f), f);
  assert.ok(existsSync(join(dir, 'cold-new-0000.v8')));
  assert.equal(existsSync(stale), false, 'a file unused for four days is removed');
  assert.ok(existsSync(other), 'another family is not this pruning\'s');
  assert.equal(readdirSync(dir).length, 22);
});

test('over the size bound the least recently used go, a file just used stays and the one written always', () => {
  const dir = scratch('vdso-lab-pruning-');
  const bound: Pruning = { family: 'cold-', suffix: '.v8', lastUse: { maxAgeMs: 24 * HOUR, maxBytes: 10_000 } };
  const a = file(dir, 'cold-a.v8', 4000, 5 * HOUR);
  const b = file(dir, 'cold-b.v8', 4000, 4 * HOUR);
  const c = file(dir, 'cold-c.v8', 4000, 3 * HOUR);
  const written = file(dir, 'cold-w.v8', 4000, 0);
  // Another build's process opens a, the oldest written: it is the most recently used now.
  touchUsed(a);
  assert.deepEqual(prunedFiles(dir, written, bound).sort(), [b, c].sort());
  // The file written is kept even when it alone passes the bound.
  assert.deepEqual(prunedFiles(dir, written, { ...bound, lastUse: { maxAgeMs: 24 * HOUR, maxBytes: 1000 } }).sort(), [a, b, c].sort());
  // The count pruning the other caches use is unchanged: all but the newest `kept`.
  assert.deepEqual(prunedFiles(dir, written, { family: 'cold-', suffix: '.v8', kept: 2 }).sort(), [b, c].sort());
});

test('a writer\'s temporary file is never pruned, whatever the family', () => {
  const dir = scratch('vdso-lab-pruning-');
  const old = file(dir, 'a', 10, 5 * HOUR);
  const temporary = file(dir, 'w.123.abcd.tmp', 10, 6 * HOUR);
  const written = file(dir, 'w', 10, 0);
  assert.deepEqual(prunedFiles(dir, written, { family: '', suffix: '', kept: 1 }), [old]);
  assert.ok(existsSync(temporary));
});
