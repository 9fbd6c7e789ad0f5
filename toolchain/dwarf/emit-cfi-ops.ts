// Owns the encoding of one CFI operation as GNU as writes it, in two steps: which DW_CFA
// instruction it becomes (cfaOperation: the short forms DW_CFA_offset and DW_CFA_restore for
// registers up to 63, the _extended forms above, the _sf forms for offsets whose factored
// value is negative, offsets divided by the data alignment with C truncation; the shortest
// advance) and that instruction's bytes (writeCfaOperation). The row builder reads the
// instructions of the first step as it reads decoded ones, so rows known without bytes
// (language-server/cfi-rows.ts) are those of the bytes written.
import type { CfiOp } from '../asm/module';
import type { EmitBuffer } from './emit-buffer';
import type { CfaOperation } from './types';

const DW_CFA_advance_loc = 0x40;
const DW_CFA_offset = 0x80;
const DW_CFA_restore = 0xc0;
const DW_CFA_advance_loc1 = 0x02;
const DW_CFA_advance_loc2 = 0x03;
const DW_CFA_advance_loc4 = 0x04;
const DW_CFA_offset_extended = 0x05;
const DW_CFA_restore_extended = 0x06;
const DW_CFA_undefined = 0x07;
const DW_CFA_same_value = 0x08;
const DW_CFA_register = 0x09;
const DW_CFA_remember_state = 0x0a;
const DW_CFA_restore_state = 0x0b;
const DW_CFA_def_cfa = 0x0c;
const DW_CFA_def_cfa_register = 0x0d;
const DW_CFA_def_cfa_offset = 0x0e;
const DW_CFA_offset_extended_sf = 0x11;
const DW_CFA_def_cfa_sf = 0x12;
const DW_CFA_def_cfa_offset_sf = 0x13;
const DW_CFA_val_offset = 0x14;
const DW_CFA_val_offset_sf = 0x15;
const DW_CFA_GNU_args_size = 0x2e;

/** A CFI operation other than an escape (whose bytes are written as given). */
export type CfiRuleOp = Exclude<CfiOp, { readonly kind: 'escape' }>;

/** The factored form of a data offset: divided by the data alignment, truncated as C does. */
export function factoredOffset(offset: number, dataAlignment: number): number {
  return Math.trunc(offset / dataAlignment);
}

/** The DW_CFA instruction GNU as writes for an operation. */
export function cfaOperation(op: CfiRuleOp, dataAlignment: number): CfaOperation {
  switch (op.kind) {
    case 'def_cfa':
      return op.offset < 0
        ? { op: 'def_cfa_sf', reg: op.register, offset: factoredOffset(op.offset, dataAlignment) }
        : { op: 'def_cfa', reg: op.register, offset: op.offset };
    case 'def_cfa_register':
      return { op: 'def_cfa_register', reg: op.register };
    case 'def_cfa_offset':
      return op.offset < 0 ? { op: 'def_cfa_offset_sf', offset: factoredOffset(op.offset, dataAlignment) } : { op: 'def_cfa_offset', offset: op.offset };
    case 'offset': {
      const factored = factoredOffset(op.offset, dataAlignment);
      if (factored < 0) return { op: 'offset_extended_sf', reg: op.register, offset: factored };
      return { op: op.register <= 0x3f ? 'offset' : 'offset_extended', reg: op.register, offset: factored };
    }
    case 'val_offset': {
      const factored = factoredOffset(op.offset, dataAlignment);
      return { op: factored < 0 ? 'val_offset_sf' : 'val_offset', reg: op.register, offset: factored };
    }
    case 'register':
      return { op: 'register', reg: op.register, reg2: op.register2 };
    case 'restore':
      return { op: op.register <= 0x3f ? 'restore' : 'restore_extended', reg: op.register };
    case 'undefined':
      return { op: 'undefined', reg: op.register };
    case 'same_value':
      return { op: 'same_value', reg: op.register };
    case 'remember_state':
      return { op: 'remember_state' };
    case 'restore_state':
      return { op: 'restore_state' };
    case 'gnu_args_size':
      return { op: 'GNU_args_size', size: op.size };
  }
}

/** The shortest of DW_CFA_advance_loc, advance_loc1, advance_loc2, advance_loc4 for a positive delta. */
export function advanceOperation(delta: number): CfaOperation {
  return { op: delta <= 0x3f ? 'advance_loc' : delta <= 0xff ? 'advance_loc1' : delta <= 0xffff ? 'advance_loc2' : 'advance_loc4', delta };
}

/** Writes the instructions cfaOperation and advanceOperation give. */
export function writeCfaOperation(out: EmitBuffer, insn: CfaOperation): void {
  switch (insn.op) {
    case 'advance_loc': out.u8(DW_CFA_advance_loc + insn.delta); return;
    case 'advance_loc1': out.u8(DW_CFA_advance_loc1); out.u8(insn.delta); return;
    case 'advance_loc2': out.u8(DW_CFA_advance_loc2); out.u16(insn.delta); return;
    case 'advance_loc4': out.u8(DW_CFA_advance_loc4); out.u32(insn.delta); return;
    case 'def_cfa_sf': out.u8(DW_CFA_def_cfa_sf); out.uleb(insn.reg); out.sleb(insn.offset); return;
    case 'def_cfa': out.u8(DW_CFA_def_cfa); out.uleb(insn.reg); out.uleb(insn.offset); return;
    case 'def_cfa_register': out.u8(DW_CFA_def_cfa_register); out.uleb(insn.reg); return;
    case 'def_cfa_offset_sf': out.u8(DW_CFA_def_cfa_offset_sf); out.sleb(insn.offset); return;
    case 'def_cfa_offset': out.u8(DW_CFA_def_cfa_offset); out.uleb(insn.offset); return;
    case 'offset_extended_sf': out.u8(DW_CFA_offset_extended_sf); out.uleb(insn.reg); out.sleb(insn.offset); return;
    case 'offset': out.u8(DW_CFA_offset + insn.reg); out.uleb(insn.offset); return;
    case 'offset_extended': out.u8(DW_CFA_offset_extended); out.uleb(insn.reg); out.uleb(insn.offset); return;
    case 'val_offset_sf': out.u8(DW_CFA_val_offset_sf); out.uleb(insn.reg); out.sleb(insn.offset); return;
    case 'val_offset': out.u8(DW_CFA_val_offset); out.uleb(insn.reg); out.uleb(insn.offset); return;
    case 'register': out.u8(DW_CFA_register); out.uleb(insn.reg); out.uleb(insn.reg2); return;
    case 'restore': out.u8(DW_CFA_restore + insn.reg); return;
    case 'restore_extended': out.u8(DW_CFA_restore_extended); out.uleb(insn.reg); return;
    case 'undefined': out.u8(DW_CFA_undefined); out.uleb(insn.reg); return;
    case 'same_value': out.u8(DW_CFA_same_value); out.uleb(insn.reg); return;
    case 'remember_state': out.u8(DW_CFA_remember_state); return;
    case 'restore_state': out.u8(DW_CFA_restore_state); return;
    case 'GNU_args_size': out.u8(DW_CFA_GNU_args_size); out.uleb(insn.size); return;
    default:
      throw new Error(`the emitter writes no DW_CFA_${insn.op}`);
  }
}

export function encodeCfiOp(out: EmitBuffer, op: CfiOp, dataAlignment: number): void {
  if (op.kind === 'escape') out.bytes(op.bytes);
  else writeCfaOperation(out, cfaOperation(op, dataAlignment));
}
