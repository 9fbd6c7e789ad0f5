// Owns reading relocation sections (SHT_REL, SHT_RELA) of an ElfFile into typed records:
// which section each one patches, and for every entry its offset, type, symbol and (RELA)
// explicit addend. Every entry is checked against its tables; bad input throws one line.
import { InputError, hex } from '../errors';
import { printable } from './bytes';
import { SHT_DYNSYM, SHT_SYMTAB } from './sections';
import type { ElfFile, ElfSymbol, Section } from './types';

export const SHT_RELA = 4;
export const SHT_REL = 9;
const REL_SIZE = 8;
const RELA_SIZE = 12;

export { R_386_NONE, R_386_32, R_386_PC32, R_386_16, R_386_PC16, R_386_8, R_386_PC8 } from './relocation-types';

export interface Relocation {
  /** r_offset: in ET_REL, the offset in the patched section; in ET_EXEC/ET_DYN, an address. */
  readonly offset: number;
  /** ELF32_R_TYPE(r_info). */
  readonly type: number;
  /** ELF32_R_SYM(r_info). */
  readonly symbolIndex: number;
  /** The symbol the index names in the linked symbol table. */
  readonly symbol: ElfSymbol;
  /** r_addend for RELA entries; absent for REL (the addend is the patched field). */
  readonly addend?: number;
  /** Offset of this entry in the file, for error places. */
  readonly fileOffset: number;
}

export interface RelocationSection {
  /** The SHT_REL/SHT_RELA section itself. */
  readonly section: Section;
  /** The section it patches (sh_info), or undefined when sh_info is 0 (dynamic relocations). */
  readonly target: Section | undefined;
  readonly rela: boolean;
  readonly relocations: readonly Relocation[];
}

/** Every SHT_REL and SHT_RELA section of the file, decoded, in section-header order. */
export function relocationSections(elf: ElfFile): RelocationSection[] {
  const out: RelocationSection[] = [];
  for (const s of elf.sections) if (s.type === SHT_REL || s.type === SHT_RELA) out.push(readRelocationSection(elf, s));
  return out;
}

/** The relocations that patch `target`, from every REL/RELA section whose sh_info names it. */
export function relocationsFor(elf: ElfFile, target: Section): Relocation[] {
  const out: Relocation[] = [];
  for (const s of elf.sections) {
    if ((s.type !== SHT_REL && s.type !== SHT_RELA) || s.info !== target.index) continue;
    out.push(...readRelocationSection(elf, s).relocations);
  }
  return out;
}

/** Decodes one SHT_REL or SHT_RELA section. */
export function readRelocationSection(elf: ElfFile, section: Section): RelocationSection {
  const rela = section.type === SHT_RELA;
  const entrySize = rela ? RELA_SIZE : REL_SIZE;
  const where = `section ${printable(section.name)}`;
  const fail = (offset: number, what: string): never => {
    throw new InputError(elf.fileName, `${where} offset ${hex(offset)}`, what);
  };
  if (section.type !== SHT_REL && section.type !== SHT_RELA) fail(0, `type ${section.type} is not SHT_REL or SHT_RELA`);
  if (section.entsize !== 0 && section.entsize !== entrySize) fail(0, `entry size ${section.entsize} is not ${entrySize}`);
  if (section.data.length !== section.size) fail(0, `only ${hex(section.data.length)} of its ${hex(section.size)} bytes are in the file`);
  if (section.size % entrySize !== 0) fail(0, `size ${hex(section.size)} is not a multiple of ${entrySize}`);
  let target: Section | undefined;
  if (section.info !== 0) {
    target = elf.sections[section.info];
    if (!target) fail(0, `sh_info ${section.info} names no section (there are ${elf.sections.length})`);
  }
  const symbols = linkedSymbols(elf, section, fail);
  const view = new DataView(section.data.buffer, section.data.byteOffset, section.data.byteLength);
  const count = section.size / entrySize;
  const relocations: Relocation[] = new Array(count);
  for (let i = 0; i < count; i++) {
    const at = i * entrySize;
    const offset = view.getUint32(at, true);
    const info = view.getUint32(at + 4, true);
    const symbolIndex = info >>> 8;
    const symbol = symbols[symbolIndex];
    if (!symbol) fail(at, `relocation ${i} names symbol ${symbolIndex}, but the symbol table has ${symbols.length}`);
    const fileOffset = section.offset + at;
    relocations[i] = rela
      ? { offset, type: info & 0xff, symbolIndex, symbol, addend: view.getInt32(at + 8, true), fileOffset }
      : { offset, type: info & 0xff, symbolIndex, symbol, fileOffset };
  }
  return { section, target, rela, relocations };
}

/** The symbols of the table sh_link names (.symtab or .dynsym, as the reader decoded them). */
function linkedSymbols(elf: ElfFile, section: Section, fail: (offset: number, what: string) => never): readonly ElfSymbol[] {
  const table = elf.sections[section.link];
  if (section.link === 0 || !table) {
    // Allowed only when there is nothing to look up (an empty section).
    if (section.size === 0) return [];
    return fail(0, `sh_link ${section.link} names no symbol table`);
  }
  if (table.type === SHT_SYMTAB && elf.sections.find((s) => s.type === SHT_SYMTAB) === table) return elf.symbols;
  if (table.type === SHT_DYNSYM && elf.sections.find((s) => s.type === SHT_DYNSYM) === table) return elf.dynamicSymbols;
  return fail(0, `sh_link ${section.link} (${printable(table.name)}) is not the file's symbol table`);
}
