// Checks the designs' images kept across processes (toolchain/designs/kept-images.ts): what a
// launch gets is GNU as + ld's image of the same sources (section bytes), whether it was built
// or read from the cache folder; another copy of the same sources gets an image of its own,
// whose line table names that copy's files; an entry that is truncated, altered or foreign is
// built again, never given out; a changed source makes a new entry, GNU's image of the changed
// source. A later launch in this process reads the folder once the sources' times change.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, readdirSync, readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { designsRoot } from '../../toolchain/designs/build';
import { designImage } from '../../toolchain/designs/kept-images';
import { findDesign } from '../../toolchain/designs/registry';
import { ENTRY_DAMAGE } from '../support/entry-damage';
import { scratch } from '../support/oracles';
import { sampled } from '../support/scale';
import { gnuImage, sectionsHexEach } from './gnu-build';

const SECTIONS = ['.text', '.eh_frame', '.eh_frame_hdr', '.altinstructions', '.altinstr_replacement'];
const design = findDesign('upstream')!;
const image = design.image('intel', 'compat64');

/** A copy of the shipped vdso/ in a folder of its own (each copy is new to this process). */
function sources(edit?: (text: string) => string): string {
  const root = join(scratch(), 'vdso');
  cpSync(designsRoot(), root, { recursive: true });
  if (edit) writeFileSync(join(root, 'upstream.S'), edit(readFileSync(join(root, 'upstream.S'), 'utf8')));
  return root;
}

/** The launch's image of the sources under `root`, with the cache folder `cache`, written to a file. */
function launchImage(root: string, cache: string): string {
  const file = join(scratch(), 'vdso.so');
  writeFileSync(file, designImage('upstream', 'compat64', { cpu: 'intel', root, cacheFolder: cache }));
  return file;
}

/** GNU's image of the sources under each root, built once per root: a root's sources keep their bytes (touch changes only their time). */
const gnuImages = new Map<string, string>();

function assertGnus(ours: string, root: string): void {
  let theirs = gnuImages.get(root);
  if (theirs === undefined) {
    theirs = gnuImage(scratch(), 'upstream', image, design.versions, root);
    gnuImages.set(root, theirs);
  }
  const [a, b] = sectionsHexEach([ours, theirs], SECTIONS);
  for (const name of SECTIONS) assert.equal(a.get(name), b.get(name), `${name} differs`);
}

/** The sources under `root` touched (the same bytes, a new time): this process's own memo of them is passed by, the cache folder is not. */
function touch(root: string): void {
  const later = new Date(statSync(join(root, 'upstream.S')).mtimeMs + 1000);
  utimesSync(join(root, 'upstream.S'), later, later);
}

const entries = (cache: string): string[] => readdirSync(join(cache, 'designs')).filter((n) => n.endsWith('.so')).map((n) => join(cache, 'designs', n));

test('an image built, then read back by a later launch, is GNU as + ld\'s; another copy of the same sources gets its own, naming its files', () => {
  const cache = scratch();
  const first = sources();
  assertGnus(launchImage(first, cache), first);
  const [entry] = entries(cache);
  assert.ok(entry);
  const written = statSync(entry).ino;
  touch(first);
  assertGnus(launchImage(first, cache), first);
  assert.deepEqual(entries(cache), [entry]);
  assert.equal(statSync(entry).ino, written, 'the entry was read, not written again');
  const second = sources();
  const copy = readFileSync(launchImage(second, cache));
  assertGnus(launchImage(second, cache), second);
  assert.equal(entries(cache).length, 2, 'the other copy has an entry of its own');
  // Its line table names the files from the folder above vdso/ (`vdso/upstream.S`), as a debugger shows them.
  assert.ok(copy.includes(Buffer.from(dirname(second))), `the image names ${dirname(second)}`);
  assert.ok(!copy.includes(Buffer.from(dirname(first))), `the image does not name ${dirname(first)}`);
});

// Quick runs: the first kind of damage (test/support/scale.ts).
for (const [label, damage] of sampled(ENTRY_DAMAGE)) {
  test(`an entry that is ${label} is built again, never given out`, () => {
    const cache = scratch();
    const root = sources();
    launchImage(root, cache);
    const [entry] = entries(cache);
    damage(entry!);
    const damaged = statSync(entry!).ino;
    touch(root);
    assertGnus(launchImage(root, cache), root);
    assert.deepEqual(entries(cache), [entry]);
    // A damaged byte may lie outside the sections compared: the entry must have been replaced.
    const rewritten = statSync(entry!).ino;
    assert.notEqual(rewritten, damaged, 'the damaged entry was built and written again');
    touch(root);
    assertGnus(launchImage(root, cache), root);
    assert.equal(statSync(entry!).ino, rewritten, 'the entry written again is read');
  });
}

test('a changed source makes a new entry: GNU as + ld\'s image of the changed source', () => {
  const cache = scratch();
  launchImage(sources(), cache);
  const changed = sources((text) => text.replace('\tpushl\t%edx\n', '\tnop\n\tpushl\t%edx\n'));
  const ours = launchImage(changed, cache);
  assertGnus(ours, changed);
  assert.equal(entries(cache).length, 2);
});
