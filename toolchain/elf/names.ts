// Owns the printable names of ELF symbol fields (type, binding, visibility, section
// index) as readelf spells them, for listings and JSON output.
import type { ElfFile, ElfSymbol } from './types';
import { SHN_ABS, SHN_COMMON, SHN_UNDEF } from './symbols';

const TYPES: readonly string[] = ['NOTYPE', 'OBJECT', 'FUNC', 'SECTION', 'FILE', 'COMMON', 'TLS'];
const BINDS: readonly string[] = ['LOCAL', 'GLOBAL', 'WEAK'];
const VISIBILITIES: readonly string[] = ['DEFAULT', 'INTERNAL', 'HIDDEN', 'PROTECTED'];

export function symbolTypeName(type: number): string {
  if (type === 10) return 'IFUNC';
  return TYPES[type] ?? `<${type}>`;
}

export function symbolBindName(bind: number): string {
  if (bind === 10) return 'UNIQUE';
  return BINDS[bind] ?? `<${bind}>`;
}

export function visibilityName(visibility: number): string {
  return VISIBILITIES[visibility] ?? `<${visibility}>`;
}

/** "UND", "ABS", "COM", the section's name, or the raw index when it names no section. */
export function symbolSectionName(elf: ElfFile, sym: ElfSymbol): string {
  if (sym.shndx === SHN_UNDEF) return 'UND';
  if (sym.shndx === SHN_ABS) return 'ABS';
  if (sym.shndx === SHN_COMMON) return 'COM';
  const s = elf.sections[sym.shndx];
  return s && s.name ? s.name : String(sym.shndx);
}

/** The symbol's name with its version as readelf prints it: name@@V, name@V, or name@V (N) when needed. */
export function versionedName(sym: ElfSymbol): string {
  if (sym.version === undefined) return sym.name;
  if (sym.versionNeeded) return `${sym.name}@${sym.version} (${sym.versionIndex})`;
  return `${sym.name}${sym.versionDefault ? '@@' : '@'}${sym.version}`;
}
