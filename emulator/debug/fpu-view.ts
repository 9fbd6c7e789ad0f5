// Owns the x87 FPU as the debugger shows it, the way gdb's `info float` prints it: each
// register ST(i) with its physical number, its tag (Valid, Zero, Special, Empty), its raw
// 80 bits and its value (printf's "%+.19Lg", or Inf, QNaN, SNaN, Real Indefinite, and
// Denormal, Pseudo-denormal or Unsupported as gdb names them), then the status word
// (exception flags, ES, SF, C0-C3, TOP), the control word (exception masks, precision and
// rounding control), the tag word, and the last instruction and operand pointers and opcode.
import { toBytes, type F80 } from '../x86/fpu/float80';
import { TAG_EMPTY, TAG_SPECIAL, TAG_VALID, TAG_ZERO, type FpuState } from '../x86/fpu/state';

/** gdb's "%-+27.19g": 19 significant digits. */
const DIGITS = 19;
const BIAS = 16383;
const INT_BIT = 1n << 63n;

const TAG_NAMES: Readonly<Record<number, string>> = { [TAG_VALID]: 'Valid', [TAG_ZERO]: 'Zero', [TAG_SPECIAL]: 'Special', [TAG_EMPTY]: 'Empty' };

export interface FpuRegisterView {
  /** "st0".."st7". */
  readonly name: string;
  /** The physical register R0..R7 that ST(i) is. */
  readonly physical: number;
  readonly tag: string;
  /** The 80 bits as gdb prints them: 0x then 20 hex digits, sign and exponent first. */
  readonly raw: string;
  /** The value as `info float` prints it (empty registers: undefined). */
  readonly value: string | undefined;
}

export interface FpuView {
  readonly registers: readonly FpuRegisterView[];
  /** "0x3820 PE ES TOP: 7" (the status word, the flags that are set, TOP). */
  readonly status: string;
  /** "0x037f IM DM ZM OM UM PM; PC: Extended Precision (64-bits); RC: Round to nearest". */
  readonly control: string;
  /** The full tag word ("0xffff"). */
  readonly tag: string;
  /** "0x0000:0x08049d86" (selector:offset), as `info float` prints the pointers. */
  readonly instructionPointer: string;
  readonly operandPointer: string;
  readonly opcode: string;
}

const hex = (n: number, width: number): string => '0x' + (n >>> 0).toString(16).padStart(width, '0');

/** The 10 bytes of `x`, most significant first, as gdb's raw column. */
export function rawExtended(x: F80): string {
  const b = new Uint8Array(10);
  toBytes(x, b);
  return '0x' + [...b].reverse().map((v) => v.toString(16).padStart(2, '0')).join('');
}

/** printf's "%+.{DIGITS}g" of a finite nonzero mant * 2^e2, correctly rounded (ties to even). */
function formatFinite(sign: 0 | 1, mant: bigint, e2: number): string {
  const bits = mant.toString(2).length;
  let d = Math.floor((bits - 1 + e2) * Math.log10(2));
  const num = mant * (e2 > 0 ? 1n << BigInt(e2) : 1n);
  const den = e2 < 0 ? 1n << BigInt(-e2) : 1n;
  // Digits q = round(value / 10^(d - DIGITS + 1)); fix d when the estimate was one off.
  const scaled = (exp10: number): [bigint, bigint] => (exp10 >= 0 ? [num, den * 10n ** BigInt(exp10)] : [num * 10n ** BigInt(-exp10), den]);
  for (;;) {
    const [n, m] = scaled(d);
    if (n < m) d -= 1;
    else if (n >= m * 10n) d += 1;
    else break;
  }
  const [n, m] = scaled(d - DIGITS + 1);
  let q = n / m;
  const r2 = (n % m) * 2n;
  if (r2 > m || (r2 === m && (q & 1n) === 1n)) q += 1n;
  if (q === 10n ** BigInt(DIGITS)) {
    q = 10n ** BigInt(DIGITS - 1);
    d += 1;
  }
  const digits = q.toString();
  const s = sign ? '-' : '+';
  const trim = (t: string): string => (t.includes('.') ? t.replace(/0+$/, '').replace(/\.$/, '') : t);
  if (d < -4 || d >= DIGITS) {
    const e = `e${d < 0 ? '-' : '+'}${String(Math.abs(d)).padStart(2, '0')}`;
    return s + trim(`${digits[0]}.${digits.slice(1)}`) + e;
  }
  if (d >= 0) return s + trim(`${digits.slice(0, d + 1)}.${digits.slice(d + 1)}`);
  return s + trim(`0.${'0'.repeat(-d - 1)}${digits}`);
}

/** A register's value as `info float` shows it. */
export function formatExtended(x: F80): string {
  const integer = (x.mant & INT_BIT) !== 0n;
  const fraction = x.mant & ~INT_BIT;
  if (x.exp === 0x7fff && integer) {
    if (fraction === 0n) return `${x.sign ? '-' : '+'}Inf`;
    if (x.sign && fraction === 1n << 62n) return 'Real Indefinite (QNaN)';
    return fraction & (1n << 62n) ? 'QNaN' : 'SNaN';
  }
  if (x.exp > 0 && x.exp < 0x7fff && integer) return formatFinite(x.sign, x.mant, x.exp - BIAS - 63);
  if (x.exp === 0) {
    const value = x.mant === 0n ? `${x.sign ? '-' : '+'}0` : formatFinite(x.sign, x.mant, 1 - BIAS - 63);
    if (integer) return `${value} Pseudo-denormal`;
    return fraction ? `${value} Denormal` : value;
  }
  return 'Unsupported';
}

const STATUS_FLAGS: ReadonlyArray<readonly [number, string]> = [
  [0x1, 'IE'], [0x2, 'DE'], [0x4, 'ZE'], [0x8, 'OE'], [0x10, 'UE'], [0x20, 'PE'], [0x80, 'ES'], [0x40, 'SF'],
  [0x100, 'C0'], [0x200, 'C1'], [0x400, 'C2'], [0x4000, 'C3'],
];
const CONTROL_MASKS: ReadonlyArray<readonly [number, string]> = [[0x1, 'IM'], [0x2, 'DM'], [0x4, 'ZM'], [0x8, 'OM'], [0x10, 'UM'], [0x20, 'PM']];
const PRECISION = ['Single Precision (24-bits)', 'Reserved', 'Double Precision (53-bits)', 'Extended Precision (64-bits)'];
const ROUNDING = ['Round to nearest', 'Round down', 'Round up', 'Round toward zero'];

const named = (word: number, names: ReadonlyArray<readonly [number, string]>): string[] => names.filter(([bit]) => word & bit).map(([, n]) => n);

/** The FPU of a stopped thread, as `info float` shows it. */
export function fpuView(f: FpuState): FpuView {
  const registers: FpuRegisterView[] = [];
  for (let i = 0; i < 8; i++) {
    const p = f.phys(i);
    const tag = f.tag(p);
    registers.push({ name: `st${i}`, physical: p, tag: TAG_NAMES[tag]!, raw: rawExtended(f.regs[p]!), value: tag === TAG_EMPTY ? undefined : formatExtended(f.regs[p]!) });
  }
  const status = f.status;
  const cw = f.cw;
  return {
    registers,
    status: [hex(status, 4), ...named(status, STATUS_FLAGS), `TOP: ${(status >> 11) & 7}`].join(' '),
    control: `${[hex(cw, 4), ...named(cw, CONTROL_MASKS)].join(' ')}; PC: ${PRECISION[(cw >> 8) & 3]}; RC: ${ROUNDING[(cw >> 10) & 3]}`,
    tag: hex(f.tagWord, 4),
    instructionPointer: `${hex(f.fcs, 2)}:${hex(f.fip, 8)}`,
    operandPointer: `${hex(f.fds, 2)}:${hex(f.fdp, 8)}`,
    // gdb shows the 11 opcode bits with the d8 escape put back.
    opcode: hex(f.fop ? f.fop | 0xd800 : 0, 4),
  };
}
