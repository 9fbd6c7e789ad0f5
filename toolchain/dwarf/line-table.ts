// Owns reading .debug_line (DWARF 2, 3, 4 and 5): each unit's header (64-bit DWARF,
// max_ops_per_insn, the DWARF 5 directory and file entry formats with .debug_line_str,
// MD5 and file index 0), then its line-number program run on the state machine into
// events (rows, file switches, define_file, ISA changes, unknown opcodes) in program
// order, as readelf's decoded dump walks them. Every read is bounded; bad input throws one
// InputError naming the file, the section and the offset.
import { ByteReader } from './byte-reader';
import { readUnitLength } from './unit-length';
import { DW_FORM_data1, DW_FORM_data2, DW_FORM_udata, readForm, type FormContext } from './forms';

const DW_LNS_copy = 1;
const DW_LNS_advance_pc = 2;
const DW_LNS_advance_line = 3;
const DW_LNS_set_file = 4;
const DW_LNS_set_column = 5;
const DW_LNS_negate_stmt = 6;
const DW_LNS_set_basic_block = 7;
const DW_LNS_const_add_pc = 8;
const DW_LNS_fixed_advance_pc = 9;
const DW_LNS_set_prologue_end = 10;
const DW_LNS_set_epilogue_begin = 11;
const DW_LNS_set_isa = 12;
const DW_LNE_end_sequence = 1;
const DW_LNE_set_address = 2;
const DW_LNE_define_file = 3;
const DW_LNE_set_discriminator = 4;
const DW_LNE_HP_set_sequence = 0x20;
const DW_LNCT_path = 1;
const DW_LNCT_directory_index = 2;
const DW_LNCT_timestamp = 3;
const DW_LNCT_size = 4;
const DW_LNCT_MD5 = 5;

/** One entry of the file name table (DWARF 5: index 0 is the primary source file). */
export interface LineFile {
  /** undefined when the path's form is neither DW_FORM_string nor DW_FORM_line_strp. */
  readonly name: string | undefined;
  readonly directoryIndex: number;
  readonly mtime: bigint;
  readonly length: bigint;
  readonly md5?: Uint8Array;
}

export interface LineHeader {
  /** Offset of the unit in .debug_line (what DW_AT_stmt_list names). */
  readonly offset: number;
  /** Offset one past the unit's last byte. */
  readonly end: number;
  readonly offsetSize: 4 | 8;
  readonly version: number;
  readonly addressSize: number | undefined;
  readonly segmentSelectorSize: number | undefined;
  readonly headerLength: bigint;
  readonly minInstructionLength: number;
  readonly maxOpsPerInstruction: number;
  readonly defaultIsStmt: boolean;
  readonly lineBase: number;
  /** As read; the program runs with 1 where this is 0 (as readelf does). */
  readonly lineRange: number;
  readonly opcodeBase: number;
  readonly standardOpcodeLengths: readonly number[];
  /** DWARF 5: index 0 is the compilation directory; before 5 the list holds entries 1.. */
  readonly directories: readonly (string | undefined)[];
  readonly files: readonly LineFile[];
}

/** One row of the line-number matrix. */
export interface LineRow {
  readonly address: number;
  readonly opIndex: number;
  readonly file: number;
  readonly line: number;
  readonly column: number;
  readonly isStmt: boolean;
  readonly basicBlock: boolean;
  readonly endSequence: boolean;
  readonly prologueEnd: boolean;
  readonly epilogueBegin: boolean;
  readonly isa: number;
  readonly discriminator: number;
  /** readelf's view number: rows at the same address count up from 0. */
  readonly view: number;
}

export type LineEvent =
  | { readonly kind: 'row'; readonly row: LineRow }
  | { readonly kind: 'set_file'; readonly file: number }
  | { readonly kind: 'define_file'; readonly entry: LineFile }
  | { readonly kind: 'set_isa'; readonly isa: bigint }
  | { readonly kind: 'unknown_standard'; readonly opcode: number; readonly operands: readonly bigint[] }
  | { readonly kind: 'unknown_extended'; readonly opcode: number; readonly length: number };

export interface LineProgram {
  readonly header: LineHeader;
  readonly events: readonly LineEvent[];
  readonly rows: readonly LineRow[];
  /** The file table with DW_LNE_define_file entries appended. */
  readonly files: readonly LineFile[];
}

export interface LineSectionInput {
  readonly fileName: string;
  /** .debug_line's bytes (relocated in an ET_REL object). */
  readonly bytes: Uint8Array;
  readonly lineStr?: Uint8Array;
  readonly str?: Uint8Array;
}

/** Addresses past this are refused (the state machine keeps them exact below 2^53). */
const MAX_ADDRESS = Number.MAX_SAFE_INTEGER;

/** Every line-number program of a .debug_line section, in section order. */
export function parseLineSection(input: LineSectionInput): LineProgram[] {
  const r = new ByteReader(input.bytes, input.fileName, '.debug_line');
  const out: LineProgram[] = [];
  while (!r.atEnd()) out.push(parseLineProgram(r, input));
  return out;
}

function readHeader(r: ByteReader, input: LineSectionInput): { header: LineHeader; programStart: number } {
  const offset = r.pos;
  const { offsetSize, unit: u, start, end } = readUnitLength(r);
  r.pos = start;
  const version = u.u16('version');
  if (version < 2 || version > 5) u.fail(u.pos - 2, `line table version ${version} is not 2, 3, 4 or 5`);
  let addressSize: number | undefined;
  let segmentSelectorSize: number | undefined;
  if (version >= 5) {
    addressSize = u.u8('address size');
    segmentSelectorSize = u.u8('segment selector size');
  }
  const headerLength = u.unsigned(offsetSize, 'header length');
  const minInstructionLength = u.u8('minimum instruction length');
  const maxAt = u.pos;
  const maxOpsPerInstruction = version >= 4 ? u.u8('maximum operations per instruction') : 1;
  if (maxOpsPerInstruction === 0) u.fail(maxAt, 'maximum operations per instruction is 0');
  const defaultIsStmt = u.u8('default_is_stmt') !== 0;
  const lineBase = u.s8('line_base');
  const lineRange = u.u8('line_range');
  const opcodeBase = u.u8('opcode_base');
  const standardOpcodeLengths: number[] = [];
  for (let i = 1; i < opcodeBase; i++) standardOpcodeLengths.push(u.u8('standard opcode length'));
  const directories: (string | undefined)[] = [];
  const files: LineFile[] = [];
  if (version >= 5) {
    const ctx: FormContext = { version, offsetSize, addressSize: addressSize ?? 4, str: input.str, lineStr: input.lineStr };
    for (const entry of entryTable(u, ctx, 'directory')) directories.push(entry.name);
    files.push(...entryTable(u, ctx, 'file name'));
  } else {
    for (;;) {
      const name = u.cstring('include directory');
      if (name === '') break;
      directories.push(name);
    }
    for (;;) {
      const name = u.cstring('file name');
      if (name === '') break;
      files.push({ name, directoryIndex: u.uleb('directory index'), mtime: u.ulebBig('modification time'), length: u.ulebBig('file length') });
    }
  }
  const header: LineHeader = {
    offset, end, offsetSize, version, addressSize, segmentSelectorSize, headerLength, minInstructionLength, maxOpsPerInstruction,
    defaultIsStmt, lineBase, lineRange, opcodeBase, standardOpcodeLengths, directories, files,
  };
  return { header, programStart: u.pos };
}

/** A DWARF 5 entry table: its format (content type, form pairs) then the entries. */
function entryTable(r: ByteReader, ctx: FormContext, what: string): LineFile[] {
  const formatCount = r.u8(`${what} entry format count`);
  const format: Array<{ type: number; form: number }> = [];
  for (let i = 0; i < formatCount; i++) format.push({ type: r.uleb(`${what} content type`), form: r.uleb(`${what} form`) });
  const countAt = r.pos;
  const count = r.ulebBig(`${what} count`);
  // Each entry takes at least one byte unless the format is empty.
  if (format.length > 0 && count > BigInt(r.remaining)) r.fail(countAt, `${count} ${what} entries cannot fit in the header`);
  if (format.length === 0 && count > 0x10000n) r.fail(countAt, `${count} ${what} entries with no content`);
  const out: LineFile[] = [];
  for (let n = 0; n < Number(count); n++) {
    let name: string | undefined;
    let directoryIndex = 0;
    let mtime = 0n;
    let length = 0n;
    let md5: Uint8Array | undefined;
    for (const { type, form } of format) {
      const v = readForm(r, form, ctx);
      switch (type) {
        case DW_LNCT_path:
          if (v.kind === 'string') name = v.value;
          break;
        case DW_LNCT_directory_index:
          if (v.kind === 'number' && (form === DW_FORM_data1 || form === DW_FORM_data2 || form === DW_FORM_udata)) directoryIndex = Number(BigInt.asUintN(32, v.value));
          break;
        case DW_LNCT_timestamp:
          if (v.kind === 'number') mtime = v.value;
          break;
        case DW_LNCT_size:
          if (v.kind === 'number') length = v.value;
          break;
        case DW_LNCT_MD5:
          if (v.kind === 'block') md5 = v.value;
          break;
        default:
          break;
      }
    }
    out.push({ name, directoryIndex, mtime, length, ...(md5 ? { md5 } : {}) });
  }
  return out;
}

interface State {
  address: number;
  opIndex: number;
  file: number;
  line: number;
  column: number;
  isStmt: boolean;
  basicBlock: boolean;
  prologueEnd: boolean;
  epilogueBegin: boolean;
  isa: number;
  discriminator: number;
  view: number;
}

function initialState(isStmt: boolean): State {
  return { address: 0, opIndex: 0, file: 1, line: 1, column: 0, isStmt, basicBlock: false, prologueEnd: false, epilogueBegin: false, isa: 0, discriminator: 0, view: 0 };
}

/** One unit: its header and its program run to the end of the unit. */
export function parseLineProgram(section: ByteReader, input: LineSectionInput): LineProgram {
  const { header, programStart } = readHeader(section, input);
  section.pos = header.end;
  const r = section.sub(programStart, header.end);
  const events: LineEvent[] = [];
  const rows: LineRow[] = [];
  const files = [...header.files];
  const range = header.lineRange === 0 ? 1 : header.lineRange;
  const maxOps = header.maxOpsPerInstruction;
  let s = initialState(header.defaultIsStmt);

  const advance = (operationAdvance: number, at: number): void => {
    let delta: number;
    if (maxOps === 1) {
      delta = operationAdvance * header.minInstructionLength;
    } else {
      delta = Math.floor((s.opIndex + operationAdvance) / maxOps) * header.minInstructionLength;
      s.opIndex = (s.opIndex + operationAdvance) % maxOps;
    }
    s.address += delta;
    if (s.address > MAX_ADDRESS) r.fail(at, 'the address advances past 2^53');
    if (delta) s.view = 0;
  };
  const emitRow = (endSequence: boolean): void => {
    const row: LineRow = { ...s, endSequence };
    rows.push(row);
    events.push({ kind: 'row', row });
    s.view++;
    s.basicBlock = false;
    s.prologueEnd = false;
    s.epilogueBegin = false;
    s.discriminator = 0;
    if (endSequence) s = initialState(header.defaultIsStmt);
  };

  while (!r.atEnd()) {
    const at = r.pos;
    const opcode = r.u8('opcode');
    if (opcode >= header.opcodeBase) {
      const adjusted = opcode - header.opcodeBase;
      advance(Math.floor(adjusted / range), at);
      s.line = (s.line + (adjusted % range) + header.lineBase) | 0;
      emitRow(false);
      continue;
    }
    switch (opcode) {
      case 0: {
        const length = r.uleb('extended opcode length');
        if (length === 0 || length > r.remaining) r.fail(at, 'badly formed extended line op');
        const opEnd = r.pos + length;
        const ext = r.u8('extended opcode');
        switch (ext) {
          case DW_LNE_end_sequence:
            r.pos = opEnd;
            emitRow(true);
            break;
          case DW_LNE_set_address: {
            const size = opEnd - r.pos;
            if (size !== 1 && size !== 2 && size !== 4 && size !== 8) r.fail(at, `DW_LNE_set_address with a ${size}-byte address`);
            const a = r.unsigned(size, 'address');
            if (a > BigInt(MAX_ADDRESS)) r.fail(at, 'DW_LNE_set_address past 2^53');
            s.address = Number(a);
            s.opIndex = 0;
            s.view = 0;
            break;
          }
          case DW_LNE_define_file: {
            const op = r.sub(r.pos, opEnd);
            const entry: LineFile = { name: op.cstring('file name'), directoryIndex: op.uleb('directory index'), mtime: op.ulebBig('modification time'), length: op.ulebBig('file length') };
            files.push(entry);
            events.push({ kind: 'define_file', entry });
            break;
          }
          case DW_LNE_set_discriminator:
            s.discriminator = Number(BigInt.asUintN(32, r.sub(r.pos, opEnd).ulebBig('discriminator')));
            break;
          case DW_LNE_HP_set_sequence:
            break;
          default:
            events.push({ kind: 'unknown_extended', opcode: ext, length: r.pos - at - 1 });
            break;
        }
        r.pos = opEnd;
        break;
      }
      case DW_LNS_copy:
        emitRow(false);
        break;
      case DW_LNS_advance_pc:
        advance(r.uleb('DW_LNS_advance_pc operand'), at);
        break;
      case DW_LNS_advance_line:
        s.line = (s.line + Number(BigInt.asIntN(32, r.slebBig('DW_LNS_advance_line operand')))) | 0;
        break;
      case DW_LNS_set_file:
        s.file = Number(BigInt.asUintN(32, r.ulebBig('DW_LNS_set_file operand')));
        events.push({ kind: 'set_file', file: s.file });
        break;
      case DW_LNS_set_column:
        s.column = Number(BigInt.asUintN(32, r.ulebBig('DW_LNS_set_column operand')));
        break;
      case DW_LNS_negate_stmt:
        s.isStmt = !s.isStmt;
        break;
      case DW_LNS_set_basic_block:
        s.basicBlock = true;
        break;
      case DW_LNS_const_add_pc:
        advance(Math.floor((255 - header.opcodeBase) / range), at);
        break;
      case DW_LNS_fixed_advance_pc:
        s.address += r.u16('DW_LNS_fixed_advance_pc operand');
        s.opIndex = 0;
        break;
      case DW_LNS_set_prologue_end:
        s.prologueEnd = true;
        break;
      case DW_LNS_set_epilogue_begin:
        s.epilogueBegin = true;
        break;
      case DW_LNS_set_isa: {
        const isa = r.ulebBig('DW_LNS_set_isa operand');
        s.isa = Number(BigInt.asUintN(32, isa));
        events.push({ kind: 'set_isa', isa });
        break;
      }
      default: {
        const operands: bigint[] = [];
        for (let i = header.standardOpcodeLengths[opcode - 1] ?? 0; i > 0; i--) operands.push(r.ulebBig('operand'));
        events.push({ kind: 'unknown_standard', opcode, operands });
        break;
      }
    }
  }
  return { header, events, rows, files };
}
