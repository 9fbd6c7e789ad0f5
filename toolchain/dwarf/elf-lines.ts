// Owns finding an ELF file's .debug_line (relocated first in ET_REL objects, as readelf
// does) with the string sections its DWARF 5 tables point into, and parsing it.
import type { ElfFile } from '../elf/types';
import { parseLineSection, type LineProgram } from './line-table';
import { relocatedSectionBytes } from './relocate';
import { SHT_NOBITS } from '../elf/sections';

/** A debug section's bytes (relocated in an ET_REL object), or undefined when absent or empty. */
export function debugSectionBytes(elf: ElfFile, name: string): Uint8Array | undefined {
  const s = elf.section(name);
  if (!s || s.type === SHT_NOBITS || s.size === 0) return undefined;
  return relocatedSectionBytes(elf, s);
}

/** The line-number programs of the file's .debug_line, in section order (none without one). */
export function lineProgramsOf(elf: ElfFile): LineProgram[] {
  const bytes = debugSectionBytes(elf, '.debug_line');
  if (!bytes) return [];
  return parseLineSection({ fileName: elf.fileName, bytes, lineStr: debugSectionBytes(elf, '.debug_line_str'), str: debugSectionBytes(elf, '.debug_str') });
}
