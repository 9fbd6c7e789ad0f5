// Owns the CFI rows of an analysis's procedures: each .cfi_startproc..endproc's rows are
// those of the .eh_frame the object writer's emitter gives it alone, run through the one row
// builder (toolchain/dwarf/rows.ts), so what the editor shows is what readelf
// --debug-dump=frames-interp prints for the assembled object. The emitter says which DW_CFA
// instructions it writes (toolchain/dwarf/emit-cfi.ts: frameInstructions), so the rows come
// from those without writing and parsing bytes; a procedure only its bytes can say (an
// escape) is emitted and parsed back. Row addresses are offsets in the procedure's section.
import type { CfiProcedure } from '../toolchain/asm/module';
import { emitFrameSection, frameInstructions, FRAME_FACTORS } from '../toolchain/dwarf/emit-cfi';
import { parseFrameSection } from '../toolchain/dwarf/cie-fde';
import { buildRowTable, frameCfaRows, frameRows, initialState, type RuleState } from '../toolchain/dwarf/rows';
import { regname } from '../toolchain/dwarf/registers';
import type { CfaOperation, CfaRule, RegisterRule, Row } from '../toolchain/dwarf/types';
import type { Analysis } from './analysis';

export interface ProcedureRows {
  readonly procedure: CfiProcedure;
  readonly rows: readonly Row[];
}

/** Each procedure's rows (null: its CFI has none), whichever analysis it is in. */
const byProcedure = new WeakMap<CfiProcedure, ProcedureRows | null>();

/** The rows of the procedure's own .eh_frame, from its bytes (what frameInstructions cannot say). */
function emittedRows(a: Analysis, p: CfiProcedure): ProcedureRows | null {
  // A procedure of the assembler makes its instructions and location when read (getters): a spread copies neither.
  const section = emitFrameSection([{ ...p, instructions: p.instructions, location: p.location, ehFrame: true }], 'eh');
  const fde = parseFrameSection({ fileName: a.file, name: '.eh_frame', address: 0, bytes: section.bytes }, 'eh_frame').fdes[0];
  if (!fde) return null;
  const shift = p.start - fde.start;
  return { procedure: p, rows: buildRowTable(fde).rows.map((r) => ({ ...r, start: r.start + shift, end: r.end + shift })) };
}

/** Whether two instructions are the same: the same fields with the same values. */
function sameOperation(x: CfaOperation, y: CfaOperation): boolean {
  if (x.op !== y.op) return false;
  const a = x as unknown as Readonly<Record<string, unknown>>;
  const b = y as unknown as Readonly<Record<string, unknown>>;
  for (const k in a) if (a[k] !== b[k]) return false;
  for (const k in b) if (!(k in a)) return false;
  return true;
}

/** The last CIE's instructions and their initial rules: most procedures of a file have the same CIE (GAS's default one). */
let lastCie: readonly CfaOperation[] = [];
let lastCieState: RuleState | undefined;

/** A CIE's initial rules, made again only for instructions that differ from the last CIE's (a rule state is never changed). */
function cieState(cie: readonly CfaOperation[]): RuleState {
  let same = lastCieState !== undefined && cie.length === lastCie.length;
  for (let i = 0; same && i < cie.length; i++) same = sameOperation(cie[i]!, lastCie[i]!);
  if (!same || lastCieState === undefined) {
    lastCieState = initialState(FRAME_FACTORS, cie);
    lastCie = cie;
  }
  return lastCieState;
}

/** One procedure's rows, built when first asked for (an incremental analysis hands the same procedure objects to the next version). */
function rowsOf(a: Analysis, p: CfiProcedure): ProcedureRows | null {
  const known = byProcedure.get(p);
  if (known !== undefined) return known;
  const rows = builtRows(a, p);
  byProcedure.set(p, rows);
  return rows;
}

/** A procedure's rows (`registers` false: with the CFA rules alone, where no bytes are needed). */
function builtRows(a: Analysis, p: CfiProcedure, registers = true): ProcedureRows | null {
  try {
    const frame = frameInstructions(p);
    const rows = registers ? frameRows : frameCfaRows;
    return frame
      ? { procedure: p, rows: rows(FRAME_FACTORS, cieState(frame.cie), frame.fde, p.start, p.end - p.start) }
      : emittedRows(a, p);
  } catch {
    // CFI the emitter rejects (instructions out of order) has no rows; the assembler said why.
    return null;
  }
}

/**
 * A procedure's rows for a caller that reads their CFA rules alone and keeps what it makes of
 * them (the CFI findings, kept per procedure): the kept rows when a request built them, else
 * rows of the CFA rules alone (registers left out) built and not kept, so that a first answer
 * neither makes nor keeps every procedure's register rules (what a later request shows is
 * built again for its one procedure). Null (no rows) is kept.
 */
export function passingCfaRows(a: Analysis, p: CfiProcedure): ProcedureRows | null {
  const known = byProcedure.get(p);
  if (known !== undefined) return known;
  const rows = builtRows(a, p, false);
  if (rows === null) byProcedure.set(p, null);
  return rows;
}

const cache = new WeakMap<Analysis, readonly ProcedureRows[]>();

/** The row table of every CFI procedure (procedures whose CFI cannot be emitted are left out). */
export function procedureRows(a: Analysis): readonly ProcedureRows[] {
  const hit = cache.get(a);
  if (hit) return hit;
  const out: ProcedureRows[] = [];
  for (const p of a.module.cfi) {
    const rows = rowsOf(a, p);
    if (rows) out.push(rows);
  }
  cache.set(a, out);
  return out;
}

/** The procedures of each section in start order (their rows are built only when a look-up lands in one). */
const bySection = new WeakMap<Analysis, Map<string, SectionProcedures>>();

interface SectionProcedures {
  readonly list: CfiProcedure[];
  /** Whether each procedure ends where or after the one before ends (the look-ups' binary search is then exact). */
  readonly endsInOrder: boolean;
}

function proceduresIn(a: Analysis, section: string): SectionProcedures | undefined {
  let map = bySection.get(a);
  if (!map) bySection.set(a, (map = proceduresBySection(a)));
  return map.get(section);
}

/**
 * The analysis's procedures by section, made once per analysis: a function apart from the
 * look-up that runs per call, which with it inside was compiled whole only in a process's third
 * analysis (docs/speed-and-exactness.md, "lspfirst5").
 */
function proceduresBySection(a: Analysis): Map<string, SectionProcedures> {
  const lists = new Map<string, CfiProcedure[]>();
  const all = a.module.cfi;
  for (let k = 0; k < all.length; k++) addToSection(lists, all[k]!);
  const map = new Map<string, SectionProcedures>();
  for (const [name, list] of lists) {
    list.sort((x, y) => x.start - y.start);
    let endsInOrder = true;
    for (let i = 1; i < list.length && endsInOrder; i++) endsInOrder = list[i]!.end >= list[i - 1]!.end;
    map.set(name, { list, endsInOrder });
  }
  return map;
}

/** proceduresBySection's first loop's body, called per procedure. */
function addToSection(lists: Map<string, CfiProcedure[]>, p: CfiProcedure): void {
  const list = lists.get(p.section);
  if (list) list.push(p);
  else lists.set(p.section, [p]);
}

/** The first of the (start-ordered) procedures whose end is not before `offset`. */
function firstEndingFrom(list: readonly CfiProcedure[], offset: number): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (list[mid]!.end < offset) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The row in force at `offset` of `section`, with its procedure. */
export function rowAt(a: Analysis, section: string, offset: number): { procedure: CfiProcedure; row: Row } | undefined {
  const list = proceduresIn(a, section)?.list ?? [];
  for (let i = firstEndingFrom(list, offset); i < list.length && list[i]!.start <= offset; i++) {
    const p = list[i]!;
    if (offset < p.start || offset > p.end) continue;
    const pr = rowsOf(a, p);
    if (!pr) continue;
    for (const row of pr.rows) if (row.start <= offset && offset < row.end) return { procedure: p, row };
    const last = pr.rows[pr.rows.length - 1];
    if (last && offset === p.end) return { procedure: p, row: last };
  }
  return undefined;
}

/**
 * Whether rowAt gives one row (or none) at every offset of [from, to) of `section`, told
 * without building any rows: a row starts only at its procedure's start and where one of its
 * CFI instructions advances to (code alignment 1), so this holds when at most one procedure
 * reaches [from, to], its rows come from its instructions (no `.cfi_escape`, whose bytes may
 * advance), and none of its instructions is at an offset inside (from, to). False means only
 * that it was not told so.
 */
export function oneRowThrough(a: Analysis, section: string, from: number, to: number): boolean {
  const procedures = proceduresIn(a, section);
  if (!procedures) return true;
  if (!procedures.endsInOrder) return false;
  const { list } = procedures;
  const i = firstEndingFrom(list, from);
  if (i >= list.length || list[i]!.start > to) return true;
  if (i + 1 < list.length && list[i + 1]!.start <= to) return false;
  for (const insn of list[i]!.instructions) {
    if (insn.op.kind === 'escape') return false;
    if (insn.offset > from && insn.offset < to) return false;
  }
  return true;
}

export function formatCfa(cfa: CfaRule): string {
  if (cfa.kind === 'expression') return 'CFA=exp';
  const off = cfa.offset;
  return `CFA=${regname(cfa.reg, true)}${off < 0 ? off : `+${off}`}`;
}

function formatRule(r: RegisterRule): string {
  switch (r.kind) {
    case 'offset': return `c${r.offset < 0 ? r.offset : `+${r.offset}`}`;
    case 'val_offset': return `v${r.offset < 0 ? r.offset : `+${r.offset}`}`;
    case 'register': return regname(r.reg, true);
    case 'undefined': return 'u';
    case 'same_value': return 's';
    default: return 'exp';
  }
}

/** Whether formatCfa writes the two rules the same (compared without writing them). */
function sameFormattedCfa(x: CfaRule, y: CfaRule): boolean {
  if (x.kind === 'expression' || y.kind === 'expression') return x.kind === y.kind;
  return x.offset === y.offset && (x.reg === y.reg || regname(x.reg, true) === regname(y.reg, true));
}

/** Whether formatRule writes the two rules the same (both expression kinds are `exp`). */
function sameFormattedRule(x: RegisterRule, y: RegisterRule): boolean {
  switch (x.kind) {
    case 'offset': case 'val_offset':
      return y.kind === x.kind && y.offset === x.offset;
    case 'register':
      return y.kind === 'register' && (y.reg === x.reg || regname(y.reg, true) === regname(x.reg, true));
    case 'undefined': case 'same_value':
      return y.kind === x.kind;
    default:
      return y.kind === 'expression' || y.kind === 'val_expression';
  }
}

/** Whether formatRow writes the two rows the same (compared rule by rule, without writing them). */
export function sameFormattedRow(x: Row, y: Row): boolean {
  if (!sameFormattedCfa(x.cfa, y.cfa) || x.registers.size !== y.registers.size) return false;
  for (const [reg, rule] of x.registers) {
    const other = y.registers.get(reg);
    if (!other || !sameFormattedRule(rule, other)) return false;
  }
  return true;
}

/** `CFA=esp+12 ebp=c-16 ra=c-4`: the row as readelf's frames-interp columns say it (the return column is `ra`). */
export function formatRow(row: Row, returnColumn: number): string {
  const regs = [...row.registers.entries()].sort((x, y) => x[0] - y[0]).map(([reg, rule]) => `${reg === returnColumn ? 'ra' : regname(reg, true)}=${formatRule(rule)}`);
  return [formatCfa(row.cfa), ...regs].join(' ');
}
