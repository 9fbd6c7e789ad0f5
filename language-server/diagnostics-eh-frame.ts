// Owns the finding on hand-written .eh_frame (a CIE and FDEs written as .byte/.long, as the
// pre-4.4 vDSO did): each FDE whose bytes come from the document is decoded by the DWARF
// reader and run through the one row builder, as the .eh_frame-to-.cfi action does, and each
// row is compared with what the instructions it covers do to esp. Walking the FDE's code in
// address order, the CFA (while esp-based) follows the code: a push makes it 4 more, a pop 4
// less, an instruction that leaves esp alone keeps it; a row that says otherwise after an
// instruction is reported on that instruction's line. After a jump, ret or an unknown esp
// write the walk takes the table's row again (the code that follows is reached another way).
import { Op } from '../toolchain/isa/instruction';
import { buildRowTable } from '../toolchain/dwarf/rows';
import { DWARF_ESP } from '../toolchain/dwarf/registers';
import type { CfaRule, Row } from '../toolchain/dwarf/types';
import { sourceLine, type Analysis } from './analysis';
import type { Finding } from './diagnostic-types';
import { documentLine } from './diagnostics-assembler';
import { instructionsIn } from './instructions';
import { formatCfa } from './cfi-rows';
import { codeStart, fdeDocumentLines, handWrittenFrames } from './eh-frame-action';

function espOffset(cfa: CfaRule): number | undefined {
  return cfa.kind === 'register' && cfa.reg === DWARF_ESP ? cfa.offset : undefined;
}

const FLOW_ENDS = new Set<Op>([Op.Ret, Op.Jmp, Op.JmpIndirect, Op.Iret]);

export function ehFrameFindings(a: Analysis): Finding[] {
  const found = handWrittenFrames(a);
  if (!found) return [];
  const { eh, frames } = found;
  const out: Finding[] = [];
  for (const fde of frames.fdes) {
    const lines = fdeDocumentLines(a, fde);
    if (lines.size === 0) continue;
    const start = codeStart(a, eh, fde);
    if (!start) continue;
    let rows: Row[];
    try {
      const shift = start.offset - fde.start;
      rows = buildRowTable(fde).rows.map((r) => ({ ...r, start: r.start + shift, end: r.end + shift }));
    } catch {
      continue;
    }
    const end = start.offset + fde.range;
    const rowAt = (offset: number) => rows.find((r) => r.start <= offset && offset < r.end) ?? (offset >= end ? rows[rows.length - 1] : undefined);
    const fdeLine = Math.min(...lines) + 1;
    let tracked: number | undefined;
    for (const f of instructionsIn(a, start.section, start.offset, end)) {
      const before = rowAt(f.offset);
      const after = rowAt(f.offset + f.bytes.length);
      if (!before || !after) {
        tracked = undefined;
        continue;
      }
      tracked ??= espOffset(before.cfa);
      if (FLOW_ENDS.has(f.op) || f.stack.kind !== 'delta' || tracked === undefined) {
        tracked = undefined;
        continue;
      }
      const expected = tracked - f.stack.delta;
      const said = espOffset(after.cfa);
      if (said === undefined) {
        tracked = undefined;
        continue;
      }
      tracked = expected;
      if (said === expected) continue;
      const line = documentLine(a, f.location.file, f.location.line);
      if (line === undefined) continue;
      const text = sourceLine(a, line);
      const moves = f.stack.delta === 0 ? 'does not move %esp' : `moves %esp by ${f.stack.delta}`;
      out.push({
        kind: 'ehFrame', severity: 'warning', line, column: text.search(/\S|$/), endColumn: Math.max(1, text.replace(/\s+$/, '').length),
        message: `\`${f.text.replace(/\s+/g, ' ')}\` ${moves}, so the CFA is esp+${expected} after it, but the hand-written .eh_frame (the FDE at line ${fdeLine}) says ${formatCfa(after.cfa)} from 0x${after.start.toString(16)}`,
      });
    }
  }
  return out;
}
