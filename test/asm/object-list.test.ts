// The lists objectList makes (toolchain/object-list.ts) hold objects from the start, as V8
// itself reports in a child process with its natives syntax: a plain `[]` does not, which is
// why the assembler's lists of objects made per file are made there
// (docs/speed-and-exactness.md, the assembler's first three runs).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { objectList } from '../../toolchain/object-list';

/** Asks V8 for the element kinds of a fresh objectList() and of a fresh `[]`. */
function elementKinds(): { list: string; plain: string } {
  const program = `
    const objectList = ${objectList.toString()};
    const kind = (a) => (%HasSmiElements(a) ? 'small integers' : %HasObjectElements(a) ? 'objects' : 'other');
    const list = objectList();
    const plain = [];
    console.log(JSON.stringify({ list: kind(list), plain: kind(plain), length: list.length }));
  `;
  const r = spawnSync(process.execPath, ['--allow-natives-syntax', '-e', program], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout) as { list: string; plain: string; length: number };
  assert.equal(out.length, 0, 'the list is empty');
  return { list: out.list, plain: out.plain };
}

test('an objectList holds objects from the start, where a plain [] holds small integers', () => {
  assert.deepEqual(elementKinds(), { list: 'objects', plain: 'small integers' });
});
