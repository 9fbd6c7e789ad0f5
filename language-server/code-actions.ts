// Owns code actions: the quick fixes findings carry (replace a misspelled feature name with
// the closest known one; add the missing CFA adjustment on a new line after the instruction);
// the .eh_frame-to-.cfi rewrite is eh-frame-action.ts.
import { sourceLine, type Analysis } from './analysis';
import type { Finding } from './diagnostic-types';

export interface TextEditFact {
  readonly line: number;
  readonly column: number;
  readonly endLine: number;
  readonly endColumn: number;
  readonly newText: string;
}

export interface ActionFact {
  readonly title: string;
  readonly edits: readonly TextEditFact[];
  /** The finding it fixes, when it is a quick fix. */
  readonly fixes?: Finding;
}

/** The edit a finding's fix makes in the document. */
export function fixEdit(a: Analysis, f: Finding): TextEditFact | undefined {
  if (!f.fix) return undefined;
  if (f.kind === 'cfi') {
    const text = sourceLine(a, f.line);
    const indent = /^\s*/.exec(text)![0] || '\t';
    return { line: f.line, column: text.length, endLine: f.line, endColumn: text.length, newText: `\n${indent}${f.fix.newText}` };
  }
  return { line: f.line, column: f.column, endLine: f.line, endColumn: f.endColumn, newText: f.fix.newText };
}

export function quickFixes(a: Analysis, all: readonly Finding[], line: number, endLine: number): ActionFact[] {
  const out: ActionFact[] = [];
  for (const f of all) {
    if (f.line < line || f.line > endLine) continue;
    const edit = fixEdit(a, f);
    if (edit && f.fix) out.push({ title: f.fix.title, edits: [edit], fixes: f });
  }
  return out;
}
