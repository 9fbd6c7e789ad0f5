// Owns writing a linked ELF32 i386 file: the ELF header, the program headers, the
// allocated sections at the offsets the layout chose, then .symtab, .strtab, .shstrtab
// and the section header table.
import { EHDR_SIZE, PHDR_SIZE, SHDR_SIZE } from '../elf/header';
import { SHT_NOBITS, SHT_STRTAB, SHT_SYMTAB } from '../elf/sections';
import { SHN_ABS } from '../elf/symbols';
import { EM_386 } from '../elf/types';
import { StringTableBuilder } from '../elf/write-strtab';
import { alignUp, newOutputSection } from './sections';
import type { OutputSection } from './types';

export interface Segment {
  readonly type: number;
  readonly flags: number;
  readonly offset: number;
  readonly vaddr: number;
  readonly filesz: number;
  readonly memsz: number;
  readonly align: number;
}

export interface ImageSymbol {
  readonly name: string;
  readonly value: number;
  readonly size: number;
  readonly type: number;
  readonly bind: number;
  readonly visibility: number;
  /** The output section it lies in; undefined for an absolute symbol. */
  readonly section: OutputSection | undefined;
}

export interface ImageSpec {
  readonly type: number;
  readonly entry: number;
  /** Allocated sections in address order, already numbered 1..n with addresses and offsets. */
  readonly sections: readonly OutputSection[];
  readonly segments: readonly Segment[];
  /** .symtab entries: locals first (every local must come before every global). */
  readonly symbols: readonly ImageSymbol[];
  /** Non-allocated sections (DWARF) written after the allocated ones, before .symtab. */
  readonly unallocated?: readonly OutputSection[];
}

/** Gives sections their header indexes (1, 2, ...) in the order given. */
export function numberSections(sections: readonly OutputSection[]): void {
  sections.forEach((s, i) => (s.index = i + 1));
}

/** The segment that maps `sections` (contiguous in memory), starting at file offset `fromOffset` if given. */
export function segmentOf(type: number, flags: number, align: number, sections: readonly OutputSection[], fromOffset?: number): Segment {
  const first = sections[0]!;
  const offset = fromOffset ?? first.offset;
  const vaddr = first.addr - (first.offset - offset);
  let fileEnd = offset;
  let memEnd = vaddr;
  for (const s of sections) {
    if (s.type !== SHT_NOBITS) fileEnd = Math.max(fileEnd, s.offset + s.size);
    memEnd = Math.max(memEnd, s.addr + s.size);
  }
  return { type, flags, offset, vaddr, filesz: fileEnd - offset, memsz: memEnd - vaddr, align };
}

export function writeImage(spec: ImageSpec): Uint8Array {
  const symtab = newOutputSection('.symtab', SHT_SYMTAB, 0, 4);
  const strtab = newOutputSection('.strtab', SHT_STRTAB, 0, 1);
  const shstrtab = newOutputSection('.shstrtab', SHT_STRTAB, 0, 1);
  const unallocated = spec.unallocated ?? [];
  const all = [...spec.sections, ...unallocated, symtab, strtab, shstrtab];
  numberSections(all);

  const names = new StringTableBuilder();
  for (const s of spec.symbols) names.add(s.name);
  strtab.data = names.result();
  symtab.data = symbolBytes(spec.symbols, names);
  symtab.entsize = 16;
  symtab.link = strtab.index;
  symtab.info = 1 + spec.symbols.filter((s) => s.bind === 0).length;
  const sectionNames = new StringTableBuilder();
  for (const s of all) sectionNames.add(s.name);
  shstrtab.data = sectionNames.result();

  let end = EHDR_SIZE + PHDR_SIZE * spec.segments.length;
  for (const s of spec.sections) if (s.type !== SHT_NOBITS) end = Math.max(end, s.offset + s.size);
  for (const s of [...unallocated, symtab, strtab, shstrtab]) {
    s.size = s.data.length;
    s.offset = alignUp(end, Math.max(s.align, 1));
    end = s.offset + s.size;
  }
  const shoff = alignUp(end, 4);
  const file = new Uint8Array(shoff + SHDR_SIZE * (all.length + 1));
  const v = new DataView(file.buffer);
  file.set([0x7f, 0x45, 0x4c, 0x46, 1, 1, 1, 0]);
  v.setUint16(16, spec.type, true);
  v.setUint16(18, EM_386, true);
  v.setUint32(20, 1, true);
  v.setUint32(24, spec.entry >>> 0, true);
  v.setUint32(28, spec.segments.length ? EHDR_SIZE : 0, true);
  v.setUint32(32, shoff, true);
  v.setUint16(40, EHDR_SIZE, true);
  v.setUint16(42, PHDR_SIZE, true);
  v.setUint16(44, spec.segments.length, true);
  v.setUint16(46, SHDR_SIZE, true);
  v.setUint16(48, all.length + 1, true);
  v.setUint16(50, shstrtab.index, true);
  spec.segments.forEach((p, i) => {
    const at = EHDR_SIZE + PHDR_SIZE * i;
    [p.type, p.offset, p.vaddr, p.vaddr, p.filesz, p.memsz, p.flags, p.align].forEach((x, j) => v.setUint32(at + 4 * j, x >>> 0, true));
  });
  for (const s of all) {
    if (s.type !== SHT_NOBITS) file.set(s.data.subarray(0, s.size), s.offset);
    const at = shoff + SHDR_SIZE * s.index;
    const fields = [sectionNames.offset(s.name), s.type, s.flags, s.addr, s.offset, s.size, s.link, s.info, s.align, s.entsize];
    fields.forEach((x, j) => v.setUint32(at + 4 * j, x >>> 0, true));
  }
  return file;
}

function symbolBytes(symbols: readonly ImageSymbol[], names: StringTableBuilder): Uint8Array {
  const out = new Uint8Array(16 * (symbols.length + 1));
  const v = new DataView(out.buffer);
  symbols.forEach((s, i) => {
    const at = 16 * (i + 1);
    v.setUint32(at, names.offset(s.name), true);
    v.setUint32(at + 4, s.value >>> 0, true);
    v.setUint32(at + 8, s.size >>> 0, true);
    v.setUint8(at + 12, (s.bind << 4) | (s.type & 0xf));
    v.setUint8(at + 13, s.visibility & 3);
    v.setUint16(at + 14, s.section ? s.section.index : SHN_ABS, true);
  });
  return out;
}
