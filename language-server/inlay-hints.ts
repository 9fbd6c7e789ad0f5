// Owns the inlay hints and their settings: after each source line that assembled
// instructions inside a CFI region, the CFI row in force after its last instruction
// (`CFA=esp+12 ebp=c-16 eip=c-4`, readelf's frames-interp columns) and, optionally, the
// offset and length of its code. Each part has a setting vdsoLab.inlayHints.PART
// (package.json declares the same parts and defaults: test/lsp/settings.test.ts).
import type { Analysis } from './analysis';
import { rowAt, formatRow } from './cfi-rows';
import { instructionsOnLines, type InstructionFact } from './instructions';

export const INLAY_HINT_PARTS = {
  cfa: { default: true, description: 'The CFI row (CFA and saved registers) after each line\'s instructions in a CFI region.' },
  offsets: { default: false, description: 'The section offset and length of each line\'s code (`+0x1c (3)`).' },
} as const;

export type InlayHintPart = keyof typeof INLAY_HINT_PARTS;

/** The parts the setting turns on (`false` turns every part off; a part left out keeps its default). */
export function inlayHintParts(setting: boolean | Readonly<Partial<Record<InlayHintPart, boolean>>> | undefined): Record<InlayHintPart, boolean> {
  const out = {} as Record<InlayHintPart, boolean>;
  for (const [part, { default: on }] of Object.entries(INLAY_HINT_PARTS) as Array<[InlayHintPart, { default: boolean }]>) {
    out[part] = setting === false ? false : typeof setting === 'object' ? setting[part] ?? on : on;
  }
  return out;
}

export interface InlayHintFact {
  /** 0-based line; the hint goes at the end of it. */
  readonly line: number;
  readonly label: string;
  /** Section offset after the line's last instruction (where the row applies). */
  readonly offset: number;
  readonly section: string;
}

export function inlayHints(a: Analysis, from: number, to: number, parts: Readonly<Record<InlayHintPart, boolean>> = inlayHintParts(undefined)): InlayHintFact[] {
  if (!parts.cfa && !parts.offsets) return [];
  const byLine = new Map<number, InstructionFact[]>();
  for (const f of instructionsOnLines(a, from, to)) {
    if (f.section === '.altinstr_replacement') continue;
    const line = f.location.line - 1;
    const list = byLine.get(line) ?? [];
    list.push(f);
    byLine.set(line, list);
  }
  const out: InlayHintFact[] = [];
  for (const [line, facts] of [...byLine].sort((x, y) => x[0] - y[0])) {
    const last = facts[facts.length - 1]!;
    const end = last.offset + last.bytes.length;
    const row = parts.cfa ? rowAt(a, last.section, end) : undefined;
    const label: string[] = [];
    if (parts.offsets) label.push(`+0x${facts[0]!.offset.toString(16)} (${end - facts[0]!.offset})`);
    if (row) label.push(formatRow(row.row, row.procedure.returnColumn));
    if (label.length) out.push({ line, label: label.join('  '), offset: end, section: last.section });
  }
  return out;
}
