// Owns the labels GAS keeps out of the symbol table, as the editor meets them: a `.L` name and
// each instance of a numeric label (`1:`), with where the assembler put it (module.localLabels),
// and which instance a reference `1b` / `1f` means: the nearest `1:` before it / after it, as
// GNU as counts them in the order it reads the statements (the document's order, a macro's
// labels at the line that uses it).
import type { AsmSymbol } from '../toolchain/asm/module';
import { sourceLine, type Analysis } from './analysis';
import { macroBodies } from './alternative-view';
import { isInactive } from './inactive';
import { scanOf } from './semantic-tokens';
import { wordAtPosition } from './symbols';

/** One local label defined in the document, at its 0-based line and column. */
export interface LocalLabel {
  readonly symbol: AsmSymbol;
  readonly line: number;
  readonly column: number;
}

const byAnalysis = new WeakMap<Analysis, ReadonlyMap<string, readonly LocalLabel[]>>();

/** The document's local labels by name (a numeric one by its number), each list in the order GAS defines them. */
function localLabels(a: Analysis): ReadonlyMap<string, readonly LocalLabel[]> {
  let found = byAnalysis.get(a);
  if (!found) {
    const out = new Map<string, LocalLabel[]>();
    for (const s of a.module.localLabels ?? []) {
      if (s.location?.file !== a.file) continue;
      const list = out.get(s.name) ?? [];
      list.push({ symbol: s, line: s.location.line - 1, column: s.location.column - 1 });
      out.set(s.name, list);
    }
    for (const list of out.values()) list.sort((x, y) => x.line - y.line || x.column - y.column);
    byAnalysis.set(a, (found = out));
  }
  return found;
}

/** The instance a numeric reference (`1b`, `1f`) at a document line and column means. */
function resolveNumeric(a: Analysis, label: string, direction: string, line: number, column: number): LocalLabel | undefined {
  const list = localLabels(a).get(label) ?? [];
  // A label written earlier on the reference's line is defined before it is read.
  const before = (l: LocalLabel) => l.line < line || (l.line === line && l.column < column);
  if (direction === 'b') return list.filter(before).pop();
  return list.find((l) => !before(l));
}

/** The local label the word at a document position names (its definition, a `1b`/`1f` reference or a `.L` name), with the word. */
export function localLabelAt(a: Analysis, line: number, column: number): { label: LocalLabel; text: string; start: number } | undefined {
  // A branch GAS or cpp skipped has no labels, whatever its text says.
  if (isInactive(a, line)) return undefined;
  const w = wordAtPosition(a, line, column);
  if (!w) return undefined;
  const numeric = /^(\d+)([fb]?)$/.exec(w.text);
  // In a .macro body a numeric label means an instance of each expansion, none of the body's own.
  if (numeric && macroBodies(a).some((m) => m.from <= line && line <= m.to)) return undefined;
  let label: LocalLabel | undefined;
  if (numeric && numeric[2]) label = resolveNumeric(a, numeric[1]!, numeric[2], line, w.start);
  else if (numeric && sourceLine(a, line)[w.start + w.text.length] === ':') label = localLabels(a).get(w.text)?.find((l) => l.line === line);
  else if (w.text.startsWith('.L')) label = localLabels(a).get(w.text)?.[0];
  return label ? { label, text: w.text, start: w.start } : undefined;
}

/** Where a numeric label instance is written and every `Nb`/`Nf` of the document that means it (0-based lines). */
export function numericReferences(a: Analysis, label: LocalLabel): Array<{ line: number; column: number; length: number }> {
  const name = label.symbol.name;
  const out = [{ line: label.line, column: label.column, length: name.length }];
  const bodies = macroBodies(a);
  for (const l of scanOf(a).lexemes) {
    if (l.kind !== 'localRef' || l.text.slice(0, -1) !== name || isInactive(a, l.line) || bodies.some((m) => m.from <= l.line && l.line <= m.to)) continue;
    if (resolveNumeric(a, name, l.text.slice(-1), l.line, l.start) === label) out.push({ line: l.line, column: l.start, length: l.length });
  }
  return out.sort((x, y) => x.line - y.line || x.column - y.column);
}
