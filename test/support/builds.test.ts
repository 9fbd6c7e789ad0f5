// Checks the tests' input builds (builds.ts): each caller gets its own copy with the bytes the
// tool writes, an entry on disk that is truncated, altered or foreign is built again, a change
// to a header the source includes through another header makes a new build, and so does
// another assembler on PATH, or that one changed in place. A build with -g is kept on disk only
// in a fixed folder (named by its sources). Each test asks GNU's tool once per
// source it compares with; quick runs take the first kind of damage (test/support/entry-damage.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { assemble, gasObject, readBytes, run, scratch } from './oracles';
import { ENTRY_DAMAGE } from './entry-damage';
import { sampled } from './scale';
import { BUILD_CACHE_ENV, buildInput, cacheEntryOf, fixedFolder, forgetBuilds, type BuildRequest } from './builds';

/** A source no earlier build had (a fresh symbol name), so the first build runs the tool. */
function freshSource(): string {
  return `.data\nfresh_${randomBytes(6).toString('hex')}: .long 1, 2, 3\n.text\nnop\n`;
}

function asRequest(source: string, dir: string): BuildRequest {
  return { tool: 'as', args: ['--32', 'in.s', '-o', 'in.o'], dir, sources: { 'in.s': source } };
}

test('a source built again gives each caller its own copy, with the bytes as --32 writes for it', () => {
  const source = freshSource();
  const first = assemble('copy', source);
  const second = assemble('copy', source);
  assert.notEqual(first, second);
  writeFileSync(first, 'patched by the caller');
  const gas = readBytes(gasObject('copy', source));
  assert.deepEqual(readBytes(second), gas);
  assert.deepEqual(readBytes(assemble('copy', source)), gas);
});

test('a linked program keeps its mode in every copy', () => {
  const dir = scratch();
  const object = assemble('exit0', '.globl _start\n_start: movl $1,%eax; xorl %ebx,%ebx; int $0x80\n', dir);
  const request: BuildRequest = { tool: 'ld', args: ['-m', 'elf_i386', object, '-o', 'exit0'], dir };
  const built = statSync(buildInput(request)).mode & 0o111;
  assert.notEqual(built, 0);
  const again = scratch();
  const copy = buildInput({ ...request, args: ['-m', 'elf_i386', object, '-o', `${again}/exit0`] });
  assert.equal(statSync(copy).mode & 0o111, built);
});

test('a build with -g is kept on disk in a fixed folder, named by its sources, and given out as as --32 -g writes it there; in a scratch folder it is not kept', () => {
  const source = freshSource();
  const dir = fixedFolder({ 'in.s': source });
  assert.equal(fixedFolder({ 'in.s': source }), dir, 'the same sources, the same folder');
  assert.notEqual(fixedFolder({ 'in.s': freshSource() }), dir, 'other sources, another folder');
  const request: BuildRequest = { tool: 'as', args: ['--32', '-g', 'in.s', '-o', 'in.o'], dir };
  assert.equal(cacheEntryOf({ ...request, dir: scratch() }), undefined, 'a -g build in a scratch folder is kept per process only');
  const gas = join(scratch(), 'gas.o');
  run('as', ['--32', '-g', 'in.s', '-o', gas], { cwd: dir });
  assert.deepEqual(readBytes(buildInput(request)), readBytes(gas));
  const entry = cacheEntryOf(request);
  if (entry === undefined) {
    assert.equal(process.env[BUILD_CACHE_ENV], 'off');
    return;
  }
  assert.ok(existsSync(entry), 'the entry is on disk');
  forgetBuilds();
  assert.deepEqual(readBytes(buildInput(request)), readBytes(gas), 'read from the disk');
});

for (const [label, damage] of sampled(ENTRY_DAMAGE)) {
  test(`an entry on disk that is ${label} is built again, never given out`, () => {
    const source = freshSource();
    const request = asRequest(source, scratch());
    buildInput(request);
    const entry = cacheEntryOf(request);
    if (entry === undefined) {
      assert.equal(process.env[BUILD_CACHE_ENV], 'off');
      return;
    }
    damage(entry);
    forgetBuilds();
    const again = asRequest(source, scratch());
    const gas = readBytes(gasObject('in', source));
    assert.deepEqual(readBytes(buildInput(again)), gas);
    forgetBuilds();
    assert.deepEqual(readBytes(buildInput(asRequest(source, scratch()))), gas, 'the entry was written again');
  });
}

test('a header included through another header, changed, gives a new build: the object gcc -c writes for it', () => {
  const tag = randomBytes(6).toString('hex');
  const main = `#include "outer.h"\nint value_${tag}(void) { return INNER; }\n`;
  const request = (inner: string): BuildRequest => ({
    tool: 'gcc',
    args: ['-m32', '-O1', '-c', 'main.c', '-o', 'main.o'],
    dir: scratch(),
    sources: { 'main.c': main, 'outer.h': '#include "inner.h"\n', 'inner.h': inner },
  });
  /** gcc itself, in a folder of its own, on the same three files. */
  const gccObject = (inner: string): Uint8Array => {
    const dir = scratch();
    for (const [name, text] of Object.entries({ 'main.c': main, 'outer.h': '#include "inner.h"\n', 'inner.h': inner })) writeFileSync(join(dir, name), text);
    run('gcc', ['-m32', '-O1', '-c', 'main.c', '-o', 'main.o'], { cwd: dir });
    return readBytes(join(dir, 'main.o'));
  };
  assert.deepEqual(readBytes(buildInput(request('#define INNER 1\n'))), gccObject('#define INNER 1\n'));
  forgetBuilds();
  const changed = readBytes(buildInput(request('#define INNER 1000\n')));
  assert.deepEqual(changed, gccObject('#define INNER 1000\n'));
  assert.notDeepEqual(changed, gccObject('#define INNER 1\n'));
});

test('another assembler on PATH, and that one changed in place, each give a new build: the object it writes', () => {
  const source = freshSource();
  const real = readBytes(buildInput(asRequest(source, scratch())));
  const folder = scratch();
  const wrapper = join(folder, 'as');
  const realAs = run('sh', ['-c', 'command -v as']).trim();
  // The same --version as the real one, and the same length in both forms: only the program's file tells them apart.
  const script = (value: number): string => `#!/bin/sh\nexec ${realAs} --defsym wrapped_by_test=${value} "$@"\n`;
  /** What the wrapper itself writes for the source. */
  const wrapped = (): Uint8Array => {
    const dir = scratch();
    writeFileSync(join(dir, 'in.s'), source);
    run(wrapper, ['--32', 'in.s', '-o', 'in.o'], { cwd: dir });
    return readBytes(join(dir, 'in.o'));
  };
  const path = process.env.PATH;
  try {
    writeFileSync(wrapper, script(1));
    chmodSync(wrapper, 0o755);
    process.env.PATH = `${folder}:${path ?? ''}`;
    forgetBuilds();
    const first = readBytes(buildInput(asRequest(source, scratch())));
    assert.deepEqual(first, wrapped(), 'the wrapper\'s object');
    assert.notDeepEqual(first, real);
    writeFileSync(wrapper, script(2));
    forgetBuilds();
    const second = readBytes(buildInput(asRequest(source, scratch())));
    assert.deepEqual(second, wrapped(), 'the changed wrapper\'s object');
    assert.notDeepEqual(second, first);
  } finally {
    process.env.PATH = path;
    forgetBuilds();
  }
});
