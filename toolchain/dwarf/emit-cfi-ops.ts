// Owns the byte encoding of one CFI operation as GNU as writes it: the short forms
// (DW_CFA_offset, DW_CFA_restore) for registers up to 63, the _extended forms above,
// the _sf forms for offsets whose factored value is negative, offsets divided by the
// data alignment with C truncation.
import type { CfiOp } from '../asm/module';
import type { EmitBuffer } from './emit-buffer';

const DW_CFA_offset = 0x80;
const DW_CFA_restore = 0xc0;
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

export function encodeCfiOp(out: EmitBuffer, op: CfiOp, dataAlignment: number): void {
  switch (op.kind) {
    case 'def_cfa':
      if (op.offset < 0) {
        out.u8(DW_CFA_def_cfa_sf);
        out.uleb(op.register);
        out.sleb(Math.trunc(op.offset / dataAlignment));
      } else {
        out.u8(DW_CFA_def_cfa);
        out.uleb(op.register);
        out.uleb(op.offset);
      }
      return;
    case 'def_cfa_register':
      out.u8(DW_CFA_def_cfa_register);
      out.uleb(op.register);
      return;
    case 'def_cfa_offset':
      if (op.offset < 0) {
        out.u8(DW_CFA_def_cfa_offset_sf);
        out.sleb(Math.trunc(op.offset / dataAlignment));
      } else {
        out.u8(DW_CFA_def_cfa_offset);
        out.uleb(op.offset);
      }
      return;
    case 'offset': {
      const factored = Math.trunc(op.offset / dataAlignment);
      if (factored < 0) {
        out.u8(DW_CFA_offset_extended_sf);
        out.uleb(op.register);
        out.sleb(factored);
      } else if (op.register <= 0x3f) {
        out.u8(DW_CFA_offset + op.register);
        out.uleb(factored);
      } else {
        out.u8(DW_CFA_offset_extended);
        out.uleb(op.register);
        out.uleb(factored);
      }
      return;
    }
    case 'val_offset': {
      const factored = Math.trunc(op.offset / dataAlignment);
      out.u8(factored < 0 ? DW_CFA_val_offset_sf : DW_CFA_val_offset);
      out.uleb(op.register);
      if (factored < 0) out.sleb(factored);
      else out.uleb(factored);
      return;
    }
    case 'register':
      out.u8(DW_CFA_register);
      out.uleb(op.register);
      out.uleb(op.register2);
      return;
    case 'restore':
      if (op.register <= 0x3f) out.u8(DW_CFA_restore + op.register);
      else {
        out.u8(DW_CFA_restore_extended);
        out.uleb(op.register);
      }
      return;
    case 'undefined':
      out.u8(DW_CFA_undefined);
      out.uleb(op.register);
      return;
    case 'same_value':
      out.u8(DW_CFA_same_value);
      out.uleb(op.register);
      return;
    case 'remember_state':
      out.u8(DW_CFA_remember_state);
      return;
    case 'restore_state':
      out.u8(DW_CFA_restore_state);
      return;
    case 'escape':
      out.bytes(op.bytes);
      return;
    case 'gnu_args_size':
      out.u8(DW_CFA_GNU_args_size);
      out.uleb(op.size);
      return;
  }
}
