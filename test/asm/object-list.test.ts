// The lists objectList makes (toolchain/object-list.ts) hold objects from the start, as V8
// itself reports in a child process with its natives syntax: a plain `[]` does not, which is
// why the assembler's lists of objects made per file are made there
// (docs/speed-and-exactness.md, the assembler's first three runs). They stay so after an
// assembly that leaves holes in lists of its own (numeric labels referred to forward): V8
// learns a kind per literal, so one objectList that got a hole would make every later one holey.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { objectList } from '../../toolchain/object-list';
import { assemble } from '../../toolchain/asm/assembler';

const CHILD = '--after-assemblies';

// In the child (natives syntax on): assemble twice, then report the kind of a fresh objectList().
if (process.argv[2] === CHILD) {
  const source = '1:\tjmp 3f\n2:\tjmp 1b\n3:\tjmp 2b\n\tjmp 5f\n1:\tnop\n5:\tret\n';
  for (let k = 0; k < 2; k++) {
    const m = assemble({ file: 'numeric.s', text: source });
    if (m.diagnostics.length > 0) throw new Error(m.diagnostics[0]!.message);
  }
  const holey = new Function('a', 'return %HasHoleyElements(a)') as (a: unknown) => boolean;
  console.log(JSON.stringify({ holey: holey(objectList()) }));
  // The child registers no test (it would run them, and spawn children of its own).
  process.exit(0);
}

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

test('an objectList made after assemblies with forward numeric labels has no holes', () => {
  const r = spawnSync(process.execPath, ['--allow-natives-syntax', __filename, CHILD], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(JSON.parse(r.stdout.trim().split('\n').pop()!), { holey: false });
});
