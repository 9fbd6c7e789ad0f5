// Owns the code action that turns hand-written .eh_frame bytes (a CIE and FDEs written with
// .byte/.long, as the pre-4.4 vDSO did) into .cfi_* directives: each FDE is decoded by the
// DWARF reader and run through the one row builder; the directives that produce the same
// rows go after the instructions where each row starts, between .cfi_startproc and
// .cfi_endproc, and the FDE's lines are removed. FDEs whose rules the directives cannot say
// (expressions) are left alone.
import { sourceLine, type Analysis } from './analysis';
import type { AsmSection } from '../toolchain/asm/module';
import { parseFrameSection } from '../toolchain/dwarf/cie-fde';
import { buildRowTable, cieInitialState } from '../toolchain/dwarf/rows';
import { i386RegisterName } from '../toolchain/dwarf/registers';
import type { CfaRule, Fde, RegisterRule, Row } from '../toolchain/dwarf/types';
import { documentLine } from './diagnostics-assembler';
import { instructionFacts, sectionOf } from './instructions';
import type { ActionFact, TextEditFact } from './code-actions';

function reg(n: number): string {
  const name = i386RegisterName(n);
  return name ? `%${name}` : String(n);
}

function readInt32(bytes: Uint8Array, at: number): number {
  return (bytes[at]! | (bytes[at + 1]! << 8) | (bytes[at + 2]! << 16) | (bytes[at + 3]! << 24)) | 0;
}

/**
 * The section's bytes with its REL relocations applied as if every section were at address 0
 * (how readelf shows a relocatable object's .eh_frame): R_386_32 keeps the addend, R_386_PC32
 * subtracts the field's place.
 */
export function ehFrameAtZero(eh: AsmSection): Uint8Array {
  const bytes = eh.bytes.slice();
  for (const r of eh.relocations) {
    const addend = readInt32(bytes, r.offset);
    const value = r.type === 2 ? addend - r.offset : r.type === 1 ? addend : undefined;
    if (value === undefined) continue;
    for (let i = 0; i < 4; i++) bytes[r.offset + i] = (value >>> (8 * i)) & 0xff;
  }
  return bytes;
}

/** Where an FDE's code starts: the section and offset its pc_begin field is relocated to. */
export function codeStart(a: Analysis, eh: AsmSection, fde: Fde): { section: string; offset: number } | undefined {
  const field = fde.pcBegin.offset;
  const rel = eh.relocations.find((r) => r.offset === field);
  if (!rel) return undefined;
  const addend = readInt32(eh.bytes, field);
  if (rel.symbolIsSection) return { section: rel.symbol, offset: addend };
  const s = a.module.symbols.find((x) => x.name === rel.symbol);
  return s && s.section !== 'UND' ? { section: s.section, offset: s.value + addend } : undefined;
}

/** The document lines (0-based) whose bytes make up an FDE of the hand-written .eh_frame. */
export function fdeDocumentLines(a: Analysis, fde: Fde): Set<number> {
  const out = new Set<number>();
  for (const l of a.module.lines) {
    if (l.section !== '.eh_frame' || l.offset < fde.offset || l.offset >= fde.end) continue;
    const dl = documentLine(a, l.location.file, l.location.line);
    if (dl !== undefined) out.add(dl);
  }
  return out;
}

function sameRule(x: RegisterRule | undefined, y: RegisterRule | undefined): boolean {
  return JSON.stringify(x) === JSON.stringify(y);
}

/** The directives that take the rules from `from` to `to`, or undefined when one cannot be said. */
function directives(from: { cfa: CfaRule; registers: ReadonlyMap<number, RegisterRule> }, to: Row, initial: ReadonlyMap<number, RegisterRule>): string[] | undefined {
  const out: string[] = [];
  if (to.cfa.kind !== 'register' || from.cfa.kind !== 'register') return undefined;
  if (to.cfa.reg !== from.cfa.reg && to.cfa.offset !== from.cfa.offset) out.push(`.cfi_def_cfa ${reg(to.cfa.reg)}, ${to.cfa.offset}`);
  else if (to.cfa.reg !== from.cfa.reg) out.push(`.cfi_def_cfa_register ${reg(to.cfa.reg)}`);
  else if (to.cfa.offset !== from.cfa.offset) out.push(`.cfi_def_cfa_offset ${to.cfa.offset}`);
  const regs = new Set([...from.registers.keys(), ...to.registers.keys()]);
  for (const r of [...regs].sort((x, y) => x - y)) {
    const now = to.registers.get(r);
    if (sameRule(from.registers.get(r), now)) continue;
    if (!now) {
      if (initial.has(r)) return undefined;
      out.push(`.cfi_restore ${reg(r)}`);
      continue;
    }
    if (sameRule(initial.get(r), now)) {
      out.push(`.cfi_restore ${reg(r)}`);
      continue;
    }
    switch (now.kind) {
      case 'offset': out.push(`.cfi_offset ${reg(r)}, ${now.offset}`); break;
      case 'val_offset': out.push(`.cfi_val_offset ${reg(r)}, ${now.offset}`); break;
      case 'register': out.push(`.cfi_register ${reg(r)}, ${reg(now.reg)}`); break;
      case 'undefined': out.push(`.cfi_undefined ${reg(r)}`); break;
      case 'same_value': out.push(`.cfi_same_value ${reg(r)}`); break;
      default: return undefined;
    }
  }
  return out;
}

const GAS_INITIAL = { cfa: { kind: 'register' as const, reg: 4, offset: 4, signed: false }, registers: new Map<number, RegisterRule>([[8, { kind: 'offset', offset: -4 }]]) };

/**
 * The document's own .eh_frame bytes and what the frame reader makes of them; undefined when
 * there are none or the reader rejects them (the hover on them says why).
 */
export function handWrittenFrames(a: Analysis): { eh: AsmSection; frames: ReturnType<typeof parseFrameSection> } | undefined {
  const eh = sectionOf(a.module, '.eh_frame');
  if (!eh || eh.bytes.length === 0) return undefined;
  try {
    return { eh, frames: parseFrameSection({ fileName: a.file, name: '.eh_frame', address: 0, bytes: eh.bytes }, 'eh_frame') };
  } catch {
    return undefined;
  }
}

/** The conversion of each hand-written FDE whose .eh_frame lines meet [line, endLine]. */
export function ehFrameActions(a: Analysis, line: number, endLine: number): ActionFact[] {
  const found = handWrittenFrames(a);
  if (!found) return [];
  const { eh, frames } = found;
  const out: ActionFact[] = [];
  for (const fde of frames.fdes) {
    const fdeLines = fdeDocumentLines(a, fde);
    if (![...fdeLines].some((l) => l >= line && l <= endLine)) continue;
    const start = codeStart(a, eh, fde);
    if (!start) continue;
    const table = buildRowTable(fde);
    const shift = start.offset - fde.start;
    const cie = cieInitialState(fde.cie);
    const gasCie = fde.cie.returnAddressRegister === 8 && fde.cie.codeAlignment === 1 && fde.cie.dataAlignment === -4;
    const initialCfa = cie.cfaDefined ? { kind: 'register' as const, reg: cie.cfaReg, offset: cie.cfaOffset, signed: false } : undefined;
    if (!initialCfa) continue;
    const defaultStart = gasCie && initialCfa.reg === 4 && initialCfa.offset === 4 && cie.registers.size === 1 && sameRule(cie.registers.get(8), GAS_INITIAL.registers.get(8));
    const insns = instructionFacts(a).filter((f) => f.section === start.section);
    const endOf = new Map(insns.map((f) => [f.offset + f.bytes.length, f]));
    const first = insns.find((f) => f.offset === start.offset);
    const last = endOf.get(start.offset + fde.range);
    if (!first || !last) continue;
    const at = (f: { location: { file: string; line: number } }) => documentLine(a, f.location.file, f.location.line);
    const firstLine = at(first);
    const lastLine = at(last);
    if (firstLine === undefined || lastLine === undefined) continue;
    const indent = /^\s*/.exec(sourceLine(a, firstLine))![0] || '\t';
    const after = new Map<number, string[]>();
    const addAfter = (l: number, d: readonly string[]) => after.set(l, [...(after.get(l) ?? []), ...d]);
    const head = defaultStart ? ['.cfi_startproc'] : ['.cfi_startproc simple', `.cfi_def_cfa ${reg(initialCfa.reg)}, ${initialCfa.offset}`, ...[...cie.registers].map(([r, rule]) => (rule.kind === 'offset' ? `.cfi_offset ${reg(r)}, ${rule.offset}` : '')).filter(Boolean)];
    if (!defaultStart && fde.cie.returnAddressRegister !== 8) head.push(`.cfi_return_column ${reg(fde.cie.returnAddressRegister)}`);
    let prev: { cfa: CfaRule; registers: ReadonlyMap<number, RegisterRule> } = { cfa: initialCfa, registers: cie.registers };
    let ok = true;
    for (const row of table.rows) {
      const d = directives(prev, row, cie.registers);
      if (!d) {
        ok = false;
        break;
      }
      prev = row;
      if (d.length === 0) continue;
      const offset = row.start + shift;
      if (offset === start.offset) {
        head.push(...d);
        continue;
      }
      const ending = endOf.get(offset);
      const l = ending ? at(ending) : undefined;
      if (l === undefined) {
        ok = false;
        break;
      }
      addAfter(l, d);
    }
    if (!ok) continue;
    addAfter(lastLine, ['.cfi_endproc']);
    const edits: TextEditFact[] = [{ line: firstLine, column: 0, endLine: firstLine, endColumn: 0, newText: head.map((h) => indent + h + '\n').join('') }];
    for (const [l, d] of after) {
      const len = sourceLine(a, l).length;
      edits.push({ line: l, column: len, endLine: l, endColumn: len, newText: d.map((x) => '\n' + indent + x).join('') });
    }
    for (const l of [...fdeLines].sort((x, y) => x - y)) edits.push({ line: l, column: 0, endLine: l + 1, endColumn: 0, newText: '' });
    out.push({ title: 'Convert this hand-written .eh_frame FDE to .cfi_* directives', edits });
  }
  return out;
}
