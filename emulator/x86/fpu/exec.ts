// Owns executing one x87 instruction (every row of the table whose Op is an x87 operation)
// on a thread's FpuState: the pending-exception check of the waiting instructions (#MF),
// stack overflow and underflow, operands from the stack or memory in every format, the
// results and their exception flags with the masked responses (QNaN indefinite, integer and
// BCD indefinites) or, unmasked, the result withheld and ES set, the condition codes, the
// last instruction/data pointers and opcode, and the control instructions with their images.
// The generated code calls it through Helpers.x87 (sem-x87.ts emits the call).
import type { Memory } from '../../memory/memory';
import { TABLE } from '../../../toolchain/isa/table-index';
import { OperandKind } from '../../../toolchain/isa/entry';
import { Op } from '../../../toolchain/isa/ops';
import type { CpuState } from '../state';
import {
  add, compare, div, extract, fromInt, mul, Order, remainder, roundInt, scale, sqrt, sub, toBcd, toInt,
} from './arith';
import {
  Class, classify, Ctx, DE, IE, INDEFINITE, negate, ONE, OE, PE, quiet, SF, toBytes, toIeee, UE, ZE, ZERO, type F80,
  type Rounding,
} from './float80';
import { decodeOperand, Format, FORMAT_SIZE, leBytes, readBytes, writeBytes } from './operands';
import { SW_B, SW_C0, SW_C1, SW_C2, SW_C3, SW_CC, SW_ES, type FpuState } from './state';
import { constant, f2xm1, fpatan, fyl2x, fyl2xp1, sinCos, tan } from './transcendental';

/** Results of executeX87. */
export const X87_OK = 0;
export const X87_PAGE_FAULT = 1;
/** A fault other than #PF: `X87Result.fault` says which. */
export const X87_FAULT = 2;

export type X87Fault = 'MF' | 'GP';

/** Operand-size, segment and encoding facts of the instruction, packed by sem-x87.ts. */
export interface X87Site {
  readonly rm: number;
  readonly opSize: 2 | 4;
  /** Selector of the memory operand's segment (FDS). */
  readonly dataSelector: number;
  readonly hasMem: boolean;
  /** An fwait (9b) precedes the instruction. */
  readonly wait: boolean;
  /** FOP: the low 3 bits of the opcode byte, then the modrm byte. */
  readonly fop: number;
}

/** Operations that never check for a pending exception (the "no-wait" forms and fxsave/fxrstor). */
const NO_WAIT = new Set<Op>([
  Op.Fnstsw, Op.Fnstcw, Op.Fnstenv, Op.Fnsave, Op.Fnclex, Op.Fninit, Op.Fneni, Op.Fndisi, Op.Fnsetpm, Op.Fxsave, Op.Fxrstor,
]);
/** Control instructions: they leave the last instruction/data pointers alone. */
const CONTROL = new Set<Op>([
  Op.Fnstsw, Op.Fnstcw, Op.Fnstenv, Op.Fnsave, Op.Fnclex, Op.Fninit, Op.Fxsave, Op.Fxrstor, Op.Fldcw, Op.Fldenv,
  Op.Frstor, Op.Fwait, Op.Fneni, Op.Fndisi, Op.Fnsetpm,
]);

const PRECISION = [24, 64, 53, 64];

function context(f: FpuState): Ctx {
  return new Ctx(((f.cw >> 10) & 3) as Rounding, PRECISION[(f.cw >> 8) & 3]!, ~f.cw & 0x3f);
}

/** The format of a memory operand, from the row's operand kind and operation. */
function memoryFormat(op: Op, kind: OperandKind): Format {
  const integer = op === Op.Fild || op === Op.Fist || op === Op.Fistp || op === Op.Fisttp || op === Op.Fiadd ||
    op === Op.Fimul || op === Op.Fisub || op === Op.Fisubr || op === Op.Fidiv || op === Op.Fidivr || op === Op.Ficom ||
    op === Op.Ficomp;
  if (op === Op.Fbld || op === Op.Fbstp) return Format.Bcd;
  switch (kind) {
    case OperandKind.Mw: return Format.Int16;
    case OperandKind.Md: return integer ? Format.Int32 : Format.Real32;
    case OperandKind.Mq: return integer ? Format.Int64 : Format.Real64;
    default: return Format.Real80;
  }
}

/** What one instruction computes before anything is committed. */
class Run {
  readonly ctx: Ctx;
  /** Condition codes to set (C0..C3 bits) and the mask of those it defines. */
  cc = 0;
  ccMask = 0;
  /** Extra status the instruction defines besides the exception bits. */
  constructor(readonly f: FpuState) {
    this.ctx = context(f);
  }

  /** Stack underflow on reading an empty register: IE|SF with C1 = 0. */
  underflow(): void {
    this.ctx.flags |= IE | SF;
    this.setC1(false);
  }

  overflow(): void {
    this.ctx.flags |= IE | SF;
    this.setC1(true);
  }

  setC1(v: boolean): void {
    this.cc = (this.cc & ~SW_C1) | (v ? SW_C1 : 0);
    this.ccMask |= SW_C1;
  }

  setCodes(c0: number, c1: number | null, c2: number, c3: number): void {
    this.cc = (this.cc & ~(SW_C0 | SW_C2 | SW_C3)) | (c0 ? SW_C0 : 0) | (c2 ? SW_C2 : 0) | (c3 ? SW_C3 : 0);
    this.ccMask |= SW_C0 | SW_C2 | SW_C3;
    if (c1 !== null) this.setC1(c1 !== 0);
  }

  /** IE/ZE/DE unmasked: the result and the pops are withheld. */
  get withheld(): boolean {
    return (this.ctx.flags & ~this.f.cw & (IE | ZE | DE)) !== 0;
  }

  /** C1 from rounding (when no stack fault decided it). */
  roundingC1(): void {
    if (this.ctx.flags & SF) return;
    this.setC1((this.ctx.flags & PE) !== 0 && this.ctx.roundedUp);
  }

  /** Commits the status: exception bits (sticky), condition codes, ES/B. */
  finish(): void {
    const f = this.f;
    f.sw = (f.sw & ~this.ccMask) | (this.cc & this.ccMask);
    f.sw |= this.ctx.flags & 0x7f;
    f.updateSummary();
  }
}

const ORDER_CODES: Record<Order, [number, number, number]> = {
  [Order.Greater]: [0, 0, 0], [Order.Less]: [1, 0, 0], [Order.Equal]: [0, 0, 1], [Order.Unordered]: [1, 1, 1],
};

const ARITH: Partial<Record<Op, [fn: (c: Ctx, a: F80, b: F80) => F80, reverse: boolean, pop: boolean]>> = {
  [Op.Fadd]: [add, false, false], [Op.Faddp]: [add, false, true], [Op.Fiadd]: [add, false, false],
  [Op.Fmul]: [mul, false, false], [Op.Fmulp]: [mul, false, true], [Op.Fimul]: [mul, false, false],
  [Op.Fsub]: [sub, false, false], [Op.Fsubp]: [sub, false, true], [Op.Fisub]: [sub, false, false],
  [Op.Fsubr]: [sub, true, false], [Op.Fsubrp]: [sub, true, true], [Op.Fisubr]: [sub, true, false],
  [Op.Fdiv]: [div, false, false], [Op.Fdivp]: [div, false, true], [Op.Fidiv]: [div, false, false],
  [Op.Fdivr]: [div, true, false], [Op.Fdivrp]: [div, true, true], [Op.Fidivr]: [div, true, false],
};

const COMPARES: Partial<Record<Op, [pops: number, quietNaN: boolean, eflags: boolean]>> = {
  [Op.Fcom]: [0, false, false], [Op.Fcomp]: [1, false, false], [Op.Fcompp]: [2, false, false],
  [Op.Fucom]: [0, true, false], [Op.Fucomp]: [1, true, false], [Op.Fucompp]: [2, true, false],
  [Op.Ficom]: [0, false, false], [Op.Ficomp]: [1, false, false],
  [Op.Fcomi]: [0, false, true], [Op.Fcomip]: [1, false, true], [Op.Fucomi]: [0, true, true], [Op.Fucomip]: [1, true, true],
};

const CMOV: Partial<Record<Op, true>> = {
  [Op.Fcmovb]: true, [Op.Fcmove]: true, [Op.Fcmovbe]: true, [Op.Fcmovu]: true, [Op.Fcmovnb]: true, [Op.Fcmovne]: true,
  [Op.Fcmovnbe]: true, [Op.Fcmovnu]: true,
};

const CONSTANTS: Partial<Record<Op, 'pi' | 'l2e' | 'l2t' | 'lg2' | 'ln2' | 'one' | 'zero'>> = {
  [Op.Fld1]: 'one', [Op.Fldz]: 'zero', [Op.Fldpi]: 'pi', [Op.Fldl2e]: 'l2e', [Op.Fldl2t]: 'l2t', [Op.Fldlg2]: 'lg2', [Op.Fldln2]: 'ln2',
};

/** The outcome the generated code reads: status, and the value for ax or EFLAGS. */
export interface X87Outcome {
  code: number;
  fault: X87Fault | null;
  /** fnstsw %ax: the status word; fcomi: the ZF PF CF bits. */
  value: number;
}

/**
 * Executes the row `id` with the memory operand at `ea` (segment base included). `cond` is
 * the fcmov condition, evaluated by the caller on EFLAGS. Nothing is committed unless the
 * result is X87_OK.
 */
export function executeX87(s: CpuState, m: Memory, id: number, ea: number, site: X87Site, cond: boolean, address: number, out: X87Outcome): void {
  const entry = TABLE[id]!;
  const op = entry.op;
  const f = s.fpu;
  out.code = X87_OK;
  out.fault = null;
  out.value = 0;
  const waits = site.wait || entry.mandatoryPrefix === 0x9b || !NO_WAIT.has(op);
  if (waits && (f.sw & SW_ES)) { out.code = X87_FAULT; out.fault = 'MF'; return; }
  const memKind = entry.operands.find((k) => k >= OperandKind.Mw || k === OperandKind.Mq);
  const format = memKind !== undefined ? memoryFormat(op, memKind) : Format.Real80;
  const r = new Run(f);
  const stKind = (k: OperandKind | undefined) => (k === OperandKind.STi ? site.rm : 0);

  // Loads of the memory source first: a fault leaves everything as it was.
  let mem: F80 = ZERO;
  const loadsMemory = site.hasMem && memKind !== undefined && !isStore(op) && !CONTROL.has(op);
  if (loadsMemory) {
    const b = readBytes(m, ea, FORMAT_SIZE[format]!);
    if (!b) { out.code = X87_PAGE_FAULT; return; }
    mem = decodeOperand(r.ctx, b, format);
    if (format === Format.Real80 || format === Format.Bcd) r.ctx.flags &= ~DE;
  }
  if (!CONTROL.has(op)) {
    f.fip = address >>> 0;
    f.fcs = s.seg[1]!;
    f.fop = site.fop & 0x7ff;
    if (site.hasMem) { f.fdp = ea >>> 0; f.fds = site.dataSelector; }
  }

  const arith = ARITH[op];
  if (arith) {
    const [fn, reverse, pop] = arith;
    const destIndex = stKind(entry.operands[0]);
    const srcIndex = site.hasMem ? -1 : entry.operands[1] === OperandKind.STi ? site.rm : 0;
    const empty = f.isEmpty(destIndex) || (srcIndex >= 0 && f.isEmpty(srcIndex));
    let result: F80;
    if (empty) { r.underflow(); result = INDEFINITE; }
    else {
      const d = f.st(destIndex);
      const sv = srcIndex >= 0 ? f.st(srcIndex) : mem;
      result = reverse ? fn(r.ctx, sv, d) : fn(r.ctx, d, sv);
      r.roundingC1();
    }
    if (!r.withheld) {
      f.setSt(destIndex, result);
      if (pop) f.pop();
    }
    r.finish();
    return;
  }

  const cmp = COMPARES[op];
  if (cmp) {
    const [pops, quietNaN, eflags] = cmp;
    const other = site.hasMem ? -1 : op === Op.Fcompp || op === Op.Fucompp ? 1 : site.rm;
    let order: Order;
    if (f.isEmpty(0) || (other >= 0 && f.isEmpty(other))) { r.underflow(); order = Order.Unordered; }
    else {
      order = compare(r.ctx, f.st(0), other >= 0 ? f.st(other) : mem, quietNaN);
      r.setC1(false);
    }
    if (!r.withheld) {
      const [c0, c2, c3] = ORDER_CODES[order];
      if (eflags) out.value = (c3 ? 0x40 : 0) | (c2 ? 0x04 : 0) | (c0 ? 0x01 : 0);
      else r.setCodes(c0, null, c2, c3);
      for (let k = 0; k < pops; k++) f.pop();
    } else if (eflags) out.value = -1;
    r.finish();
    return;
  }

  if (CMOV[op]) {
    if (f.isEmpty(0) || f.isEmpty(site.rm)) {
      r.underflow();
      if (!r.withheld && cond) f.setSt(0, INDEFINITE);
    } else if (cond) f.setSt(0, f.st(site.rm));
    r.finish();
    return;
  }

  const k = CONSTANTS[op];
  if (k) {
    const v = k === 'one' ? ONE : k === 'zero' ? ZERO : constant(r.ctx, k);
    push(r, v);
    r.ctx.flags &= ~PE;
    r.finish();
    return;
  }

  switch (op) {
    case Op.Fld: case Op.Fild: case Op.Fbld: {
      let v: F80;
      if (!site.hasMem) {
        if (f.isEmpty(site.rm)) {
          r.underflow();
          v = INDEFINITE;
          if (!r.withheld && !f.empty[(f.top - 1) & 7]) r.overflow();
        } else v = f.st(site.rm);
      } else if ((format === Format.Real32 || format === Format.Real64) && classify(mem) === Class.SNaN) {
        r.ctx.flags |= IE;
        v = quiet(mem);
      } else v = mem;
      push(r, v);
      r.finish();
      return;
    }
    case Op.Fst: case Op.Fstp: {
      const pop = op === Op.Fstp;
      if (!site.hasMem) {
        if (f.isEmpty(0)) { r.underflow(); if (!r.withheld) { f.setSt(site.rm, INDEFINITE); if (pop) f.pop(); } }
        else { f.setSt(site.rm, f.st(0)); r.setC1(false); if (pop) f.pop(); }
        r.finish();
        return;
      }
      let bytes: Uint8Array;
      if (f.isEmpty(0)) {
        r.underflow();
        bytes = format === Format.Real32 ? leBytes(0xffc00000n, 4) : format === Format.Real64 ? leBytes(0xfff8000000000000n, 8) : real80(INDEFINITE);
      } else if (format === Format.Real80) {
        bytes = real80(f.st(0));
        r.setC1(false);
      } else {
        const bits = format === Format.Real32 ? toIeee(r.ctx, f.st(0), 8, 23) : toIeee(r.ctx, f.st(0), 11, 52);
        bytes = leBytes(bits, format === Format.Real32 ? 4 : 8);
        r.roundingC1();
      }
      store(r, m, ea, bytes, pop, out);
      return;
    }
    case Op.Fist: case Op.Fistp: case Op.Fisttp: case Op.Fbstp: {
      const bits = FORMAT_SIZE[format]! * 8;
      const pop = op !== Op.Fist;
      let bytes: Uint8Array;
      if (f.isEmpty(0)) {
        r.underflow();
        bytes = op === Op.Fbstp ? toBcd(r.ctx, INDEFINITE) : leBytes(1n << BigInt(bits - 1), bits / 8);
        r.ctx.flags |= IE | SF;
      } else if (op === Op.Fbstp) {
        bytes = toBcd(r.ctx, f.st(0));
        r.roundingC1();
      } else {
        const v = toInt(r.ctx, f.st(0), bits, op === Op.Fisttp);
        bytes = leBytes(v ?? 1n << BigInt(bits - 1), bits / 8);
        r.roundingC1();
      }
      store(r, m, ea, bytes, pop, out);
      return;
    }
    case Op.Fxch: {
      let a = f.st(0);
      let b = f.st(site.rm);
      if (f.isEmpty(0) || f.isEmpty(site.rm)) {
        r.underflow();
        if (r.withheld) { r.finish(); return; }
        if (f.isEmpty(0)) a = INDEFINITE;
        if (f.isEmpty(site.rm)) b = INDEFINITE;
      } else r.setC1(false);
      f.setSt(0, b);
      f.setSt(site.rm, a);
      r.finish();
      return;
    }
    case Op.Fchs: case Op.Fabs: case Op.Fsqrt: case Op.Frndint: case Op.F2xm1: case Op.Fsin: case Op.Fcos: {
      if (f.isEmpty(0)) { r.underflow(); if (!r.withheld) f.setSt(0, INDEFINITE); r.finish(); return; }
      const x = f.st(0);
      let v: F80;
      let inRange = true;
      switch (op) {
        case Op.Fchs: v = negate(x); r.setC1(false); break;
        case Op.Fabs: v = x.sign ? negate(x) : x; r.setC1(false); break;
        case Op.Fsqrt:
          v = sqrt(r.ctx, x);
          r.roundingC1();
          // C0 C2 C3 are undefined; for a negative sign (-0 and NaNs too) qemu's choice (C2 = 1, C0 = C3 = 0) is kept.
          if (x.sign) r.setCodes(0, 0, 1, 0);
          break;
        case Op.Frndint: v = at64(r, (c) => roundInt(c, x)); r.roundingC1(); break;
        case Op.F2xm1: v = f2xm1(r.ctx, x); r.roundingC1(); break;
        default: {
          const t = sinCos(r.ctx, x, op === Op.Fsin ? 'sin' : 'cos');
          inRange = t.inRange;
          v = op === Op.Fsin ? t.sin : t.cos;
          r.roundingC1();
        }
      }
      if (op === Op.Fsin || op === Op.Fcos) r.setCodes(0, null, inRange ? 0 : 1, 0), r.ccMask &= ~(SW_C0 | SW_C3);
      if (!r.withheld && inRange) f.setSt(0, v);
      r.finish();
      return;
    }
    case Op.Fptan: case Op.Fsincos: case Op.Fxtract: {
      if (f.isEmpty(0)) {
        r.underflow();
        if (!r.withheld) { f.setSt(0, INDEFINITE); f.push(INDEFINITE); }
        r.finish();
        return;
      }
      if (!f.empty[(f.top - 1) & 7]) {
        r.overflow();
        if (!r.withheld) { f.setSt(0, INDEFINITE); f.push(INDEFINITE); }
        r.finish();
        return;
      }
      const x = f.st(0);
      let first: F80;
      let second: F80;
      let inRange = true;
      if (op === Op.Fptan) {
        const t = tan(r.ctx, x);
        inRange = t.inRange;
        first = t.value;
        second = ONE;
      } else if (op === Op.Fsincos) {
        const t = sinCos(r.ctx, x, 'both');
        inRange = t.inRange;
        first = t.sin;
        second = t.cos;
      } else [first, second] = extract(r.ctx, x);
      if (op !== Op.Fxtract) r.setCodes(0, null, inRange ? 0 : 1, 0), r.ccMask &= ~(SW_C0 | SW_C3);
      r.roundingC1();
      if (!r.withheld && inRange) {
        f.setSt(0, first);
        f.push(second);
      }
      r.finish();
      return;
    }
    case Op.Fscale: case Op.Fprem: case Op.Fprem1: case Op.Fpatan: case Op.Fyl2x: case Op.Fyl2xp1: {
      const popping = op === Op.Fpatan || op === Op.Fyl2x || op === Op.Fyl2xp1;
      if (f.isEmpty(0) || f.isEmpty(1)) {
        r.underflow();
        if (!r.withheld) {
          if (popping) { f.setSt(1, INDEFINITE); f.pop(); } else f.setSt(0, INDEFINITE);
        }
        r.finish();
        return;
      }
      const x = f.st(0);
      const y = f.st(1);
      if (op === Op.Fprem || op === Op.Fprem1) {
        const rem = remainder(r.ctx, x, y, op === Op.Fprem1);
        r.setCodes(rem.c0, rem.c1, rem.c2, rem.c3);
        if (!r.withheld) f.setSt(0, rem.value);
        r.ctx.flags &= ~PE;
        r.finish();
        return;
      }
      let v: F80;
      if (op === Op.Fscale) v = at64(r, (c) => scale(c, x, y));
      else if (op === Op.Fpatan) v = fpatan(r.ctx, x, y);
      else if (op === Op.Fyl2x) v = fyl2x(r.ctx, x, y);
      else v = fyl2xp1(r.ctx, x, y);
      r.roundingC1();
      if (!r.withheld) {
        if (popping) { f.setSt(1, v); f.pop(); } else f.setSt(0, v);
      }
      r.finish();
      return;
    }
    case Op.Ftst: case Op.Fxam: {
      if (op === Op.Fxam) {
        const x = f.st(0);
        const c = classify(x);
        const codes: [number, number, number] = f.isEmpty(0) ? [1, 0, 1]
          : c === Class.Unsupported ? [0, 0, 0] : c === Class.QNaN || c === Class.SNaN ? [1, 0, 0]
            : c === Class.Normal ? [0, 1, 0] : c === Class.Infinity ? [1, 1, 0] : c === Class.Zero ? [0, 0, 1] : [0, 1, 1];
        r.setCodes(codes[0], x.sign, codes[1], codes[2]);
        r.finish();
        return;
      }
      let order: Order;
      if (f.isEmpty(0)) { r.underflow(); order = Order.Unordered; }
      else { order = compare(r.ctx, f.st(0), ZERO, false); r.setC1(false); }
      if (!r.withheld) { const [c0, c2, c3] = ORDER_CODES[order]; r.setCodes(c0, null, c2, c3); }
      r.finish();
      return;
    }
    case Op.Ffree: f.empty[f.phys(site.rm)] = true; return;
    case Op.Ffreep: f.empty[f.phys(site.rm)] = true; f.pop(); return;
    // C1 = 0; C0 C2 C3 are undefined: cleared (qemu's choice, emulator/x86/undefined-flags.ts).
    case Op.Fdecstp: f.top = (f.top - 1) & 7; f.sw &= ~SW_CC; return;
    case Op.Fincstp: f.top = (f.top + 1) & 7; f.sw &= ~SW_CC; return;
    case Op.Fnop: case Op.Fwait: return;
    default: control(s, m, op, ea, site, out);
  }
}

/** Runs `fn` at 64-bit precision (frndint and fscale ignore precision control), merging its flags. */
function at64<T>(r: Run, fn: (c: Ctx) => T): T {
  const c = new Ctx(r.ctx.rc, 64, r.ctx.unmasked);
  const v = fn(c);
  r.ctx.flags |= c.flags;
  r.ctx.roundedUp = c.roundedUp;
  return v;
}

function isStore(op: Op): boolean {
  return op === Op.Fst || op === Op.Fstp || op === Op.Fist || op === Op.Fistp || op === Op.Fisttp || op === Op.Fbstp;
}

function real80(x: F80): Uint8Array {
  const b = new Uint8Array(10);
  toBytes(x, b);
  return b;
}

/** A push: stack overflow when ST(7) is in use (masked: the QNaN indefinite is pushed). */
function push(r: Run, v: F80): void {
  const f = r.f;
  if (!f.empty[(f.top - 1) & 7]) {
    r.overflow();
    if (r.withheld) return;
    f.push(INDEFINITE);
    return;
  }
  if (r.withheld) return;
  if (!(r.ctx.flags & SF)) r.setC1(false);
  f.push(v);
}

/** A store to memory: withheld on unmasked IE/OE/UE (and DE); pops after. */
function store(r: Run, m: Memory, ea: number, bytes: Uint8Array, pop: boolean, out: X87Outcome): void {
  const unmasked = r.ctx.flags & ~r.f.cw & (IE | DE | OE | UE);
  if (!unmasked) {
    if (!writeBytes(m, ea, bytes)) { out.code = X87_PAGE_FAULT; return; }
    if (pop) r.f.pop();
  }
  r.finish();
}

/** The control instructions: control/status words, environment and state images, fxsave. */
function control(s: CpuState, m: Memory, op: Op, ea: number, site: X87Site, out: X87Outcome): void {
  const f = s.fpu;
  const put = (b: Uint8Array): boolean => {
    if (writeBytes(m, ea, b)) return true;
    out.code = X87_PAGE_FAULT;
    return false;
  };
  const get = (n: number): Uint8Array | null => {
    const b = readBytes(m, ea, n);
    if (!b) out.code = X87_PAGE_FAULT;
    return b;
  };
  switch (op) {
    case Op.Fldcw: {
      const b = get(2);
      if (!b) return;
      f.cw = b[0]! | (b[1]! << 8);
      f.updateSummary();
      return;
    }
    case Op.Fnstcw: put(leBytes(BigInt(f.cw), 2)); return;
    case Op.Fnstsw:
      if (site.hasMem) put(leBytes(BigInt(f.status), 2));
      else out.value = f.status;
      return;
    case Op.Fnclex: f.sw &= ~(0x7f | SW_ES | SW_B); return;
    case Op.Fninit: f.init(); return;
    // The 8087's interrupt mask and the 80287's protected-mode switch: the 387 and later ignore them.
    case Op.Fneni: case Op.Fndisi: case Op.Fnsetpm: return;
    case Op.Fnstenv:
      if (put(f.environment(site.opSize))) { f.cw |= 0x3f; f.updateSummary(); }
      return;
    case Op.Fldenv: {
      const b = get(site.opSize === 2 ? 14 : 28);
      if (b) f.loadEnvironment(b, site.opSize);
      return;
    }
    case Op.Fnsave:
      if (put(f.saveArea(site.opSize))) f.init();
      return;
    case Op.Frstor: {
      const b = get(site.opSize === 2 ? 94 : 108);
      if (b) f.loadSaveArea(b, site.opSize);
      return;
    }
    case Op.Fxsave:
      if (ea & 15) { out.code = X87_FAULT; out.fault = 'GP'; return; }
      if (!m.canWrite(ea >>> 0, 512)) { put(new Uint8Array(512)); return; }
      put(f.fxsaveArea());
      return;
    case Op.Fxrstor: {
      if (ea & 15) { out.code = X87_FAULT; out.fault = 'GP'; return; }
      const b = get(512);
      if (!b) return;
      const mxcsr = (b[24]! | (b[25]! << 8) | (b[26]! << 16) | (b[27]! << 24)) >>> 0;
      if (mxcsr & ~0xffff) { out.code = X87_FAULT; out.fault = 'GP'; return; }
      f.loadFxsaveArea(b);
      return;
    }
    default:
      throw new Error(`x87: no semantics for ${Op[op]}`);
  }
}

/** Linux's si_code for a #MF (fpu__exception_code): the first unmasked exception by priority. */
export function fpeCode(f: FpuState): number {
  const err = f.sw & ~f.cw & 0x3f;
  if (err & IE) return 7; // FPE_FLTINV
  if (err & ZE) return 3; // FPE_FLTDIV
  if (err & OE) return 4; // FPE_FLTOVF
  if (err & (DE | UE)) return 5; // FPE_FLTUND
  if (err & PE) return 6; // FPE_FLTRES
  return 0;
}

export { SW_B, SW_CC, SW_C2, fromInt };
