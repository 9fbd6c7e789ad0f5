// Owns navigation over an analysis: document symbols (the module's functions and labels
// wherever cpp macros put them, .set symbols, .macro and #define names written in the
// file), workspace symbols, folding ranges (ALTERNATIVE blocks, .macro, CFI regions, .if,
// .rept, #if groups), go to definition and references for labels, GAS and cpp macros and
// .set symbols across #include files. Symbols and folds are found once per analysis.
import { pathToFileURL } from 'node:url';
import type { SourceLocation } from '../toolchain/asm/module';
import { isNameChar } from '../toolchain/asm/chars';
import { sourceLine, type Analysis } from './analysis';
import { pairedFolds, type Fold } from './paired-folds';
import { scanOf } from './semantic-tokens';
import { wordAt } from './source-scan';
import { cppMacro, isLocalLabel, names } from './names';
import { lastLineIn } from './instructions';
import { fileText, lineAt, type ReadFile } from './file-text';
import { localLabelAt, numericReferences } from './local-labels';
import { isSkippedIn } from './inactive';

export type OutlineKind = 'function' | 'label' | 'object' | 'macro' | 'define' | 'set';

export interface DocumentSymbolFact {
  readonly name: string;
  readonly kind: OutlineKind;
  readonly detail?: string;
  /** 0-based lines and columns in the document. */
  readonly line: number;
  readonly column: number;
  readonly endLine: number;
  readonly length: number;
}

export interface PlaceInFile {
  readonly file: string;
  /** 0-based. */
  readonly line: number;
  readonly column: number;
  readonly length: number;
}

/** The URI of a file the analysis read (the document's own URI for its own file). */
export function uriOf(a: Analysis, file: string): string {
  if (file === a.file) return a.uri;
  return file.startsWith('/') ? pathToFileURL(file).href : file;
}

function inDocument(a: Analysis, loc: SourceLocation | undefined): loc is SourceLocation {
  return loc !== undefined && loc.file === a.file;
}

/** Where `name` is written on the line of `loc` (the name inside a macro use), else the location's column. */
function nameColumn(a: Analysis, loc: SourceLocation, name: string): number {
  const text = sourceLine(a, loc.line - 1);
  // A whole name: no name character on either side (a regular expression per symbol costs a compilation each).
  for (let i = text.indexOf(name); i >= 0; i = text.indexOf(name, i + 1)) {
    if (!isNameChar(text.charCodeAt(i - 1)) && !isNameChar(text.charCodeAt(i + name.length))) return i;
  }
  return Math.max(0, loc.column - 1);
}


/** Per analysis, what a request computed from it (every request of a version reads the same). */
function once<T>(): (a: Analysis, compute: (a: Analysis) => T) => T {
  const found = new WeakMap<Analysis, T>();
  return (a, compute) => {
    if (found.has(a)) return found.get(a)!;
    const value = compute(a);
    found.set(a, value);
    return value;
  };
}

const symbolsOf = once<readonly DocumentSymbolFact[]>();
const foldsOf = once<readonly Fold[]>();

/** The document's symbols, in the order they are written. */
export function documentSymbols(a: Analysis): readonly DocumentSymbolFact[] {
  return symbolsOf(a, findSymbols);
}

function findSymbols(a: Analysis): DocumentSymbolFact[] {
  const out: DocumentSymbolFact[] = [];
  for (const s of a.module.symbols) {
    if (s.section === 'UND' || s.type === 3 || s.type === 4 || s.name.startsWith('.L') || !inDocument(a, s.location)) continue;
    const line = s.location.line - 1;
    let endLine = line;
    if (s.size > 0) endLine = Math.max(endLine, lastLineIn(a, s.section, s.value, s.value + s.size, a.file) - 1);
    const kind: OutlineKind = s.type === 2 ? 'function' : s.type === 1 ? 'object' : s.section === 'ABS' ? 'set' : 'label';
    out.push({ name: s.name, kind, ...(s.binding !== 'local' ? { detail: s.binding } : {}), line, column: nameColumn(a, s.location, s.name), endLine, length: s.name.length });
  }
  for (const m of names(a).gasMacros.values()) {
    if (m.builtin || !inDocument(a, m.location)) continue;
    out.push({ name: m.name, kind: 'macro', detail: '.macro', line: m.location.line - 1, column: nameColumn(a, m.location, m.name), endLine: m.location.line - 1, length: m.name.length });
  }
  for (const d of scanOf(a).directives) {
    if (d.name !== 'define' || !d.argument) continue;
    out.push({ name: d.argument, kind: 'define', detail: '#define', line: d.line, column: d.argumentColumn!, endLine: d.line, length: d.argument.length });
  }
  out.sort((x, y) => x.line - y.line || x.column - y.column);
  return out;
}

export type { Fold };

/** The document's folding ranges, by start line. */
export function foldingRanges(a: Analysis): readonly Fold[] {
  return foldsOf(a, findFolds);
}

function findFolds(a: Analysis): Fold[] {
  const folds = pairedFolds(a.source);
  const scan = scanOf(a);
  for (const b of scan.alternatives) if (b.endLine > b.startLine) folds.push({ startLine: b.startLine, endLine: b.endLine });
  const open: number[] = [];
  for (const d of scan.directives) {
    if (/^if/.test(d.name)) open.push(d.line);
    else if (/^(elif|else)/.test(d.name)) {
      const start = open.pop();
      if (start !== undefined && d.line - 1 > start) folds.push({ startLine: start, endLine: d.line - 1 });
      open.push(d.line);
    } else if (d.name === 'endif') {
      const start = open.pop();
      if (start !== undefined && d.line - 1 > start) folds.push({ startLine: start, endLine: d.line - 1 });
    }
  }
  folds.sort((x, y) => x.startLine - y.startLine || x.endLine - y.endLine);
  return folds;
}

/** The word under the cursor (0-based line and column). */
export function wordAtPosition(a: Analysis, line: number, column: number): { text: string; start: number } | undefined {
  return wordAt(sourceLine(a, line), column);
}

/** Where the name under the cursor is defined: a cpp macro, a GAS macro, a label or .set symbol. */
export function definitions(a: Analysis, line: number, column: number): PlaceInFile[] {
  const w = wordAtPosition(a, line, column);
  if (!w) return [];
  const name = w.text;
  const local = /^\d/.test(name) ? localLabelAt(a, line, column) : undefined;
  // The instances of a .rept body's `1:` are all written at one place.
  if (local) return local.labels.filter((l, i) => !local.labels.slice(0, i).some((o) => o.line === l.line && o.column === l.column)).map((l) => ({ file: a.file, line: l.line, column: l.column, length: l.symbol.name.length }));
  const out: PlaceInFile[] = [];
  const m = cppMacro(a, name);
  if (m) out.push({ file: m.loc.file, line: m.loc.line - 1, column: m.loc.column - 1, length: name.length });
  const n = names(a);
  const gas = n.gasMacros.get(name.toLowerCase());
  if (gas?.location) out.push({ file: gas.location.file, line: gas.location.line - 1, column: gas.location.column - 1, length: name.length });
  for (const loc of n.symbolDefinitions.get(name) ?? []) {
    // A label in a branch GAS or cpp skipped is not in the object: as GNU as sees it, not a definition.
    if (isSkippedIn(a, loc.file, loc.line - 1)) continue;
    const column = loc.file === a.file ? nameColumn(a, loc, name) : loc.column - 1;
    if (!out.some((o) => o.file === loc.file && o.line === loc.line - 1)) out.push({ file: loc.file, line: loc.line - 1, column, length: name.length });
  }
  return out;
}

/**
 * Every whole-word use of the name under the cursor in the document and the files it includes
 * (`read`: the server's FileSource), except on lines cpp or GAS skipped unless `skipped` (a
 * rename changes those too, so that a branch enabled later still names the same thing).
 */
export function references(a: Analysis, line: number, column: number, read: ReadFile, skipped = false): PlaceInFile[] {
  const w = wordAtPosition(a, line, column);
  if (!w) return [];
  if (/^\d/.test(w.text)) {
    const local = localLabelAt(a, line, column);
    return local ? numericReferences(a, local.labels).map((r) => ({ file: a.file, ...r })) : [];
  }
  const name = w.text;
  const files = [a.file, ...new Set((a.preprocessed?.included ?? []).map((i) => i.path))];
  // A name, or a name after the `$` of an immediate or the `%` of a register (a cpp macro
  // such as `$__NR_getpid`), never a piece of a longer name or a GAS macro's `\param`.
  const re = new RegExp(`(?<=^|[^\\w.$%\\\\]|(?:^|[^\\w.$])[$%])${name.replace(/[.$]/g, '\\$&')}(?![\\w.$])`, 'g');
  const out: PlaceInFile[] = [];
  for (const file of files) {
    const f = fileText(a, file, read);
    if (!f) continue;
    for (const m of f.text.matchAll(re)) {
      const at = lineAt(f, m.index!);
      if (!skipped && isSkippedIn(a, file, at)) continue;
      out.push({ file, line: at, column: m.index! - f.starts[at]!, length: name.length });
    }
  }
  return out;
}

/** Local labels and macros the cursor may rename (names whose every use is in this document). */
export function renameable(a: Analysis, line: number, column: number): { text: string; start: number } | undefined {
  const w = wordAtPosition(a, line, column);
  if (!w) return undefined;
  const n = names(a);
  if (isLocalLabel(w.text) && !/^\d/.test(w.text) && n.symbolDefinitions.has(w.text)) return w;
  const gas = n.gasMacros.get(w.text.toLowerCase());
  if (gas && !gas.builtin && gas.location?.file === a.file) return w;
  const m = cppMacro(a, w.text);
  if (m && m.loc.file === a.file) return w;
  return undefined;
}
