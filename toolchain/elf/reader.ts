// Owns parseElf32: the one entry point that reads an ELF32 little-endian i386 file
// (ET_REL, ET_EXEC, ET_DYN) into an ElfFile. Each table is read by its own module; this
// file only orders the steps. Bad input throws InputError(fileName, 'offset 0x..', what):
// the headers, section headers, version tables, notes and dynamic section at once, the
// symbol tables (.symtab, .dynsym) when `symbols` or `dynamicSymbols` is first read, since
// a program's loader needs neither (docs/speed-and-exactness.md, "The symbol table read
// when first asked for, the bundles without whitespace").
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
  const versionDefinitions = parseVersionDefinitions(file, shoff, sections);
  const versionNeeds = parseVersionNeeds(file, shoff, sections);
  const dynsym = sections.find((s) => s.type === SHT_DYNSYM);
  /** Each table once read; a table that is broken throws at every read. */
  let symbols: readonly ElfSymbol[] | undefined;
  let dynamicSymbols: readonly ElfSymbol[] | undefined;
  const readDynamicSymbols = (table: Section): ElfSymbol[] => {
    const records = parseSymbolTable(file, shoff, sections, table);
    applyVersions(file, shoff, sections, table, records, versionDefinitions, versionNeeds);
    return records;
  };

  const byName = new Map<string, Section>();
  for (const s of sections) if (!byName.has(s.name)) byName.set(s.name, s);
  return {
    fileName,
    bytes,
    header,
    programHeaders,
    sections,
    get symbols() {
      return (symbols ??= symtab ? parseSymbolTable(file, shoff, sections, symtab) : []);
    },
    get dynamicSymbols() {
      return (dynamicSymbols ??= dynsym ? readDynamicSymbols(dynsym) : []);
    },
    versionDefinitions,
    versionNeeds,
    notes: parseNotes(file, sections, programHeaders),
    dynamic: parseDynamic(file, sections, programHeaders),
    section: (name: string) => byName.get(name),
  };
}
