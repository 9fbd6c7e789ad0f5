// Owns the x87 differential test's case generator: for every x87 row of the opcode table, a
// seeded random initial FPU state (an frstor image: control word with every exception
// masked and a random rounding and precision control, random condition codes and sticky
// flags, TOP, which registers are empty, and values drawn from every class: integers,
// random normals over the whole exponent range and near the float/double limits, zeros,
// denormals, infinities, quiet and signalling NaNs), random EFLAGS for fcmov, and the memory
// operand in its format; plus the set-up some rows need (an image to load for fldenv,
// frstor and fxrstor; a valid control word for fldcw), and operands kept inside the domain
// where the SDM leaves a result undefined (f2xm1 |x| <= 1, fyl2xp1 |x| < 1 - sqrt(2)/2).
import { MODRM_NONE, ModKind, OperandKind, type OpcodeEntry } from '../../toolchain/isa/entry';
import { TABLE } from '../../toolchain/isa/table-index';
import { isX87, Op } from '../../toolchain/isa/ops';
import { Rng } from './generate';

/** Bytes of scratch memory each case starts with (the rest of the 512-byte area is zero). */
export const X87_SCRATCH_INIT = 64;
export const X87_SCRATCH = 512;

export interface X87Case {
  /** The frstor image (108 bytes) the case starts from. */
  readonly image: Uint8Array;
  readonly flags: number;
  readonly scratch: Uint8Array;
  /** Assembly lines: set-up, then the instruction as bytes. */
  readonly lines: readonly string[];
  readonly entry: OpcodeEntry;
}

const BIAS = 16383;

/** A random 80-bit value (10 bytes, little-endian). */
function value80(rng: Rng, near?: 'unit' | 'small' | 'trig'): Uint8Array {
  const b = new Uint8Array(10);
  let sign = rng.below(2);
  let exp: number;
  let mant: bigint;
  const randMant = () => (BigInt(rng.next()) << 32n) | BigInt(rng.next());
  const k = near ? 100 : rng.below(100);
  if (near === 'unit') {
    exp = BIAS - 1 - rng.below(rng.chance(0.2) ? 70 : 8);
    mant = randMant() | (1n << 63n);
    if (rng.chance(0.05)) { exp = BIAS; mant = 1n << 63n; }
  } else if (near === 'trig') {
    // A double-precision argument of moderate size (qemu evaluates these through double).
    exp = BIAS - 20 + rng.below(40);
    mant = (randMant() | (1n << 63n)) & ~((1n << 11n) - 1n);
  } else if (near === 'small') {
    exp = BIAS - 3 - rng.below(rng.chance(0.2) ? 70 : 10);
    mant = randMant() | (1n << 63n);
  } else if (k < 12) {
    const n = BigInt(rng.below(rng.chance(0.5) ? 20 : 100000) + 1);
    const bits = n.toString(2).length;
    exp = BIAS + bits - 1;
    mant = n << BigInt(64 - bits);
  } else if (k < 55) {
    exp = BIAS - 40 + rng.below(80);
    mant = randMant() | (1n << 63n);
    if (rng.chance(0.3)) mant &= ~((1n << BigInt(rng.below(64))) - 1n) | (1n << 63n);
  } else if (k < 65) {
    const edges = [127, 126, -126, -127, -149, -150, 1023, 1024, -1022, -1023, -1074, -1075, 16383, -16382, 62, 63, 64, 15, 31];
    exp = BIAS + rng.pick(edges) + rng.below(3) - 1;
    mant = randMant() | (1n << 63n);
    if (rng.chance(0.5)) mant = (1n << 63n) | (rng.chance(0.5) ? ((1n << 63n) - 1n) : 0n);
  } else if (k < 72) {
    exp = 1 + rng.below(0x7ffe);
    mant = randMant() | (1n << 63n);
  } else if (k < 78) { exp = 0; mant = 0n; }
  else if (k < 83) { exp = 0; mant = randMant() & ((1n << 63n) - 1n) >> BigInt(rng.below(60)); if (mant === 0n) mant = 1n; }
  else if (k < 88) { exp = 0x7fff; mant = 1n << 63n; }
  else if (k < 93) { exp = 0x7fff; mant = (1n << 63n) | (1n << 62n) | (randMant() & ((1n << 62n) - 1n) & (rng.chance(0.5) ? 0n : -1n)); }
  else if (k < 97) { exp = 0x7fff; mant = (1n << 63n) | (randMant() & ((1n << 62n) - 1n)); if (mant === 1n << 63n) mant |= 1n; }
  else { exp = BIAS + rng.below(3); mant = 3n << 62n; sign = 0; }
  for (let i = 0; i < 8; i++) { b[i] = Number(mant & 0xffn); mant >>= 8n; }
  const se = (sign << 15) | exp;
  b[8] = se & 0xff;
  b[9] = se >> 8;
  return b;
}

/** A memory operand of `size` bytes in the row's format. */
function memoryValue(rng: Rng, e: OpcodeEntry, size: number): Uint8Array {
  const b = new Uint8Array(size);
  const fill = () => { for (let i = 0; i < size; i++) b[i] = rng.below(256); };
  if (e.op === Op.Fbld) {
    for (let i = 0; i < 9; i++) b[i] = rng.below(10) << 4 | rng.below(10);
    if (rng.chance(0.3)) b.fill(0, rng.below(9), 9);
    b[9] = rng.chance(0.5) ? 0x80 : 0;
    return b;
  }
  if (size === 10) return value80(rng);
  const integer = [Op.Fild, Op.Fiadd, Op.Fimul, Op.Fisub, Op.Fisubr, Op.Fidiv, Op.Fidivr, Op.Ficom, Op.Ficomp].includes(e.op);
  fill();
  if (integer) {
    if (rng.chance(0.3)) { const v = rng.below(200) - 100; for (let i = 0; i < size; i++) b[i] = (v >> (8 * Math.min(i, 3))) & 0xff; }
    return b;
  }
  // Real32/real64: random bits, with the exponent steered to the interesting classes.
  const expBits = size === 4 ? 8 : 11;
  const fracBits = size * 8 - 1 - expBits;
  let bits = 0n;
  for (let i = size - 1; i >= 0; i--) bits = (bits << 8n) | BigInt(b[i]!);
  const emax = (1 << expBits) - 1;
  const bias = emax >> 1;
  const k = rng.below(10);
  let exp = Number((bits >> BigInt(fracBits)) & BigInt(emax));
  if (k < 5) exp = bias - 20 + rng.below(40);
  else if (k === 5) exp = 0;
  else if (k === 6) exp = emax;
  let frac = bits & ((1n << BigInt(fracBits)) - 1n);
  if (k === 7) { frac = 0n; exp = rng.chance(0.5) ? 0 : emax; }
  bits = (bits & (1n << BigInt(size * 8 - 1))) | (BigInt(exp) << BigInt(fracBits)) | frac;
  for (let i = 0; i < size; i++) { b[i] = Number(bits & 0xffn); bits >>= 8n; }
  return b;
}

/** Is a real32/real64 memory operand a NaN? */
function isRealNaN(b: Uint8Array, e: OpcodeEntry): boolean {
  if (e.intel.startsWith('FI') || (b.length !== 4 && b.length !== 8)) return false;
  let bits = 0n;
  for (let i = b.length - 1; i >= 0; i--) bits = (bits << 8n) | BigInt(b[i]!);
  const fracBits = b.length === 4 ? 23n : 52n;
  const emax = b.length === 4 ? 0xffn : 0x7ffn;
  return ((bits >> fracBits) & emax) === emax && (bits & ((1n << fracBits) - 1n)) !== 0n;
}

function hex8(v: number): string {
  return '0x' + (v & 0xff).toString(16).padStart(2, '0');
}

/** The x87 rows the test covers: all but frstpm, whose #UD test/x87/programs.test.ts checks. */
export function x87Entries(): OpcodeEntry[] {
  return TABLE.filter((e) => isX87(e.op) && e.op !== Op.Frstpm);
}

const NEEDS_UNIT = new Set<Op>([Op.F2xm1]);
const NEEDS_SMALL = new Set<Op>([Op.Fyl2xp1]);
const TRIG = new Set<Op>([Op.Fsin, Op.Fcos, Op.Fsincos, Op.Fptan]);
/** The instructions precision control applies to (SDM Vol. 1 §8.1.5.2). */
const PRECISION_OPS = new Set<Op>([
  Op.Fadd, Op.Faddp, Op.Fiadd, Op.Fsub, Op.Fsubp, Op.Fisub, Op.Fsubr, Op.Fsubrp, Op.Fisubr, Op.Fmul, Op.Fmulp, Op.Fimul,
  Op.Fdiv, Op.Fdivp, Op.Fidiv, Op.Fdivr, Op.Fdivrp, Op.Fidivr, Op.Fsqrt,
]);
const PUSHES = new Set<Op>([
  Op.Fld, Op.Fild, Op.Fbld, Op.Fld1, Op.Fldz, Op.Fldpi, Op.Fldl2e, Op.Fldl2t, Op.Fldlg2, Op.Fldln2, Op.Fptan, Op.Fsincos,
  Op.Fxtract, Op.Fdecstp,
]);

/** One case exercising `e`; `label` names the case (unique in the program). */
export function generateX87Case(rng: Rng, e: OpcodeEntry, label: string): X87Case {
  const image = new Uint8Array(108);
  const view = new DataView(image.buffer);
  // Precision control below 64 bits only where Intel applies it, and with round to nearest
  // (qemu rounds conversions and directed reduced-precision results wrongly: x87-deviations.ts).
  const rc = rng.below(4);
  const real64 = e.operands.includes(OperandKind.Mq) && !e.intel.startsWith('FI');
  const wide = real64 || (e.operands.includes(OperandKind.Md) && e.intel.startsWith('FI'));
  const pc = PRECISION_OPS.has(e.op) && rc === 0 ? rng.pick(wide ? [2, 3, 3] : [0, 2, 3, 3]) : 3;
  const cw = 0x3f | 0x40 | (pc << 8) | (rc << 10);
  const top = rng.below(8);
  const sticky = rng.chance(0.3) ? rng.below(64) : 0;
  const cc = rng.chance(0.5) ? rng.below(16) : 0;
  const sw = sticky | ((cc & 7) << 8) | ((cc & 8) << 11) | (top << 11);
  // qemu does not model stack faults (x87-deviations.ts): every register an instruction reads
  // is in use, and ST(7) is free for the instructions that push.
  let tags = 0;
  const pushes = PUSHES.has(e.op);
  const empty: boolean[] = [];
  for (let i = 0; i < 8; i++) empty.push(pushes && i === 7);
  for (let i = 0; i < 8; i++) {
    const phys = (top + i) & 7;
    if (empty[i]) tags |= 3 << (2 * phys);
  }
  view.setUint16(0, cw, true);
  view.setUint16(4, sw, true);
  view.setUint16(8, tags, true);
  for (let i = 0; i < 8; i++) {
    const near = i !== 0 ? undefined : NEEDS_UNIT.has(e.op) ? 'unit' : NEEDS_SMALL.has(e.op) ? 'small' : TRIG.has(e.op) ? 'trig' : undefined;
    image.set(value80(rng, near), 28 + 10 * i);
  }
  const flags = 0x202 | (rng.below(256) & 0xd5) | (rng.chance(0.3) ? 0x800 : 0);
  const scratch = new Uint8Array(X87_SCRATCH_INIT);
  const lines: string[] = [];
  const mem = e.mod !== ModKind.Reg && e.modrmByte < 0 && e.operands.some((k) => k >= OperandKind.Mw || k === OperandKind.Mq);
  const memKind = e.operands.find((k) => k >= OperandKind.Mw || k === OperandKind.Mq);
  const size = memKind === OperandKind.Mw ? 2 : memKind === OperandKind.Md ? 4 : memKind === OperandKind.Mq ? 8 : 10;
  const state = memKind === OperandKind.Me || memKind === OperandKind.Ms || memKind === OperandKind.Mx;
  const opsize = (memKind === OperandKind.Me || memKind === OperandKind.Ms) && rng.chance(0.3);
  const offset = state ? 0 : rng.below(X87_SCRATCH_INIT - size + 1);
  if (mem && !state) {
    const v = memoryValue(rng, e, size);
    scratch.set(v, offset);
    // Two NaN operands, one of them a real32/real64 from memory: qemu returns the memory one
    // (x87-deviations.ts); ST(0) is made a number then.
    if (isRealNaN(v, e) && (image[37]! & 0x7f) === 0x7f && image[36] === 0xff) image.set(value80(rng, 'unit'), 28);
  }
  if (e.op === Op.Fldcw) {
    const v = 0x40 | 0x3f | (rng.pick([0, 2, 3]) << 8) | (rng.below(4) << 10);
    scratch[offset] = v & 0xff;
    scratch[offset + 1] = v >> 8;
  }
  // Loads of a state image load the one just stored (the stored form of the random state).
  const d16 = opsize ? '0x66, ' : '';
  if (e.op === Op.Fldenv) lines.push(`.byte ${d16}0xd9, 0x35`, `.long scratch`);
  if (e.op === Op.Frstor) lines.push(`.byte ${d16}0xdd, 0x35`, `.long scratch`);
  if (e.op === Op.Fxrstor) lines.push('.byte 0x0f, 0xae, 0x05', '.long scratch');
  const bytes: number[] = [];
  if (e.mandatoryPrefix === 0x9b) bytes.push(0x9b);
  if (opsize) bytes.push(0x66);
  if (e.map === 1) bytes.push(0x0f);
  bytes.push(e.opcode);
  let tail = '';
  if (e.modrm === MODRM_NONE) { /* fwait */ } else if (e.modrmByte >= 0) bytes.push(e.modrmByte);
  else if (mem) {
    if (rng.chance(0.2) && !state) { bytes.push((e.modrm << 3) | 0x80 | 3); tail = `.long ${offset}`; lines.push(`movl $scratch, %ebx`); }
    else { bytes.push((e.modrm << 3) | 5); tail = `.long scratch+${offset}`; }
  } else bytes.push(0xc0 | (e.modrm << 3) | rng.below(pushes ? 7 : 8));
  lines.push(`${label}: .byte ${bytes.map(hex8).join(', ')}`);
  if (tail) lines.push(tail);
  return { image, flags, scratch, lines, entry: e };
}
