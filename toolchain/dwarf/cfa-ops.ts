// Owns decoding a CIE's or FDE's call-frame instruction bytes (every DW_CFA_* of DWARF 5
// plus the GNU and MIPS extensions) into CfaInstruction values, unfactored.
import type { ByteReader } from './byte-reader';
import { decodeExpression } from './expression';
import { readEncodedPointer, type PointerBases } from './pointer-encoding';
import type { CfaInstruction } from './types';

export const DW_CFA_advance_loc = 0x40;
export const DW_CFA_offset = 0x80;
export const DW_CFA_restore = 0xc0;
export const DW_CFA_lo_user = 0x1c;
export const DW_CFA_hi_user = 0x3f;

/** The readelf name of an instruction ("DW_CFA_def_cfa"). */
export function cfaOpName(insn: CfaInstruction): string {
  return insn.op === 'user' ? 'DW_CFA_???' : `DW_CFA_${insn.op}`;
}

export interface CfaDecodeContext {
  /** FDE pointer encoding (for DW_CFA_set_loc). */
  readonly fdeEncoding: number;
  readonly bases: PointerBases;
}

/**
 * Decodes instructions from the reader's position to its end. A vendor opcode with no
 * known meaning ends the list (its length is unknowable); unknown standard opcodes
 * and operands running past the entry are InputErrors.
 */
export function decodeCfaInstructions(r: ByteReader, ctx: CfaDecodeContext): CfaInstruction[] {
  const out: CfaInstruction[] = [];
  while (!r.atEnd()) {
    const at = r.pos;
    const byte = r.u8();
    const high = byte & 0xc0;
    const low = byte & 0x3f;
    if (high === DW_CFA_advance_loc) { out.push({ at, op: 'advance_loc', delta: low }); continue; }
    if (high === DW_CFA_offset) { out.push({ at, op: 'offset', reg: low, offset: r.uleb('DW_CFA_offset operand') }); continue; }
    if (high === DW_CFA_restore) { out.push({ at, op: 'restore', reg: low }); continue; }
    switch (byte) {
      case 0x00: out.push({ at, op: 'nop' }); break;
      case 0x01: out.push({ at, op: 'set_loc', address: readEncodedPointer(r, ctx.fdeEncoding, ctx.bases, 'DW_CFA_set_loc address') }); break;
      case 0x02: out.push({ at, op: 'advance_loc1', delta: r.u8('DW_CFA_advance_loc1 delta') }); break;
      case 0x03: out.push({ at, op: 'advance_loc2', delta: r.u16('DW_CFA_advance_loc2 delta') }); break;
      case 0x04: out.push({ at, op: 'advance_loc4', delta: r.u32('DW_CFA_advance_loc4 delta') }); break;
      case 0x05: out.push({ at, op: 'offset_extended', reg: reg(r, 'DW_CFA_offset_extended'), offset: r.uleb('DW_CFA_offset_extended offset') }); break;
      case 0x06: out.push({ at, op: 'restore_extended', reg: reg(r, 'DW_CFA_restore_extended') }); break;
      case 0x07: out.push({ at, op: 'undefined', reg: reg(r, 'DW_CFA_undefined') }); break;
      case 0x08: out.push({ at, op: 'same_value', reg: reg(r, 'DW_CFA_same_value') }); break;
      case 0x09: out.push({ at, op: 'register', reg: reg(r, 'DW_CFA_register'), reg2: reg(r, 'DW_CFA_register') }); break;
      case 0x0a: out.push({ at, op: 'remember_state' }); break;
      case 0x0b: out.push({ at, op: 'restore_state' }); break;
      case 0x0c: out.push({ at, op: 'def_cfa', reg: reg(r, 'DW_CFA_def_cfa'), offset: r.uleb('DW_CFA_def_cfa offset') }); break;
      case 0x0d: out.push({ at, op: 'def_cfa_register', reg: reg(r, 'DW_CFA_def_cfa_register') }); break;
      case 0x0e: out.push({ at, op: 'def_cfa_offset', offset: r.uleb('DW_CFA_def_cfa_offset offset') }); break;
      case 0x0f: out.push({ at, op: 'def_cfa_expression', expression: expression(r, ctx, 'DW_CFA_def_cfa_expression') }); break;
      case 0x10: { const rg = reg(r, 'DW_CFA_expression'); out.push({ at, op: 'expression', reg: rg, expression: expression(r, ctx, 'DW_CFA_expression') }); break; }
      case 0x11: out.push({ at, op: 'offset_extended_sf', reg: reg(r, 'DW_CFA_offset_extended_sf'), offset: r.sleb('DW_CFA_offset_extended_sf offset') }); break;
      case 0x12: out.push({ at, op: 'def_cfa_sf', reg: reg(r, 'DW_CFA_def_cfa_sf'), offset: r.sleb('DW_CFA_def_cfa_sf offset') }); break;
      case 0x13: out.push({ at, op: 'def_cfa_offset_sf', offset: r.sleb('DW_CFA_def_cfa_offset_sf offset') }); break;
      case 0x14: out.push({ at, op: 'val_offset', reg: reg(r, 'DW_CFA_val_offset'), offset: r.uleb('DW_CFA_val_offset offset') }); break;
      case 0x15: out.push({ at, op: 'val_offset_sf', reg: reg(r, 'DW_CFA_val_offset_sf'), offset: r.sleb('DW_CFA_val_offset_sf offset') }); break;
      case 0x16: { const rg = reg(r, 'DW_CFA_val_expression'); out.push({ at, op: 'val_expression', reg: rg, expression: expression(r, ctx, 'DW_CFA_val_expression') }); break; }
      case 0x1d: out.push({ at, op: 'MIPS_advance_loc8', delta: safeU64(r, 'DW_CFA_MIPS_advance_loc8 delta') }); break;
      case 0x2d: out.push({ at, op: 'GNU_window_save' }); break;
      case 0x2e: out.push({ at, op: 'GNU_args_size', size: r.uleb('DW_CFA_GNU_args_size size') }); break;
      case 0x2f: out.push({ at, op: 'GNU_negative_offset_extended', reg: reg(r, 'DW_CFA_GNU_negative_offset_extended'), offset: r.sleb('DW_CFA_GNU_negative_offset_extended offset') }); break;
      default:
        if (byte >= DW_CFA_lo_user && byte <= DW_CFA_hi_user) {
          out.push({ at, op: 'user', opcode: byte });
          r.pos = r.end;
          break;
        }
        r.fail(at, `unknown call frame instruction 0x${byte.toString(16)}`);
    }
  }
  return out;
}

/** Register numbers beyond this are bad input (DWARF i386 numbers stop near 100). */
const MAX_REGISTER = 0xffff;

function reg(r: ByteReader, what: string): number {
  const at = r.pos;
  const n = r.uleb(`${what} register`);
  if (n > MAX_REGISTER) r.fail(at, `${what} register ${n} is out of range`);
  return n;
}

function expression(r: ByteReader, ctx: CfaDecodeContext, what: string) {
  const at = r.pos;
  const length = r.uleb(`${what} length`);
  if (length > r.remaining) r.fail(at, `${what} of ${length} bytes runs past the end of its entry`);
  return decodeExpression(r, length, { addressSize: ctx.bases.addressSize, sectionAddress: ctx.bases.sectionAddress });
}

function safeU64(r: ByteReader, what: string): number {
  const at = r.pos;
  const v = r.u64(what);
  if (v > BigInt(Number.MAX_SAFE_INTEGER)) r.fail(at, `${what} ${v} is too large`);
  return Number(v);
}
