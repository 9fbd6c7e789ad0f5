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
import type { CfaRule, RegisterRule, Row } from '../toolchain/dwarf/types';
import type { Analysis } from './analysis';

export interface ProcedureRows {
  readonly procedure: CfiProcedure;
  readonly rows: readonly Row[];
}

const cache = new WeakMap<Analysis, readonly ProcedureRows[]>();
/** Each procedure's rows (null: its CFI has none), whichever analysis it is in. */
const byProcedure = new WeakMap<CfiProcedure, ProcedureRows | null>();

/** The row table of every CFI procedure (procedures whose CFI cannot be emitted are left out). */
export function procedureRows(a: Analysis): readonly ProcedureRows[] {
  const hit = cache.get(a);
  if (hit) return hit;
  const out: ProcedureRows[] = [];
  for (const p of a.module.cfi) {
    // An incremental analysis hands the same procedure objects to the next version.
    const known = byProcedure.get(p);
    if (known !== undefined) {
      if (known) out.push(known);
      continue;
    }
    byProcedure.set(p, null);
    try {
      const section = emitFrameSection([{ ...p, ehFrame: true }], 'eh');
      const frames = parseFrameSection({ fileName: a.file, name: '.eh_frame', address: 0, bytes: section.bytes }, 'eh_frame');
      const fde = frames.fdes[0];
      if (!fde) continue;
      const table = buildRowTable(fde);
      const shift = p.start - fde.start;
      const rows: ProcedureRows = { procedure: p, rows: table.rows.map((r) => ({ ...r, start: r.start + shift, end: r.end + shift })) };
      byProcedure.set(p, rows);
      out.push(rows);
    } catch {
      // CFI the emitter rejects (instructions out of order) has no rows; the assembler said why.
    }
  }
  cache.set(a, out);
  return out;
}

const bySection = new WeakMap<Analysis, Map<string, ProcedureRows[]>>();

/** The row in force at `offset` of `section`, with its procedure. */
export function rowAt(a: Analysis, section: string, offset: number): { procedure: CfiProcedure; row: Row } | undefined {
  let map = bySection.get(a);
  if (!map) {
    map = new Map();
    for (const pr of procedureRows(a)) {
      const list = map.get(pr.procedure.section) ?? [];
      list.push(pr);
      map.set(pr.procedure.section, list);
    }
    for (const list of map.values()) list.sort((x, y) => x.procedure.start - y.procedure.start);
    bySection.set(a, map);
  }
  const list = map.get(section) ?? [];
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (list[mid]!.procedure.end < offset) lo = mid + 1;
    else hi = mid;
  }
  for (let i = lo; i < list.length && list[i]!.procedure.start <= offset; i++) {
    const pr = list[i]!;
    if (offset < pr.procedure.start || offset > pr.procedure.end) continue;
    for (const row of pr.rows) if (row.start <= offset && offset < row.end) return { procedure: pr.procedure, row };
    const last = pr.rows[pr.rows.length - 1];
    if (last && offset === pr.procedure.end) return { procedure: pr.procedure, row: last };
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

/** `CFA=esp+12 ebp=c-16 ra=c-4`: the row as readelf's frames-interp columns say it (the return column is `ra`). */
export function formatRow(row: Row, returnColumn: number): string {
  const regs = [...row.registers.entries()].sort((x, y) => x[0] - y[0]).map(([reg, rule]) => `${reg === returnColumn ? 'ra' : regname(reg, true)}=${formatRule(rule)}`);
  return [formatCfa(row.cfa), ...regs].join(' ');
}
