// Owns the .debug_line section GNU as 2.40 writes for `as --32 -g`: a version 3 header
// (line_base -5, line_range 14, opcode_base 13), the directory and file tables from the
// entries' file names, and one sequence per section in the order the sections first
// got a line (DW_LNE_set_address relocated against the section symbol, GAS's choice of
// special opcode / const_add_pc / advance_pc / advance_line + copy, DW_LNS_advance_pc to
// the section's end, DW_LNE_end_sequence). Consecutive entries on the same line and
// file make one row, as in GAS.
import type { AsmSection, LineEntry } from '../asm/module';
import { InputError, hex } from '../errors';
import { EmitBuffer, R_386_32 } from './emit-buffer';

const LINE_BASE = -5;
const LINE_RANGE = 14;
const OPCODE_BASE = 13;
const MAX_SPECIAL_ADDR_DELTA = Math.floor((255 - OPCODE_BASE) / LINE_RANGE);
const STANDARD_OPCODE_LENGTHS = [0, 1, 1, 1, 1, 0, 0, 0, 1, 0, 0, 1];
const DW_LNS_copy = 1;
const DW_LNS_advance_pc = 2;
const DW_LNS_advance_line = 3;
const DW_LNS_set_file = 4;
const DW_LNS_const_add_pc = 8;
const DW_LNE_end_sequence = 1;
const DW_LNE_set_address = 2;

/** The rows GAS keeps: one per change of (file, line), in entry order. */
export function lineRows(entries: readonly LineEntry[]): LineEntry[] {
  const rows: LineEntry[] = [];
  let last: LineEntry | undefined;
  for (const e of entries) {
    if (last && last.location.line === e.location.line && last.location.file === e.location.file) continue;
    rows.push(e);
    last = e;
  }
  return rows;
}

/** Sections with rows, in the order they first got one. */
export function lineSections(rows: readonly LineEntry[]): string[] {
  const names: string[] = [];
  for (const r of rows) if (!names.includes(r.section)) names.push(r.section);
  return names;
}

/** .debug_line for these entries; `sections` gives each section's size (the sequences end there). */
export function emitDebugLine(entries: readonly LineEntry[], sections: readonly AsmSection[]): AsmSection {
  const rows = lineRows(entries);
  const out = new EmitBuffer();
  const dirs: string[] = [];
  const files: { name: string; dir: number }[] = [];
  const fileIndex = new Map<string, number>();
  for (const r of rows) {
    const path = r.location.file;
    if (fileIndex.has(path)) continue;
    const slash = path.lastIndexOf('/');
    let dir = 0;
    if (slash >= 0) {
      const d = path.slice(0, slash) || '/';
      if (!dirs.includes(d)) dirs.push(d);
      dir = dirs.indexOf(d) + 1;
    }
    files.push({ name: path.slice(slash + 1), dir });
    fileIndex.set(path, files.length);
  }
  out.u32(0);
  out.u16(3);
  out.u32(0);
  const headerStart = out.offset;
  out.u8(1); // minimum_instruction_length
  out.u8(1); // default_is_stmt
  out.u8(LINE_BASE & 0xff);
  out.u8(LINE_RANGE);
  out.u8(OPCODE_BASE);
  for (const n of STANDARD_OPCODE_LENGTHS) out.u8(n);
  for (const d of dirs) out.cstring(d);
  out.u8(0);
  for (const f of files) {
    out.cstring(f.name);
    out.uleb(f.dir);
    out.uleb(0);
    out.uleb(0);
  }
  out.u8(0);
  out.patch32(6, out.offset - headerStart);

  for (const name of lineSections(rows)) {
    const section = sections.find((s) => s.name === name);
    if (!section) throw new InputError(rows.find((r) => r.section === name)!.location.file, '', `line entries for section ${name}, which the object does not have`);
    out.u8(0);
    out.uleb(5);
    out.u8(DW_LNE_set_address);
    out.relocate(R_386_32, name, true);
    out.u32(0);
    let address = 0;
    let line = 1;
    let file = 1;
    for (const r of rows) {
      if (r.section !== name) continue;
      if (r.offset < address || r.offset > section.size) {
        throw new InputError(r.location.file, `line ${r.location.line}`, `line entry at ${hex(r.offset)} in ${name} is out of order or outside the section`);
      }
      const f = fileIndex.get(r.location.file)!;
      if (f !== file) {
        out.u8(DW_LNS_set_file);
        out.uleb(f);
        file = f;
      }
      advance(out, r.location.line - line, r.offset - address);
      line = r.location.line;
      address = r.offset;
    }
    endSequence(out, section.size - address);
  }
  out.patch32(0, out.offset - 4);
  return { name: '.debug_line', type: 1, flags: 0, addralign: 1, entsize: 0, bytes: out.result(), size: out.length, relocations: out.relocations };
}

/** GAS's emit_inc_line_addr for a row: the shortest encoding of (line delta, address delta). */
function advance(out: EmitBuffer, lineDelta: number, addrDelta: number): void {
  let tmp = lineDelta - LINE_BASE;
  let needCopy = false;
  if (tmp < 0 || tmp >= LINE_RANGE) {
    out.u8(DW_LNS_advance_line);
    out.sleb(lineDelta);
    lineDelta = 0;
    tmp = -LINE_BASE;
    needCopy = true;
  }
  if (lineDelta === 0 && addrDelta === 0) {
    out.u8(DW_LNS_copy);
    return;
  }
  tmp += OPCODE_BASE;
  if (addrDelta < 256 + MAX_SPECIAL_ADDR_DELTA) {
    let opcode = tmp + addrDelta * LINE_RANGE;
    if (opcode <= 255) {
      out.u8(opcode);
      return;
    }
    opcode = tmp + (addrDelta - MAX_SPECIAL_ADDR_DELTA) * LINE_RANGE;
    if (opcode <= 255) {
      out.u8(DW_LNS_const_add_pc);
      out.u8(opcode);
      return;
    }
  }
  out.u8(DW_LNS_advance_pc);
  out.uleb(addrDelta);
  out.u8(needCopy ? DW_LNS_copy : tmp);
}

function endSequence(out: EmitBuffer, addrDelta: number): void {
  if (addrDelta === MAX_SPECIAL_ADDR_DELTA) out.u8(DW_LNS_const_add_pc);
  else if (addrDelta > 0) {
    out.u8(DW_LNS_advance_pc);
    out.uleb(addrDelta);
  }
  out.u8(0);
  out.uleb(1);
  out.u8(DW_LNE_end_sequence);
}
