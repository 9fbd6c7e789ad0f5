// Checks the designs' images kept across processes (toolchain/designs/kept-images.ts): what a
// launch gets is GNU as + ld's image of the same sources (section bytes), whether it was built
// or read from the cache folder; an entry that is truncated, altered or foreign is built again,
// never given out; a changed source makes a new entry, GNU's image of the changed source.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { designsRoot } from '../../toolchain/designs/build';
import { designImage } from '../../toolchain/designs/kept-images';
import { findDesign } from '../../toolchain/designs/registry';
import { ENTRY_DAMAGE } from '../support/entry-damage';
import { scratch } from '../support/oracles';
import { gnuImage, sectionsHex } from './gnu-build';

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

function assertGnus(ours: string, root: string): void {
  const dir = scratch();
  const theirs = gnuImage(dir, 'upstream', image, design.versions, root);
  const [a, b] = [sectionsHex(ours, SECTIONS), sectionsHex(theirs, SECTIONS)];
  for (const name of SECTIONS) assert.equal(a.get(name), b.get(name), `${name} differs`);
}

const entries = (cache: string): string[] => readdirSync(join(cache, 'designs')).filter((n) => n.endsWith('.so')).map((n) => join(cache, 'designs', n));

test('an image built, then read by a launch from another copy of the same sources, is GNU as + ld\'s', () => {
  const cache = scratch();
  const first = sources();
  assertGnus(launchImage(first, cache), first);
  const [entry] = entries(cache);
  assert.ok(entry);
  const written = statSync(entry).ino;
  const second = sources();
  assertGnus(launchImage(second, cache), second);
  assert.deepEqual(entries(cache), [entry]);
  assert.equal(statSync(entry).ino, written, 'the entry was read, not written again');
});

for (const [label, damage] of ENTRY_DAMAGE) {
  test(`an entry that is ${label} is built again, never given out`, () => {
    const cache = scratch();
    launchImage(sources(), cache);
    const [entry] = entries(cache);
    damage(entry!);
    const damaged = statSync(entry!).ino;
    const root = sources();
    assertGnus(launchImage(root, cache), root);
    assert.deepEqual(entries(cache), [entry]);
    // A damaged byte may lie outside the sections compared: the entry must have been replaced.
    const rewritten = statSync(entry!).ino;
    assert.notEqual(rewritten, damaged, 'the damaged entry was built and written again');
    const again = sources();
    assertGnus(launchImage(again, cache), again);
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
