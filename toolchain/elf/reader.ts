// Owns parseElf32: the one entry point that reads an ELF32 little-endian i386 file
// (ET_REL, ET_EXEC, ET_DYN) into an ElfFile. Each table is read by its own module; this
// file only orders the steps. Bad input throws InputError(fileName, 'offset 0x..', what).
import { FileBytes } from './bytes';
import { parseDynamic } from './dynamic';
import { parseHeader } from './header';
import { parseNotes } from './notes';
import { checkTables, parseProgramHeaders, parseSectionHeaders, SHT_DYNSYM, SHT_SYMTAB, tableCounts } from './sections';
import { parseSymbolTable } from './symbols';
import { applyVersions, parseVersionDefinitions, parseVersionNeeds } from './versions';
import type { ElfFile, ElfSymbol, Section } from './types';

/** Reads an ELF32 little-endian i386 file; `fileName` names it in error messages. */
export function parseElf32(bytes: Uint8Array, fileName: string): ElfFile {
  const file = new FileBytes(fileName, bytes);
  const header = parseHeader(file);
  const counts = tableCounts(file, header);
  checkTables(file, header, counts);
  const programHeaders = parseProgramHeaders(file, header, counts.phnum);
  const sections = parseSectionHeaders(file, header, counts);
  const shoff = header.shoff;

  const symtab = sections.find((s) => s.type === SHT_SYMTAB);
  const symbols: ElfSymbol[] = symtab ? parseSymbolTable(file, shoff, sections, symtab) : [];
  const versionDefinitions = parseVersionDefinitions(file, shoff, sections);
  const versionNeeds = parseVersionNeeds(file, shoff, sections);
  const dynsym = sections.find((s) => s.type === SHT_DYNSYM);
  const dynamicSymbols = dynsym ? parseSymbolTable(file, shoff, sections, dynsym) : [];
  if (dynsym) applyVersions(file, shoff, sections, dynsym, dynamicSymbols, versionDefinitions, versionNeeds);

  const byName = new Map<string, Section>();
  for (const s of sections) if (!byName.has(s.name)) byName.set(s.name, s);
  return {
    fileName,
    bytes,
    header,
    programHeaders,
    sections,
    symbols,
    dynamicSymbols,
    versionDefinitions,
    versionNeeds,
    notes: parseNotes(file, sections, programHeaders),
    dynamic: parseDynamic(file, sections, programHeaders),
    section: (name: string) => byName.get(name),
  };
}
