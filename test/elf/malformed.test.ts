// parseElf32 on hand-broken copies of a gcc -m32 versioned shared object: each kind of
// damage the reader checks (looping or overlapping chains, string offsets and links out
// of range, huge counts, overlapping tables) gives its own one-line InputError with the
// right place; ELF extended numbering (e_shnum 0, e_shstrndx SHN_XINDEX) is read like readelf.
// Damage inside a symbol table is found when its symbols are first read, not by parseElf32.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseElf32 } from '../../toolchain/elf/reader';
import { InputError } from '../../toolchain/errors';
import type { ElfFile } from '../../toolchain/elf/types';
import { readBytes, scratch } from '../support/oracles';
import { assertMatchesReadelf } from './compare-readelf';
import { buildAll } from './programs';

const library = buildAll().find((b) => b.path.endsWith('lib.so'))!.path;
const good = readBytes(library);
const elf = parseElf32(good, library);

function sectionHeader(e: ElfFile, name: string): number {
  const s = e.section(name);
  assert.ok(s, name);
  return e.header.shoff + s.index * 40;
}

function broken(edit: (view: DataView, bytes: Uint8Array) => void): Uint8Array {
  const bytes = good.slice();
  edit(new DataView(bytes.buffer), bytes);
  return bytes;
}

function rejects(bytes: Uint8Array, place: number, detail: RegExp): void {
  throwsInputError(() => parseElf32(bytes, 'bad.so'), place, detail);
}

/** Damage inside a symbol table: the file parses, and reading its symbols gives the error, every time. */
function rejectsSymbols(bytes: Uint8Array, place: number, detail: RegExp): void {
  const parsed = parseElf32(bytes, 'bad.so');
  for (let i = 0; i < 2; i++) throwsInputError(() => [...parsed.symbols, ...parsed.dynamicSymbols], place, detail);
}

function throwsInputError(read: () => unknown, place: number, detail: RegExp): void {
  assert.throws(
    read,
    (e: unknown) => {
      assert.ok(e instanceof InputError, String(e));
      assert.equal(e.file, 'bad.so');
      assert.equal(e.place, `offset 0x${place.toString(16)}`);
      assert.match(e.detail, detail);
      assert.ok(!e.message.includes('\n'));
      return true;
    },
  );
}

test('a version definition chain that stops early or points back into its own entry is rejected', () => {
  const verdef = elf.section('.gnu.version_d')!;
  rejects(broken((v) => v.setUint32(verdef.offset + 16, 0, true)), verdef.offset + 16, /chain ends after 1 of 3 version definitions/);
  rejects(broken((v) => v.setUint32(verdef.offset + 16, 4, true)), verdef.offset + 16, /next offset 4 overlaps the entry/);
  rejects(broken((v) => v.setUint32(verdef.offset + 16, 0x7fffffff, true)), verdef.offset + 0x7fffffff, /version definition 1 at 0x7fffffff runs past the section's end/);
});

test('a version need chain with a looping auxiliary entry is rejected', () => {
  const verneed = elf.section('.gnu.version_r')!;
  const aux = verneed.offset + new DataView(good.buffer, good.byteOffset).getUint32(verneed.offset + 8, true);
  rejects(broken((v) => v.setUint32(aux + 12, 1, true)), aux + 12, /version need 0 entry 0: next offset 1 overlaps the entry/);
});

test('string offsets outside their table are rejected, naming the symbol or section', () => {
  const dynsym = elf.section('.dynsym')!;
  const dynstr = elf.section('.dynstr')!;
  rejectsSymbols(broken((v) => v.setUint32(dynsym.offset + 16 * 2, dynstr.size + 5, true)), dynstr.offset + dynstr.size + 5, /name of symbol 2 in section \[3\] \.dynsym: string offset 0x[0-9a-f]+ is outside its string table/);
  const shstrtab = elf.sections[elf.header.shstrndx]!;
  rejects(broken((v) => v.setUint32(sectionHeader(elf, '.text'), 0xffffff, true)), shstrtab.offset + 0xffffff, /name of section \[\d+\]: string offset 0xffffff is outside/);
  const last = dynstr.offset + dynstr.size - 1;
  const lastString = dynstr.offset + dynstr.data.lastIndexOf(0, dynstr.size - 2) + 1;
  rejects(broken((_v, b) => { b[last] = 0x41; }), lastString, /string at 0x[0-9a-f]+ is not NUL-terminated inside its string table/);
});

test('sh_link that points nowhere, or at a section that is not a string table, is rejected', () => {
  const at = sectionHeader(elf, '.symtab') + 24;
  rejectsSymbols(broken((v) => v.setUint32(at, 999, true)), at, /section \[\d+\] \.symtab: sh_link 999 does not name a string table section/);
  rejectsSymbols(broken((v) => v.setUint32(at, elf.section('.text')!.index, true)), at, /sh_link \d+ names section \[\d+\] \.text of type 0x1, not a string table/);
  const verdef = sectionHeader(elf, '.gnu.version_d') + 24;
  rejects(broken((v) => v.setUint32(verdef, 0, true)), verdef, /\.gnu\.version_d: sh_link 0 does not name a string table/);
});

test('huge counts and sizes are rejected by range before anything is read', () => {
  rejects(broken((v) => v.setUint16(44, 0xfffe, true)), elf.header.phoff, /program header table \(65534 entries\): 0x1fffc0 bytes from 0x34 run past the end of the file/);
  const dynsym = sectionHeader(elf, '.dynsym');
  rejects(broken((v) => v.setUint32(dynsym + 20, 0xfffffff0, true)), elf.section('.dynsym')!.offset, /section \[3\] data: 0xfffffff0 bytes from 0x[0-9a-f]+ run past the end of the file/);
  rejects(broken((v) => { v.setUint16(48, 0, true); v.setUint32(elf.header.shoff + 20, 0x10000000, true); }), elf.header.shoff, /section header table \(268435456 entries\)/);
});

test('header tables that overlap each other or the ELF header, and overlapping note sections, are rejected', () => {
  rejects(broken((v) => v.setUint32(32, 0x20, true)), 0x20, /section header table overlaps the ELF header/);
  rejects(broken((v) => v.setUint32(32, 0x40, true)), 0x40, /section header table overlaps the program header table/);
  const gnuStack = elf.programHeaders.findIndex((p) => p.type === 0x6474e551);
  const notePh = elf.programHeaders.find((p) => p.type === 4)!;
  const at = elf.header.phoff + gnuStack * 32;
  const twoNotes = broken((v) => {
    v.setUint32(at, 4, true);
    v.setUint32(at + 4, notePh.offset + 4, true);
    v.setUint32(at + 16, 12, true);
  });
  rejects(twoNotes, notePh.offset + 4, /note segment \d+ overlaps note segment \d+/);
});

test('ELF extended numbering (e_shnum 0, e_shstrndx SHN_XINDEX) is read from section 0, and readelf agrees', () => {
  const bytes = broken((v) => {
    v.setUint32(elf.header.shoff + 20, elf.header.shnum, true);
    v.setUint32(elf.header.shoff + 24, elf.header.shstrndx, true);
    v.setUint16(48, 0, true);
    v.setUint16(50, 0xffff, true);
  });
  const path = join(scratch(), 'extended.so');
  writeFileSync(path, bytes);
  const extended = parseElf32(bytes, path);
  assert.equal(extended.sections.length, elf.sections.length);
  assert.deepEqual(extended.sections.map((s) => s.name), elf.sections.map((s) => s.name));
  assert.deepEqual(extended.dynamicSymbols.map((s) => [s.name, s.version]), elf.dynamicSymbols.map((s) => [s.name, s.version]));
  assert.equal(extended.header.shnum, 0);
  const r = assertMatchesReadelf(extended, path);
  assert.equal(r.sections.length, elf.sections.length);
});
