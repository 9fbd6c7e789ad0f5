// Owns symbol tables (.symtab, .dynsym): decodes Elf32_Sym entries, their names from the
// linked string table, and SHN_XINDEX section indexes from SHT_SYMTAB_SHNDX.
import { hex } from '../errors';
import { StringTable, type FileBytes } from './bytes';
import { describe, headerOffset, linkedSection } from './links';
import { SHN_XINDEX, SHT_STRTAB, SHT_SYMTAB_SHNDX } from './sections';
import type { ElfSymbol, Section } from './types';

export const SYM_SIZE = 16;
export const STT_NOTYPE = 0;
export const STT_OBJECT = 1;
export const STT_FUNC = 2;
export const STT_SECTION = 3;
export const STT_FILE = 4;
export const STT_GNU_IFUNC = 10;
export const STT_COMMON = 5;
export const STT_TLS = 6;
export const STB_LOCAL = 0;
export const STB_GLOBAL = 1;
export const STB_WEAK = 2;
export const STB_GNU_UNIQUE = 10;
export const STV_DEFAULT = 0;
export const STV_PROTECTED = 3;
export const SHN_UNDEF = 0;
export const SHN_ABS = 0xfff1;
export const SHN_COMMON = 0xfff2;

/** A symbol as the reader builds it: every field present (one object shape), versions filled in later. */
export type SymbolRecord = { -readonly [K in keyof ElfSymbol]: ElfSymbol[K] };

/** Checks a symbol table's entry size and length; returns its number of entries. */
export function symbolCount(file: FileBytes, shoff: number, table: Section): number {
  if (table.entsize !== SYM_SIZE) {
    file.fail(headerOffset(shoff, table) + 36, `${describe(table)}: symbol entry size ${table.entsize} is not ${SYM_SIZE}`);
  }
  if (table.size % SYM_SIZE !== 0) {
    file.fail(headerOffset(shoff, table) + 20, `${describe(table)}: size ${hex(table.size)} is not a multiple of ${SYM_SIZE}`);
  }
  return table.size / SYM_SIZE;
}

/** The SHT_SYMTAB_SHNDX section that extends `table`, if any. */
function extendedIndexes(file: FileBytes, shoff: number, sections: readonly Section[], table: Section, count: number): Uint8Array | undefined {
  const x = sections.find((s) => s.type === SHT_SYMTAB_SHNDX && s.link === table.index);
  if (!x) return undefined;
  if (x.size < count * 4) file.fail(headerOffset(shoff, x) + 20, `${describe(x)}: too small for ${count} symbols of ${describe(table)}`);
  return x.data;
}

/** Decodes every entry of a symbol table (versions are added by versions.ts). */
export function parseSymbolTable(file: FileBytes, shoff: number, sections: readonly Section[], table: Section): SymbolRecord[] {
  const count = symbolCount(file, shoff, table);
  const strtabSection = linkedSection(file, shoff, sections, table, SHT_STRTAB, 'string table');
  const strtab = new StringTable(file, strtabSection.data, strtabSection.offset);
  const xindex = extendedIndexes(file, shoff, sections, table, count);
  const xview = xindex ? new DataView(xindex.buffer, xindex.byteOffset, xindex.byteLength) : undefined;
  const out: SymbolRecord[] = new Array(count);
  for (let i = 0; i < count; i++) {
    const o = table.offset + i * SYM_SIZE;
    const info = file.u8(o + 12);
    let shndx = file.u16(o + 14);
    if (shndx === SHN_XINDEX && xview) shndx = xview.getUint32(i * 4, true);
    const nameIndex = file.u32(o);
    out[i] = {
      index: i,
      name: nameIndex === 0 ? '' : strtab.get(nameIndex, `name of symbol ${i} in ${describe(table)}`),
      value: file.u32(o + 4),
      size: file.u32(o + 8),
      type: info & 0xf,
      bind: info >> 4,
      visibility: file.u8(o + 13) & 3,
      shndx,
      version: undefined,
      versionDefault: undefined,
      versionIndex: undefined,
      versionNeeded: undefined,
    };
  }
  return out;
}
