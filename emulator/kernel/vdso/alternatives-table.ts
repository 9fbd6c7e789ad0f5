// Owns reading a vDSO image's alternatives table: the .altinstructions entries (struct
// alt_instr in one of its three relative-offset layouts: 14 bytes since ~v6.3, 13 bytes in
// v4.1..~5.x with padlen, 12 bytes in ~v3.x-4.0 and again ~5.x-6.2 after padlen went), the
// sites and replacements they point at, and the feature names they test (docs/kernel-facts.md §6).
// Only facts are used; the reading is our own.
import { InputError, hex } from '../../../toolchain/errors';
import { parseElf32 } from '../../../toolchain/elf/reader';
import { SHT_NOBITS } from '../../../toolchain/elf/sections';
import type { ElfFile, Section } from '../../../toolchain/elf/types';
import { X86_FEATURES } from '../../../toolchain/asm/builtin-features';
import { ALT_LAYOUTS, altFields, type AltFields, type AltLayout } from '../../../toolchain/asm/alt-instr';

export type { AltLayout } from '../../../toolchain/asm/alt-instr';
export { ALT_FLAG_DIRECT_CALL, ALT_FLAG_NOT } from '../../../toolchain/asm/alt-instr';

/** One struct alt_instr, decoded. Addresses are the image's virtual addresses. */
export interface AltEntry extends AltFields {
  /** Position in the table (table order is patch order). */
  readonly index: number;
  /** Offset of the entry inside .altinstructions. */
  readonly entryOffset: number;
  /** The site: the original instructions (instr_offset resolved). */
  readonly site: number;
  /** The replacement's first byte (repl_offset resolved). */
  readonly replacement: number;
}

export interface AltTable {
  readonly layout: AltLayout;
  /** How the layout was chosen: told by the caller, detected from the entries, or the default for an empty table. */
  readonly layoutFrom: 'told' | 'detected' | 'default';
  readonly entries: readonly AltEntry[];
  /** .altinstructions' address and size (0/0 when the image has none). */
  readonly address: number;
  readonly size: number;
}

/** Feature numbers beyond this are not plausible in any release (NCAPINTS+NBUGINTS words). */
const MAX_FEATURE = 64 * 32;

/** Maps a virtual address range of the image to file offsets through its section headers. */
export class ImageView {
  private readonly loaded: readonly Section[];

  constructor(readonly elf: ElfFile) {
    this.loaded = elf.sections.filter((s) => (s.flags & 2) !== 0 && s.type !== SHT_NOBITS && s.size > 0);
  }

  /** The section holding [address, address+length), or undefined. */
  sectionAt(address: number, length: number): Section | undefined {
    return this.loaded.find((s) => address >= s.addr && address + length <= s.addr + s.size);
  }

  /** File offset of `address` when [address, address+length) lies inside one loaded section. */
  offsetOf(address: number, length: number): number | undefined {
    const s = this.sectionAt(address, length);
    return s ? s.offset + (address - s.addr) : undefined;
  }
}

function readS32(d: Uint8Array, at: number): number {
  return (d[at]! | (d[at + 1]! << 8) | (d[at + 2]! << 16) | (d[at + 3]! << 24)) | 0;
}

function decodeEntries(section: Section, layout: AltLayout): AltEntry[] {
  const d = section.data;
  const out: AltEntry[] = [];
  for (let at = 0, index = 0; at + layout <= d.length; at += layout, index++) {
    const site = (section.addr + at + readS32(d, at)) >>> 0;
    const replacement = (section.addr + at + 4 + readS32(d, at + 4)) >>> 0;
    const entry: AltEntry = { index, entryOffset: at, site, replacement, ...altFields(d, at, layout) };
    out.push(entry);
  }
  return out;
}

/** Why `entries` cannot be this image's table, or undefined when every entry is plausible. */
function implausible(entries: readonly AltEntry[], view: ImageView, replacements: Section | undefined): string | undefined {
  for (const e of entries) {
    const where = `entry ${e.index}`;
    if (e.feature >= MAX_FEATURE) return `${where}: feature ${e.feature} is beyond any release's feature words`;
    if (e.replacementlen > e.instrlen) return `${where}: replacement (${e.replacementlen} bytes) longer than the site (${e.instrlen})`;
    if (e.padlen !== undefined && e.padlen > e.instrlen) return `${where}: padlen ${e.padlen} exceeds instrlen ${e.instrlen}`;
    const siteSection = view.sectionAt(e.site, Math.max(e.instrlen, 1));
    if (!siteSection || (siteSection.flags & 4) === 0) return `${where}: site ${hex(e.site)} (+${e.instrlen}) is not inside executable code`;
    if (e.replacementlen > 0) {
      const inside = replacements
        ? e.replacement >= replacements.addr && e.replacement + e.replacementlen <= replacements.addr + replacements.size
        : view.sectionAt(e.replacement, e.replacementlen) !== undefined;
      if (!inside) return `${where}: replacement ${hex(e.replacement)} (+${e.replacementlen}) is outside .altinstr_replacement`;
    }
  }
  return undefined;
}

/**
 * Reads the alternatives table of an ELF32 vDSO image. `layout` forces the struct size;
 * without it the layout whose every entry is plausible is used (14, then 13, then 12).
 */
export function readAlternatives(image: Uint8Array | ElfFile, fileName = 'vdso', layout?: AltLayout): { table: AltTable; view: ImageView } {
  const elf = image instanceof Uint8Array ? parseElf32(image, fileName) : image;
  const view = new ImageView(elf);
  const section = elf.section('.altinstructions');
  const replacements = elf.section('.altinstr_replacement');
  if (!section || section.size === 0) {
    return { table: { layout: layout ?? 14, layoutFrom: layout ? 'told' : 'default', entries: [], address: section?.addr ?? 0, size: 0 }, view };
  }
  const place = `section .altinstructions at ${hex(section.offset)}`;
  if (layout !== undefined) {
    if (section.size % layout !== 0) throw new InputError(elf.fileName, place, `size ${section.size} is not a multiple of the ${layout}-byte struct alt_instr`);
    const entries = decodeEntries(section, layout);
    const why = implausible(entries, view, replacements);
    if (why) throw new InputError(elf.fileName, place, `as ${layout}-byte struct alt_instr: ${why}`);
    return { table: { layout, layoutFrom: 'told', entries, address: section.addr, size: section.size }, view };
  }
  const reasons: string[] = [];
  for (const candidate of ALT_LAYOUTS) {
    if (section.size % candidate !== 0) {
      reasons.push(`${candidate}: size ${section.size} not a multiple`);
      continue;
    }
    const entries = decodeEntries(section, candidate);
    const why = implausible(entries, view, replacements);
    if (!why) return { table: { layout: candidate, layoutFrom: 'detected', entries, address: section.addr, size: section.size }, view };
    reasons.push(`${candidate}: ${why}`);
  }
  throw new InputError(elf.fileName, place, `no struct alt_instr layout fits (${reasons.join('; ')})`);
}

/** Feature numbers whose meaning differs in the older layouts' releases (docs/kernel-facts.md §6). */
const OLDER_NUMBERS: ReadonlyMap<number, string> = new Map([
  [3 * 32 + 18, 'X86_FEATURE_LFENCE_RDTSC'],
  [7 * 32 + 12, 'X86_FEATURE_RETPOLINE'],
]);

/** `X86_FEATURE_SYSENTER32` for a known number (numbered for the layout's era), else `feature 3*32+18`. */
export function featureName(feature: number, layout: AltLayout): string {
  if (layout !== 14) {
    const older = OLDER_NUMBERS.get(feature);
    if (older) return older;
  }
  for (const [name, n] of X86_FEATURES) {
    if (n.value !== feature) continue;
    if (name === 'X86_FEATURE_SYSFAST32') continue;
    if (layout !== 14 && [...OLDER_NUMBERS.values()].includes(name)) continue;
    return name;
  }
  return `feature ${featureWords(feature)}`;
}

/** `3*32+15` for 111. */
export function featureWords(feature: number): string {
  return `${Math.floor(feature / 32)}*32+${feature % 32}`;
}
