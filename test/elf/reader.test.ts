// parseElf32 against readelf: gcc -m32 objects and programs built here, a versioned shared
// object, and the same object with its section headers removed; every field the reader
// decodes is compared with `readelf -h -l -S -s --dyn-syms -n -d -V -W` of the same file.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseElf32 } from '../../toolchain/elf/reader';
import { InputError } from '../../toolchain/errors';
import { readBytes, scratch } from '../support/oracles';
import { assertMatchesReadelf } from './compare-readelf';
import { buildAll } from './programs';

const built = buildAll();

for (const b of built) {
  test(`${b.label}: every field matches readelf`, () => {
    const elf = parseElf32(readBytes(b.path), b.path);
    const r = assertMatchesReadelf(elf, b.path);
    assert.ok(r.sections.length > 5 && elf.symbols.length > 10, 'the comparison covered sections and symbols');
  });
}

test('the versioned shared object has @@, @ and needed versions like readelf shows', () => {
  const so = built.find((b) => b.path.endsWith('lib.so'))!;
  const elf = parseElf32(readBytes(so.path), so.path);
  const r = assertMatchesReadelf(elf, so.path);
  const names = r.symbolTables.get('.dynsym')!.map((s) => s.name);
  for (const expected of ['api@@V2', 'api@V1', 'counter@@V2', 'uses@@V1']) assert.ok(names.includes(expected), expected);
  assert.ok(names.some((n) => /^printf@GLIBC_[0-9.]+ \(\d+\)$/.test(n)), 'a needed version');
  assert.ok(r.verdefs.length === 3 && r.verneeds.length === 1, 'readelf saw the version sections');
  assert.deepEqual(elf.versionDefinitions.map((d) => d.names), [['lib.so'], ['V1'], ['V2', 'V1']]);
  assert.equal(elf.section('.gnu.version_d')?.type, 0x6ffffffd);
});

test('a shared object without section headers still parses its program headers, dynamic and notes', () => {
  const so = built.find((b) => b.path.endsWith('lib.so'))!;
  const bytes = readBytes(so.path).slice();
  const view = new DataView(bytes.buffer);
  view.setUint32(32, 0, true);
  view.setUint16(48, 0, true);
  view.setUint16(50, 0, true);
  const path = join(scratch(), 'no-sections.so');
  writeFileSync(path, bytes);
  const elf = parseElf32(bytes, path);
  assert.equal(elf.sections.length, 0);
  assert.ok(elf.programHeaders.length > 3);
  assert.ok(elf.dynamic.length > 10 && elf.notes.length === 1);
  assertMatchesReadelf(elf, path);
});

test('ELF64, big-endian, other machines, core files and non-ELF input are rejected with one line naming the file', () => {
  const so = built.find((b) => b.path.endsWith('lib.so'))!;
  const good = readBytes(so.path);
  const cases: [string, (b: Uint8Array) => void, RegExp][] = [
    ['not ELF', (b) => { b[0] = 0x4d; }, /^x\.elf: offset 0x0: not an ELF file/],
    ['ELF64', (b) => { b[4] = 2; }, /^x\.elf: offset 0x4: ELF64 is not supported/],
    ['big-endian', (b) => { b[5] = 2; }, /^x\.elf: offset 0x5: big-endian/],
    ['x86-64 machine', (b) => { b[18] = 62; }, /^x\.elf: offset 0x12: machine 62 \(x86-64\) is not i386/],
    ['core file', (b) => { b[16] = 4; }, /^x\.elf: offset 0x10: ELF type 4 \(core file\)/],
    ['section table past the end', (b) => { b[33] = 0x7f; }, /^x\.elf: offset 0x[0-9a-f]+: section header table \(29 entries\): 0x488 bytes from 0x[0-9a-f]+ run past the end of the file/],
    ['section name index past the end', (b) => { new DataView(b.buffer).setUint16(50, 200, true); }, /^x\.elf: offset 0x32: section name string table index 200/],
  ];
  for (const [what, mutate, expected] of cases) {
    const b = good.slice();
    mutate(b);
    assert.throws(() => parseElf32(b, 'x.elf'), (e: unknown) => e instanceof InputError && expected.test(e.message) && !e.message.includes('\n'), what);
  }
  assert.throws(() => parseElf32(new Uint8Array(0), 'empty'), /^InputError: empty: offset 0x0: not an ELF file/);
  assert.throws(() => parseElf32(good.subarray(0, 30), 'short'), /^InputError: short: offset 0x1e: truncated ELF header/);
});
