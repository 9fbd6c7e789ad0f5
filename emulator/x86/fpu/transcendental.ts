// Owns the x87's transcendental instructions and constants (f2xm1, fyl2x, fyl2xp1, fpatan,
// fsin, fcos, fsincos, fptan; fldpi, fldl2e, fldl2t, fldlg2, fldln2): each computed in BigInt
// fixed point far beyond 64 bits, then rounded once to extended precision in the current
// rounding mode (precision control does not apply to them). Operands out of the
// instructions' domains follow the SDM: invalid (IE), divide by zero (ZE), or C2 = 1 for the
// trigonometric ones at |x| >= 2^63.
import { special1 } from './arith';
import {
  bitLength, BIAS, Class, classify, Ctx, DE, exact, IE, INDEFINITE, infinity, quiet, roundPack, Rounding, ZE, zero,
  type F80,
} from './float80';

/** Fraction bits of the fixed-point working values. */
const W = 256;
const ONE = 1n << BigInt(W);
/** Extra bits for pi in the argument reduction of arguments up to 2^63. */
const WPI = W + 96;

function fixedDiv(a: bigint, b: bigint): bigint {
  return (a << BigInt(W)) / b;
}

/** a × b in fixed point, truncated toward zero (a floor would leave -1 terms that never vanish). */
function fixedMul(a: bigint, b: bigint): bigint {
  const p = a * b;
  return p < 0n ? -((-p) >> BigInt(W)) : p >> BigInt(W);
}

/** atan(1/k) × 2^w by its series. */
function atanInv(k: bigint, w: number): bigint {
  const one = 1n << BigInt(w);
  let term = one / k;
  let sum = term;
  const k2 = k * k;
  for (let n = 1n; term !== 0n; n++) {
    term /= k2;
    const t = term / (2n * n + 1n);
    sum += n & 1n ? -t : t;
  }
  return sum;
}

/** pi × 2^WPI (Machin: 16 atan(1/5) - 4 atan(1/239)). */
const PI_WIDE = 16n * atanInv(5n, WPI + 8) - 4n * atanInv(239n, WPI + 8) >> 8n;
const PI = PI_WIDE >> BigInt(WPI - W);

/** ln 2 × 2^W: sum 1/(k 2^k). */
const LN2 = (() => {
  const w = W + 8;
  let sum = 0n;
  for (let k = 1n; k < BigInt(w + 8); k++) sum += (1n << BigInt(w)) / (k << k);
  return sum >> 8n;
})();

/** ln(x) for a fixed-point x in [1, 2): 2 atanh((x-1)/(x+1)). */
function lnFixed(x: bigint): bigint {
  const z = fixedDiv(x - ONE, x + ONE);
  const z2 = fixedMul(z, z);
  let term = z;
  let sum = 0n;
  for (let n = 1n; term !== 0n; n += 2n) {
    sum += term / n;
    term = fixedMul(term, z2);
  }
  return 2n * sum;
}

/** e^t - 1 for a fixed-point |t| ≤ 1 (Taylor). */
function expm1Fixed(t: bigint): bigint {
  let term = t;
  let sum = 0n;
  for (let n = 2n; term !== 0n; n++) {
    sum += term;
    term = fixedMul(term, t) / n;
  }
  return sum;
}

/** atan(z) for a fixed-point 0 ≤ z ≤ 1: two halvings, then the series. */
function atanFixed(z: bigint): bigint {
  let v = z;
  for (let k = 0; k < 3; k++) {
    const root = sqrtFixed(ONE + fixedMul(v, v));
    v = fixedDiv(v, ONE + root);
  }
  const v2 = fixedMul(v, v);
  let term = v;
  let sum = 0n;
  for (let n = 1n; term !== 0n; n += 2n) {
    const t = term / n;
    sum += (n >> 1n) & 1n ? -t : t;
    term = fixedMul(term, v2);
  }
  return sum << 3n;
}

function sqrtFixed(x: bigint): bigint {
  // sqrt(x × 2^W) × 2^(W/2) = sqrt(x × 2^(2W))/… : isqrt(x << W).
  let r = 1n << BigInt((bitLength(x << BigInt(W)) + 1) >> 1);
  const n = x << BigInt(W);
  for (;;) {
    const y = (r + n / r) >> 1n;
    if (y >= r) return r;
    r = y;
  }
}

/** sin and cos of a fixed-point |r| ≤ pi/4. */
function sinCosFixed(r: bigint): [bigint, bigint] {
  const r2 = fixedMul(r, r);
  let s = 0n;
  let term = r;
  for (let n = 1n; term !== 0n; n += 2n) {
    s += term;
    term = -fixedMul(term, r2) / ((n + 1n) * (n + 2n));
  }
  let c = 0n;
  term = ONE;
  for (let n = 0n; term !== 0n; n += 2n) {
    c += term;
    term = -fixedMul(term, r2) / ((n + 1n) * (n + 2n));
  }
  return [s, c];
}

/** A finite value as a fixed-point number (truncated). */
function toFixed(x: F80): bigint {
  const { sign, sig, e } = exact(x);
  const sh = e + W;
  const v = sh >= 0 ? sig << BigInt(sh) : sig >> BigInt(-sh);
  return sign ? -v : v;
}

function ctx64(ctx: Ctx): Ctx {
  return new Ctx(ctx.rc, 64, ctx.unmasked);
}

/** A fixed-point result (value × 2^-W, inexact below) rounded into ctx. */
function packFixed(ctx: Ctx, v: bigint, exactValue = false): F80 {
  const c = ctx64(ctx);
  const r = v < 0n ? roundPack(c, 1, -v, -W, !exactValue) : roundPack(c, 0, v, -W, !exactValue);
  ctx.flags |= c.flags;
  ctx.roundedUp = c.roundedUp;
  return r;
}

/** log2(x) for a positive finite x, fixed point: exponent + ln(m)/ln 2. */
function log2Fixed(x: F80): bigint {
  const { sig, e } = exact(x);
  const n = bitLength(sig);
  const E = e + n - 1;
  const m = sig << BigInt(W - (n - 1));
  return (BigInt(E) << BigInt(W)) + fixedDiv(lnFixed(m), LN2);
}

export type Constant = 'pi' | 'l2e' | 'l2t' | 'lg2' | 'ln2';

/** The x87 constants (fldpi ...), rounded in the current mode. */
export function constant(ctx: Ctx, which: Constant): F80 {
  const l2t = (3n << BigInt(W)) + fixedDiv(lnFixed((10n << BigInt(W)) / 8n), LN2);
  const v = which === 'pi' ? PI : which === 'ln2' ? LN2 : which === 'l2e' ? fixedDiv(ONE, LN2)
    : which === 'l2t' ? l2t : fixedDiv(ONE, l2t);
  const c = ctx64(ctx);
  const r = roundPack(c, 0, v, -W, true);
  ctx.roundedUp = c.roundedUp;
  return r;
}

/** f2xm1: 2^x - 1 for -1 ≤ x ≤ 1. */
export function f2xm1(ctx: Ctx, x: F80): F80 {
  const s = special1(ctx, x);
  if (s) return s;
  const c = classify(x);
  if (c === Class.Zero) return x;
  if (c === Class.Infinity) return x.sign ? { sign: 1, exp: BIAS, mant: 1n << 63n } : x;
  // The exact cases: 2^1 - 1 = 1, 2^-1 - 1 = -0.5.
  if (x.exp === BIAS && x.mant === 1n << 63n) return x.sign ? { sign: 1, exp: BIAS - 1, mant: 1n << 63n } : x;
  const t = fixedMul(toFixed(x), LN2);
  return packFixed(ctx, expm1Fixed(t));
}

/** fyl2x: y × log2(x). */
export function fyl2x(ctx: Ctx, x: F80, y: F80): F80 {
  const cx = classify(x);
  const cy = classify(y);
  const nan = nanPair(ctx, x, cx, y, cy);
  if (nan) return nan;
  if (cx === Class.Denormal || cy === Class.Denormal) ctx.flags |= DE;
  if (x.sign === 1 && cx !== Class.Zero) { ctx.flags |= IE; return INDEFINITE; }
  if (cx === Class.Zero) {
    if (cy === Class.Zero) { ctx.flags |= IE; return INDEFINITE; }
    if (cy !== Class.Infinity) ctx.flags |= ZE;
    return infinity((y.sign ^ 1) as 0 | 1);
  }
  const isOne = x.exp === BIAS && x.mant === 1n << 63n;
  if (cx === Class.Infinity) {
    if (cy === Class.Zero) { ctx.flags |= IE; return INDEFINITE; }
    return infinity(y.sign);
  }
  if (cy === Class.Infinity) {
    if (isOne) { ctx.flags |= IE; return INDEFINITE; }
    return infinity((x.exp < BIAS ? y.sign ^ 1 : y.sign) as 0 | 1);
  }
  if (cy === Class.Zero || isOne) return zero((cy === Class.Zero ? (x.exp < BIAS ? y.sign ^ 1 : y.sign) : y.sign) as 0 | 1);
  const l = log2Fixed(x);
  return packProduct(ctx, l, y);
}

/** A fixed-point factor times an F80, rounded (exact product of the two). */
function packProduct(ctx: Ctx, f: bigint, y: F80): F80 {
  const { sign, sig, e } = exact(y);
  const neg = (f < 0n) !== (sign === 1);
  const mag = (f < 0n ? -f : f) * sig;
  const c = ctx64(ctx);
  const r = roundPack(c, neg ? 1 : 0, mag, e - W, true);
  ctx.flags |= c.flags;
  ctx.roundedUp = c.roundedUp;
  return r;
}

function nanPair(ctx: Ctx, x: F80, cx: Class, y: F80, cy: Class): F80 | null {
  if (cx === Class.Unsupported || cy === Class.Unsupported) { ctx.flags |= IE; return INDEFINITE; }
  const nx = cx === Class.QNaN || cx === Class.SNaN;
  const ny = cy === Class.QNaN || cy === Class.SNaN;
  if (!nx && !ny) return null;
  // ST(0)'s signalling NaN first, then ST(1)'s, then a quiet one in the same order (the SDM
  // leaves the choice open for these instructions; this is qemu's).
  if (cx === Class.SNaN) { ctx.flags |= IE; return quiet(x); }
  if (cy === Class.SNaN) { ctx.flags |= IE; return quiet(y); }
  return nx ? x : y;
}

/** fyl2xp1: y × log2(x + 1), for |x| < 1 - sqrt(2)/2. */
export function fyl2xp1(ctx: Ctx, x: F80, y: F80): F80 {
  const cx = classify(x);
  const cy = classify(y);
  const nan = nanPair(ctx, x, cx, y, cy);
  if (nan) return nan;
  if (cx === Class.Denormal || cy === Class.Denormal) ctx.flags |= DE;
  if (cx === Class.Infinity || cy === Class.Infinity) {
    if (cx === Class.Zero || cy === Class.Zero) { ctx.flags |= IE; return INDEFINITE; }
    if (cx === Class.Infinity && x.sign === 1) { ctx.flags |= IE; return INDEFINITE; }
    return infinity((x.sign ^ y.sign) as 0 | 1);
  }
  if (cx === Class.Zero || cy === Class.Zero) return zero((x.sign ^ y.sign) as 0 | 1);
  // ln(1 + x) = 2 atanh(x / (2 + x)), exact enough for tiny x.
  const xf = toFixedWide(x);
  const z = (xf.v << BigInt(W)) / ((2n << BigInt(xf.w)) + xf.v);
  const z2 = fixedMul(z, z);
  let term = z;
  let sum = 0n;
  for (let n = 1n; term !== 0n; n += 2n) {
    sum += term / n;
    term = fixedMul(term, z2);
  }
  // log2(1 + x) × 2^W × 2^extra where the extra scale keeps tiny x exact enough.
  const l = fixedDiv(2n * sum, LN2);
  const c = ctx64(ctx);
  const { sign, sig, e } = exact(y);
  const neg = (l < 0n) !== (sign === 1);
  const r = roundPack(c, neg ? 1 : 0, (l < 0n ? -l : l) * sig, e - W - (xf.w - W), true);
  ctx.flags |= c.flags;
  ctx.roundedUp = c.roundedUp;
  return r;
}

/** A small finite value in fixed point with enough fraction bits for its own 64 bits. */
function toFixedWide(x: F80): { v: bigint; w: number } {
  const { sign, sig, e } = exact(x);
  const w = Math.max(W, -e + 8);
  const sh = e + w;
  const v = sh >= 0 ? sig << BigInt(sh) : sig >> BigInt(-sh);
  return { v: sign ? -v : v, w };
}

/** fpatan: atan2(y, x) (y = ST1, x = ST0). */
export function fpatan(ctx: Ctx, x: F80, y: F80): F80 {
  const cx = classify(x);
  const cy = classify(y);
  const nan = nanPair(ctx, x, cx, y, cy);
  if (nan) return nan;
  if (cx === Class.Denormal || cy === Class.Denormal) ctx.flags |= DE;
  const piOver = (k: bigint, d: bigint, sign: number): F80 => packFixed(ctx, (sign ? -1n : 1n) * (PI * k / d));
  if (cy === Class.Zero) {
    if (x.sign === 0) return zero(y.sign);
    return piOver(1n, 1n, y.sign);
  }
  if (cy === Class.Infinity) {
    if (cx === Class.Infinity) return piOver(x.sign ? 3n : 1n, 4n, y.sign);
    return piOver(1n, 2n, y.sign);
  }
  if (cx === Class.Infinity) return x.sign === 0 ? zero(y.sign) : piOver(1n, 1n, y.sign);
  if (cx === Class.Zero) return piOver(1n, 2n, y.sign);
  const ax = exact(x);
  const ay = exact(y);
  // |y/x| in fixed point, folded to [0, 1].
  const big = (a: { sig: bigint; e: number }, b: { sig: bigint; e: number }): boolean => {
    const la = a.e + bitLength(a.sig);
    const lb = b.e + bitLength(b.sig);
    if (la !== lb) return la > lb;
    const base = Math.min(a.e, b.e);
    return (a.sig << BigInt(a.e - base)) > (b.sig << BigInt(b.e - base));
  };
  const ratio = (n: { sig: bigint; e: number }, d: { sig: bigint; e: number }): { v: bigint; shift: number } => {
    // n/d × 2^W, with extra scale when tiny so the result keeps its 64 bits.
    const lnd = n.e + bitLength(n.sig) - (d.e + bitLength(d.sig));
    // Only a ratio below 2^-80 needs scale beyond W (then atan(z) = z to far below an ulp).
    const extra = lnd < -80 ? -lnd : 0;
    const sh = W + extra + n.e - d.e + 70;
    const num = sh >= 0 ? n.sig << BigInt(sh) : n.sig >> BigInt(-sh);
    return { v: num / d.sig >> 70n, shift: extra };
  };
  const swap = big(ay, ax);
  const r = swap ? ratio(ax, ay) : ratio(ay, ax);
  let angle: bigint;
  let extra = 0;
  if (!swap && r.shift > 0) {
    // Tiny ratio: atan(z) = z - z^3/3 ... with the extra scale (z^3 term is far below).
    angle = r.v - (r.v * r.v * r.v >> BigInt(2 * (W + r.shift))) / 3n;
    extra = r.shift;
  } else {
    const a = atanFixed(r.v >> BigInt(r.shift));
    angle = swap ? PI / 2n - a : a;
  }
  if (x.sign === 1) {
    angle = (PI << BigInt(extra)) - angle;
  }
  const c = ctx64(ctx);
  const out = roundPack(c, y.sign, angle, -W - extra, true);
  ctx.flags |= c.flags;
  ctx.roundedUp = c.roundedUp;
  return out;
}

/** The reduced argument of a trigonometric instruction: r in [-pi/4, pi/4] and the quadrant. */
function reduce(x: F80): { r: bigint; quadrant: number; tiny: boolean } {
  const { sign, sig, e } = exact(x);
  // x × 2^WPI as an integer (exact for |x| < 2^63 with e ≥ -16445: shift is bounded below).
  const sh = e + WPI;
  const v = sh >= 0 ? sig << BigInt(sh) : sig >> BigInt(-sh);
  const half = PI_WIDE >> 1n;
  let k = (v + (half >> 1n)) / half;
  let r = v - k * half;
  if (sign) { r = -r; k = -k; }
  return { r: r >> BigInt(WPI - W), quadrant: Number(((k % 4n) + 4n) % 4n), tiny: x.exp < BIAS - 40 };
}

export interface Trig {
  /** False when |x| ≥ 2^63: C2 = 1 and ST0 is left alone. */
  readonly inRange: boolean;
  readonly sin: F80;
  readonly cos: F80;
}

/** sin and cos of ST0 (rounded separately); `which` limits the work done. */
export function sinCos(ctx: Ctx, x: F80, which: 'sin' | 'cos' | 'both'): Trig {
  const c = classify(x);
  const s = special1(ctx, x);
  if (s) return { inRange: true, sin: s, cos: s };
  if (c === Class.Infinity) { ctx.flags |= IE; return { inRange: true, sin: INDEFINITE, cos: INDEFINITE }; }
  if (x.exp >= BIAS + 63) return { inRange: false, sin: x, cos: x };
  if (c === Class.Zero) return { inRange: true, sin: x, cos: { sign: 0, exp: BIAS, mant: 1n << 63n } };
  const { r, quadrant, tiny } = reduce(x);
  if (tiny && which !== 'cos') {
    // sin(x) = x - x^3/6: x itself with the remainder below (it rounds toward zero by a hair).
    const ex = exact(x);
    const cc = ctx64(ctx);
    const sinV = roundPack(cc, x.sign, (ex.sig << 200n) - 1n, ex.e - 200, true);
    ctx.flags |= cc.flags;
    ctx.roundedUp = cc.roundedUp;
    const cosV = which === 'both' ? packFixed(ctx, ONE - 1n) : x;
    return { inRange: true, sin: sinV, cos: cosV };
  }
  const [sr, cr] = sinCosFixed(r);
  const table: [bigint, bigint][] = [[sr, cr], [cr, -sr], [-sr, -cr], [-cr, sr]];
  const [sv, cv] = table[quadrant]!;
  const sinV = which === 'cos' ? x : packFixed(ctx, sv);
  const cosV = which === 'sin' ? x : packFixed(ctx, cv);
  return { inRange: true, sin: sinV, cos: cosV };
}

/** fptan: tan(ST0) (then 1.0 is pushed by the caller). */
export function tan(ctx: Ctx, x: F80): { inRange: boolean; value: F80 } {
  const c = classify(x);
  const s = special1(ctx, x);
  if (s) return { inRange: true, value: s };
  if (c === Class.Infinity) { ctx.flags |= IE; return { inRange: true, value: INDEFINITE }; }
  if (x.exp >= BIAS + 63) return { inRange: false, value: x };
  if (c === Class.Zero) return { inRange: true, value: x };
  const { r, quadrant, tiny } = reduce(x);
  if (tiny) {
    const ex = exact(x);
    const cc = ctx64(ctx);
    const v = roundPack(cc, x.sign, (ex.sig << 200n) + 1n, ex.e - 200, true);
    ctx.flags |= cc.flags;
    ctx.roundedUp = cc.roundedUp;
    return { inRange: true, value: v };
  }
  const [sr, cr] = sinCosFixed(r);
  const t = quadrant & 1 ? -fixedDiv(cr, sr) : fixedDiv(sr, cr);
  return { inRange: true, value: packFixed(ctx, t) };
}

export { quiet, Rounding };
