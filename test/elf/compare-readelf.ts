// Owns the field-by-field comparison of a parsed ElfFile with readelf's view of the same
// file: header, sections, segments, symbol tables (names with versions), dynamic
// entries, notes and version sections. Every readelf value it cannot map fails the test.
import assert from 'node:assert/strict';
import { readelf } from '../support/oracles';
import { parseReadelf, type Readelf } from './readelf-output';
import type { ElfFile, ElfSymbol } from '../../toolchain/elf/types';
import { symbolBindName, symbolTypeName, versionedName, visibilityName } from '../../toolchain/elf/names';

export const READELF_ARGS = ['-h', '-l', '-S', '-s', '--dyn-syms', '-n', '-d', '-V', '-W'];

const SECTION_TYPES: Readonly<Record<string, number>> = {
  NULL: 0, PROGBITS: 1, SYMTAB: 2, STRTAB: 3, RELA: 4, HASH: 5, DYNAMIC: 6, NOTE: 7, NOBITS: 8, REL: 9,
  SHLIB: 10, DYNSYM: 11, INIT_ARRAY: 14, FINI_ARRAY: 15, PREINIT_ARRAY: 16, GROUP: 17,
  GNU_ATTRIBUTES: 0x6ffffff5, GNU_HASH: 0x6ffffff6, VERDEF: 0x6ffffffd, VERNEED: 0x6ffffffe, VERSYM: 0x6fffffff,
};
const SEGMENT_TYPES: Readonly<Record<string, number>> = {
  NULL: 0, LOAD: 1, DYNAMIC: 2, INTERP: 3, NOTE: 4, SHLIB: 5, PHDR: 6, TLS: 7,
  GNU_EH_FRAME: 0x6474e550, GNU_STACK: 0x6474e551, GNU_RELRO: 0x6474e552, GNU_PROPERTY: 0x6474e553,
};
const SECTION_FLAGS: readonly [number, string][] = [
  [0x1, 'W'], [0x2, 'A'], [0x4, 'X'], [0x10, 'M'], [0x20, 'S'], [0x40, 'I'], [0x80, 'L'], [0x100, 'O'],
  [0x200, 'G'], [0x400, 'T'], [0x800, 'C'], [0x200000, 'R'], [0x80000000, 'E'],
];
const DT_FLAGS: Readonly<Record<string, number>> = { ORIGIN: 1, SYMBOLIC: 2, TEXTREL: 4, BIND_NOW: 8, STATIC_TLS: 0x10 };
const DT_FLAGS_1: Readonly<Record<string, number>> = {
  NOW: 1, GLOBAL: 2, GROUP: 4, NODELETE: 8, LOADFLTR: 0x10, INITFIRST: 0x20, NOOPEN: 0x40, ORIGIN: 0x80,
  DIRECT: 0x100, INTERPOSE: 0x400, NODEFLIB: 0x800, PIE: 0x08000000,
};
const VERSION_FLAGS: Readonly<Record<string, number>> = { none: 0, BASE: 1, WEAK: 2 };

function flagLetters(flags: number): string {
  let s = '';
  let known = 0;
  for (const [bit, letter] of SECTION_FLAGS) {
    known |= bit;
    if (flags & bit) s += letter;
  }
  if ((flags & ~known) >>> 0) s += 'x';
  return [...s].sort().join('');
}

function known<T>(table: Readonly<Record<string, T>>, name: string, what: string): T {
  const v = table[name];
  if (v === undefined) throw new Error(`readelf printed ${what} '${name}' that the test cannot map`);
  return v;
}

function compareHeader(elf: ElfFile, r: Readelf): void {
  const f = (k: string) => {
    const v = r.header.fields.get(k);
    if (v === undefined) throw new Error(`readelf header has no '${k}'`);
    return v;
  };
  const lead = (k: string) => Number.parseInt(f(k).split(' ')[0]!.replace(/^0x/, ''), f(k).startsWith('0x') ? 16 : 10);
  const h = elf.header;
  assert.equal(f('Class'), h.class === 1 ? 'ELF32' : '?');
  assert.equal(f('Data'), "2's complement, little endian");
  assert.equal(f('OS/ABI'), ({ 0: 'UNIX - System V', 3: 'UNIX - GNU' } as Record<number, string>)[h.osabi]);
  assert.equal(lead('ABI Version'), h.abiVersion);
  assert.equal(f('Type').split(' ')[0], ({ 1: 'REL', 2: 'EXEC', 3: 'DYN' } as Record<number, string>)[h.type]);
  assert.equal(f('Machine'), 'Intel 80386');
  assert.equal(h.machine, 3);
  assert.equal(lead('Version'), h.version);
  assert.equal(lead('Entry point address'), h.entry);
  assert.equal(lead('Start of program headers'), h.phoff);
  assert.equal(lead('Start of section headers'), h.shoff);
  assert.equal(lead('Flags'), h.flags);
  assert.equal(lead('Size of this header'), h.ehsize);
  assert.equal(lead('Size of program headers'), h.phentsize);
  assert.equal(lead('Number of program headers'), h.phnum);
  assert.equal(lead('Size of section headers'), h.shentsize);
  assert.equal(lead('Number of section headers'), h.shnum);
  assert.equal(lead('Section header string table index'), h.shstrndx);
  const extended = (k: string) => f(k).match(/\((\d+)\)$/)?.[1];
  if (extended('Number of section headers')) assert.equal(Number(extended('Number of section headers')), elf.sections.length);
  const names = extended('Section header string table index');
  if (names) assert.equal(elf.sections[Number(names)]?.type, 3, 'the extended e_shstrndx names a string table');
}

function compareSections(elf: ElfFile, r: Readelf): void {
  assert.equal(elf.sections.length, r.sections.length, 'number of sections');
  for (const rs of r.sections) {
    const s = elf.sections[rs.index]!;
    const where = `section [${rs.index}] ${rs.name}`;
    assert.deepEqual(
      [s.name, s.type, s.addr, s.offset, s.size, s.entsize, flagLetters(s.flags), s.link, s.info, s.addralign],
      [rs.name, known(SECTION_TYPES, rs.type, 'section type'), rs.addr, rs.offset, rs.size, rs.entsize,
        [...rs.flags].sort().join(''), rs.link, rs.info, rs.align],
      where,
    );
    assert.equal(s.data.length, s.type === 8 || s.type === 0 ? 0 : s.size, `${where} data length`);
    if (s.data.length) assert.equal(s.data.byteOffset - elf.bytes.byteOffset, s.offset, `${where} data is a view at sh_offset`);
  }
}

function compareSegments(elf: ElfFile, r: Readelf): void {
  assert.equal(elf.programHeaders.length, r.segments.length, 'number of program headers');
  r.segments.forEach((rp, i) => {
    const p = elf.programHeaders[i]!;
    const flags = (p.flags & 4 ? 'R' : '') + (p.flags & 2 ? 'W' : '') + (p.flags & 1 ? 'E' : '');
    assert.deepEqual(
      [p.index, p.type, p.offset, p.vaddr, p.paddr, p.filesz, p.memsz, flags, p.align],
      [i, known(SEGMENT_TYPES, rp.type, 'segment type'), rp.offset, rp.vaddr, rp.paddr, rp.filesz, rp.memsz, rp.flags, rp.align],
      `program header ${i}`,
    );
  });
}

function ndxName(s: ElfSymbol): string {
  if (s.shndx === 0) return 'UND';
  if (s.shndx === 0xfff1) return 'ABS';
  if (s.shndx === 0xfff2) return 'COM';
  return String(s.shndx);
}

function compareSymbols(elf: ElfFile, r: Readelf, tableName: '.symtab' | '.dynsym'): void {
  const ours = tableName === '.symtab' ? elf.symbols : elf.dynamicSymbols;
  const theirs = r.symbolTables.get(tableName) ?? [];
  assert.equal(ours.length, theirs.length, `${tableName} entries`);
  for (const rs of theirs) {
    const s = ours[rs.num]!;
    let name = tableName === '.dynsym' ? versionedName(s) : s.name;
    if (s.type === 3 && s.name === '' && elf.sections[s.shndx]) name = elf.sections[s.shndx]!.name;
    assert.deepEqual(
      [s.index, s.value, s.size, symbolTypeName(s.type), symbolBindName(s.bind), visibilityName(s.visibility), ndxName(s), name],
      [rs.num, rs.value, rs.size, rs.type, rs.bind, rs.vis, rs.ndx, rs.name],
      `${tableName} symbol ${rs.num}`,
    );
    if (tableName === '.dynsym' && s.versionIndex !== undefined) {
      const printed = r.versym[rs.num];
      const hidden = s.versionNeeded ? '' : s.versionDefault ? '' : 'h';
      assert.equal(printed?.split(' ')[0], `${s.versionIndex}${hidden}`, `.gnu.version entry ${rs.num}`);
      assert.equal(printed?.split(' ')[1], `(${s.version})`, `.gnu.version entry ${rs.num}`);
    }
  }
}

/** The string at `offset` in the dynamic string table, found through DT_STRTAB and the LOAD segments. */
function dynstr(elf: ElfFile, offset: number): string {
  const strtab = elf.dynamic.find((d) => d.tag === 5);
  assert.ok(strtab, 'DT_STRTAB');
  const load = elf.programHeaders.find((p) => p.type === 1 && p.vaddr <= strtab.value && strtab.value < p.vaddr + p.filesz);
  assert.ok(load, 'a LOAD segment holding DT_STRTAB');
  const start = load.offset + strtab.value - load.vaddr + offset;
  return new TextDecoder().decode(elf.bytes.subarray(start, elf.bytes.indexOf(0, start)));
}

function compareDynamic(elf: ElfFile, r: Readelf): void {
  assert.equal(elf.dynamic.length, r.dynamic.length, 'dynamic entries');
  r.dynamic.forEach((rd, i) => {
    const d = elf.dynamic[i]!;
    const where = `dynamic entry ${i} (${rd.typeName})`;
    assert.equal(d.tag, rd.tag, where);
    let m: RegExpMatchArray | null;
    if ((m = rd.value.match(/^(0x[0-9a-f]+|\d+)( \(bytes\))?$/))) assert.equal(d.value, Number(m[1]), where);
    else if ((m = rd.value.match(/^(?:Shared library|Library soname|Library rpath|Library runpath): \[(.*)\]$/))) assert.equal(dynstr(elf, d.value), m[1], where);
    else if (rd.typeName === 'FLAGS') assert.equal(d.value, rd.value.split(' ').reduce((a, n) => a | known(DT_FLAGS, n, 'DT_FLAGS'), 0), where);
    else if (rd.typeName === 'FLAGS_1') assert.equal(d.value, rd.value.replace(/^Flags:\s*/, '').split(' ').reduce((a, n) => a | known(DT_FLAGS_1, n, 'DT_FLAGS_1'), 0), where);
    else if (rd.typeName === 'PLTREL') assert.equal(d.value, known({ REL: 17, RELA: 7 }, rd.value, 'PLTREL'), where);
    else throw new Error(`${where}: readelf value '${rd.value}' that the test cannot map`);
  });
}

const hexBytes = (b: Uint8Array) => [...b].map((x) => x.toString(16).padStart(2, '0')).join('');

function noteType(description: string): number {
  let m: RegExpMatchArray | null;
  if ((m = description.match(/^Unknown note type: \(0x([0-9a-f]+)\)/))) return parseInt(m[1]!, 16);
  const names: [string, number][] = [
    ['NT_GNU_ABI_TAG ', 1], ['NT_GNU_HWCAP ', 2], ['NT_GNU_BUILD_ID ', 3], ['NT_GNU_GOLD_VERSION ', 4],
    ['NT_GNU_PROPERTY_TYPE_0', 5], ['NT_VERSION ', 1], ['OPEN', 0x100], ['func', 0x101],
  ];
  for (const [prefix, type] of names) if (description.startsWith(prefix)) return type;
  throw new Error(`readelf note description '${description}' that the test cannot map`);
}

function compareNotes(elf: ElfFile, r: Readelf): void {
  assert.equal(elf.notes.length, r.notes.length, 'notes');
  r.notes.forEach((rn, i) => {
    const n = elf.notes[i]!;
    const where = `note ${i} in ${rn.section}`;
    assert.deepEqual([n.name, n.desc.length, n.type], [rn.owner, rn.size, noteType(rn.description)], where);
    if (rn.section) assert.equal(elf.section(rn.section)?.offset !== undefined, true, where);
    let m: RegExpMatchArray | null;
    if ((m = rn.description.match(/Build ID: ([0-9a-f]+)/))) assert.equal(hexBytes(n.desc), m[1], where);
    if ((m = rn.description.match(/description data: ([0-9a-f ]+)$/))) assert.equal(hexBytes(n.desc), m[1]!.replace(/ /g, ''), where);
    if ((m = rn.description.match(/OS: Linux, ABI: (\d+)\.(\d+)\.(\d+)/))) {
      const w = new DataView(n.desc.buffer, n.desc.byteOffset, n.desc.byteLength);
      assert.deepEqual([0, 4, 8, 12].map((o) => w.getUint32(o, true)), [0, Number(m[1]), Number(m[2]), Number(m[3])], where);
    }
  });
}

function compareVersions(elf: ElfFile, r: Readelf): void {
  assert.equal(elf.versionDefinitions.length, r.verdefs.length, 'version definitions');
  r.verdefs.forEach((rd, i) => {
    const d = elf.versionDefinitions[i]!;
    assert.deepEqual([d.flags, d.index, d.names], [known(VERSION_FLAGS, rd.flags, 'version flag'), rd.index, rd.names], `version definition ${i}`);
    assert.equal(rd.cnt, rd.names.length, `version definition ${i} count`);
  });
  assert.equal(elf.versionNeeds.length, r.verneeds.length, 'version needs');
  r.verneeds.forEach((rn, i) => {
    const n = elf.versionNeeds[i]!;
    assert.equal(n.file, rn.file, `version need ${i}`);
    assert.equal(n.versions.length, rn.cnt, `version need ${i} count`);
    assert.deepEqual(
      n.versions.map((v) => [v.name, v.flags, v.index]),
      rn.versions.map((v) => [v.name, known(VERSION_FLAGS, v.flags, 'version flag'), v.version]),
      `version need ${i} entries`,
    );
  });
}

/**
 * Runs readelf on `path` and asserts that `elf` (parsed from the same file) agrees field
 * by field. For a file without section headers readelf finds symbols and versions through
 * the dynamic section, which the reader does not do: only header, segments, dynamic and
 * notes are compared then.
 */
export function assertMatchesReadelf(elf: ElfFile, path: string): Readelf {
  const r = parseReadelf(readelf([...READELF_ARGS, path]));
  compareHeader(elf, r);
  compareSegments(elf, r);
  compareDynamic(elf, r);
  compareNotes(elf, r);
  if (r.sections.length === 0) {
    assert.equal(elf.sections.length, 0);
    return r;
  }
  compareSections(elf, r);
  compareSymbols(elf, r, '.symtab');
  compareSymbols(elf, r, '.dynsym');
  compareVersions(elf, r);
  return r;
}
