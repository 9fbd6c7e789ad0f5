// Test helper: reads a GNU as object (parseElf32 plus its REL sections, parsed here) back
// into an AsmModule, so the writer and emitters can be compared with GAS before the
// assembler front end exists. Group signature symbols GAS made up are left out (the
// writer recreates them), everything else is kept in GAS's order.
import type { AsmModule, AsmSection, AsmSymbol, Relocation } from '../../toolchain/asm/module';
import { parseElf32 } from '../../toolchain/elf/reader';
import type { ElfFile, Section } from '../../toolchain/elf/types';

const SHT_SYMTAB = 2;
const SHT_STRTAB = 3;
const SHT_REL = 9;
const SHT_GROUP = 17;
const SHF_LINK_ORDER = 0x80;
const STT_SECTION = 3;

export interface ReadObject {
  readonly elf: ElfFile;
  readonly module: AsmModule;
}

export function moduleFromObject(bytes: Uint8Array, fileName: string, keep: (s: Section) => boolean = () => true): ReadObject {
  const elf = parseElf32(bytes, fileName);
  const groups = new Map<number, { signature: string; comdat: boolean }>();
  for (const g of elf.sections.filter((s) => s.type === SHT_GROUP)) {
    const v = new DataView(g.data.buffer, g.data.byteOffset, g.data.byteLength);
    const signature = elf.symbols[g.info]!.name;
    const comdat = (v.getUint32(0, true) & 1) !== 0;
    for (let o = 4; o < g.size; o += 4) groups.set(v.getUint32(o, true), { signature, comdat });
  }
  const relocs = new Map<number, Relocation[]>();
  for (const r of elf.sections.filter((s) => s.type === SHT_REL)) {
    const v = new DataView(r.data.buffer, r.data.byteOffset, r.data.byteLength);
    const list: Relocation[] = [];
    for (let o = 0; o < r.size; o += 8) {
      const info = v.getUint32(o + 4, true);
      const sym = elf.symbols[info >>> 8]!;
      const isSection = sym.type === STT_SECTION;
      list.push({ offset: v.getUint32(o, true), type: info & 0xff, symbol: isSection ? elf.sections[sym.shndx]!.name : sym.name, symbolIsSection: isSection });
    }
    relocs.set(r.info, list);
  }
  const sections: AsmSection[] = [];
  for (const s of elf.sections) {
    if (s.index === 0 || s.type === SHT_GROUP || s.type === SHT_REL || s.type === SHT_SYMTAB || s.type === SHT_STRTAB || !keep(s)) continue;
    const group = groups.get(s.index);
    sections.push({
      name: s.name,
      type: s.type,
      flags: s.flags,
      addralign: s.addralign,
      entsize: s.entsize,
      bytes: s.type === 8 ? new Uint8Array(0) : s.data.slice(),
      size: s.size,
      relocations: relocs.get(s.index) ?? [],
      ...(s.flags & SHF_LINK_ORDER ? { linkTo: elf.sections[s.link]!.name } : {}),
      ...(group ? { group } : {}),
    });
  }
  const sectionName = (shndx: number): string => (shndx === 0 ? 'UND' : shndx === 0xfff1 ? 'ABS' : shndx === 0xfff2 ? 'COMMON' : elf.sections[shndx]!.name);
  const symbols: AsmSymbol[] = [];
  for (const s of elf.symbols.slice(1)) {
    if (s.shndx > 0 && s.shndx < 0xff00 && elf.sections[s.shndx]!.type === SHT_GROUP) continue;
    symbols.push({
      name: s.type === STT_SECTION ? sectionName(s.shndx) : s.name,
      section: sectionName(s.shndx),
      value: s.value,
      size: s.size,
      binding: s.bind === 0 ? 'local' : s.bind === 1 ? 'global' : 'weak',
      type: s.type,
      visibility: s.visibility,
    });
  }
  return { elf, module: { sections, symbols, lines: [], cfi: [], alternatives: [], diagnostics: [] } };
}
