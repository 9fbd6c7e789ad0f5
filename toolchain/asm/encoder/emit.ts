// Owns turning one chosen Form into bytes: prefixes in GAS's order (segment, 67, 66, lock/rep,
// then a mandatory prefix), opcode, modrm/SIB with GAS's displacement choices (none, disp8,
// disp32; [ebp] takes disp8 0; esp base takes a SIB), immediates, and the fixups for fields
// whose value is not absolute yet, with GAS's R_386_* type for each.
import type { Expr } from '../expr';
import { MODRM_NONE, MODRM_REG, OperandKind as K } from '../../isa/entry';
import { Op } from '../../isa/ops';
import type { Form } from './match';
import type { MemOperand } from './operands';
import { SEG_PREFIX_BYTES } from './registers';
import {
  R_386_16, R_386_32, R_386_8, R_386_GOT32, R_386_GOT32X, R_386_GOTOFF, R_386_GOTPC, R_386_PC16, R_386_PC32, R_386_PC8,
  R_386_PLT32, R_386_TLS_GD, R_386_TLS_GOTIE, R_386_TLS_IE, R_386_TLS_LDM, R_386_TLS_LDO_32, R_386_TLS_LE, R_386_TLS_LE_32,
  R_386_TLS_IE_32, type EncodeContext, type Fixup,
} from './types';

/** Prefix bytes written before the mnemonic, by GAS's slot: segment, address, data, lock/rep. */
export interface PrefixSlots {
  seg?: number;
  addr?: number;
  data?: number;
  lockRep: number[];
}

/** `foo@SUFFIX` -> R_386_* (for a 4-byte field). */
const RELOC_SUFFIX: Readonly<Record<string, number>> = {
  GOT: R_386_GOT32, GOTOFF: R_386_GOTOFF, PLT: R_386_PLT32, GOTPC: R_386_GOTPC, TLSGD: R_386_TLS_GD, TLSLDM: R_386_TLS_LDM,
  DTPOFF: R_386_TLS_LDO_32, NTPOFF: R_386_TLS_LE, GOTNTPOFF: R_386_TLS_GOTIE, INDNTPOFF: R_386_TLS_IE, TPOFF: R_386_TLS_LE_32,
  GOTTPOFF: R_386_TLS_IE_32,
};

function findSymbol(e: Expr): { name: string; reloc?: string } | undefined {
  switch (e.kind) {
    case 'symbol': return e;
    case 'unary': return findSymbol(e.operand);
    case 'binary': return findSymbol(e.left) ?? findSymbol(e.right);
    default: return undefined;
  }
}

/** An error the emitter finds (an unknown @suffix): GAS's text. */
export class EmitError extends Error {}

/** GAS loads through the GOT that the linker may relax get R_386_GOT32X (mov, call/jmp *, test, binops). */
function relaxableGotLoad(f: Form): boolean {
  const e = f.entry;
  if (e.op === Op.CallIndirect || e.op === Op.JmpIndirect) return true;
  if (e.op === Op.Mov && e.opcode === 0x8b) return true;
  if (e.op === Op.Test && e.opcode === 0x85) return true;
  return e.map === 0 && e.opcode < 0x40 && (e.opcode & 7) === 3;
}

function relocType(expr: Expr, size: 1 | 2 | 4, pcrel: boolean, form: Form, inMem: boolean): number {
  const sym = findSymbol(expr);
  if (sym?.reloc) {
    let t = RELOC_SUFFIX[sym.reloc.toUpperCase()];
    if (t === undefined) throw new EmitError(`bad reloc specifier \`${sym.reloc}' in expression`);
    if (t === R_386_GOT32 && inMem && relaxableGotLoad(form)) t = R_386_GOT32X;
    return t;
  }
  if (!pcrel && size === 4 && sym?.name === '_GLOBAL_OFFSET_TABLE_') return R_386_GOTPC;
  if (pcrel) return size === 4 ? R_386_PC32 : size === 2 ? R_386_PC16 : R_386_PC8;
  return size === 4 ? R_386_32 : size === 2 ? R_386_16 : R_386_8;
}

/**
 * A constant operand as GNU as --32 holds it (extend_to_32bit_address): a value that fits 32
 * bits unsigned is sign-extended from bit 31, one outside the signed 32-bit range cut to 32 bits.
 */
export function gasValue(v: bigint): bigint {
  if (v >= 0n && v <= 0xffffffffn) return BigInt.asIntN(32, v);
  return v >= -0x80000000n && v <= 0xffffffffn ? v : v & 0xffffffffn;
}

/**
 * The value GNU as compares with a field of `size` bytes when it chooses an encoding (optimize_imm,
 * optimize_disp): sign-extended from the field's width when it fits that width unsigned, else as it is.
 */
export function fieldValue(v: bigint, size: number): bigint {
  const x = gasValue(v);
  return (x & ~((1n << BigInt(8 * size)) - 1n)) === 0n ? BigInt.asIntN(8 * size, x) : x;
}

/** GNU as's warning for a constant that does not fit its field of 1 or 2 bytes (offset_in_range), if any. */
function shortened(v: bigint, size: number): string | undefined {
  if (size >= 4) return undefined;
  const mask = (1n << BigInt(8 * size)) - 1n;
  const val = BigInt.asUintN(64, gasValue(v));
  if ((val & ~mask) === 0n || (BigInt.asUintN(64, -val) & ~mask) === 0n) return undefined;
  return `0x${val.toString(16)} shortened to 0x${(val & mask).toString(16)}`;
}

class Out {
  readonly bytes: number[] = [];
  readonly fixups: Fixup[] = [];
  readonly warnings: string[] = [];
  constructor(readonly ctx: EncodeContext, readonly form: Form) {}

  le(v: bigint, size: number): void {
    for (let i = 0; i < size; i++) this.bytes.push(Number((v >> BigInt(8 * i)) & 0xffn));
  }

  /** A field holding `expr`: its value when absolute, else zeros and a fixup. */
  field(expr: Expr | undefined, size: 1 | 2 | 4, pcrel = false, inMem = false): void {
    if (!expr) { this.le(0n, size); return; }
    const v = this.ctx.evaluate(expr);
    if (v.kind === 'absolute' && !pcrel) {
      // GAS shortens the value it holds: a displacement's, or an immediate's after the widening of a byte or word operation.
      const warning = shortened(fieldValue(v.value, inMem || this.form.opSize <= 2 ? 2 : 4), size);
      if (warning) this.warnings.push(warning);
      this.le(v.value, size);
      return;
    }
    const offset = this.bytes.length;
    const type = relocType(expr, size, pcrel, this.form, inMem);
    let fixed = expr;
    if (type === R_386_GOTPC && !findSymbol(expr)?.reloc) {
      // GAS makes `$_GLOBAL_OFFSET_TABLE_` relative to the instruction's start.
      fixed = { kind: 'binary', op: '+', left: expr, right: { kind: 'number', value: BigInt(offset) } };
    }
    this.fixups.push({ offset, size, expr: fixed, pcrel, relocType: type });
    this.le(0n, size);
  }
}

/** Operand kinds held in modrm.rm (a register, an x87 stack register, or memory). */
const RM_KINDS = new Set([K.Eb, K.Ew, K.Ed, K.Ev, K.Esw, K.M, K.Mp, K.Ma, K.Mq, K.STi, K.Mw, K.Md, K.Mt, K.Me, K.Ms, K.Mx]);

/** Absolute value of an expression, or undefined when it is a symbol or not known yet. */
export function absolute(ctx: EncodeContext, e: Expr | undefined): bigint | undefined {
  if (!e) return 0n;
  const v = ctx.evaluate(e);
  return v.kind === 'absolute' ? v.value : undefined;
}

const RM16: Readonly<Record<string, number>> = { '3,6': 0, '3,7': 1, '5,6': 2, '5,7': 3, '6,': 4, '7,': 5, '5,': 6, '3,': 7 };

/** Modrm (+SIB, +disp) for a memory operand; the address-size prefix need comes back in `addr16`. */
function memory(out: Out, m: MemOperand, regField: number, defaultSize: 2 | 4): void {
  const ctx = out.ctx;
  const sixteen = m.base?.cls === 'r16' || m.index?.cls === 'r16' || (!m.base && !m.index && defaultSize === 2);
  const dispValue = absolute(ctx, m.disp);
  const dispKnown = dispValue !== undefined;
  if (sixteen) {
    const key = `${m.base?.num ?? ''},${m.index?.num ?? ''}`;
    if (!m.base && !m.index) {
      out.bytes.push((regField << 3) | 6);
      out.field(m.disp, 2, false, true);
      return;
    }
    const rm = RM16[key]!;
    const d = dispKnown ? fieldValue(dispValue, 2) : 0n;
    if (dispKnown && d === 0n && rm !== 6) out.bytes.push((regField << 3) | rm);
    else if (dispKnown && d >= -128n && d <= 127n) { out.bytes.push(0x40 | (regField << 3) | rm); out.le(d, 1); }
    else { out.bytes.push(0x80 | (regField << 3) | rm); out.field(m.disp, 2, false, true); }
    return;
  }
  const scaleBits = m.scale === 1 ? 0 : m.scale === 2 ? 1 : m.scale === 4 ? 2 : 3;
  if (!m.base && !m.index) {
    out.bytes.push((regField << 3) | 5);
    out.field(m.disp, 4, false, true);
    return;
  }
  if (!m.base) {
    out.bytes.push((regField << 3) | 4, (scaleBits << 6) | (m.index!.num << 3) | 5);
    out.field(m.disp, 4, false, true);
    return;
  }
  const base = m.base.num;
  const needSib = m.index !== undefined || base === 4;
  const d = dispKnown ? BigInt.asIntN(32, dispValue) : 0n;
  const mod = dispKnown && d === 0n && base !== 5 ? 0 : dispKnown && d >= -128n && d <= 127n ? 1 : 2;
  out.bytes.push((mod << 6) | (regField << 3) | (needSib ? 4 : base));
  if (needSib) out.bytes.push((scaleBits << 6) | ((m.index?.num ?? 4) << 3) | base);
  if (mod === 1) out.le(d, 1);
  else if (mod === 2) out.field(m.disp, 4, false, true);
}

/** The memory operand of a form (r/m, moffs, string or xlat operand), if any. */
export function memOperand(f: Form): MemOperand | undefined {
  let dest: MemOperand | undefined;
  for (let i = 0; i < f.bound.length; i++) {
    const o = f.bound[i];
    if (o?.kind !== 'mem' || (o.base?.cls === 'r16' && o.base.num === 2)) continue;
    const k = f.entry.operands[i];
    if (k === K.Yb || k === K.Yv) dest ??= o;
    else return o;
  }
  return dest;
}

/** Segment the CPU uses for a memory operand without override. */
function defaultSegment(f: Form, m: MemOperand): number {
  if (f.entry.operands.some((k) => k === K.Yb || k === K.Yv) && m.base?.num === 7) return 0;
  const bpBased = m.base && (m.base.cls === 'r32' ? m.base.num === 4 || m.base.num === 5 : m.base.num === 5);
  return bpBased ? 2 : 3;
}

export interface Emitted {
  readonly bytes: Uint8Array;
  readonly fixups: Fixup[];
  /** GNU as's warnings for the encoding (a constant shortened to its field). */
  readonly warnings: readonly string[];
}

/**
 * Encodes one form. `prefixes` holds the prefixes written on the line (it is not modified).
 * Direct branch targets (Jb/Jz) become pc-relative fixups at the end.
 */
export function emitForm(form: Form, prefixes: PrefixSlots, ctx: EncodeContext): Emitted {
  const e = form.entry;
  const defaultSize: 2 | 4 = ctx.codeSize === 16 ? 2 : 4;
  const slots: PrefixSlots = { ...prefixes, lockRep: [...prefixes.lockRep] };
  const mem = memOperand(form);
  if (mem?.seg && slots.seg === undefined && mem.seg.num !== defaultSegment(form, mem)) slots.seg = SEG_PREFIX_BYTES[mem.seg.num];
  const memSize = mem ? (mem.base?.cls ?? mem.index?.cls) : undefined;
  if ((memSize === 'r16' && defaultSize === 4) || (memSize === 'r32' && defaultSize === 2) ||
      (form.addrSize && form.addrSize !== defaultSize)) slots.addr ??= 0x67;
  if (form.opSize !== defaultSize && followsOpSizeForPrefix(form)) slots.data ??= 0x66;
  const out = new Out(ctx, form);
  for (const b of [slots.seg, slots.addr, slots.data, ...slots.lockRep]) if (b !== undefined) out.bytes.push(b);
  // fwait goes before every prefix (it is an instruction of its own to the CPU).
  if (e.mandatoryPrefix === 0x9b) out.bytes.unshift(0x9b);
  else if (e.mandatoryPrefix) out.bytes.push(e.mandatoryPrefix);
  if (e.map === 1) out.bytes.push(0x0f);
  let opcode = e.opcode;
  if (e.regInOpcode) {
    const z = e.operands.findIndex((k) => k === K.Zb || k === K.Zv || k === K.Zd);
    const o = form.bound[z];
    if (o?.kind === 'reg') opcode += o.reg.num;
  }
  out.bytes.push(opcode);
  if (e.modrm !== MODRM_NONE) {
    let regField = e.modrm;
    if (e.modrm === MODRM_REG) {
      const g = e.operands.findIndex((k) => k === K.Gb || k === K.Gw || k === K.Gd || k === K.Gv || k === K.Sw);
      const o = form.bound[g];
      regField = o?.kind === 'reg' ? o.reg.num : 0;
    }
    if (e.modrmByte >= 0) out.bytes.push(e.modrmByte);
    else {
      const r = e.operands.findIndex((k) => RM_KINDS.has(k));
      const o = form.bound[r];
      if (o?.kind === 'reg') out.bytes.push(0xc0 | (regField << 3) | o.reg.num);
      else if (o?.kind === 'mem') memory(out, o, regField, defaultSize);
    }
  }
  e.operands.forEach((k, i) => {
    const o = form.bound[i];
    switch (k) {
      case K.Ib: case K.Ibs:
        if (o === undefined) out.le(10n, 1);
        else if (o.kind === 'imm') out.field(o.expr, 1);
        break;
      case K.Iw: if (o?.kind === 'imm') out.field(o.expr, 2); break;
      case K.Iz: if (o?.kind === 'imm') out.field(o.expr, form.opSize); break;
      case K.Ap:
        if (o?.kind === 'imm') out.field(o.expr, form.opSize);
        { const sel = form.bound[1]; if (sel?.kind === 'imm') out.field(sel.expr, 2); }
        break;
      case K.Ob: case K.Ov: if (o?.kind === 'mem') out.field(o.disp, memSize === 'r16' || defaultSize === 2 ? 2 : 4, false, true); break;
      case K.Jb: if (o?.kind === 'mem') out.field(o.disp, 1, true); break;
      case K.Jz: if (o?.kind === 'mem') out.field(o.disp, form.opSize, true); break;
      default: break;
    }
  });
  return { bytes: Uint8Array.from(out.bytes), fixups: out.fixups, warnings: out.warnings };
}

/** Whether the form's operand size shows as a 66 prefix (segment moves to memory never do). */
function followsOpSizeForPrefix(f: Form): boolean {
  const esw = f.entry.operands.indexOf(K.Esw);
  if (esw >= 0 && f.bound[esw]?.kind === 'mem' && !f.entry.operands.includes(K.Gv)) return false;
  return f.entry.op !== Op.MovToSeg;
}

