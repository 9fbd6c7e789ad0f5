// Owns what the debugger needs from .debug_info (DWARF 2 to 5, 32- and 64-bit): each
// compile unit's name, comp_dir, line-table offset (DW_AT_stmt_list) and pc ranges, and
// each function's (DW_TAG_subprogram with code) name and pc ranges; with .debug_abbrev,
// .debug_str/.debug_line_str, .debug_ranges (DWARF 2-4), .debug_rnglists (DWARF 5) and
// .debug_aranges for units that give no ranges themselves. Bounded; bad input throws one
// InputError naming the file, the section and the offset.
import type { ElfFile } from '../elf/types';
import { ByteReader } from './byte-reader';
import { readUnitLength } from './unit-length';
import { debugSectionBytes } from './elf-lines';
import { DW_FORM_implicit_const, readForm, type FormContext, type FormValue } from './forms';

const DW_TAG_compile_unit = 0x11;
const DW_TAG_partial_unit = 0x3c;
const DW_TAG_skeleton_unit = 0x4a;
const DW_TAG_subprogram = 0x2e;
const DW_AT_name = 0x03;
const DW_AT_stmt_list = 0x10;
const DW_AT_low_pc = 0x11;
const DW_AT_high_pc = 0x12;
const DW_AT_comp_dir = 0x1b;
const DW_AT_ranges = 0x55;
const DW_AT_linkage_name = 0x6e;
const DW_AT_rnglists_base = 0x74;
const DW_FORM_addr = 0x01;
const DW_FORM_rnglistx = 0x23;
const DW_UT_compile = 1;
const DW_UT_type = 2;
const DW_UT_partial = 3;
const DW_UT_skeleton = 4;
const DW_UT_split_compile = 5;
const DW_UT_split_type = 6;
const DW_RLE_end_of_list = 0;
const DW_RLE_base_addressx = 1;
const DW_RLE_startx_endx = 2;
const DW_RLE_startx_length = 3;
const DW_RLE_offset_pair = 4;
const DW_RLE_base_address = 5;
const DW_RLE_start_end = 6;
const DW_RLE_start_length = 7;

/** [start, end) of code. */
export interface PcRange {
  readonly start: number;
  readonly end: number;
}

export interface DebugFunction {
  readonly name: string;
  readonly ranges: readonly PcRange[];
}

export interface CompileUnit {
  readonly offset: number;
  readonly version: number;
  readonly name: string | undefined;
  readonly compDir: string | undefined;
  /** Offset of its line-number program in .debug_line. */
  readonly stmtList: number | undefined;
  readonly ranges: readonly PcRange[];
  readonly functions: readonly DebugFunction[];
}

interface Abbrev {
  readonly tag: number;
  readonly children: boolean;
  readonly attributes: ReadonlyArray<{ readonly name: number; readonly form: number; readonly implicit: bigint }>;
}

/** Bounds that keep hostile input finite. */
const MAX_RANGES = 1 << 16;
const MAX_DEPTH = 1024;

function readAbbrevs(bytes: Uint8Array, file: string, offset: number): Map<number, Abbrev> {
  const r = new ByteReader(bytes, file, '.debug_abbrev');
  if (offset > bytes.length) r.fail(offset, 'abbreviation offset past the end of the section');
  r.pos = offset;
  const out = new Map<number, Abbrev>();
  for (;;) {
    const code = r.uleb('abbreviation code');
    if (code === 0) break;
    const tag = r.uleb('tag');
    const children = r.u8('children flag') !== 0;
    const attributes: Array<{ name: number; form: number; implicit: bigint }> = [];
    for (;;) {
      const name = r.uleb('attribute name');
      const form = r.uleb('attribute form');
      const implicit = form === DW_FORM_implicit_const ? r.slebBig('implicit constant') : 0n;
      if (name === 0 && form === 0) break;
      attributes.push({ name, form, implicit });
    }
    out.set(code, { tag, children, attributes });
  }
  return out;
}

const asNumber = (v: FormValue | undefined): number | undefined =>
  v && v.kind === 'number' && v.value <= BigInt(Number.MAX_SAFE_INTEGER) && v.value >= 0n ? Number(v.value) : undefined;

const asString = (v: FormValue | undefined): string | undefined => (v && v.kind === 'string' ? v.value : undefined);

interface Sections {
  readonly file: string;
  readonly info: Uint8Array;
  readonly abbrev: Uint8Array;
  readonly ranges?: Uint8Array;
  readonly rnglists?: Uint8Array;
  readonly aranges?: Uint8Array;
  readonly ctx: Omit<FormContext, 'version' | 'offsetSize' | 'addressSize'>;
}

/** The compile units of an ELF file's .debug_info (none without one). */
export function compileUnitsOf(elf: ElfFile): CompileUnit[] {
  const info = debugSectionBytes(elf, '.debug_info');
  const abbrev = debugSectionBytes(elf, '.debug_abbrev');
  if (!info || !abbrev) return [];
  const s: Sections = {
    file: elf.fileName, info, abbrev,
    ranges: debugSectionBytes(elf, '.debug_ranges'), rnglists: debugSectionBytes(elf, '.debug_rnglists'), aranges: debugSectionBytes(elf, '.debug_aranges'),
    ctx: { str: debugSectionBytes(elf, '.debug_str'), lineStr: debugSectionBytes(elf, '.debug_line_str') },
  };
  const units: CompileUnit[] = [];
  const r = new ByteReader(info, elf.fileName, '.debug_info');
  while (!r.atEnd()) {
    const unit = readUnit(r, s);
    if (unit) units.push(unit);
  }
  const aranges = s.aranges ? readAranges(s.aranges, elf.fileName) : new Map<number, PcRange[]>();
  return units.map((u) => (u.ranges.length === 0 && aranges.has(u.offset) ? { ...u, ranges: aranges.get(u.offset)! } : u));
}

function readUnit(section: ByteReader, s: Sections): CompileUnit | undefined {
  const offset = section.pos;
  const { offsetSize, unit: r } = readUnitLength(section);
  const version = r.u16('version');
  if (version < 2 || version > 5) r.fail(offset + offsetSize, `unit version ${version} is not 2, 3, 4 or 5`);
  let unitType = DW_UT_compile;
  let addressSize: number;
  let abbrevOffset: bigint;
  if (version >= 5) {
    unitType = r.u8('unit type');
    addressSize = r.u8('address size');
    abbrevOffset = r.unsigned(offsetSize, 'abbreviation offset');
    if (unitType === DW_UT_skeleton || unitType === DW_UT_split_compile) r.skip(8, 'dwo id');
    else if (unitType === DW_UT_type || unitType === DW_UT_split_type) r.skip(8 + offsetSize, 'type signature');
    else if (unitType !== DW_UT_compile && unitType !== DW_UT_partial) r.fail(offset, `unknown unit type ${unitType}`);
  } else {
    abbrevOffset = r.unsigned(offsetSize, 'abbreviation offset');
    addressSize = r.u8('address size');
  }
  if (addressSize !== 4 && addressSize !== 8) r.fail(offset, `address size ${addressSize} is not 4 or 8`);
  if (unitType === DW_UT_type || unitType === DW_UT_split_type) return undefined;
  if (abbrevOffset > BigInt(s.abbrev.length)) r.fail(offset, 'abbreviation offset past the end of .debug_abbrev');
  const abbrevs = readAbbrevs(s.abbrev, s.file, Number(abbrevOffset));
  const ctx: FormContext = { ...s.ctx, version, offsetSize, addressSize };

  const readDie = (): { abbrev: Abbrev; values: Map<number, FormValue> } | undefined => {
    const at = r.pos;
    const code = r.uleb('abbreviation code');
    if (code === 0) return undefined;
    const abbrev = abbrevs.get(code);
    if (!abbrev) return r.fail(at, `no abbreviation ${code}`);
    const values = new Map<number, FormValue>();
    for (const a of abbrev.attributes) values.set(a.name, readForm(r, a.form, ctx, a.implicit));
    return { abbrev, values };
  };

  const top = readDie();
  if (!top || ![DW_TAG_compile_unit, DW_TAG_partial_unit, DW_TAG_skeleton_unit].includes(top.abbrev.tag)) return undefined;
  const base = asNumber(top.values.get(DW_AT_low_pc)) ?? 0;
  const rnglistsBase = asNumber(top.values.get(DW_AT_rnglists_base));
  const rangesOf = (values: Map<number, FormValue>): PcRange[] => {
    const low = asNumber(values.get(DW_AT_low_pc));
    const high = values.get(DW_AT_high_pc);
    if (low !== undefined && high && high.kind === 'number') {
      const h = Number(high.value);
      return [{ start: low, end: high.form === DW_FORM_addr ? h : low + h }];
    }
    const ranges = values.get(DW_AT_ranges);
    if (!ranges || ranges.kind !== 'number') return [];
    if (version >= 5) {
      let at = Number(ranges.value);
      if (ranges.form === DW_FORM_rnglistx) at = rnglistAt(s, rnglistsBase, at, offsetSize);
      return readRnglist(s, at, base, addressSize);
    }
    return readRanges(s, Number(ranges.value), base, addressSize);
  };
  const functions: DebugFunction[] = [];
  if (top.abbrev.children) {
    let depth = 1;
    while (depth > 0 && !r.atEnd()) {
      const die = readDie();
      if (!die) {
        depth--;
        continue;
      }
      if (die.abbrev.tag === DW_TAG_subprogram) {
        const name = asString(die.values.get(DW_AT_name)) ?? asString(die.values.get(DW_AT_linkage_name));
        const ranges = rangesOf(die.values);
        if (name !== undefined && ranges.length) functions.push({ name, ranges });
      }
      if (die.abbrev.children) {
        depth++;
        if (depth > MAX_DEPTH) r.fail(r.pos, `DIEs nest deeper than ${MAX_DEPTH}`);
      }
    }
  }
  return {
    offset, version, name: asString(top.values.get(DW_AT_name)), compDir: asString(top.values.get(DW_AT_comp_dir)),
    stmtList: asNumber(top.values.get(DW_AT_stmt_list)), ranges: rangesOf(top.values), functions,
  };
}

/** DWARF 2-4 .debug_ranges: pairs of addresses, (0, 0) ends, (-1, base) sets the base. */
function readRanges(s: Sections, offset: number, base: number, addressSize: number): PcRange[] {
  if (!s.ranges) return [];
  const r = new ByteReader(s.ranges, s.file, '.debug_ranges');
  if (offset >= s.ranges.length) r.fail(offset, 'range list offset past the end of the section');
  r.pos = offset;
  const all = addressSize === 4 ? 0xffffffffn : 0xffffffffffffffffn;
  const out: PcRange[] = [];
  for (let n = 0; n < MAX_RANGES; n++) {
    const a = r.unsigned(addressSize, 'range start');
    const b = r.unsigned(addressSize, 'range end');
    if (a === 0n && b === 0n) return out;
    if (a === all) {
      base = Number(b);
      continue;
    }
    out.push({ start: base + Number(a), end: base + Number(b) });
  }
  return out;
}

function rnglistAt(s: Sections, base: number | undefined, index: number, offsetSize: number): number {
  const r = new ByteReader(s.rnglists ?? new Uint8Array(0), s.file, '.debug_rnglists');
  const start = base ?? 12;
  r.pos = start + index * offsetSize;
  return start + Number(r.unsigned(offsetSize, 'range list offset'));
}

/** DWARF 5 .debug_rnglists entries (no .debug_addr: the x forms are refused). */
function readRnglist(s: Sections, offset: number, base: number, addressSize: number): PcRange[] {
  const r = new ByteReader(s.rnglists ?? new Uint8Array(0), s.file, '.debug_rnglists');
  if (offset >= r.end) r.fail(offset, 'range list offset past the end of the section');
  r.pos = offset;
  const out: PcRange[] = [];
  for (let n = 0; n < MAX_RANGES; n++) {
    const at = r.pos;
    const kind = r.u8('range list entry kind');
    switch (kind) {
      case DW_RLE_end_of_list: return out;
      case DW_RLE_base_address: base = Number(r.unsigned(addressSize, 'base address')); break;
      case DW_RLE_offset_pair: {
        const a = r.uleb('range start offset');
        const b = r.uleb('range end offset');
        out.push({ start: base + a, end: base + b });
        break;
      }
      case DW_RLE_start_end: {
        const a = Number(r.unsigned(addressSize, 'range start'));
        out.push({ start: a, end: Number(r.unsigned(addressSize, 'range end')) });
        break;
      }
      case DW_RLE_start_length: {
        const a = Number(r.unsigned(addressSize, 'range start'));
        out.push({ start: a, end: a + r.uleb('range length') });
        break;
      }
      case DW_RLE_base_addressx: case DW_RLE_startx_endx: case DW_RLE_startx_length:
        return r.fail(at, 'range list entries through .debug_addr are not supported');
      default:
        return r.fail(at, `unknown range list entry kind ${kind}`);
    }
  }
  return out;
}

/** .debug_aranges: the ranges of each unit, by its .debug_info offset. */
function readAranges(bytes: Uint8Array, file: string): Map<number, PcRange[]> {
  const r = new ByteReader(bytes, file, '.debug_aranges');
  const out = new Map<number, PcRange[]>();
  while (!r.atEnd()) {
    const start = r.pos;
    const { offsetSize, unit: u } = readUnitLength(r);
    u.u16('version');
    const info = Number(u.unsigned(offsetSize, 'debug_info offset'));
    const addressSize = u.u8('address size');
    u.u8('segment size');
    if (addressSize !== 4 && addressSize !== 8) u.fail(start, `address size ${addressSize} is not 4 or 8`);
    const headerEnd = u.pos - start;
    const pad = (2 * addressSize - (headerEnd % (2 * addressSize))) % (2 * addressSize);
    u.skip(Math.min(pad, u.remaining), 'padding');
    const list = out.get(info) ?? [];
    while (u.remaining >= 2 * addressSize) {
      const a = Number(u.unsigned(addressSize, 'range start'));
      const n = Number(u.unsigned(addressSize, 'range length'));
      if (a === 0 && n === 0) break;
      list.push({ start: a, end: a + n });
    }
    out.set(info, list);
  }
  return out;
}
