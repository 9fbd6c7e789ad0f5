// Owns the 80-bit extended-precision format as the x87 FPU holds it (sign, 15-bit biased
// exponent, 64-bit significand with an explicit integer bit): classification (zero, denormal,
// normal, infinity, NaN, and the unsupported encodings the 387 and later reject), the
// exception flags of one operation, and rounding an exact result to a precision (24, 53 or
// 64 bits) in a rounding mode with overflow, underflow and denormal results as the x87 does.
// Significands are BigInts so every result is exact before its one rounding.

/** Status-word exception bits (also the control-word mask bits). */
export const IE = 0x01;
export const DE = 0x02;
export const ZE = 0x04;
export const OE = 0x08;
export const UE = 0x10;
export const PE = 0x20;
/** Stack fault (with IE; C1 tells overflow from underflow). */
export const SF = 0x40;

export const BIAS = 16383;
export const MAX_EXP = 0x7fff;
const INT_BIT = 1n << 63n;
const MANT_MASK = (1n << 64n) - 1n;
/** Exponent of one unit in the last place of a denormal (2^-16445). */
const DENORMAL_QUANTUM = 1 - BIAS - 63;
/** The unbiased exponent of the smallest normal. */
const EMIN = 1 - BIAS;

/** One extended-precision value, as its raw fields. */
export interface F80 {
  readonly sign: 0 | 1;
  /** Biased exponent, 0..0x7fff. */
  readonly exp: number;
  /** The 64-bit significand, integer bit included. */
  readonly mant: bigint;
}

export const enum Class { Zero, Denormal, Normal, Infinity, QNaN, SNaN, Unsupported }

export function classify(x: F80): Class {
  if (x.exp === 0) return x.mant === 0n ? Class.Zero : Class.Denormal;
  if ((x.mant & INT_BIT) === 0n) return Class.Unsupported;
  if (x.exp === MAX_EXP) {
    if ((x.mant & ~INT_BIT) === 0n) return Class.Infinity;
    return x.mant & (1n << 62n) ? Class.QNaN : Class.SNaN;
  }
  return Class.Normal;
}

export function isNaN80(x: F80): boolean {
  const c = classify(x);
  return c === Class.QNaN || c === Class.SNaN;
}

export const ZERO: F80 = { sign: 0, exp: 0, mant: 0n };
export const ONE: F80 = { sign: 0, exp: BIAS, mant: INT_BIT };
/** The default NaN the x87 writes for a masked invalid operation ("real indefinite"). */
export const INDEFINITE: F80 = { sign: 1, exp: MAX_EXP, mant: 0xc000000000000000n };

export function infinity(sign: 0 | 1): F80 {
  return { sign, exp: MAX_EXP, mant: INT_BIT };
}

export function zero(sign: 0 | 1): F80 {
  return { sign, exp: 0, mant: 0n };
}

export function negate(x: F80): F80 {
  return { sign: (x.sign ^ 1) as 0 | 1, exp: x.exp, mant: x.mant };
}

export function quiet(x: F80): F80 {
  return { sign: x.sign, exp: x.exp, mant: x.mant | (1n << 62n) };
}

/** Rounding control (control word bits 10-11). */
export const enum Rounding { Nearest, Down, Up, Zero }

/** One operation's environment and what it raised. */
export class Ctx {
  /** Exceptions raised (IE DE ZE OE UE PE bits). */
  flags = 0;
  /** The result was rounded up in magnitude (C1 after an inexact result). */
  roundedUp = false;
  constructor(
    readonly rc: Rounding,
    /** Precision in bits: 24, 53 or 64. */
    readonly precision: number,
    /** Exception bits that are unmasked (OE/UE then give a bias-adjusted result). */
    readonly unmasked: number = 0,
  ) {}
}

export function bitLength(v: bigint): number {
  return v === 0n ? 0 : v.toString(2).length;
}

/** An exact finite value: (-1)^sign × sig × 2^e (sig ≥ 0). */
export interface Exact {
  readonly sign: 0 | 1;
  readonly sig: bigint;
  readonly e: number;
}

/** The exact value of a finite operand (zero, denormal, pseudo-denormal, normal). */
export function exact(x: F80): Exact {
  if (x.exp === 0) return { sign: x.sign, sig: x.mant, e: DENORMAL_QUANTUM };
  return { sign: x.sign, sig: x.mant, e: x.exp - BIAS - 63 };
}

/** Is the magnitude increased by rounding `rem` (of `bits` bits below the kept part) away? */
function roundsUp(rc: Rounding, sign: 0 | 1, kept: bigint, rem: bigint, bits: number, sticky: boolean): boolean {
  if (rem === 0n && !sticky) return false;
  switch (rc) {
    case Rounding.Nearest: {
      const half = 1n << BigInt(bits - 1);
      if (rem > half) return true;
      if (rem < half) return false;
      return sticky || (kept & 1n) === 1n;
    }
    case Rounding.Down: return sign === 1;
    case Rounding.Up: return sign === 0;
    default: return false;
  }
}

/** The largest finite magnitude at a precision. */
function maxFinite(sign: 0 | 1, precision: number): F80 {
  const mant = (MANT_MASK >> BigInt(64 - precision)) << BigInt(64 - precision);
  return { sign, exp: MAX_EXP - 1, mant };
}

/**
 * Rounds (-1)^sign × (sig + sticky·ε) × 2^e to the context's precision and rounding mode and
 * packs it, raising PE, UE, OE as the x87 does (tininess after rounding, as SoftFloat models x86).
 */
export function roundPack(ctx: Ctx, sign: 0 | 1, sig: bigint, e: number, sticky = false): F80 {
  if (sig === 0n) {
    if (!sticky) return zero(sign);
    // Only a sticky remainder: far below any quantum; treat as one tiny unit.
    sig = 1n;
    e -= 100000;
    sticky = false;
  }
  const p = ctx.precision;
  const n = bitLength(sig);
  const E = e + n - 1;
  const q = Math.max(E, EMIN) - p + 1;
  let kept: bigint;
  let inexact: boolean;
  let up = false;
  if (q > e) {
    const shift = q - e;
    if (shift > n + 2) {
      kept = 0n;
      up = roundsUp(ctx.rc, sign, 0n, 1n, 2, true);
      inexact = true;
    } else {
      const bs = BigInt(shift);
      kept = sig >> bs;
      const rem = sig & ((1n << bs) - 1n);
      inexact = rem !== 0n || sticky;
      up = roundsUp(ctx.rc, sign, kept, rem, shift, sticky);
    }
    if (up) kept += 1n;
  } else {
    kept = sig << BigInt(e - q);
    inexact = sticky;
  }
  // Tininess after rounding: the value rounded to p bits with an unbounded exponent is below 2^EMIN.
  let tiny = false;
  if (E < EMIN) {
    tiny = true;
    if (E === EMIN - 1) {
      const shift = E - p + 1 - e;
      let r = shift > 0 ? sig >> BigInt(shift) : sig << BigInt(-shift);
      if (shift > 0 && roundsUp(ctx.rc, sign, r, sig & ((1n << BigInt(shift)) - 1n), shift, sticky)) r += 1n;
      else if (shift <= 0 && sticky && roundsUp(ctx.rc, sign, r, 0n, 1, true)) r += 1n;
      if (bitLength(r) > p) tiny = false;
    }
  }
  if (kept === 0n) {
    if (inexact) { ctx.flags |= PE | UE; ctx.roundedUp = false; }
    return zero(sign);
  }
  const n2 = bitLength(kept);
  const resultE = q + n2 - 1;
  if (resultE > BIAS) {
    if (ctx.unmasked & OE) {
      ctx.flags |= OE | (inexact ? PE : 0);
      ctx.roundedUp = up;
      return { sign, exp: resultE + BIAS - 24576, mant: kept << BigInt(64 - n2) };
    }
    ctx.flags |= OE | PE;
    const toInf = ctx.rc === Rounding.Nearest || (ctx.rc === Rounding.Up && sign === 0) || (ctx.rc === Rounding.Down && sign === 1);
    ctx.roundedUp = toInf;
    return toInf ? infinity(sign) : maxFinite(sign, p);
  }
  if (tiny && (ctx.unmasked & UE)) {
    ctx.flags |= UE | (inexact ? PE : 0);
    ctx.roundedUp = up;
    // The result rounded to p bits with the exponent range unbounded, then biased up by 24576.
    const shift = E - p + 1 - e;
    let r = shift > 0 ? sig >> BigInt(shift) : sig << BigInt(-shift);
    if (shift > 0 && roundsUp(ctx.rc, sign, r, sig & ((1n << BigInt(shift)) - 1n), shift, sticky)) r += 1n;
    const rn = bitLength(r);
    return { sign, exp: E - p + 1 + rn - 1 + BIAS + 24576, mant: r << BigInt(64 - rn) };
  }
  if (inexact) {
    ctx.flags |= PE;
    ctx.roundedUp = up;
    if (tiny) ctx.flags |= UE;
  }
  if (resultE >= EMIN) return { sign, exp: resultE + BIAS, mant: kept << BigInt(63 - (n2 - 1)) };
  return { sign, exp: 0, mant: kept << BigInt(q - DENORMAL_QUANTUM) };
}

/** An exact value rounded to the context (sticky: a nonzero remainder below `sig`). */
export function roundExact(ctx: Ctx, x: Exact, sticky = false): F80 {
  return roundPack(ctx, x.sign, x.sig, x.e, sticky);
}

/** Bytes <-> F80 (10 bytes, little-endian: significand then sign/exponent). */
export function fromBytes(b: ArrayLike<number>, at = 0): F80 {
  let mant = 0n;
  for (let k = 7; k >= 0; k--) mant = (mant << 8n) | BigInt(b[at + k]!);
  const se = b[at + 8]! | (b[at + 9]! << 8);
  return { sign: (se >> 15) as 0 | 1, exp: se & 0x7fff, mant };
}

export function toBytes(x: F80, out: Uint8Array, at = 0): void {
  let m = x.mant;
  for (let k = 0; k < 8; k++) { out[at + k] = Number(m & 0xffn); m >>= 8n; }
  const se = (x.sign << 15) | x.exp;
  out[at + 8] = se & 0xff;
  out[at + 9] = se >> 8;
}

export function sameValue(a: F80, b: F80): boolean {
  return a.sign === b.sign && a.exp === b.exp && a.mant === b.mant;
}

/** A host double as an F80 (exact), for constants and tests. */
export function fromDouble(d: number): F80 {
  const v = new DataView(new ArrayBuffer(8));
  v.setFloat64(0, d, true);
  return fromIeee(v.getBigUint64(0, true), 11, 52);
}

/**
 * Decodes an IEEE binary format (single: 8/23, double: 11/52) exactly; a signalling NaN
 * stays signalling (the caller raises IE when it converts one in an arithmetic load).
 */
export function fromIeee(bits: bigint, expBits: number, fracBits: number): F80 {
  const sign = Number((bits >> BigInt(expBits + fracBits)) & 1n) as 0 | 1;
  const e = Number((bits >> BigInt(fracBits)) & ((1n << BigInt(expBits)) - 1n));
  const frac = bits & ((1n << BigInt(fracBits)) - 1n);
  const emax = (1 << expBits) - 1;
  const bias = (1 << (expBits - 1)) - 1;
  const up = BigInt(63 - fracBits);
  if (e === emax) return { sign, exp: MAX_EXP, mant: INT_BIT | (frac << up) };
  if (e === 0) {
    if (frac === 0n) return zero(sign);
    const n = bitLength(frac);
    // value = frac × 2^(1 - bias - fracBits)
    const E = 1 - bias - fracBits + n - 1;
    return { sign, exp: E + BIAS, mant: frac << BigInt(64 - n) };
  }
  return { sign, exp: e - bias + BIAS, mant: INT_BIT | (frac << up) };
}

/**
 * Rounds an F80 to an IEEE binary format for a store (fst m32/m64): returns the bits.
 * Raises IE for an SNaN (the stored NaN is quieted), OE/UE/PE as the format's range needs.
 */
export function toIeee(ctx: Ctx, x: F80, expBits: number, fracBits: number): bigint {
  const c = classify(x);
  const signBit = BigInt(x.sign) << BigInt(expBits + fracBits);
  const emax = (1 << expBits) - 1;
  const bias = (1 << (expBits - 1)) - 1;
  const expField = (v: number) => BigInt(v) << BigInt(fracBits);
  const nanDefault = (1n << BigInt(expBits + fracBits)) | expField(emax) | (1n << BigInt(fracBits - 1));
  switch (c) {
    case Class.Zero: return signBit;
    case Class.Infinity: return signBit | expField(emax);
    case Class.QNaN: case Class.SNaN:
      if (c === Class.SNaN) ctx.flags |= IE;
      return signBit | expField(emax) | (1n << BigInt(fracBits - 1)) | ((x.mant >> BigInt(63 - fracBits)) & ((1n << BigInt(fracBits)) - 1n));
    case Class.Unsupported:
      ctx.flags |= IE;
      return nanDefault;
    default: break;
  }
  if (c === Class.Denormal) ctx.flags |= DE;
  const p = fracBits + 1;
  const { sig, e } = exact(x);
  const n = bitLength(sig);
  const E = e + n - 1;
  const emin = 1 - bias;
  const q = Math.max(E, emin) - p + 1;
  let kept: bigint;
  let inexact = false;
  let up = false;
  if (q > e) {
    const shift = q - e;
    if (shift > n + 2) {
      kept = 0n;
      inexact = true;
      up = roundsUp(ctx.rc, x.sign, 0n, 1n, 2, true);
    } else {
      kept = sig >> BigInt(shift);
      const rem = sig & ((1n << BigInt(shift)) - 1n);
      inexact = rem !== 0n;
      up = roundsUp(ctx.rc, x.sign, kept, rem, shift, false);
    }
    if (up) kept += 1n;
  } else kept = sig << BigInt(e - q);
  let tiny = false;
  if (E < emin) {
    tiny = true;
    if (E === emin - 1) {
      const shift = E - p + 1 - e;
      let r = sig >> BigInt(shift);
      if (roundsUp(ctx.rc, x.sign, r, sig & ((1n << BigInt(shift)) - 1n), shift, false)) r += 1n;
      if (bitLength(r) > p) tiny = false;
    }
  }
  if (inexact) { ctx.flags |= PE; ctx.roundedUp = up; if (tiny) ctx.flags |= UE; }
  if (kept === 0n) return signBit;
  const n2 = bitLength(kept);
  const resultE = q + n2 - 1;
  if (resultE > bias) {
    ctx.flags |= OE | PE;
    const toInf = ctx.rc === Rounding.Nearest || (ctx.rc === Rounding.Up && x.sign === 0) || (ctx.rc === Rounding.Down && x.sign === 1);
    ctx.roundedUp = toInf;
    if (toInf) return signBit | expField(emax);
    return signBit | expField(emax - 1) | ((1n << BigInt(fracBits)) - 1n);
  }
  if (resultE >= emin) return signBit | expField(resultE + bias) | (kept & ((1n << BigInt(fracBits)) - 1n));
  return signBit | (kept << BigInt(q - (emin - fracBits)));
}
