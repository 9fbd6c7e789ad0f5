// Owns the CFI rows of an analysis's procedures: each .cfi_startproc..endproc is emitted as
// .eh_frame by the same emitter the object writer uses, parsed back and run through the one
// row builder (toolchain/dwarf/rows.ts), so what the editor shows is what readelf
// --debug-dump=frames-interp prints for the assembled object. Row addresses are offsets in
// the procedure's section.
import type { CfiProcedure } from '../toolchain/asm/module';
import { emitFrameSection } from '../toolchain/dwarf/emit-cfi';
import { parseFrameSection } from '../toolchain/dwarf/cie-fde';
import { buildRowTable } from '../toolchain/dwarf/rows';
import { regname } from '../toolchain/dwarf/registers';
import type { CfaOpName, CfaRule, Fde, RegisterRule, Row } from '../toolchain/dwarf/types';
import type { Analysis } from './analysis';

export interface ProcedureRows {
  readonly procedure: CfiProcedure;
  readonly rows: readonly Row[];
}

/** Each procedure's rows (null: its CFI has none), whichever analysis it is in. */
const byProcedure = new WeakMap<CfiProcedure, ProcedureRows | null>();

/** The rows of a procedure's FDE as parsed, at the procedure's own offsets. */
function fdeRows(p: CfiProcedure, fde: Fde): ProcedureRows {
  const table = buildRowTable(fde);
  const shift = p.start - fde.start;
  return { procedure: p, rows: table.rows.map((r) => ({ ...r, start: r.start + shift, end: r.end + shift })) };
}

/** One procedure's rows, built when first asked for (an incremental analysis hands the same procedure objects to the next version). */
function rowsOf(a: Analysis, p: CfiProcedure): ProcedureRows | null {
  const known = byProcedure.get(p);
  if (known !== undefined) return known;
  let rows: ProcedureRows | null = null;
  try {
    const section = emitFrameSection([{ ...p, ehFrame: true }], 'eh');
    const frames = parseFrameSection({ fileName: a.file, name: '.eh_frame', address: 0, bytes: section.bytes }, 'eh_frame');
    const fde = frames.fdes[0];
    if (fde) rows = fdeRows(p, fde);
  } catch {
    // CFI the emitter rejects (instructions out of order) has no rows; the assembler said why.
  }
  byProcedure.set(p, rows);
  return rows;
}

/**
 * The rows of procedures not built yet, from one .eh_frame emitted for all of them (one
 * buffer and one parse: emitting each procedure alone costs ten times more), each the rows
 * its own .eh_frame gives (rowsOf). The two differ only where GAS's CIE search gave a
 * procedure a CIE that holds fewer of its leading rules than its own .eh_frame's: then
 * DW_CFA_restore returns to other rules. Such an FDE starts with a rule rather than an
 * advance, and its procedure is built alone; so is every procedure when the batch fails
 * (CFI the emitter rejects or the parser cannot read: rowsOf says which).
 */
function buildRows(a: Analysis, todo: readonly CfiProcedure[]): void {
  let fdes: readonly Fde[] | undefined;
  try {
    const section = emitFrameSection(todo.map((p) => ({ ...p, ehFrame: true })), 'eh');
    fdes = parseFrameSection({ fileName: a.file, name: '.eh_frame', address: 0, bytes: section.bytes }, 'eh_frame').fdes;
  } catch {
    fdes = undefined;
  }
  for (let i = 0; i < todo.length; i++) {
    const p = todo[i]!;
    const fde = fdes?.length === todo.length ? fdes[i] : undefined;
    const first = fde?.instructions[0];
    if (fde && (first === undefined || BREAKS_CIE.has(first.op))) byProcedure.set(p, fdeRows(p, fde));
    else rowsOf(a, p);
  }
}

/** The instructions GAS never moves into a CIE (emit-cfi.ts): an FDE whose CIE took all its leading rules starts with one of these. */
const BREAKS_CIE: ReadonlySet<CfaOpName> = new Set<CfaOpName>(['advance_loc', 'advance_loc1', 'advance_loc2', 'advance_loc4', 'remember_state', 'GNU_args_size']);

const cache = new WeakMap<Analysis, readonly ProcedureRows[]>();

/** The row table of every CFI procedure (procedures whose CFI cannot be emitted are left out). */
export function procedureRows(a: Analysis): readonly ProcedureRows[] {
  const hit = cache.get(a);
  if (hit) return hit;
  const todo = a.module.cfi.filter((p) => !byProcedure.has(p));
  if (todo.length > 0) buildRows(a, todo);
  const out: ProcedureRows[] = [];
  for (const p of a.module.cfi) {
    const rows = rowsOf(a, p);
    if (rows) out.push(rows);
  }
  cache.set(a, out);
  return out;
}

/** The procedures of each section in start order (their rows are built only when a look-up lands in one). */
const bySection = new WeakMap<Analysis, Map<string, CfiProcedure[]>>();

/** The row in force at `offset` of `section`, with its procedure. */
export function rowAt(a: Analysis, section: string, offset: number): { procedure: CfiProcedure; row: Row } | undefined {
  let map = bySection.get(a);
  if (!map) {
    map = new Map();
    for (const p of a.module.cfi) {
      const list = map.get(p.section) ?? [];
      list.push(p);
      map.set(p.section, list);
    }
    for (const list of map.values()) list.sort((x, y) => x.start - y.start);
    bySection.set(a, map);
  }
  const list = map.get(section) ?? [];
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (list[mid]!.end < offset) lo = mid + 1;
    else hi = mid;
  }
  for (let i = lo; i < list.length && list[i]!.start <= offset; i++) {
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

/** Whether formatRow writes the two rows the same (compared rule by rule, without writing them). */
export function sameFormattedRow(x: Row, y: Row): boolean {
  if (formatCfa(x.cfa) !== formatCfa(y.cfa) || x.registers.size !== y.registers.size) return false;
  for (const [reg, rule] of x.registers) {
    const other = y.registers.get(reg);
    if (!other || formatRule(rule) !== formatRule(other)) return false;
  }
  return true;
}

/** `CFA=esp+12 ebp=c-16 ra=c-4`: the row as readelf's frames-interp columns say it (the return column is `ra`). */
export function formatRow(row: Row, returnColumn: number): string {
  const regs = [...row.registers.entries()].sort((x, y) => x[0] - y[0]).map(([reg, rule]) => `${reg === returnColumn ? 'ra' : regname(reg, true)}=${formatRule(rule)}`);
  return [formatCfa(row.cfa), ...regs].join(' ');
}
