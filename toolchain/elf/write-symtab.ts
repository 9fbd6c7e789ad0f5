// Owns the order and contents of an object's .symtab as GNU as writes it: the null
// symbol, STT_FILE symbols, then locals in creation order with the section symbols that
// relocations need, group signature symbols GAS had to create, then globals and weaks
// in creation order (sh_info = index of the first global).
import type { AsmModule, AsmSymbol, SymbolBinding } from '../asm/module';
import { InputError } from '../errors';
import { SHN_ABS, SHN_COMMON, STB_GLOBAL, STB_GNU_UNIQUE, STB_LOCAL, STB_WEAK, STT_FILE, STT_NOTYPE, STT_SECTION } from './symbols';
import { objectList } from '../object-list';

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

/** The STB_* value a binding is written as. */
export function stbOf(binding: SymbolBinding): number {
  return binding === 'local' ? STB_LOCAL : binding === 'global' ? STB_GLOBAL : binding === 'weak' ? STB_WEAK : STB_GNU_UNIQUE;
}

/**
 * One row of the object's .symtab before section indexes are given: its section by name
 * ('ABS', 'COMMON', 'UND' as in AsmSymbol; a group signature's row names its .group section
 * through `group`).
 */
export interface ObjectSymbol {
  readonly name: string;
  readonly value: number;
  readonly size: number;
  readonly binding: SymbolBinding;
  readonly type: number;
  readonly visibility: number;
  readonly section: string;
  /** For a group signature GAS had to create: the signature of the group whose .group section defines it. */
  readonly group?: string;
  /** The module's symbol the row comes from (for messages). */
  readonly from?: AsmSymbol;
}

/**
 * The symbols an object of `module` lists, in .symtab order after the null entry, and the
 * index of the first global: GNU as's rule for which symbols it writes (a `.L` name only when
 * a relocation needs it, a section symbol only for a section a relocation refers to, the
 * group signatures and undefined names relocations need).
 */
export function objectSymbols(module: AsmModule): { readonly rows: readonly ObjectSymbol[]; readonly firstGlobal: number } {
  // Each loop is a function of its own: this runs once per object, and code after a loop here
  // was compiled on stack with the loop before it had run, then undone and compiled again in
  // each of a process's first objects (docs/speed-and-exactness.md, the assembler's sections).
  const used = usedByRelocations(module);
  const { files, locals, globals, placed } = listedSymbols(module, used);
  // Section symbols the module did not list: .text/.data/.bss first (GAS creates them at
  // start-up), the others before the first local defined in their section, else last.
  const missing = module.sections.filter((s) => used.sections.has(s.name) && !placed.has(s.name));
  const early = missing.filter((s) => s.name === '.text' || s.name === '.data' || s.name === '.bss');
  for (const s of missing) {
    if (early.includes(s)) continue;
    const at = locals.findIndex((l) => !l.section && l.row.section === s.name);
    const entry = { row: objectSymbol('', 0, 0, 'local', STT_SECTION, 0, s.name, undefined, undefined), section: s.name };
    if (at < 0) locals.push(entry);
    else locals.splice(at, 0, entry);
  }
  locals.unshift(...early.map((s) => ({ row: objectSymbol('', 0, 0, 'local', STT_SECTION, 0, s.name, undefined, undefined), section: s.name })));

  const signatures = groupSignatures(module);
  // Of the names a relocation or a group needs, those a symbol of the module has: a set of
  // those few, not of every symbol's name (on a large source most are .L names no relocation
  // names, and a set of them all was the writer's largest cost after the relocations).
  const names = namesAmong(module.symbols, used.names, signatures);
  for (const signature of signatures) {
    if (!names.has(signature)) {
      names.add(signature);
      locals.push({ row: objectSymbol(signature, 0, 0, 'local', STT_NOTYPE, 0, '.group', signature, undefined), section: undefined });
    }
  }
  undefinedNames(used.names, names, globals);
  return { rows: symtabRows(files, locals, globals), firstGlobal: files.length + locals.length + 1 };
}

/** The rows in .symtab order: files, locals, globals (without copies by spread; a loop of its own: see objectSymbols). */
function symtabRows(files: readonly ObjectSymbol[], locals: ReadonlyArray<{ row: ObjectSymbol }>, globals: readonly ObjectSymbol[]): ObjectSymbol[] {
  const rows = objectList<ObjectSymbol>();
  for (let k = 0; k < files.length; k++) rows.push(files[k]!);
  for (let k = 0; k < locals.length; k++) rows.push(locals[k]!.row);
  for (let k = 0; k < globals.length; k++) rows.push(globals[k]!);
  return rows;
}

/** An ObjectSymbol, every field in one literal (rows of one shape for the code that reads them). */
function objectSymbol(name: string, value: number, size: number, binding: SymbolBinding, type: number, visibility: number, section: string, group: string | undefined, from: AsmSymbol | undefined): ObjectSymbol {
  return { name, value, size, binding, type, visibility, section, group, from };
}

/** The sections and names the relocations refer to. */
function usedByRelocations(module: AsmModule): { readonly sections: Set<string>; readonly names: Set<string> } {
  const sections = new Set<string>();
  const names = new Set<string>();
  for (let i = 0; i < module.sections.length; i++) {
    // A run of relocations against one name adds it once.
    const relocations = module.sections[i]!.relocations;
    let last = '';
    for (let k = 0; k < relocations.length; k++) {
      const r = relocations[k]!;
      // A relocation with no symbol (symbol index 0) needs no entry.
      if (r.symbolIsSection) sections.add(r.symbol);
      else if (r.symbol !== '' && r.symbol !== last) names.add((last = r.symbol));
    }
  }
  return { sections, names };
}

/** The module's symbols the object lists, as file, local and global rows (a section symbol's row once, where a relocation needs it). */
function listedSymbols(module: AsmModule, used: { readonly sections: Set<string>; readonly names: Set<string> }): {
  files: ObjectSymbol[]; locals: Array<{ row: ObjectSymbol; section: string | undefined }>; globals: ObjectSymbol[]; placed: Set<string>;
} {
  const row = (s: AsmSymbol, binding: SymbolBinding): ObjectSymbol => objectSymbol(s.type === STT_SECTION ? '' : s.name, s.value, s.size, binding, s.type, s.visibility, s.section, undefined, s);
  const files = objectList<ObjectSymbol>();
  const locals = objectList<{ row: ObjectSymbol; section: string | undefined }>();
  const globals = objectList<ObjectSymbol>();
  const placed = new Set<string>();
  const symbols = module.symbols;
  for (let k = 0; k < symbols.length; k++) {
    const s = symbols[k]!;
    const isLocal = s.binding === 'local' && s.section !== 'UND';
    if (s.type === STT_FILE) files.push(row(s, 'local'));
    else if (s.type === STT_SECTION) {
      if (used.sections.has(s.section) && !placed.has(s.section)) {
        placed.add(s.section);
        locals.push({ row: row(s, 'local'), section: s.section });
      }
    } else if (isLocal) {
      if (s.name.startsWith('.L') && !used.names.has(s.name)) continue;
      locals.push({ row: row(s, 'local'), section: undefined });
    } else globals.push(row(s, s.binding === 'local' ? 'global' : s.binding));
  }
  return { files, locals, globals, placed };
}

/** The group signatures of the module's sections, in section order, each once. */
function groupSignatures(module: AsmModule): Set<string> {
  const signatures = new Set<string>();
  for (const s of module.sections) if (s.group !== undefined) signatures.add(s.group.signature);
  return signatures;
}

/** The names of `wanted` and of `signatures` that a symbol of `symbols` has (a loop of its own: see objectSymbols). */
function namesAmong(symbols: readonly AsmSymbol[], wanted: Set<string>, signatures: Set<string>): Set<string> {
  const found = new Set<string>();
  for (let k = 0; k < symbols.length; k++) {
    const name = symbols[k]!.name;
    if (wanted.has(name) || (signatures.size > 0 && signatures.has(name))) found.add(name);
  }
  return found;
}

/** The names relocations need that no symbol defines: undefined globals, after the module's own. */
function undefinedNames(used: Set<string>, names: Set<string>, globals: ObjectSymbol[]): void {
  for (const name of used) {
    if (!names.has(name)) {
      names.add(name);
      globals.push(objectSymbol(name, 0, 0, 'global', STT_NOTYPE, 0, 'UND', undefined, undefined));
    }
  }
}

/**
 * Builds the symbol table. `sectionIndex` maps section names to header indexes,
 * `groupIndex` group signatures to their .group section's index.
 */
export function buildSymbolTable(module: AsmModule, fileName: string, sectionIndex: ReadonlyMap<string, number>, groupIndex: ReadonlyMap<string, number>): SymbolTable {
  const { rows, firstGlobal } = objectSymbols(module);
  const entries = symtabEntries(rows, sectionIndex, groupIndex, fileName);
  return { entries, firstGlobal, ...entryIndexes(module, sectionIndex, entries, firstGlobal) };
}

/**
 * A row's section header index. A function of the module's, not a closure made per object:
 * optimized code calling a closure is undone when the next object's closure comes (a new call
 * target), in the third object of a process.
 */
function sectionIndexOf(r: ObjectSymbol, sectionIndex: ReadonlyMap<string, number>, groupIndex: ReadonlyMap<string, number>, fileName: string): number {
  if (r.group !== undefined) return groupIndex.get(r.group)!;
  if (r.section === 'ABS') return SHN_ABS;
  if (r.section === 'COMMON') return SHN_COMMON;
  if (r.section === 'UND') return 0;
  const i = sectionIndex.get(r.section);
  if (i === undefined) {
    const where = r.from;
    const place = where?.location ? `line ${where.location.line}` : '';
    throw new InputError(where?.location?.file ?? fileName, place, `symbol ${where?.name ?? r.name} is in section ${r.section}, which the object does not have`);
  }
  return i;
}

/** The null entry, then each row with its section index (without a copy by spread; a loop of its own: see objectSymbols). */
function symtabEntries(rows: readonly ObjectSymbol[], sectionIndex: ReadonlyMap<string, number>, groupIndex: ReadonlyMap<string, number>, fileName: string): SymtabEntry[] {
  const entries = objectList<SymtabEntry>();
  entries.push({ name: '', value: 0, size: 0, binding: 'local', type: STT_NOTYPE, visibility: 0, sectionIndex: 0 });
  for (let k = 0; k < rows.length; k++) {
    const r = rows[k]!;
    entries.push({ name: r.name, value: r.value, size: r.size, binding: r.binding, type: r.type, visibility: r.visibility, sectionIndex: sectionIndexOf(r, sectionIndex, groupIndex, fileName) });
  }
  return entries;
}

/** The index of each section's symbol and of each named symbol (a loop of its own: see objectSymbols). */
function entryIndexes(module: AsmModule, sectionIndex: ReadonlyMap<string, number>, entries: readonly SymtabEntry[], firstGlobal: number): Pick<SymbolTable, 'sectionSymbol' | 'symbol'> {
  const bySection = new Map<string, number>();
  const byName = new Map<string, number>();
  for (let i = 0; i < entries.length; i++) {
    const e = entries[i]!;
    if (e.type === STT_SECTION) {
      const name = module.sections.find((s) => sectionIndex.get(s.name) === e.sectionIndex)?.name;
      if (name !== undefined && !bySection.has(name)) bySection.set(name, i);
    } else if (e.name && i > 0) {
      // A global wins over a local of the same name (relocations name the global).
      if (i >= firstGlobal || !byName.has(e.name)) byName.set(e.name, i);
    }
  }
  return { sectionSymbol: bySection, symbol: byName };
}
