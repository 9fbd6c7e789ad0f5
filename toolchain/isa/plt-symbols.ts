// Owns the `name@plt` symbols objdump makes for the PLT entries of an i386 executable or
// shared object (BFD's synthetic symbol table, binutils 2.40): .plt (lazy: its first entry
// skipped; with IBT, its entries left to .plt.sec), .plt.got and .plt.sec, with or without
// IBT's endbr32, are recognised by their first bytes, each entry's GOT slot read from its jmp (absolute, or from
// _GLOBAL_OFFSET_TABLE_ when the PLT is position-independent), and the dynamic relocation
// (JUMP_SLOT, GLOB_DAT, IRELATIVE) at that slot names the entry.
import { ET_DYN, ET_EXEC, type ElfFile, type Section } from '../elf/types';
import { STB_LOCAL, STT_COMMON, STT_FUNC, STT_OBJECT } from '../elf/symbols';
import { readRelocationSection, SHT_REL, SHT_RELA, type Relocation } from '../elf/relocations';
import { R_386_GLOB_DAT, R_386_IRELATIVE, R_386_JMP_SLOT } from '../elf/relocation-types';
import { SHT_DYNSYM } from '../elf/sections';
import { InputError } from '../errors';


/** A PLT entry's symbol, in the shape of the symbols it is sorted with. */
export interface PltSymbol {
  readonly name: string;
  readonly value: number;
  readonly section: string;
  readonly isFunction: boolean;
  readonly isObject: boolean;
  readonly isLocal: boolean;
}

const ENDBR32 = [0xf3, 0x0f, 0x1e, 0xfb];

function startsWith(data: Uint8Array, at: number, bytes: readonly number[]): boolean {
  return bytes.every((b, k) => data[at + k] === b);
}

interface PltLayout {
  /** Entries to name, from `first`, each `size` bytes, the GOT operand `gotOffset` bytes in. */
  readonly first: number;
  readonly size: number;
  readonly gotOffset: number;
  readonly pic: boolean;
}

/** How BFD reads one PLT section; 'second' for a lazy IBT .plt (named through .plt.sec); undefined when its bytes are no PLT it knows. */
function layoutOf(name: string, data: Uint8Array): PltLayout | 'second' | undefined {
  if (name === '.plt' && data.length >= 32) {
    const pic = startsWith(data, 0, [0xff, 0x35]) ? false : startsWith(data, 0, [0xff, 0xb3]) ? true : undefined;
    if (pic !== undefined) return startsWith(data, 16, ENDBR32) ? 'second' : { first: 1, size: 16, gotOffset: 2, pic };
  }
  if ((name === '.plt' || name === '.plt.got') && data.length >= 8) {
    if (startsWith(data, 0, [0xff, 0x25])) return { first: 0, size: 8, gotOffset: 2, pic: false };
    if (startsWith(data, 0, [0xff, 0xa3])) return { first: 0, size: 8, gotOffset: 2, pic: true };
  }
  if (data.length >= 16) {
    if (startsWith(data, 0, [...ENDBR32, 0xff, 0x25])) return { first: 0, size: 16, gotOffset: 6, pic: false };
    if (startsWith(data, 0, [...ENDBR32, 0xff, 0xa3])) return { first: 0, size: 16, gotOffset: 6, pic: true };
  }
  return undefined;
}

/** The synthetic `name@plt` symbols of `elf` (none for objects, static programs or unreadable tables). */
export function pltSymbols(elf: ElfFile): PltSymbol[] {
  if (elf.header.type !== ET_EXEC && elf.header.type !== ET_DYN) return [];
  if (elf.dynamicSymbols.length === 0) return [];
  const dynsym = elf.sections.findIndex((s) => s.type === SHT_DYNSYM);
  let relocations: Relocation[];
  try {
    relocations = elf.sections
      .filter((s) => (s.type === SHT_REL || s.type === SHT_RELA) && s.link === dynsym)
      .flatMap((s) => readRelocationSection(elf, s).relocations);
  } catch (e) {
    // objdump names no PLT entries of a file whose dynamic relocations it cannot read.
    if (e instanceof InputError) return [];
    throw e;
  }
  if (relocations.length === 0) return [];
  const bySlot = new Map<number, Relocation>();
  for (const r of relocations) if (!bySlot.has(r.offset >>> 0)) bySlot.set(r.offset >>> 0, r);
  const plts: { section: Section; layout: PltLayout }[] = [];
  for (const name of ['.plt', '.plt.got', '.plt.sec']) {
    const section = elf.section(name);
    if (!section || section.size === 0 || section.data.length < section.size) continue;
    const layout = layoutOf(name, section.data);
    if (layout && layout !== 'second') plts.push({ section, layout });
  }
  // A position-independent PLT's operands count from _GLOBAL_OFFSET_TABLE_ (.got.plt, else .got), for every PLT.
  const got = plts.some((p) => p.layout.pic) ? (elf.section('.got.plt') ?? elf.section('.got'))?.addr : 0;
  if (got === undefined) return [];
  const out: PltSymbol[] = [];
  const used = new Set<Relocation>();
  for (const { section, layout } of plts) {
    const view = new DataView(section.data.buffer, section.data.byteOffset, section.size);
    const count = Math.floor(section.size / layout.size);
    for (let k = layout.first; k < count; k++) {
      const offset = k * layout.size;
      if (offset + layout.gotOffset + 4 > section.size) break;
      const slot = (got + view.getInt32(offset + layout.gotOffset, true)) >>> 0;
      const r = bySlot.get(slot);
      if (!r || used.has(r) || (r.type !== R_386_JMP_SLOT && r.type !== R_386_GLOB_DAT && r.type !== R_386_IRELATIVE)) continue;
      used.add(r);
      const s = r.symbol;
      const base = r.symbolIndex === 0 ? '*ABS*' : s.name;
      const addend = r.addend ?? 0;
      out.push({
        name: `${base}${addend !== 0 ? `+0x${(addend >>> 0).toString(16)}` : ''}@plt`,
        value: (section.addr + offset) >>> 0,
        section: section.name,
        isFunction: r.symbolIndex !== 0 && s.type === STT_FUNC,
        isObject: r.symbolIndex !== 0 && (s.type === STT_OBJECT || s.type === STT_COMMON),
        isLocal: r.symbolIndex !== 0 && s.bind === STB_LOCAL,
      });
    }
  }
  return out;
}
