// Owns the findings that compare CFI with the code it describes, as objtool does for the
// kernel: while the CFA is esp-based, every instruction that moves esp by a known amount
// (push, pop, add/sub of an immediate, lea off esp) must come with the matching CFA change,
// and a CFA offset change with no stack change is suspect; a .cfi_restore of a register
// that was never saved; and a landing-pad label that does not follow an `int $0x80` (a
// restart backs up two bytes from it and must find the int $0x80 there).
import { Op } from '../toolchain/isa/instruction';
import { DWARF_ESP, regname } from '../toolchain/dwarf/registers';
import type { CfaRule, Row } from '../toolchain/dwarf/types';
import { sourceLine, type Analysis } from './analysis';
import type { Finding } from './diagnostic-types';
import { documentLine } from './diagnostics-assembler';
import { instructionFacts, instructionsIn, type InstructionFact } from './instructions';
import { passingCfaRows, type ProcedureRows } from './cfi-rows';
import type { AsmSymbol, CfiProcedure } from '../toolchain/asm/module';

function espOffset(cfa: CfaRule): number | undefined {
  return cfa.kind === 'register' && cfa.reg === DWARF_ESP ? cfa.offset : undefined;
}

function lineEnd(a: Analysis, line: number): number {
  const text = sourceLine(a, line);
  return Math.max(1, text.replace(/\s+$/, '').length);
}

function finding(a: Analysis, file: string, line1: number, message: string, fix?: Finding['fix']): Finding | undefined {
  const line = documentLine(a, file, line1);
  if (line === undefined) return undefined;
  const text = sourceLine(a, line);
  return { kind: 'cfi', severity: 'warning', line, column: text.search(/\S|$/), endColumn: lineEnd(a, line), message, ...(fix ? { fix } : {}) };
}

/**
 * Each procedure's findings, whichever analysis it is in: the analysis by regions hands an
 * unchanged region's procedure objects to the next version only when the region's text,
 * prefix, lines and offsets are all the same (region-analysis.ts shifts into new objects),
 * so its instructions, rows and document lines are too.
 */
const byProcedure = new WeakMap<CfiProcedure, readonly Finding[]>();

export function cfiFindings(a: Analysis): Finding[] {
  const out: Finding[] = [];
  const all = a.module.cfi;
  for (let k = 0; k < all.length; k++) addProcedureFindings(a, all[k]!, out);
  return out;
}

/**
 * cfiFindings' loop body, a function called per procedure: hot and optimized in a process's
 * first analysis, where the loop was compiled on stack and whole again in later ones
 * (docs/speed-and-exactness.md, "lspfirst5").
 */
function addProcedureFindings(a: Analysis, p: CfiProcedure, out: Finding[]): void {
  let found = byProcedure.get(p);
  if (!found) {
    // A procedure whose CFI cannot be emitted has no rows, and no findings here.
    const pr = passingCfaRows(a, p);
    if (!pr) return;
    byProcedure.set(p, (found = procedureFindings(a, pr)));
  }
  for (let i = 0; i < found.length; i++) out.push(found[i]!);
}

/** Whether each row starts where the one before it ends (so the first row holding an offset is found by a binary search). */
function contiguous(rows: readonly Row[]): boolean {
  for (let i = 0; i < rows.length; i++) if (rows[i]!.start > rows[i]!.end || (i > 0 && rows[i]!.start !== rows[i - 1]!.end)) return false;
  return true;
}

/** The first row holding `offset`, else the last row for an offset at or past the procedure's end. */
function rowAtOffset(rows: readonly Row[], sorted: boolean, end: number, offset: number): Row | undefined {
  if (sorted) {
    let lo = 0;
    let hi = rows.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (rows[mid]!.end <= offset) lo = mid + 1;
      else hi = mid;
    }
    const r = rows[lo];
    if (r && r.start <= offset) return r;
  } else {
    for (const r of rows) if (r.start <= offset && offset < r.end) return r;
  }
  return offset >= end ? rows[rows.length - 1] : undefined;
}

function procedureFindings(a: Analysis, { procedure: p, rows }: ProcedureRows): Finding[] {
  const out: Finding[] = [];
  {
    const sorted = contiguous(rows);
    // The findings are kept with the procedure: its facts need not be.
    const inside = instructionsIn(a, p.section, p.start, p.end, false);
    for (let k = 0; k < inside.length; k++) {
      const f = inside[k]!;
      const op = f.op;
      if (op === Op.Ret || op === Op.Jmp || op === Op.JmpIndirect || op === Op.Iret) continue;
      const before = rowAtOffset(rows, sorted, p.end, f.offset);
      const after = rowAtOffset(rows, sorted, p.end, f.end);
      if (!before || !after) continue;
      const was = espOffset(before.cfa);
      const now = espOffset(after.cfa);
      if (was === undefined || now === undefined) continue;
      if (f.stack.kind !== 'delta') continue;
      const expected = was - f.stack.delta;
      if (f.stack.delta !== 0 && now !== expected) {
        const adjust = expected - now;
        const f1 = finding(a, f.location.file, f.location.line,
          `\`${f.text}\` moves %esp by ${f.stack.delta} but the CFA stays ${regname(DWARF_ESP, true)}+${now}; expected esp+${expected} (.cfi_adjust_cfa_offset ${adjust} after it)`,
          { title: `Add .cfi_adjust_cfa_offset ${adjust}`, newText: `.cfi_adjust_cfa_offset ${adjust}` });
        if (f1) out.push(f1);
      } else if (f.stack.delta === 0 && now !== was) {
        const op = p.instructions.find((i) => i.offset === f.end && (i.op.kind === 'def_cfa_offset' || i.op.kind === 'def_cfa'));
        const where = op ? op.location : f.location;
        const f1 = finding(a, where.file, where.line, `the CFA offset changes from ${was} to ${now} after \`${f.text}\`, which does not move %esp`);
        if (f1) out.push(f1);
      }
    }
    const saved: Set<number>[] = [new Set()];
    for (const i of p.instructions) {
      const top = saved[saved.length - 1]!;
      switch (i.op.kind) {
        case 'offset': case 'val_offset': case 'register':
          top.add(i.op.register);
          break;
        case 'restore':
          if (!top.has(i.op.register) && !(i.op.register === p.returnColumn && !p.simple)) {
            const f1 = finding(a, i.location.file, i.location.line, `.cfi_restore ${regname(i.op.register, true)}: the register was never saved in this procedure`);
            if (f1) out.push(f1);
          }
          top.delete(i.op.register);
          break;
        case 'remember_state':
          saved.push(new Set(top));
          break;
        case 'restore_state':
          if (saved.length > 1) saved.pop();
          break;
        default:
          break;
      }
    }
  }
  return out;
}

function isInt80(f: InstructionFact): boolean {
  return f.bytes.length === 2 && f.bytes[0] === 0xcd && f.bytes[1] === 0x80;
}

/** A landing-pad label (a name with `landing_pad`). */
export function isLandingPad(name: string): boolean {
  return name.includes('landing_pad');
}

/** The instruction that ends where a defined symbol is, and whether it is `int $0x80` (a landing pad must follow one). */
export function instructionBefore(a: Analysis, s: AsmSymbol): { before: InstructionFact | undefined; int80: boolean } {
  const before = instructionFacts(a).find((f) => f.section === s.section && f.offset + f.bytes.length === s.value);
  return { before, int80: before !== undefined && isInt80(before) };
}

export function landingPadFindings(a: Analysis): Finding[] {
  const out: Finding[] = [];
  for (const s of a.module.symbols) {
    if (!isLandingPad(s.name) || s.section === 'UND' || !s.location) continue;
    const { before, int80 } = instructionBefore(a, s);
    if (int80) continue;
    const line = documentLine(a, s.location.file, s.location.line);
    if (line === undefined) continue;
    const text = sourceLine(a, line);
    const col = Math.max(0, text.indexOf(s.name));
    out.push({
      kind: 'landingPad', severity: 'warning', line, column: col, endColumn: col + s.name.length,
      message: `${s.name} does not follow an \`int $0x80\`${before ? ` (it follows \`${before.text}\`)` : ''}: a restart backs up 2 bytes from the landing pad and must re-execute int $0x80`,
    });
  }
  return out;
}
