// Owns GNU symbol versioning: version definitions (.gnu.version_d), version needs
// (.gnu.version_r) and the per-symbol version indexes (.gnu.version), and decides each
// dynamic symbol's version the way readelf prints it (@@ default, @ hidden, @ needed).
import { hex } from '../errors';
import { StringTable, type FileBytes } from './bytes';
import { describe, headerOffset, linkedSection } from './links';
import { SHT_DYNSYM, SHT_GNU_VERDEF, SHT_GNU_VERNEED, SHT_GNU_VERSYM, SHT_STRTAB } from './sections';
import { SHN_UNDEF, type SymbolRecord } from './symbols';
import type { Section, VersionDefinition, VersionNeed } from './types';

const VERDEF_SIZE = 20;
const VERDAUX_SIZE = 8;
const VERNEED_SIZE = 16;
const VERNAUX_SIZE = 16;
export const VER_FLG_BASE = 1;
export const VERSYM_HIDDEN = 0x8000;

function tableStrings(file: FileBytes, shoff: number, sections: readonly Section[], s: Section): StringTable {
  const strtab = linkedSection(file, shoff, sections, s, SHT_STRTAB, 'string table');
  return new StringTable(file, strtab.data, strtab.offset);
}

/** Checks that an entry of `size` bytes at `off` lies inside section `s`. */
function needEntry(file: FileBytes, s: Section, off: number, size: number, what: string): void {
  if (off + size > s.size) {
    file.fail(s.offset + off, `${describe(s)}: ${what} at ${hex(off)} runs past the section's end (size ${hex(s.size)})`);
  }
}

export function parseVersionDefinitions(file: FileBytes, shoff: number, sections: readonly Section[]): VersionDefinition[] {
  const s = sections.find((x) => x.type === SHT_GNU_VERDEF);
  if (!s) return [];
  const strtab = tableStrings(file, shoff, sections, s);
  const out: VersionDefinition[] = [];
  let off = 0;
  for (let i = 0; i < s.info; i++) {
    needEntry(file, s, off, VERDEF_SIZE, `version definition ${i}`);
    const o = s.offset + off;
    const cnt = file.u16(o + 6);
    const names: string[] = [];
    let aoff = off + file.u32(o + 12);
    for (let j = 0; j < cnt; j++) {
      needEntry(file, s, aoff, VERDAUX_SIZE, `version definition ${i} name ${j}`);
      const ao = s.offset + aoff;
      names.push(strtab.get(file.u32(ao), `version definition ${i} name ${j}`));
      const next = file.u32(ao + 4);
      if (next === 0) break;
      if (next < VERDAUX_SIZE) file.fail(ao + 4, `${describe(s)}: version definition ${i} name ${j}: next offset ${next} overlaps the entry`);
      aoff += next;
    }
    out.push({ index: file.u16(o + 4), flags: file.u16(o + 2), hash: file.u32(o + 8), names });
    const next = file.u32(o + 16);
    if (next === 0) {
      if (i + 1 < s.info) file.fail(o + 16, `${describe(s)}: the chain ends after ${i + 1} of ${s.info} version definitions`);
      break;
    }
    if (next < VERDEF_SIZE) file.fail(o + 16, `${describe(s)}: version definition ${i}: next offset ${next} overlaps the entry`);
    off += next;
  }
  return out;
}

export function parseVersionNeeds(file: FileBytes, shoff: number, sections: readonly Section[]): VersionNeed[] {
  const s = sections.find((x) => x.type === SHT_GNU_VERNEED);
  if (!s) return [];
  const strtab = tableStrings(file, shoff, sections, s);
  const str = (index: number, what: string) => strtab.get(index, what);
  const out: VersionNeed[] = [];
  let off = 0;
  for (let i = 0; i < s.info; i++) {
    needEntry(file, s, off, VERNEED_SIZE, `version need ${i}`);
    const o = s.offset + off;
    const cnt = file.u16(o + 2);
    const versions: VersionNeed['versions'][number][] = [];
    let aoff = off + file.u32(o + 8);
    for (let j = 0; j < cnt; j++) {
      needEntry(file, s, aoff, VERNAUX_SIZE, `version need ${i} entry ${j}`);
      const ao = s.offset + aoff;
      versions.push({
        hash: file.u32(ao),
        flags: file.u16(ao + 4),
        index: file.u16(ao + 6),
        name: str(file.u32(ao + 8), `version need ${i} entry ${j} name`),
      });
      const next = file.u32(ao + 12);
      if (next === 0) break;
      if (next < VERNAUX_SIZE) file.fail(ao + 12, `${describe(s)}: version need ${i} entry ${j}: next offset ${next} overlaps the entry`);
      aoff += next;
    }
    out.push({ file: str(file.u32(o + 4), `version need ${i} file name`), versions });
    const next = file.u32(o + 12);
    if (next === 0) {
      if (i + 1 < s.info) file.fail(o + 12, `${describe(s)}: the chain ends after ${i + 1} of ${s.info} version needs`);
      break;
    }
    if (next < VERNEED_SIZE) file.fail(o + 12, `${describe(s)}: version need ${i}: next offset ${next} overlaps the entry`);
    off += next;
  }
  return out;
}

/**
 * Fills in the version of each symbol of `dynsym` from .gnu.version, as readelf shows it:
 * none for index 0 (local) and for the base definition; a symbol that names its own
 * definition (the LINUX_2.6 marker symbols) gets none either. `symbols` are the records
 * parseSymbolTable just built for `dynsym`; they are completed in place.
 */
export function applyVersions(
  file: FileBytes,
  shoff: number,
  sections: readonly Section[],
  dynsym: Section,
  symbols: SymbolRecord[],
  defs: readonly VersionDefinition[],
  needs: readonly VersionNeed[],
): void {
  const versym = sections.find((x) => x.type === SHT_GNU_VERSYM);
  if (!versym) return;
  const target = linkedSection(file, shoff, sections, versym, SHT_DYNSYM, 'dynamic symbol table');
  if (target !== dynsym) return;
  if (versym.size < symbols.length * 2) {
    file.fail(headerOffset(shoff, versym) + 20, `${describe(versym)}: size ${hex(versym.size)} is too small for ${symbols.length} symbols`);
  }
  const defByIndex = new Map<number, VersionDefinition>();
  for (const d of defs) if (!defByIndex.has(d.index)) defByIndex.set(d.index, d);
  const needByIndex = new Map<number, string>();
  for (const n of needs) for (const v of n.versions) if (!needByIndex.has(v.index)) needByIndex.set(v.index, v.name);
  for (let i = 0; i < symbols.length; i++) {
    const sym = symbols[i]!;
    const v = file.u16(versym.offset + i * 2);
    if (v === 0) continue;
    const index = v & ~VERSYM_HIDDEN;
    if (sym.shndx !== SHN_UNDEF && v !== (VERSYM_HIDDEN | 1)) {
      const def = defByIndex.get(index);
      if (def) {
        if (index === 1 && def.flags === VER_FLG_BASE) continue;
        const name = def.names[0];
        if (name !== undefined && name !== sym.name) {
          sym.version = name;
          sym.versionDefault = (v & VERSYM_HIDDEN) === 0;
          sym.versionIndex = index;
          continue;
        }
      }
    }
    const need = needByIndex.get(index);
    if (need !== undefined) {
      sym.version = need;
      sym.versionDefault = false;
      sym.versionNeeded = true;
      sym.versionIndex = index;
    }
  }
}
