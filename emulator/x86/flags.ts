// Owns the lazy status flags: the record of the last flag-setting operation (kind, width,
// operands, result) and the exact computation of CF PF AF ZF SF OF from it, on demand. The
// compiled code keeps the record in locals (fop fa fb fr fc) and calls these only where a
// flag is read and the producer is not known when the block is compiled.
import { AF, CF, OF, PF, SF, ZF, Cond } from '../../toolchain/isa/ops';
import { AF_AFTER_SHIFT } from './undefined-flags';

/** Producer kinds; `fop = kind << 2 | sizeIndex` (sizeIndex 0: 8 bits, 1: 16, 2: 32). */
export const enum FK {
  /** `fa` holds the six status bits themselves. */
  Explicit = 0,
  /** a + b = r. */
  Add = 1,
  /** a + b + c = r (c: carry in). */
  Adc = 2,
  /** a - b = r (also cmp, neg with a = 0). */
  Sub = 3,
  /** a - b - c = r. */
  Sbb = 4,
  /** CF = OF = AF = 0, the rest from r (and, or, xor, test; bsf/bsr on their source). */
  Logic = 5,
  /** r = a + 1; c = the CF before (preserved). */
  Inc = 6,
  /** r = a - 1; c = the CF before. */
  Dec = 7,
  /** r = a << b (b in 1..31). */
  Shl = 8,
  /** r = a >>> b. */
  Shr = 9,
  /** r = a >> b (arithmetic). */
  Sar = 10,
  /** Multiplication: CF = OF = c; SF ZF PF from r (the low half), AF = 0. */
  Mul = 11,
  /**
   * rol/ror after a producer unknown when the block was compiled: a, b, r are that producer's;
   * c packs its fop (bits 0-5) and the rotate's CF (bit 8) and OF (bit 9), which replace the
   * producer's (its own c reaches no other flag, so it is not kept: rotatedRecord).
   */
  Rotated = 12,
}

export function sizeIndex(width: number): number {
  return width === 1 ? 0 : width === 2 ? 1 : 2;
}

export function fopOf(kind: FK, width: number): number {
  return (kind << 2) | sizeIndex(width);
}

const PARITY = new Uint8Array(256);
for (let v = 0; v < 256; v++) {
  let bits = 0;
  for (let k = 0; k < 8; k++) bits += (v >> k) & 1;
  PARITY[v] = bits & 1 ? 0 : PF;
}

/** PF for the low byte of `r`. */
export function parity(r: number): number {
  return PARITY[r & 0xff]!;
}

const MASKS = [0xff, 0xffff, 0xffffffff];
const SIGNS = [0x80, 0x8000, 0x80000000];
const BITS = [8, 16, 32];

/** The six status flags the record describes. */
export function computeFlags(fop: number, a: number, b: number, r: number, c: number): number {
  const kind = fop >> 2;
  if (kind === FK.Explicit) return a;
  if (kind === FK.Rotated) {
    const before = computeFlags(c & 63, a, b, r, 0);
    return (before & ~(CF | OF)) | ((c >> 8) & 1) | ((c & 0x200) !== 0 ? OF : 0);
  }
  const sz = fop & 3;
  const mask = MASKS[sz]!;
  const sign = SIGNS[sz]!;
  const ua = (a & mask) >>> 0;
  const ub = (b & mask) >>> 0;
  const ur = (r & mask) >>> 0;
  let f = parity(ur) | (ur === 0 ? ZF : 0) | (ur & sign ? SF : 0);
  switch (kind) {
    case FK.Add:
      if (ur < ua) f |= CF;
      f |= (ua ^ ub ^ ur) & AF;
      if ((ua ^ ur) & (ub ^ ur) & sign) f |= OF;
      break;
    case FK.Adc:
      if (c ? ur <= ua : ur < ua) f |= CF;
      f |= (ua ^ ub ^ ur) & AF;
      if ((ua ^ ur) & (ub ^ ur) & sign) f |= OF;
      break;
    case FK.Sub:
      if (ua < ub) f |= CF;
      f |= (ua ^ ub ^ ur) & AF;
      if ((ua ^ ub) & (ua ^ ur) & sign) f |= OF;
      break;
    case FK.Sbb:
      if (c ? ua <= ub : ua < ub) f |= CF;
      f |= (ua ^ ub ^ ur) & AF;
      if ((ua ^ ub) & (ua ^ ur) & sign) f |= OF;
      break;
    case FK.Logic:
      break;
    case FK.Inc:
      f |= c & CF;
      f |= (ua ^ 1 ^ ur) & AF;
      if (ur === sign) f |= OF;
      break;
    case FK.Dec:
      f |= c & CF;
      f |= (ua ^ 1 ^ ur) & AF;
      if (ua === sign) f |= OF;
      break;
    case FK.Shl: {
      const bits = BITS[sz]!;
      const cf = ub <= bits ? (ua >>> (bits - ub)) & 1 : 0;
      f |= cf | AF_AFTER_SHIFT;
      if (cf ^ (ur & sign ? 1 : 0)) f |= OF;
      break;
    }
    case FK.Shr: {
      const cf = ub <= 32 ? (ua >>> (ub - 1)) & 1 : 0;
      f |= cf | AF_AFTER_SHIFT;
      if (ub === 1 && ua & sign) f |= OF;
      break;
    }
    case FK.Sar: {
      const bits = BITS[sz]!;
      const signed = (ua << (32 - bits)) >> (32 - bits);
      f |= (signed >> Math.min(ub - 1, 31)) & 1;
      f |= AF_AFTER_SHIFT;
      break;
    }
    case FK.Mul:
      if (c) f |= CF | OF;
      break;
  }
  return f;
}

/**
 * computeFlags for a producer `fop` known when a block is compiled, as a JavaScript expression
 * over the record's locals `fa fb fr fc` (compiled code reads the flags without a helper call,
 * which in optimised code spills every live value). Equal to computeFlags for every record
 * (test/cpu/flags-source.test.ts).
 */
export function flagsSource(fop: number): string {
  const kind = fop >> 2;
  if (kind === FK.Explicit) return 'fa';
  const sz = fop & 3;
  const mask = MASKS[sz]!;
  const sign = SIGNS[sz]!;
  const u = (v: string): string => (sz === 2 ? `(${v} >>> 0)` : `(${v} & ${mask})`);
  const [ua, ub, ur] = [u('fa'), u('fb'), u('fr')];
  // PF: the low byte of the result folded to a nibble, looked up in a 16-bit constant (bit set: even).
  const parts = [`((0x9669 >>> ((fr ^ (fr >>> 4)) & 15)) & 1) << 2`, `(${ur} === 0 ? ${ZF} : 0)`, `((${ur} & ${sign}) !== 0 ? ${SF} : 0)`];
  const bits = BITS[sz]!;
  switch (kind) {
    case FK.Add:
    case FK.Adc:
      parts.push(kind === FK.Add ? `(${ur} < ${ua} ? ${CF} : 0)` : `((fc ? ${ur} <= ${ua} : ${ur} < ${ua}) ? ${CF} : 0)`);
      parts.push(`((fa ^ fb ^ fr) & ${AF})`, `((${ua} ^ ${ur}) & (${ub} ^ ${ur}) & ${sign} ? ${OF} : 0)`);
      break;
    case FK.Sub:
    case FK.Sbb:
      parts.push(kind === FK.Sub ? `(${ua} < ${ub} ? ${CF} : 0)` : `((fc ? ${ua} <= ${ub} : ${ua} < ${ub}) ? ${CF} : 0)`);
      parts.push(`((fa ^ fb ^ fr) & ${AF})`, `((${ua} ^ ${ub}) & (${ua} ^ ${ur}) & ${sign} ? ${OF} : 0)`);
      break;
    case FK.Logic:
      break;
    case FK.Inc:
    case FK.Dec:
      parts.push(`(fc & ${CF})`, `((${ua} ^ 1 ^ ${ur}) & ${AF})`, `(${kind === FK.Inc ? ur : ua} === ${sign >>> 0} ? ${OF} : 0)`);
      break;
    case FK.Shl:
      parts.push(`(${ub} <= ${bits} ? (${ua} >>> (${bits} - ${ub})) & 1 : 0)`, String(AF_AFTER_SHIFT));
      parts.push(`(((${ub} <= ${bits} ? (${ua} >>> (${bits} - ${ub})) & 1 : 0) ^ ((${ur} & ${sign}) !== 0 ? 1 : 0)) !== 0 ? ${OF} : 0)`);
      break;
    case FK.Shr:
      parts.push(`(${ub} <= 32 ? (${ua} >>> (${ub} - 1)) & 1 : 0)`, String(AF_AFTER_SHIFT), `(${ub} === 1 && (${ua} & ${sign}) !== 0 ? ${OF} : 0)`);
      break;
    case FK.Sar:
      parts.push(`((((${ua} << ${32 - bits}) >> ${32 - bits}) >> Math.min(${ub} - 1, 31)) & 1)`, String(AF_AFTER_SHIFT));
      break;
    case FK.Mul:
      parts.push(`(fc ? ${CF | OF} : 0)`);
      break;
    default:
      return `H.flags(fop, fa, fb, fr, fc)`;
  }
  return `(${parts.join(' | ')})`;
}

/** The value of condition `cc` (Jcc/Setcc/Cmovcc low nibble) under the given status flags. */
export function condOfFlags(cc: number, f: number): boolean {
  let v: boolean;
  switch (cc >> 1) {
    case 0: v = (f & OF) !== 0; break;
    case 1: v = (f & CF) !== 0; break;
    case 2: v = (f & ZF) !== 0; break;
    case 3: v = (f & (CF | ZF)) !== 0; break;
    case 4: v = (f & SF) !== 0; break;
    case 5: v = (f & PF) !== 0; break;
    case 6: v = ((f & SF) !== 0) !== ((f & OF) !== 0); break;
    default: v = (f & ZF) !== 0 || ((f & SF) !== 0) !== ((f & OF) !== 0); break;
  }
  return cc & 1 ? !v : v;
}

/**
 * Statements making the record that of a rol/ror (its new CF and OF `cf`, `of`: expressions of
 * 0 or 1) after the producer the record holds, without computing that producer's flags (the
 * compiled code's form where the producer is unknown when the block is compiled): FK.Rotated;
 * after another rotate of that kind, the flags are computed and the record made explicit.
 */
export function rotatedRecord(cf: string, of: string): string {
  return `if ((fop >> 2) === ${FK.Rotated}) {fa = (H.flags(fop, fa, fb, fr, fc) & ${~(CF | OF)}) | ${cf} | (${of} << 11); fop = 0; fb = 0; fr = 0; fc = 0;} ` +
    `else {fc = (fop & 63) | (${cf} << 8) | (${of} << 9); fop = ${FK.Rotated << 2};}`;
}

/** condOfFlags as a JavaScript expression over `f`, a name holding the six status flags. */
export function condSource(cc: number, f: string): string {
  const sf = `((${f} & ${SF}) !== 0)`;
  const of = `((${f} & ${OF}) !== 0)`;
  const v = [
    of, `((${f} & ${CF}) !== 0)`, `((${f} & ${ZF}) !== 0)`, `((${f} & ${CF | ZF}) !== 0)`, sf, `((${f} & ${PF}) !== 0)`,
    `(${sf} !== ${of})`, `(((${f} & ${ZF}) !== 0) || ${sf} !== ${of})`,
  ][(cc >> 1) & 7]!;
  return cc & 1 ? `!${v}` : v;
}

/** Condition from the lazy record (the compiled code's fallback when the producer is unknown). */
export function cond(cc: number, fop: number, a: number, b: number, r: number, c: number): boolean {
  return condOfFlags(cc, computeFlags(fop, a, b, r, c));
}

export { Cond };
