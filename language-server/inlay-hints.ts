// Owns the inlay hints: after each source line that assembled instructions inside a CFI
// region, the CFI row in force after its last instruction (`CFA=esp+12 ebp=c-16 eip=c-4`,
// readelf's frames-interp columns) and, optionally, the offset and length of its code.
import type { Analysis } from './analysis';
import { rowAt, formatRow } from './cfi-rows';
import { instructionFacts, type InstructionFact } from './instructions';

export interface InlayHintFact {
  /** 0-based line; the hint goes at the end of it. */
  readonly line: number;
  readonly label: string;
  /** Section offset after the line's last instruction (where the row applies). */
  readonly offset: number;
  readonly section: string;
}

export function inlayHints(a: Analysis, from: number, to: number, offsets = false): InlayHintFact[] {
  const byLine = new Map<number, InstructionFact[]>();
  for (const f of instructionFacts(a)) {
    if (f.location.file !== a.file || f.section === '.altinstr_replacement') continue;
    const line = f.location.line - 1;
    if (line < from || line > to) continue;
    const list = byLine.get(line) ?? [];
    list.push(f);
    byLine.set(line, list);
  }
  const out: InlayHintFact[] = [];
  for (const [line, facts] of [...byLine].sort((x, y) => x[0] - y[0])) {
    const last = facts[facts.length - 1]!;
    const end = last.offset + last.bytes.length;
    const row = rowAt(a, last.section, end);
    const parts: string[] = [];
    if (offsets) parts.push(`+0x${facts[0]!.offset.toString(16)} (${end - facts[0]!.offset})`);
    if (row) parts.push(formatRow(row.row, row.procedure.returnColumn));
    if (parts.length) out.push({ line, label: parts.join('  '), offset: end, section: last.section });
  }
  return out;
}
