// Owns naming addresses the way `objdump -d` (binutils 2.40) does: which symbols it keeps for
// disassembly, its order among symbols (by value, then the section being disassembled, then
// functions, objects, non-locals, globals, larger sizes, names not starting with '.', names),
// its search for the symbol that names an address, and `name`, `name+0xN` or `name-0xN`.
import { ET_REL, type ElfFile, type ElfSymbol } from '../elf/types';
import { SHT_REL, SHT_RELA } from '../elf/relocations';
import { SHN_ABS, SHN_COMMON, SHN_UNDEF, STB_GLOBAL, STB_LOCAL, STT_COMMON, STT_FILE, STT_FUNC, STT_OBJECT, STT_SECTION } from '../elf/symbols';
import { pltSymbols } from './plt-symbols';


export interface Symbolizer {
  /** `name`, `name+0xN` or `name-0xN` for an address; undefined when no symbol names it. */
  (address: number): string | undefined;
}

/** Symbols objdump keeps for disassembly: named, defined, not section or file symbols. */
export function usefulSymbols(symbols: readonly ElfSymbol[]): ElfSymbol[] {
  return symbols.filter((s) => s.name !== '' && s.shndx !== SHN_UNDEF && s.shndx !== SHN_COMMON && s.type !== STT_SECTION && s.type !== STT_FILE);
}

/** One symbol as objdump's sorted table holds it. */
export interface ListedSymbol {
  /** The symbol's own name (what --disassemble=NAME matches). */
  readonly name: string;
  /** The name as printed: with `@@VERSION` or `@VERSION` for a versioned .dynsym entry. */
  readonly shown: string;
  readonly value: number;
  readonly size: number;
  /** The name of the section it is defined in (`*ABS*` for absolute symbols). */
  readonly section: string;
  readonly isFunction: boolean;
  readonly isObject: boolean;
  readonly isLocal: boolean;
  readonly isGlobal: boolean;
  /** A section symbol objdump keeps because its section is a .plt or .got one. */
  readonly isSectionSymbol: boolean;
}

function sectionName(elf: ElfFile | undefined, shndx: number): string {
  if (shndx === SHN_ABS) return '*ABS*';
  return elf?.sections[shndx]?.name ?? '*ABS*';
}

/** The facts of a symbol objdump's table keeps: an ELF symbol's, or an object's row before it is written. */
export type SymbolFacts = Pick<ElfSymbol, 'name' | 'value' | 'size' | 'type' | 'bind'> & Partial<Pick<ElfSymbol, 'version' | 'versionDefault'>>;

function listed(s: SymbolFacts, section: string, name: string, isSectionSymbol: boolean): ListedSymbol {
  return {
    name, shown: isSectionSymbol || s.version === undefined ? name : `${s.name}${s.versionDefault ? '@@' : '@'}${s.version}`, value: s.value >>> 0, size: s.size, section,
    isFunction: s.type === STT_FUNC, isObject: s.type === STT_OBJECT || s.type === STT_COMMON,
    isLocal: s.bind === STB_LOCAL, isGlobal: s.bind === STB_GLOBAL, isSectionSymbol,
  };
}

/**
 * Whether objdump disassembles with a symbol, and how it holds it: undefined, common and file
 * symbols dropped, unnamed ones too, and section symbols unless their section is a .plt or .got
 * one. `section` is the name of the section it is defined in, undefined for an undefined or
 * common symbol.
 */
export function listedSymbol(s: SymbolFacts, section: string | undefined): ListedSymbol | undefined {
  if (section === undefined || s.type === STT_FILE) return undefined;
  if (s.type === STT_SECTION) return section.startsWith('.plt') || section.startsWith('.got') ? listed(s, section, section, true) : undefined;
  return s.name !== '' ? listed(s, section, s.name, false) : undefined;
}

/**
 * The symbols objdump disassembles with: .symtab, else .dynsym, as listedSymbol keeps them;
 * then the PLT entries' name@plt symbols (plt-symbols.ts).
 */
export function listedSymbols(elf: ElfFile): ListedSymbol[] {
  const out: ListedSymbol[] = [];
  for (const s of elf.symbols.length ? elf.symbols : elf.dynamicSymbols) {
    const kept = listedSymbol(s, s.shndx === SHN_UNDEF || s.shndx === SHN_COMMON ? undefined : sectionName(elf, s.shndx));
    if (kept) out.push(kept);
  }
  // The PLT entries' name@plt symbols come last, unsized for sorting (objdump's synthetic symbols).
  for (const p of pltSymbols(elf)) {
    out.push({ name: p.name, shown: p.name, value: p.value, size: 0, section: p.section, isFunction: p.isFunction, isObject: p.isObject, isLocal: p.isLocal, isGlobal: !p.isLocal, isSectionSymbol: false });
  }
  return out;
}

function fileLike(name: string): boolean {
  return name.length > 2 && name[name.length - 2] === '.' && (name.endsWith('o') || name.endsWith('a'));
}

function compiledMarker(name: string): boolean {
  return name.includes('gnu_compiled') || name.includes('gcc2_compiled');
}

/** objdump's compare_symbols: negative when `a` sorts first. `section` is the one being disassembled. */
function compareSymbols(a: ListedSymbol, b: ListedSymbol, section: string | undefined): number {
  if (a.value !== b.value) return a.value < b.value ? -1 : 1;
  if (section !== undefined) {
    const as = a.section === section, bs = b.section === section;
    if (as !== bs) return as ? -1 : 1;
  }
  const flags = (s: ListedSymbol): number[] => [
    compiledMarker(s.name) ? 1 : 0, fileLike(s.name) ? 1 : 0, s.isSectionSymbol ? 1 : 0,
    s.isFunction ? 0 : 1, s.isObject ? 0 : 1, s.isLocal ? 1 : 0, s.isGlobal ? 0 : 1,
  ];
  const fa = flags(a), fb = flags(b);
  for (let i = 0; i < fa.length; i++) if (fa[i] !== fb[i]) return fa[i]! - fb[i]!;
  const sa = a.isSectionSymbol ? 0 : a.size, sb = b.isSectionSymbol ? 0 : b.size;
  if (sa !== sb) return sa > sb ? -1 : 1;
  const da = a.name.startsWith('.'), db = b.name.startsWith('.');
  if (da !== db) return da ? 1 : -1;
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

/** The symbols sorted as objdump sorts them while it disassembles `section` (undefined: no section). */
export function sortSymbols(symbols: readonly ListedSymbol[], section?: string): ListedSymbol[] {
  return [...symbols].sort((a, b) => compareSymbols(a, b, section));
}

/**
 * objdump's find_symbol_for_address over `sorted`: the index of the symbol naming `vma`, or -1.
 * With `section` given, only symbols of that section qualify (a later one when none is at or
 * below `vma`); otherwise the nearest at or below, preferring `preferred`'s among equal values.
 */
export function findSymbol(sorted: readonly ListedSymbol[], vma: number, section: string | undefined, preferred?: string): number {
  const count = sorted.length;
  if (count < 1) return -1;
  let min = 0;
  let max = count;
  while (min + 1 < max) {
    const mid = (max + min) >> 1;
    const v = sorted[mid]!.value;
    if (v > vma) max = mid;
    else if (v < vma) min = mid;
    else { min = mid; break; }
  }
  let place = min;
  while (place > 0 && sorted[place]!.value === sorted[place - 1]!.value) place--;
  const inSection = preferred ?? section;
  min = place;
  while (min < max && sorted[min]!.value === sorted[place]!.value) {
    if (inSection === undefined || sorted[min]!.section === inSection) return min;
    min++;
  }
  const ok = (i: number): boolean => section === undefined || sorted[i]!.section === section;
  if (!ok(place)) {
    let found = -1;
    for (let i = min - 1; i >= 0; i--) {
      if (!ok(i)) continue;
      if (found < 0) found = i;
      if (sorted[i]!.value !== sorted[found]!.value) break;
      found = i;
    }
    if (found >= 0) place = found;
    else {
      for (let i = place + 1; i < count; i++) if (ok(i)) { place = i; break; }
    }
    if (!ok(place)) return -1;
  }
  return place;
}

/** `name`, `name+0xN` or `name-0xN`, as objdump prints a symbol and an offset from it. */
export function symbolOffset(name: string, value: number, address: number): string {
  if (address === value) return name;
  return address > value ? `${name}+0x${(address - value).toString(16)}` : `${name}-0x${(value - address).toString(16)}`;
}

/**
 * Whether objdump treats the file as relocatable (BFD's HAS_RELOC: it has a relocation section),
 * so that a branch target inside the section being disassembled is named by that section's
 * symbols only.
 */
export function hasRelocations(elf: ElfFile): boolean {
  return elf.header.type === ET_REL && elf.sections.some((s) => s.type === SHT_REL || s.type === SHT_RELA);
}

/**
 * Branch targets inside `section` as objdump -d names them: the symbol find_symbol_for_address
 * gives (restricted to the section in a relocatable file, hasRelocations, when the target lies
 * inside it), else the section's name; undefined when the file has no symbols (objdump then
 * prints a bare 0x address).
 */
export function sectionSymbolizer(relocatable: boolean, sorted: readonly ListedSymbol[], section: { readonly name: string; readonly addr: number; readonly size: number }): Symbolizer {
  return (address: number) => {
    if (sorted.length === 0) return undefined;
    const a = address >>> 0;
    const within = relocatable && a >= section.addr && a < section.addr + section.size;
    const i = findSymbol(sorted, a, within ? section.name : undefined, section.name);
    if (i < 0) return symbolOffset(section.name, section.addr, a);
    return symbolOffset(sorted[i]!.shown, sorted[i]!.value, a);
  };
}

/**
 * Names addresses from the file's .symtab, or .dynsym (names with @@VERSION) when there is no
 * .symtab, in objdump's order among symbols of equal value; undefined below the first symbol.
 */
export function makeSymbolizer(symtab: readonly ElfSymbol[], dynsym: readonly ElfSymbol[] = []): Symbolizer {
  const chosen = usefulSymbols(symtab.length ? symtab : dynsym).map((s) => listed(s, sectionName(undefined, s.shndx), s.name, false));
  const sorted = sortSymbols(chosen);
  return (address: number) => {
    const a = address >>> 0;
    if (sorted.length === 0 || a < sorted[0]!.value) return undefined;
    const i = findSymbol(sorted, a, undefined);
    return i < 0 ? undefined : symbolOffset(sorted[i]!.shown, sorted[i]!.value, a);
  };
}
