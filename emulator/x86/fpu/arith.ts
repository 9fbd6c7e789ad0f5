// Owns the x87's exact arithmetic on 80-bit values: add, subtract, multiply, divide, square
// root (each exact, then rounded once by float80.ts), comparison, the partial remainders
// (fprem, fprem1), round to integer, fscale and fxtract, conversions to and from integers
// and packed BCD, and the NaN and invalid-operand rules of the x87 (SDM Vol. 1 §4.8.3,
// table 4-7: an SNaN is quieted; of two NaNs the larger significand wins, then the positive).
import {
  bitLength, Class, classify, Ctx, DE, exact, IE, INDEFINITE, infinity, negate, quiet, roundPack, Rounding, ZE, zero,
  BIAS, MAX_EXP, PE, type F80,
} from './float80';

/** The exponent difference past which the smaller addend only acts as a sticky bit. */
const FAR = 200;

/** Invalid and NaN handling shared by the two-operand operations; null when both are numbers. */
function special2(ctx: Ctx, a: F80, b: F80): F80 | null {
  const ca = classify(a);
  const cb = classify(b);
  if (ca === Class.Unsupported || cb === Class.Unsupported) { ctx.flags |= IE; return INDEFINITE; }
  const na = ca === Class.QNaN || ca === Class.SNaN;
  const nb = cb === Class.QNaN || cb === Class.SNaN;
  if (na || nb) {
    if (ca === Class.SNaN || cb === Class.SNaN) ctx.flags |= IE;
    return pickNaN(a, ca, b, cb);
  }
  if (ca === Class.Denormal || cb === Class.Denormal) ctx.flags |= DE;
  return null;
}

function pickNaN(a: F80, ca: Class, b: F80, cb: Class): F80 {
  const na = ca === Class.QNaN || ca === Class.SNaN;
  const nb = cb === Class.QNaN || cb === Class.SNaN;
  if (!nb) return quiet(a);
  if (!na) return quiet(b);
  if (ca === Class.SNaN && cb === Class.QNaN) return b;
  if (cb === Class.SNaN && ca === Class.QNaN) return a;
  const ma = a.mant | (1n << 62n);
  const mb = b.mant | (1n << 62n);
  if (ma !== mb) return quiet(ma > mb ? a : b);
  return quiet(a.sign === 0 ? a : b);
}

/** One-operand NaN/invalid handling; null when the operand is a number. */
export function special1(ctx: Ctx, a: F80): F80 | null {
  const c = classify(a);
  if (c === Class.Unsupported) { ctx.flags |= IE; return INDEFINITE; }
  if (c === Class.SNaN) { ctx.flags |= IE; return quiet(a); }
  if (c === Class.QNaN) return a;
  if (c === Class.Denormal) ctx.flags |= DE;
  return null;
}

export function add(ctx: Ctx, a: F80, b: F80): F80 {
  const s = special2(ctx, a, b);
  if (s) return s;
  const ca = classify(a);
  const cb = classify(b);
  if (ca === Class.Infinity || cb === Class.Infinity) {
    if (ca === Class.Infinity && cb === Class.Infinity && a.sign !== b.sign) { ctx.flags |= IE; return INDEFINITE; }
    return ca === Class.Infinity ? a : b;
  }
  const x = exact(a);
  const y = exact(b);
  if (x.sig === 0n && y.sig === 0n) {
    if (a.sign === b.sign) return zero(a.sign);
    return zero(ctx.rc === Rounding.Down ? 1 : 0);
  }
  if (x.sig === 0n) return roundPack(ctx, y.sign, y.sig, y.e);
  if (y.sig === 0n) return roundPack(ctx, x.sign, x.sig, x.e);
  let [hi, lo] = x.e + bitLength(x.sig) >= y.e + bitLength(y.sig) ? [x, y] : [y, x];
  if (hi.e + bitLength(hi.sig) - (lo.e + bitLength(lo.sig)) > FAR) {
    // The small addend is below every rounding position: keep only its sign as a sticky unit.
    lo = { sign: lo.sign, sig: 1n, e: hi.e + bitLength(hi.sig) - FAR - 8 };
  }
  const e = Math.min(hi.e, lo.e);
  const sh = BigInt(hi.e - e);
  const sl = BigInt(lo.e - e);
  const vh = hi.sig << sh;
  const vl = lo.sig << sl;
  if (hi.sign === lo.sign) return roundPack(ctx, hi.sign, vh + vl, e);
  const d = vh - vl;
  if (d === 0n) return zero(ctx.rc === Rounding.Down ? 1 : 0);
  return d > 0n ? roundPack(ctx, hi.sign, d, e) : roundPack(ctx, lo.sign, -d, e);
}

export function sub(ctx: Ctx, a: F80, b: F80): F80 {
  const s = special2(ctx, a, b);
  if (s) return s;
  return add(ctx, a, negate(b));
}

export function mul(ctx: Ctx, a: F80, b: F80): F80 {
  const s = special2(ctx, a, b);
  if (s) return s;
  const sign = (a.sign ^ b.sign) as 0 | 1;
  const ca = classify(a);
  const cb = classify(b);
  if (ca === Class.Infinity || cb === Class.Infinity) {
    if (ca === Class.Zero || cb === Class.Zero) { ctx.flags |= IE; return INDEFINITE; }
    return infinity(sign);
  }
  const x = exact(a);
  const y = exact(b);
  if (x.sig === 0n || y.sig === 0n) return zero(sign);
  return roundPack(ctx, sign, x.sig * y.sig, x.e + y.e);
}

export function div(ctx: Ctx, a: F80, b: F80): F80 {
  const s = special2(ctx, a, b);
  if (s) return s;
  const sign = (a.sign ^ b.sign) as 0 | 1;
  const ca = classify(a);
  const cb = classify(b);
  if (ca === Class.Infinity) {
    if (cb === Class.Infinity) { ctx.flags |= IE; return INDEFINITE; }
    return infinity(sign);
  }
  if (cb === Class.Infinity) return zero(sign);
  const x = exact(a);
  const y = exact(b);
  if (y.sig === 0n) {
    if (x.sig === 0n) { ctx.flags |= IE; return INDEFINITE; }
    ctx.flags |= ZE;
    return infinity(sign);
  }
  if (x.sig === 0n) return zero(sign);
  const k = Math.max(0, 70 + bitLength(y.sig) - bitLength(x.sig));
  const num = x.sig << BigInt(k);
  const q = num / y.sig;
  const r = num % y.sig;
  return roundPack(ctx, sign, q, x.e - k - y.e, r !== 0n);
}

export function isqrt(n: bigint): bigint {
  if (n < 2n) return n;
  let x = 1n << BigInt((bitLength(n) + 1) >> 1);
  for (;;) {
    const y = (x + n / x) >> 1n;
    if (y >= x) return x;
    x = y;
  }
}

export function sqrt(ctx: Ctx, a: F80): F80 {
  const s = special1(ctx, a);
  if (s) return s;
  const c = classify(a);
  if (c === Class.Zero) return a;
  if (a.sign === 1) { ctx.flags |= IE; return INDEFINITE; }
  if (c === Class.Infinity) return a;
  const x = exact(a);
  let shift = Math.max(0, 140 - bitLength(x.sig));
  if ((x.e - shift) & 1) shift++;
  const n = x.sig << BigInt(shift);
  const r = isqrt(n);
  return roundPack(ctx, 0, r, (x.e - shift) / 2, r * r !== n);
}

/** Comparison result: a < b, a = b, a > b, or unordered. */
export const enum Order { Less, Equal, Greater, Unordered }

/**
 * Compares two values. `quietNaN`: the unordered compares (fucom*) raise IE only for SNaNs
 * and unsupported encodings; the ordered ones (fcom*, ficom, ftst) for any NaN.
 */
export function compare(ctx: Ctx, a: F80, b: F80, quietNaN: boolean): Order {
  const ca = classify(a);
  const cb = classify(b);
  if (ca === Class.Unsupported || cb === Class.Unsupported) { ctx.flags |= IE; return Order.Unordered; }
  const na = ca === Class.QNaN || ca === Class.SNaN;
  const nb = cb === Class.QNaN || cb === Class.SNaN;
  if (na || nb) {
    if (!quietNaN || ca === Class.SNaN || cb === Class.SNaN) ctx.flags |= IE;
    return Order.Unordered;
  }
  if (ca === Class.Denormal || cb === Class.Denormal) ctx.flags |= DE;
  const v = (x: F80, c: Class): [number, bigint, number] => {
    if (c === Class.Infinity) return [x.sign, 1n, 1 << 30];
    const e = exact(x);
    return [x.sign, e.sig, e.e];
  };
  const [sa, ma, ea] = v(a, ca);
  const [sb, mb, eb] = v(b, cb);
  const mag = (m: bigint, e: number, n: bigint, f: number): number => {
    if (m === 0n && n === 0n) return 0;
    if (m === 0n) return -1;
    if (n === 0n) return 1;
    const la = e + bitLength(m);
    const lb = f + bitLength(n);
    if (la !== lb) return la < lb ? -1 : 1;
    const base = Math.min(e, f);
    const x = m << BigInt(e - base);
    const y = n << BigInt(f - base);
    return x === y ? 0 : x < y ? -1 : 1;
  };
  const za = ma === 0n;
  const zb = mb === 0n;
  if (za && zb) return Order.Equal;
  if (sa !== sb) return sa === 1 ? Order.Less : Order.Greater;
  const m = mag(ma, ea, mb, eb);
  const r = sa === 1 ? -m : m;
  return r < 0 ? Order.Less : r > 0 ? Order.Greater : Order.Equal;
}

/** An integer as an exact F80 (every 64-bit integer fits). */
export function fromInt(v: bigint): F80 {
  if (v === 0n) return zero(0);
  const sign = v < 0n ? 1 : 0;
  const m = v < 0n ? -v : v;
  const n = bitLength(m);
  return { sign, exp: BIAS + n - 1, mant: m << BigInt(64 - n) };
}

/**
 * Rounds a finite value to an integer (by the context's mode, or toward zero), exactly;
 * PE when something was dropped, C1 (roundedUp) when the magnitude grew.
 */
export function roundToInteger(ctx: Ctx, a: F80, truncate: boolean): bigint {
  const x = exact(a);
  if (x.e >= 0) return (a.sign ? -1n : 1n) * (x.sig << BigInt(x.e));
  const sh = -x.e;
  let q: bigint;
  let rem: bigint;
  if (sh > 200) { q = 0n; rem = x.sig === 0n ? 0n : 1n; }
  else { q = x.sig >> BigInt(sh); rem = x.sig & ((1n << BigInt(sh)) - 1n); }
  if (rem !== 0n) {
    ctx.flags |= PE;
    ctx.roundedUp = false;
    const rc = truncate ? Rounding.Zero : ctx.rc;
    let up = false;
    if (rc === Rounding.Nearest) {
      if (sh > 200) up = false;
      else {
        const half = 1n << BigInt(sh - 1);
        up = rem > half || (rem === half && (q & 1n) === 1n);
      }
    } else if (rc === Rounding.Down) up = a.sign === 1;
    else if (rc === Rounding.Up) up = a.sign === 0;
    if (up) { q += 1n; ctx.roundedUp = true; }
  }
  return a.sign ? -q : q;
}

/** frndint. */
export function roundInt(ctx: Ctx, a: F80): F80 {
  const s = special1(ctx, a);
  if (s) return s;
  const c = classify(a);
  if (c === Class.Zero || c === Class.Infinity) return a;
  if (a.exp >= BIAS + 63) return a;
  const v = roundToInteger(ctx, a, false);
  return v === 0n ? zero(a.sign) : fromInt(v);
}

/**
 * Stores to an integer of `bits` bits: null when the value does not fit (IE; the caller
 * stores the integer indefinite when IE is masked).
 */
export function toInt(ctx: Ctx, a: F80, bits: number, truncate: boolean): bigint | null {
  const c = classify(a);
  if (c === Class.Unsupported || c === Class.QNaN || c === Class.SNaN || c === Class.Infinity) { ctx.flags |= IE; return null; }
  if (c === Class.Denormal) ctx.flags |= DE;
  if (a.exp > BIAS + 80) { ctx.flags |= IE; return null; }
  const flagsBefore = ctx.flags;
  const v = roundToInteger(ctx, a, truncate);
  const lim = 1n << BigInt(bits - 1);
  if (v < -lim || v >= lim) { ctx.flags = flagsBefore | IE; ctx.roundedUp = false; return null; }
  return v;
}

/** fbld: 18 packed BCD digits and a sign byte (10 bytes). */
export function fromBcd(b: ArrayLike<number>, at = 0): F80 {
  let v = 0n;
  for (let k = 8; k >= 0; k--) {
    const byte = b[at + k]!;
    v = v * 100n + BigInt((byte >> 4) * 10 + (byte & 15));
  }
  const neg = (b[at + 9]! & 0x80) !== 0;
  if (v === 0n) return zero(neg ? 1 : 0);
  return neg ? negate(fromInt(v)) : fromInt(v);
}

/** fbstp: the 10 bytes to store (the BCD indefinite on IE). */
export function toBcd(ctx: Ctx, a: F80): Uint8Array {
  const out = new Uint8Array(10);
  const c = classify(a);
  const indefinite = (): Uint8Array => { ctx.flags |= IE; out.fill(0); out[7] = 0xc0; out[8] = 0xff; out[9] = 0xff; return out; };
  if (c === Class.Unsupported || c === Class.QNaN || c === Class.SNaN || c === Class.Infinity) return indefinite();
  if (c === Class.Denormal) ctx.flags |= DE;
  if (a.exp > BIAS + 80) return indefinite();
  const flagsBefore = ctx.flags;
  let v = roundToInteger(ctx, a, false);
  if (v <= -(10n ** 18n) || v >= 10n ** 18n) { ctx.flags = flagsBefore; ctx.roundedUp = false; return indefinite(); }
  if (v < 0n) v = -v;
  for (let k = 0; k < 9; k++) {
    const d = Number(v % 100n);
    v /= 100n;
    out[k] = ((Math.floor(d / 10)) << 4) | (d % 10);
  }
  out[9] = a.sign ? 0x80 : 0;
  return out;
}

/** fprem / fprem1 result: the new ST0 and the status bits C0 C1 C2 C3 as (c0, c1, c2, c3). */
export interface Remainder {
  readonly value: F80;
  readonly c0: number; readonly c1: number; readonly c2: number; readonly c3: number;
}

/**
 * The partial remainder of a / b: truncating quotient (fprem) or round-to-nearest (fprem1,
 * IEEE). When the exponents differ by 64 or more the reduction is partial (C2 = 1).
 */
export function remainder(ctx: Ctx, a: F80, b: F80, ieee: boolean): Remainder {
  const none = (value: F80): Remainder => ({ value, c0: 0, c1: 0, c2: 0, c3: 0 });
  const s = special2(ctx, a, b);
  if (s) return none(s);
  const ca = classify(a);
  const cb = classify(b);
  if (ca === Class.Infinity || cb === Class.Zero) { ctx.flags |= IE; return none(INDEFINITE); }
  if (cb === Class.Infinity || ca === Class.Zero) return none(a);
  const x = exact(a);
  const y = exact(b);
  const ex = x.e + bitLength(x.sig) - 1;
  const ey = y.e + bitLength(y.sig) - 1;
  const d = ex - ey;
  if (d >= 64) {
    // Partial: reduce by a quotient truncated to the top bits, scaled by 2^(d - n).
    const n = 32 + ((d - 32) % 32);
    const scale = d - n;
    const base = Math.min(x.e, y.e + scale);
    const xs = x.sig << BigInt(x.e - base);
    const ys = y.sig << BigInt(y.e + scale - base);
    const q = xs / ys;
    const r = xs - q * ys;
    const value = r === 0n ? zero(a.sign) : roundPack(new Ctx(Rounding.Nearest, 64), a.sign, r, base);
    return { value, c0: 0, c1: 0, c2: 1, c3: 0 };
  }
  const base = Math.min(x.e, y.e);
  const xs = x.sig << BigInt(x.e - base);
  const ys = y.sig << BigInt(y.e - base);
  let q = xs / ys;
  let r = xs - q * ys;
  let sign = a.sign;
  if (ieee) {
    const twice = r * 2n;
    if (twice > ys || (twice === ys && (q & 1n) === 1n)) {
      q += 1n;
      r = ys - r;
      sign = (sign ^ 1) as 0 | 1;
    }
  }
  const value = r === 0n ? zero(a.sign) : roundPack(new Ctx(Rounding.Nearest, 64), sign, r, base);
  return {
    value,
    c0: Number((q >> 2n) & 1n),
    c3: Number((q >> 1n) & 1n),
    c1: Number(q & 1n),
    c2: 0,
  };
}

/** fscale: a × 2^trunc(b). */
export function scale(ctx: Ctx, a: F80, b: F80): F80 {
  const s = special2(ctx, a, b);
  if (s) return s;
  const ca = classify(a);
  const cb = classify(b);
  if (cb === Class.Infinity) {
    if (b.sign === 0) {
      if (ca === Class.Zero) { ctx.flags |= IE; return INDEFINITE; }
      return infinity(a.sign);
    }
    if (ca === Class.Infinity) { ctx.flags |= IE; return INDEFINITE; }
    return zero(a.sign);
  }
  if (ca === Class.Infinity || ca === Class.Zero) return a;
  let n: number;
  if (b.exp >= BIAS + 30) n = b.sign ? -(1 << 30) : 1 << 30;
  else {
    const t = roundToInteger(new Ctx(Rounding.Zero, 64), b, true);
    n = Number(t);
  }
  const x = exact(a);
  return roundPack(ctx, x.sign, x.sig, x.e + n);
}

/** fxtract: [exponent, significand] (the significand is pushed last). */
export function extract(ctx: Ctx, a: F80): [F80, F80] {
  const c = classify(a);
  if (c === Class.Unsupported) { ctx.flags |= IE; return [INDEFINITE, INDEFINITE]; }
  if (c === Class.SNaN) { ctx.flags |= IE; return [quiet(a), quiet(a)]; }
  if (c === Class.QNaN) return [a, a];
  if (c === Class.Infinity) return [infinity(0), a];
  if (c === Class.Zero) { ctx.flags |= ZE; return [infinity(1), a]; }
  if (c === Class.Denormal) ctx.flags |= DE;
  const x = exact(a);
  const n = bitLength(x.sig);
  const E = x.e + n - 1;
  return [fromInt(BigInt(E)), { sign: a.sign, exp: BIAS, mant: x.sig << BigInt(64 - n) }];
}

export { MAX_EXP };
