// Owns the two header tables: program headers (segments) and section headers with their
// names from the section-name string table, including ELF extended numbering (e_shnum 0,
// e_shstrndx SHN_XINDEX, e_phnum PN_XNUM taken from section header 0).
import { hex } from '../errors';
import { StringTable, type FileBytes } from './bytes';
import { EHDR_SIZE, PHDR_SIZE, SHDR_SIZE } from './header';
import type { ElfHeader, ProgramHeader, Section } from './types';

export const SHT_NULL = 0;
export const SHT_PROGBITS = 1;
export const SHT_SYMTAB = 2;
export const SHT_STRTAB = 3;
export const SHT_HASH = 5;
export const SHT_NOTE = 7;
export const SHT_NOBITS = 8;
export const SHT_DYNAMIC = 6;
export const SHT_DYNSYM = 11;
export const SHT_INIT_ARRAY = 14;
export const SHT_FINI_ARRAY = 15;
export const SHT_PREINIT_ARRAY = 16;
export const SHT_GROUP = 17;
export const SHT_SYMTAB_SHNDX = 18;
export const SHT_GNU_VERDEF = 0x6ffffffd;
export const SHT_GNU_VERNEED = 0x6ffffffe;
export const SHT_GNU_VERSYM = 0x6fffffff;

/** sh_flags bits. */
export const SHF_WRITE = 1;
export const SHF_ALLOC = 2;
/** The section holds machine instructions. */
export const SHF_EXECINSTR = 4;
export const SHF_MERGE = 0x10;
export const SHF_STRINGS = 0x20;
export const SHF_INFO_LINK = 0x40;
export const SHF_LINK_ORDER = 0x80;
export const SHF_GROUP = 0x200;
export const SHF_TLS = 0x400;
export const SHF_GNU_RETAIN = 0x200000;
export const SHF_EXCLUDE = 0x80000000;

export const PT_LOAD = 1;
export const PT_DYNAMIC = 2;
export const PT_INTERP = 3;
export const PT_NOTE = 4;
export const PT_PHDR = 6;
export const PT_GNU_EH_FRAME = 0x6474e550;
export const PT_GNU_STACK = 0x6474e551;
/** p_flags bits. */
export const PF_X = 1;
export const PF_W = 2;
export const PF_R = 4;

/** The section index that says the real one is elsewhere (section header 0, SHT_SYMTAB_SHNDX). */
export const SHN_XINDEX = 0xffff;
const PN_XNUM = 0xffff;

/** The real counts after ELF extended numbering. */
export interface TableCounts {
  readonly phnum: number;
  readonly shnum: number;
  readonly shstrndx: number;
}

/** Reads section header 0's fields that carry extended counts, when a section table exists. */
export function tableCounts(file: FileBytes, h: ElfHeader): TableCounts {
  let { phnum, shnum, shstrndx } = h;
  const needsZero = (h.shnum === 0 && h.shoff !== 0) || h.shstrndx === SHN_XINDEX || h.phnum === PN_XNUM;
  if (needsZero) {
    if (h.shoff === 0) file.fail(48, 'extended numbering is used but there is no section header table');
    file.need(h.shoff, SHDR_SIZE, 'section header 0 (extended numbering)');
    if (h.shnum === 0) shnum = file.u32(h.shoff + 20);
    if (h.shstrndx === SHN_XINDEX) shstrndx = file.u32(h.shoff + 24);
    if (h.phnum === PN_XNUM) phnum = file.u32(h.shoff + 28);
  }
  return { phnum, shnum, shstrndx };
}

function overlaps(a: number, asize: number, b: number, bsize: number): boolean {
  return asize > 0 && bsize > 0 && a < b + bsize && b < a + asize;
}

/** Checks that the header tables lie in the file and overlap neither each other nor the ELF header. */
export function checkTables(file: FileBytes, h: ElfHeader, counts: TableCounts): void {
  const phsize = counts.phnum * PHDR_SIZE;
  const shsize = counts.shnum * SHDR_SIZE;
  if (counts.phnum > 0) {
    file.need(h.phoff, phsize, `program header table (${counts.phnum} entries)`);
    if (overlaps(0, EHDR_SIZE, h.phoff, phsize)) file.fail(h.phoff, 'program header table overlaps the ELF header');
  }
  if (counts.shnum > 0) {
    file.need(h.shoff, shsize, `section header table (${counts.shnum} entries)`);
    if (overlaps(0, EHDR_SIZE, h.shoff, shsize)) file.fail(h.shoff, 'section header table overlaps the ELF header');
  }
  if (counts.phnum > 0 && counts.shnum > 0 && overlaps(h.phoff, phsize, h.shoff, shsize)) {
    file.fail(h.shoff, 'section header table overlaps the program header table');
  }
}

export function parseProgramHeaders(file: FileBytes, h: ElfHeader, count: number): ProgramHeader[] {
  const out: ProgramHeader[] = [];
  for (let i = 0; i < count; i++) {
    const o = h.phoff + i * PHDR_SIZE;
    out.push({
      index: i,
      type: file.u32(o),
      offset: file.u32(o + 4),
      vaddr: file.u32(o + 8),
      paddr: file.u32(o + 12),
      filesz: file.u32(o + 16),
      memsz: file.u32(o + 20),
      flags: file.u32(o + 24),
      align: file.u32(o + 28),
    });
  }
  return out;
}

/** The file bytes of a segment, checked to lie inside the file. */
export function segmentData(file: FileBytes, p: ProgramHeader): Uint8Array {
  return file.slice(p.offset, p.filesz, `segment ${p.index} (type ${hex(p.type)})`);
}

export function parseSectionHeaders(file: FileBytes, h: ElfHeader, counts: TableCounts): Section[] {
  if (counts.shnum === 0) return [];
  let names: StringTable | undefined;
  if (counts.shstrndx !== 0) {
    if (counts.shstrndx >= counts.shnum) {
      file.fail(50, `section name string table index ${counts.shstrndx} is not a section (there are ${counts.shnum})`);
    }
    const o = h.shoff + counts.shstrndx * SHDR_SIZE;
    const type = file.u32(o + 4);
    if (type === SHT_NOBITS || type === SHT_NULL) file.fail(o, `section name string table [${counts.shstrndx}] has no data`);
    const namesOffset = file.u32(o + 16);
    names = new StringTable(file, file.slice(namesOffset, file.u32(o + 20), `section name string table [${counts.shstrndx}]`), namesOffset);
  }
  const out: Section[] = [];
  for (let i = 0; i < counts.shnum; i++) {
    const o = h.shoff + i * SHDR_SIZE;
    const nameIndex = file.u32(o);
    const type = file.u32(o + 4);
    const offset = file.u32(o + 16);
    const size = file.u32(o + 20);
    const hasData = type !== SHT_NOBITS && type !== SHT_NULL;
    out.push({
      index: i,
      name: names && nameIndex !== 0 ? names.get(nameIndex, `name of section [${i}]`) : '',
      type,
      flags: file.u32(o + 8),
      addr: file.u32(o + 12),
      offset,
      size,
      link: file.u32(o + 24),
      info: file.u32(o + 28),
      addralign: file.u32(o + 32),
      entsize: file.u32(o + 36),
      data: hasData ? file.slice(offset, size, `section [${i}] data`) : file.bytes.subarray(0, 0),
    });
  }
  return out;
}
