// Owns decoding DWARF expressions (DW_OP_*) into a list of operations with exact
// operands, byte offsets and lengths, ready for a stack-machine evaluator (bra/skip
// targets are byte offsets, mapped through `at`). Evaluation lives with the unwinder.
import type { ByteReader } from './byte-reader';
import { readEncodedPointer, DW_EH_PE_omit } from './pointer-encoding';
import type { DwarfExpression, DwarfOp } from './types';

/** Operand kinds, read in order. */
type Operand = 'u1' | 's1' | 'u2' | 's2' | 'u4' | 's4' | 'u8' | 's8' | 'uleb' | 'sleb' | 'addr';

interface OpSpec {
  readonly name: string;
  readonly operands: readonly Operand[];
  /** Extra payload after the operands. */
  readonly payload?: 'block-uleb' | 'block-u1' | 'nested' | 'encoded' | 'frame-info';
}

const SPECS = new Map<number, OpSpec>();
function def(opcode: number, name: string, operands: readonly Operand[] = [], payload?: OpSpec['payload']): void {
  SPECS.set(opcode, payload ? { name, operands, payload } : { name, operands });
}

def(0x03, 'DW_OP_addr', ['addr']);
def(0x06, 'DW_OP_deref');
def(0x08, 'DW_OP_const1u', ['u1']);
def(0x09, 'DW_OP_const1s', ['s1']);
def(0x0a, 'DW_OP_const2u', ['u2']);
def(0x0b, 'DW_OP_const2s', ['s2']);
def(0x0c, 'DW_OP_const4u', ['u4']);
def(0x0d, 'DW_OP_const4s', ['s4']);
def(0x0e, 'DW_OP_const8u', ['u8']);
def(0x0f, 'DW_OP_const8s', ['s8']);
def(0x10, 'DW_OP_constu', ['uleb']);
def(0x11, 'DW_OP_consts', ['sleb']);
def(0x12, 'DW_OP_dup');
def(0x13, 'DW_OP_drop');
def(0x14, 'DW_OP_over');
def(0x15, 'DW_OP_pick', ['u1']);
def(0x16, 'DW_OP_swap');
def(0x17, 'DW_OP_rot');
def(0x18, 'DW_OP_xderef');
def(0x19, 'DW_OP_abs');
def(0x1a, 'DW_OP_and');
def(0x1b, 'DW_OP_div');
def(0x1c, 'DW_OP_minus');
def(0x1d, 'DW_OP_mod');
def(0x1e, 'DW_OP_mul');
def(0x1f, 'DW_OP_neg');
def(0x20, 'DW_OP_not');
def(0x21, 'DW_OP_or');
def(0x22, 'DW_OP_plus');
def(0x23, 'DW_OP_plus_uconst', ['uleb']);
def(0x24, 'DW_OP_shl');
def(0x25, 'DW_OP_shr');
def(0x26, 'DW_OP_shra');
def(0x27, 'DW_OP_xor');
def(0x28, 'DW_OP_bra', ['s2']);
def(0x29, 'DW_OP_eq');
def(0x2a, 'DW_OP_ge');
def(0x2b, 'DW_OP_gt');
def(0x2c, 'DW_OP_le');
def(0x2d, 'DW_OP_lt');
def(0x2e, 'DW_OP_ne');
def(0x2f, 'DW_OP_skip', ['s2']);
for (let i = 0; i < 32; i++) {
  def(0x30 + i, `DW_OP_lit${i}`);
  def(0x50 + i, `DW_OP_reg${i}`);
  def(0x70 + i, `DW_OP_breg${i}`, ['sleb']);
}
def(0x90, 'DW_OP_regx', ['uleb']);
def(0x91, 'DW_OP_fbreg', ['sleb']);
def(0x92, 'DW_OP_bregx', ['uleb', 'sleb']);
def(0x93, 'DW_OP_piece', ['uleb']);
def(0x94, 'DW_OP_deref_size', ['u1']);
def(0x95, 'DW_OP_xderef_size', ['u1']);
def(0x96, 'DW_OP_nop');
def(0x97, 'DW_OP_push_object_address');
def(0x98, 'DW_OP_call2', ['s2']);
def(0x99, 'DW_OP_call4', ['s4']);
def(0x9a, 'DW_OP_call_ref', [], 'frame-info');
def(0x9b, 'DW_OP_form_tls_address');
def(0x9c, 'DW_OP_call_frame_cfa');
def(0x9d, 'DW_OP_bit_piece', ['uleb', 'uleb']);
def(0x9e, 'DW_OP_implicit_value', ['uleb'], 'block-uleb');
def(0x9f, 'DW_OP_stack_value');
def(0xa0, 'DW_OP_implicit_pointer', [], 'frame-info');
def(0xa1, 'DW_OP_addrx', ['uleb']);
def(0xa3, 'DW_OP_entry_value', ['uleb'], 'nested');
def(0xa4, 'DW_OP_const_type', ['uleb', 'u1'], 'block-u1');
def(0xa5, 'DW_OP_regval_type', ['uleb', 'uleb']);
def(0xa6, 'DW_OP_deref_type', ['u1', 'uleb']);
def(0xa8, 'DW_OP_convert', ['uleb']);
def(0xa9, 'DW_OP_reinterpret', ['uleb']);
def(0xe0, 'DW_OP_GNU_push_tls_address');
def(0xe1, 'DW_OP_HP_is_value');
def(0xe2, 'DW_OP_HP_fltconst4');
def(0xe3, 'DW_OP_HP_fltconst8');
def(0xe4, 'DW_OP_HP_mod_range');
def(0xe5, 'DW_OP_HP_unmod_range');
def(0xe6, 'DW_OP_HP_tls');
def(0xf0, 'DW_OP_GNU_uninit');
def(0xf1, 'DW_OP_GNU_encoded_addr', [], 'encoded');
def(0xf2, 'DW_OP_GNU_implicit_pointer', [], 'frame-info');
def(0xf3, 'DW_OP_GNU_entry_value', ['uleb'], 'nested');
def(0xf4, 'DW_OP_GNU_const_type', ['uleb', 'u1'], 'block-u1');
def(0xf5, 'DW_OP_GNU_regval_type', ['uleb', 'uleb']);
def(0xf6, 'DW_OP_GNU_deref_type', ['u1', 'uleb']);
def(0xf7, 'DW_OP_GNU_convert', ['uleb']);
def(0xf8, 'DW_OP_PGI_omp_thread_num');
def(0xf9, 'DW_OP_GNU_reinterpret', ['uleb']);
def(0xfa, 'DW_OP_GNU_parameter_ref', ['u4']);
def(0xfb, 'DW_OP_GNU_addr_index', ['uleb']);
def(0xfc, 'DW_OP_GNU_const_index', ['uleb']);
def(0xfd, 'DW_OP_GNU_variable_value', [], 'frame-info');

export const DW_OP_lo_user = 0xe0;

/** The name of a DW_OP opcode ("DW_OP_<hex>" when unknown). */
export function dwOpName(opcode: number): string {
  return SPECS.get(opcode)?.name ?? `DW_OP_0x${opcode.toString(16)}`;
}

export interface ExpressionContext {
  /** Address size for DW_OP_addr (4 on i386). */
  readonly addressSize: number;
  /** Address of the section (for GNU_encoded_addr's pcrel pointers). */
  readonly sectionAddress: number;
}

/** Nested entry_value expressions deeper than this are bad input. */
const MAX_DEPTH = 8;

/**
 * Decodes `length` bytes at the reader's position as a DWARF expression; the reader
 * ends one past the expression. Operands running past the expression are an InputError.
 */
export function decodeExpression(r: ByteReader, length: number, ctx: ExpressionContext, depth = 0): DwarfExpression {
  const start = r.pos;
  const sub = r.sub(start, start + length);
  r.pos = start + length;
  const ops: DwarfOp[] = [];
  if (depth > MAX_DEPTH) sub.fail(start, 'DW_OP_entry_value nested too deeply');
  while (!sub.atEnd()) {
    const opStart = sub.pos;
    const opcode = sub.u8('DW_OP opcode');
    const spec = SPECS.get(opcode);
    const at = opStart - start;
    if (!spec || spec.payload === 'frame-info') {
      const undecodable = spec ? 'frame-info' : opcode >= DW_OP_lo_user ? 'user' : 'unknown';
      ops.push({ opcode, name: dwOpName(opcode), operands: [], at, length: 1, undecodable });
      break;
    }
    const what = spec.name;
    const operands: bigint[] = [];
    for (const kind of spec.operands) operands.push(readOperand(sub, kind, ctx, what));
    let block: Uint8Array | undefined;
    let nested: DwarfExpression | undefined;
    let pointer: DwarfOp['pointer'];
    if (spec.payload === 'block-uleb' || spec.payload === 'block-u1') {
      const n = operands[operands.length - 1]!;
      if (n > BigInt(sub.remaining)) sub.fail(sub.pos, `${what} block of ${n} bytes runs past the expression`);
      block = sub.bytesView(Number(n), what);
    } else if (spec.payload === 'nested') {
      const n = operands[0]!;
      if (n > BigInt(sub.remaining)) sub.fail(sub.pos, `${what} expression of ${n} bytes runs past the expression`);
      nested = decodeExpression(sub, Number(n), ctx, depth + 1);
    } else if (spec.payload === 'encoded') {
      const encoding = sub.u8(what);
      if (encoding === DW_EH_PE_omit) sub.fail(opStart, `${what} with omitted pointer`);
      pointer = readEncodedPointer(sub, encoding, { sectionAddress: ctx.sectionAddress, addressSize: ctx.addressSize }, what);
      operands.push(BigInt(encoding), pointer.raw);
    }
    const op: DwarfOp = { opcode, name: spec.name, operands, at, length: sub.pos - opStart, ...(block ? { block } : {}), ...(nested ? { nested } : {}), ...(pointer ? { pointer } : {}) };
    ops.push(op);
  }
  return { ops, offset: start, length, bytes: r.bytes.subarray(start, start + length) };
}

function readOperand(r: ByteReader, kind: Operand, ctx: ExpressionContext, what: string): bigint {
  switch (kind) {
    case 'u1': return r.unsigned(1, what);
    case 's1': return r.signed(1, what);
    case 'u2': return r.unsigned(2, what);
    case 's2': return r.signed(2, what);
    case 'u4': return r.unsigned(4, what);
    case 's4': return r.signed(4, what);
    case 'u8': return r.unsigned(8, what);
    case 's8': return r.signed(8, what);
    case 'uleb': return r.ulebBig(what);
    case 'sleb': return r.slebBig(what);
    case 'addr': return r.unsigned(ctx.addressSize, what);
  }
}
