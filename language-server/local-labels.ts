// Owns the labels GAS keeps out of the symbol table, as the editor meets them: a `.L` name and
// each instance of a numeric label (`1:`), with where the assembler put it (module.localLabels),
// and which instances a reference `1b` / `1f` names: those the assembler itself resolved it to
// (module.numericReferences), one per copy of a .rept/.irp body or macro expansion that holds it.
import type { AsmSymbol, NumericReference } from '../toolchain/asm/module';
import { sourceLine, type Analysis } from './analysis';
import { isInactive } from './inactive';
import { scanOf } from './semantic-tokens';
import { wordAtPosition } from './symbols';

/** One local label defined in the document, at its 0-based line and column. */
export interface LocalLabel {
  readonly symbol: AsmSymbol;
  readonly line: number;
  readonly column: number;
}

interface LabelIndex {
  /** The document's local labels by name (a numeric one by its number), each list in the order GAS defines them. */
  readonly byName: ReadonlyMap<string, readonly LocalLabel[]>;
  readonly bySymbol: ReadonlyMap<AsmSymbol, LocalLabel>;
  /** The references written in the document, by 0-based line. */
  readonly referencesOnLine: ReadonlyMap<number, readonly NumericReference[]>;
  /** The references in the document that name each instance. */
  readonly referencesTo: ReadonlyMap<AsmSymbol, readonly NumericReference[]>;
}

const byAnalysis = new WeakMap<Analysis, LabelIndex>();

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/**
 * The column of `name:` on a line, for a label the assembler places at `column`: its own column,
 * or in a .rept/.irp body (placed at the statement's operation) the last `name:` before it;
 * `column` itself when the line does not write it (a macro's label, at the line that uses it).
 */
function labelColumn(a: Analysis, name: string, line: number, column: number): number {
  const text = sourceLine(a, line);
  if (text.startsWith(`${name}:`, column)) return column;
  let found = column;
  for (let i = text.indexOf(`${name}:`); i >= 0 && i < column; i = text.indexOf(`${name}:`, i + 1)) {
    if (!/[\w.$]/.test(text[i - 1] ?? ' ')) found = i;
  }
  return found;
}

function indexOf(a: Analysis): LabelIndex {
  let found = byAnalysis.get(a);
  if (found) return found;
  const byName = new Map<string, LocalLabel[]>();
  const bySymbol = new Map<AsmSymbol, LocalLabel>();
  for (const s of a.module.localLabels ?? []) {
    if (s.location?.file !== a.file) continue;
    const label = { symbol: s, line: s.location.line - 1, column: labelColumn(a, s.name, s.location.line - 1, s.location.column - 1) };
    push(byName, s.name, label);
    bySymbol.set(s, label);
  }
  for (const list of byName.values()) list.sort((x, y) => x.line - y.line || x.column - y.column);
  const referencesOnLine = new Map<number, NumericReference[]>();
  const referencesTo = new Map<AsmSymbol, NumericReference[]>();
  for (const r of a.module.numericReferences ?? []) {
    if (r.location.file !== a.file || !bySymbol.has(r.label)) continue;
    push(referencesOnLine, r.location.line - 1, r);
    push(referencesTo, r.label, r);
  }
  byAnalysis.set(a, (found = { byName, bySymbol, referencesOnLine, referencesTo }));
  return found;
}

/**
 * The instances the reference `text` at a 0-based document line and column names: what the
 * assembler resolved it to in the statement that holds it (the last one to start at or before
 * the column, when `;` puts several on the line), each instance once.
 */
function resolveReference(index: LabelIndex, text: string, line: number, column: number): LocalLabel[] {
  const here = (index.referencesOnLine.get(line) ?? []).filter((r) => r.text === text);
  const starts = here.map((r) => r.location.column - 1);
  const before = starts.filter((c) => c <= column);
  const start = before.length > 0 ? Math.max(...before) : Math.min(...starts);
  const out: LocalLabel[] = [];
  for (const r of here) {
    const label = index.bySymbol.get(r.label)!;
    if (r.location.column - 1 === start && !out.includes(label)) out.push(label);
  }
  return out.sort((x, y) => x.symbol.value - y.symbol.value);
}

/**
 * The local labels the word at a document position names, with the word: for a definition
 * (`1:`) the instances written there (one per copy of a .rept body), for a `1b`/`1f` the
 * instances the assembler resolved it to, for a `.L` name its label; none in a .macro body
 * (whose labels are the expansions', at the lines that use the macro) or a skipped branch.
 */
export function localLabelAt(a: Analysis, line: number, column: number): { labels: readonly LocalLabel[]; text: string; start: number } | undefined {
  // A branch GAS or cpp skipped has no labels, whatever its text says.
  if (isInactive(a, line)) return undefined;
  const w = wordAtPosition(a, line, column);
  if (!w) return undefined;
  const numeric = /^(\d+)([fb]?)$/.exec(w.text);
  // Only a number or a .L name can be a local label: any other word needs no index (a hover on an instruction).
  if (!numeric && !w.text.startsWith('.L')) return undefined;
  const index = indexOf(a);
  let labels: LocalLabel[] = [];
  if (numeric && numeric[2]) labels = resolveReference(index, w.text, line, w.start);
  else if (numeric && sourceLine(a, line)[w.start + w.text.length] === ':') {
    const onLine = (index.byName.get(w.text) ?? []).filter((l) => l.line === line);
    const atWord = onLine.filter((l) => l.column === w.start);
    labels = atWord.length > 0 ? atWord : onLine;
  } else if (w.text.startsWith('.L')) labels = (index.byName.get(w.text) ?? []).slice(0, 1);
  return labels.length > 0 ? { labels, text: w.text, start: w.start } : undefined;
}

/** Where the numeric label instances are written and every `Nb`/`Nf` of the document that names one of them (0-based lines). */
export function numericReferences(a: Analysis, labels: readonly LocalLabel[]): Array<{ line: number; column: number; length: number }> {
  const index = indexOf(a);
  const out: Array<{ line: number; column: number; length: number }> = [];
  const add = (line: number, column: number, length: number) => {
    if (!out.some((o) => o.line === line && o.column === column)) out.push({ line, column, length });
  };
  for (const l of labels) add(l.line, l.column, l.symbol.name.length);
  const lines = new Set<number>();
  for (const l of labels) for (const r of index.referencesTo.get(l.symbol) ?? []) lines.add(r.location.line - 1);
  if (lines.size > 0) {
    for (const x of scanOf(a).lexemes) {
      if (x.kind !== 'localRef' || !lines.has(x.line)) continue;
      if (resolveReference(index, x.text, x.line, x.start).some((l) => labels.includes(l))) add(x.line, x.start, x.length);
    }
  }
  return out.sort((x, y) => x.line - y.line || x.column - y.column);
}
