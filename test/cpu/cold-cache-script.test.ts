// The file of cold blocks' compiled code (emulator/x86/cold-cache.ts) gives V8's data only to
// the script it was made from. V8 checks only the length of the text it is given: a file written
// by an older wrapper of the factories (here its parameters in another order, the same length)
// would otherwise run the old wrapper's code under the new one's text. The shapes themselves are
// looked up by their whole text, so a changed generator meets no old shape; the wrapper is what
// the file's script adds around them.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { factoryBody, readColdFile, scriptOf, writeColdFile } from '../../emulator/x86/cold-cache';
import { checkedFilesWork } from '../../toolchain/checked-file';
import { scratch } from '../support/oracles';

const dir = scratch('vdso-lab-cold-script-');
after(() => rmSync(dir, { recursive: true, force: true }));

const shape = 'return s + 2 * m + K[0];';
type Block = (s: number, m: number) => number;
type Factory = (X: Int32Array, K: readonly number[]) => unknown;

/** The block of `make` with 1000 in its constant table, run with s = 5 and m = 7. */
function run(make: Factory): number {
  return (make(new Int32Array(0), [1000]) as Block)(5, 7);
}

test('a file of cold blocks gives its factories only to the script its V8 data was made for', { skip: !checkedFilesWork && 'no zlib.crc32 in this Node' }, () => {
  const file = join(dir, 'cold-test.v8');
  const fresh = new Function('X', 'K', factoryBody(shape)) as Factory;
  assert.equal(run(fresh), 1019);

  // First: V8 takes a script it compiled in this process from its own table, not from the data.
  const older = scriptOf([shape]).replace('cold(s, m,', 'cold(m, s,');
  assert.notEqual(older, scriptOf([shape]));
  assert.equal(older.length, scriptOf([shape]).length, 'V8 would take data made for this script');
  writeColdFile(file, [shape], older);
  const taken = readColdFile(file).get(shape) ?? fresh;
  assert.equal(run(taken), 1019, 'the block as its source says, not as the older wrapper ran it');

  writeColdFile(file, [shape]);
  const kept = readColdFile(file).get(shape);
  assert.ok(kept !== undefined, 'the file its writer wrote is read back');
  assert.equal(run(kept), 1019, 'the factory the file gave');
});
