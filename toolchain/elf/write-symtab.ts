// Owns the order and contents of an object's .symtab as GNU as writes it: the null
// symbol, STT_FILE symbols, then locals in creation order with the section symbols that
// relocations need, group signature symbols GAS had to create, then globals and weaks
// in creation order (sh_info = index of the first global).
import type { AsmModule, AsmSymbol, SymbolBinding } from '../asm/module';
import { InputError } from '../errors';
import { SHN_ABS, SHN_COMMON, STT_FILE, STT_NOTYPE, STT_SECTION } from './symbols';

/** One row of the symbol table to write; `sectionIndex` is already resolved. */
export interface SymtabEntry {
  readonly name: string;
  readonly value: number;
  readonly size: number;
  readonly binding: SymbolBinding;
  readonly type: number;
  readonly visibility: number;
  readonly sectionIndex: number;
}

export interface SymbolTable {
  readonly entries: readonly SymtabEntry[];
  readonly firstGlobal: number;
  /** Index of the section symbol of each section (by section name) that has one. */
  readonly sectionSymbol: ReadonlyMap<string, number>;
  /** Index of each named symbol. */
  readonly symbol: ReadonlyMap<string, number>;
}

/**
 * Builds the symbol table. `sectionIndex` maps section names to header indexes,
 * `groupIndex` group signatures to their .group section's index.
 */
export function buildSymbolTable(module: AsmModule, fileName: string, sectionIndex: ReadonlyMap<string, number>, groupIndex: ReadonlyMap<string, number>): SymbolTable {
  const usedSections = new Set<string>();
  const usedNames = new Set<string>();
  for (const s of module.sections) {
    // A relocation with no symbol (symbol index 0) needs no entry.
    for (const r of s.relocations) if (r.symbolIsSection || r.symbol !== '') (r.symbolIsSection ? usedSections : usedNames).add(r.symbol);
  }
  const indexOf = (section: string, where: AsmSymbol): number => {
    if (section === 'ABS') return SHN_ABS;
    if (section === 'COMMON') return SHN_COMMON;
    if (section === 'UND') return 0;
    const i = sectionIndex.get(section);
    if (i === undefined) {
      const place = where.location ? `line ${where.location.line}` : '';
      throw new InputError(where.location?.file ?? fileName, place, `symbol ${where.name} is in section ${section}, which the object does not have`);
    }
    return i;
  };
  const entry = (s: AsmSymbol, binding: SymbolBinding): SymtabEntry => ({
    name: s.type === STT_SECTION ? '' : s.name,
    value: s.value,
    size: s.size,
    binding,
    type: s.type,
    visibility: s.visibility,
    sectionIndex: indexOf(s.section, s),
  });
  const sectionSymbol = (name: string): SymtabEntry => ({ name: '', value: 0, size: 0, binding: 'local', type: STT_SECTION, visibility: 0, sectionIndex: sectionIndex.get(name)! });

  const files: SymtabEntry[] = [];
  const locals: { entry: SymtabEntry; section?: string }[] = [];
  const globals: SymtabEntry[] = [];
  const placed = new Set<string>();
  for (const s of module.symbols) {
    const isLocal = s.binding === 'local' && s.section !== 'UND';
    if (s.type === STT_FILE) files.push(entry(s, 'local'));
    else if (s.type === STT_SECTION) {
      if (usedSections.has(s.section) && !placed.has(s.section)) {
        placed.add(s.section);
        locals.push({ entry: entry(s, 'local'), section: s.section });
      }
    } else if (isLocal) {
      if (s.name.startsWith('.L') && !usedNames.has(s.name)) continue;
      locals.push({ entry: entry(s, 'local') });
    } else globals.push(entry(s, s.binding === 'local' ? 'global' : s.binding));
  }
  // Section symbols the module did not list: .text/.data/.bss first (GAS creates them at
  // start-up), the others before the first local defined in their section, else last.
  const missing = module.sections.filter((s) => usedSections.has(s.name) && !placed.has(s.name));
  const early = missing.filter((s) => s.name === '.text' || s.name === '.data' || s.name === '.bss');
  for (const s of missing) {
    if (early.includes(s)) continue;
    const at = locals.findIndex((l) => !l.section && l.entry.sectionIndex === sectionIndex.get(s.name));
    const row = { entry: sectionSymbol(s.name), section: s.name };
    if (at < 0) locals.push(row);
    else locals.splice(at, 0, row);
  }
  locals.unshift(...early.map((s) => ({ entry: sectionSymbol(s.name), section: s.name })));

  const names = new Set(module.symbols.map((s) => s.name));
  for (const [signature, index] of groupIndex) {
    if (!names.has(signature)) {
      names.add(signature);
      locals.push({ entry: { name: signature, value: 0, size: 0, binding: 'local', type: STT_NOTYPE, visibility: 0, sectionIndex: index } });
    }
  }
  for (const name of usedNames) {
    if (!names.has(name)) {
      names.add(name);
      globals.push({ name, value: 0, size: 0, binding: 'global', type: STT_NOTYPE, visibility: 0, sectionIndex: 0 });
    }
  }

  const entries: SymtabEntry[] = [
    { name: '', value: 0, size: 0, binding: 'local', type: STT_NOTYPE, visibility: 0, sectionIndex: 0 },
    ...files,
    ...locals.map((l) => l.entry),
  ];
  const firstGlobal = entries.length;
  entries.push(...globals);
  const bySection = new Map<string, number>();
  const byName = new Map<string, number>();
  entries.forEach((e, i) => {
    if (e.type === STT_SECTION) {
      const name = module.sections.find((s) => sectionIndex.get(s.name) === e.sectionIndex)?.name;
      if (name !== undefined && !bySection.has(name)) bySection.set(name, i);
    } else if (e.name && i > 0) {
      // A global wins over a local of the same name (relocations name the global).
      if (!byName.has(e.name) || i >= firstGlobal) byName.set(e.name, i);
    }
  });
  return { entries, firstGlobal, sectionSymbol: bySection, symbol: byName };
}
