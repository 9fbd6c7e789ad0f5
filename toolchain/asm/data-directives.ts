// Owns the directives that put data bytes into the current section: integers (.byte ...
// .quad, .octa), strings (.ascii .asciz .string*), LEB128, .fill/.space/.skip/.zero, .org and the
// alignment family (.align .balign[wl] .p2align[wl]) with GAS --32's NOP padding in code.
import { constantValue, isBignum, type Expr } from './expr';
import { differenceSymbol, isAbsolute, smallValue } from './evaluate';
import { SHT_NOBITS } from '../elf/sections';
import { fixedSize, isCode } from './layout';
import { AsmError, FILL_NOT_ABSOLUTE, type AsmState } from './state';
import { NO_PLACE } from './places';
import { readStrings, operandTexts } from './strings';
import { smallCount, type SmallCount } from './count-program';

export type Handler = (st: AsmState, operands: string, op: string) => void;

/** The bound of a field of n bytes, at index n (a value fits from 1 - limit to limit - 1, as GAS checks). */
const INTEGER_LIMITS = [0, 1, 2, 3, 4, 5, 6, 7].map((n) => 1n << BigInt(8 * n));

/** Writes `value` little-endian in `size` bytes of `out` (its low bytes). */
function writeInteger(value: bigint, size: number, out: { [i: number]: number }): void {
  if (size <= 4) {
    // The low 32 bits are all such a field holds: one conversion, no BigInt per byte.
    const x = Number(BigInt.asUintN(32, value));
    for (let i = 0; i < size; i++) out[i] = (x >>> (8 * i)) & 0xff;
    return;
  }
  let v = BigInt.asUintN(64, value);
  for (let i = 0; i < size; i++) {
    out[i] = Number(v & 0xffn);
    v >>= 8n;
  }
}

/**
 * GAS's warning for a number that does not fit a .byte or .word field. GNU as --32 takes a
 * 4-byte field's number as its low 32 bits first (no warning for .long), and fills (.fill,
 * the alignment family) are truncated without one.
 */
function warnIfTruncated(st: AsmState, value: bigint, size: number): void {
  if (size >= 4) return;
  const limit = INTEGER_LIMITS[size]!;
  if (value >= limit || value <= -limit) {
    st.warning(`value 0x${BigInt.asUintN(64, value).toString(16)} truncated to 0x${BigInt.asUintN(size * 8, value).toString(16)}`);
  }
}

/** `value` little-endian in `size` bytes (its low bytes, as GAS fills). */
function integerBytes(value: bigint, size: number): number[] {
  const out = new Array<number>(size);
  writeInteger(value, size, out);
  return out;
}

/** One buffer per field size, written again by each integer `emitInteger` puts in. */
const FIELDS = [1, 2, 3, 4, 5, 6, 7, 8].map((n) => new Uint8Array(n));

function hasSymbols(e: Expr): boolean {
  return constantValue(e) === undefined;
}

/** Emits one integer field of `size` bytes from expression text (a fixup when it is not a number yet). */
export function emitInteger(st: AsmState, text: string, size: 1 | 2 | 4 | 8): void {
  emitParsedInteger(st, text, st.expression(text), size);
}

/**
 * Notes the text of an integer about to be written to .altinstructions, by its offset, when it
 * names a feature: finish looks for a feature name only there, and a kernel-style file's
 * entries (a thousand sites, five fields each, the names gone through cpp) name none. A text
 * that names none drops what an earlier one noted at the same offset, as overwriting it did.
 */
function recordAltText(st: AsmState, text: string): void {
  const names = text.indexOf(FEATURE_PREFIX) >= 0;
  if (!names && st.altText.size === 0) return;
  const f = st.frag();
  const at = f.address + fixedSize(f);
  if (names) st.altText.set(at, text);
  else st.altText.delete(at);
}

/** What a feature name begins with (finish reads the name from the text). */
const FEATURE_PREFIX = 'X86_FEATURE_';

/** `emitInteger` of a text whose tree is `parsed` (builtin-steps.ts reads the built-in macros' operands once). */
export function emitParsedInteger(st: AsmState, text: string, parsed: Expr, size: 1 | 2 | 4 | 8): void {
  if (st.current.section.name === '.altinstructions') recordAltText(st, text);
  const bound = st.bind(parsed);
  if (!hasSymbols(bound)) {
    const field = FIELDS[size - 1]!;
    const value = constantValue(bound)!;
    if (isBignum(bound)) st.warning(`bignum truncated to ${size} byte${size > 1 ? 's' : ''}`);
    else warnIfTruncated(st, value, size);
    writeInteger(value, size, field);
    st.emit(field);
    return;
  }
  // A difference of labels of one section (`.byte 142b - 140b`) names no undefined symbol.
  if (Number.isNaN(smallValue(bound))) {
    const difference = differenceSymbol(bound);
    const sym = difference === undefined ? st.tryEvaluate(bound)?.sym : (difference ?? undefined);
    if (sym?.state === 'undefined' && sym.place === NO_PLACE) sym.place = st.where;
  }
  const at = st.here().offset;
  st.emitFill(size, 0);
  st.addFixup({ size, expr: bound, pcrel: false, pcBias: 0, signed: false, place: st.where }, at);
}

function integers(size: 1 | 2 | 4 | 8): Handler {
  return (st, operands) => {
    const parts = operandTexts(operands);
    for (let k = 0; k < parts.length; k++) {
      if (parts[k] === '') throw new AsmError('missing expression');
      emitInteger(st, parts[k]!, size);
    }
  };
}

/**
 * Whether GAS fills the high 64 bits of a 16-byte constant with ones: a number is unsigned, `-`
 * makes its result signed and `!` unsigned, `~` and `+` keep their operand's, and a binary
 * operator its left operand's (`-5` and `-(3 - 5)` fill with ones, `3 - 5` and `~0` with zeros).
 */
function signedOcta(e: Expr): boolean {
  if (e.kind === 'unary') return e.op === '-' ? true : e.op === '!' ? false : signedOcta(e.operand);
  if (e.kind === 'binary') return signedOcta(e.left);
  return false;
}

const OCTA_LIMIT = 1n << 128n;

/** `.octa`: 16-byte integers, which on i386 must be known now (GAS has no 16-byte relocation). */
const octa: Handler = (st, operands) => {
  for (const part of operandTexts(operands)) {
    if (part === '') throw new AsmError('missing expression');
    const bound = st.bindText(part);
    let value = constantValue(bound);
    if (value === undefined) {
      const v = st.evaluate(bound);
      if (!isAbsolute(v)) throw new AsmError('cannot do unsigned 16 byte relocation');
      value = v.add;
    }
    if (isBignum(bound)) {
      if (value >= OCTA_LIMIT || value <= -OCTA_LIMIT) st.warning('bignum truncated to 16 bytes');
    } else value = BigInt.asUintN(64, value) | (signedOcta(bound) ? ((1n << 64n) - 1n) << 64n : 0n);
    let rest = BigInt.asUintN(128, value);
    const bytes = new Array<number>(16);
    for (let i = 0; i < 16; i++, rest >>= 8n) bytes[i] = Number(rest & 0xffn);
    st.emit(bytes);
  }
};

function strings(unit: number, terminate: boolean): Handler {
  return (st, operands) => {
    for (const part of operandTexts(operands)) {
      const bytes = readStrings(part);
      if (terminate) bytes.push(0);
      if (unit === 1) {
        st.emit(bytes);
        continue;
      }
      const out: number[] = [];
      for (const b of bytes) {
        out.push(b);
        for (let k = 1; k < unit; k++) out.push(0);
      }
      st.emit(out);
    }
  };
}

function leb(signed: boolean): Handler {
  return (st, operands) => {
    for (const part of operandTexts(operands)) {
      const bound = st.bindText(part);
      const c = constantValue(bound);
      if (c !== undefined) {
        st.emit(lebBytes(c, signed));
        continue;
      }
      // Anything else is resolved at the end, as GNU as does (a label's offset, or GNU as's message).
      const v = st.tryEvaluate(bound);
      st.variable({ kind: 'leb', expr: bound, signed, place: st.where }, v !== undefined && isAbsolute(v) ? lebBytes(v.add, signed).length : 1);
    }
  };
}

/** LEB128 encoding of a value (GAS encodes the 64-bit value). */
export function lebBytes(value: bigint, signed: boolean): number[] {
  const out: number[] = [];
  let v = signed ? BigInt.asIntN(64, value) : BigInt.asUintN(64, value);
  for (let guard = 0; guard < 11; guard++) {
    const byte = Number(v & 0x7fn);
    v >>= 7n;
    const done = signed ? (v === 0n && (byte & 0x40) === 0) || (v === -1n && (byte & 0x40) !== 0) : v === 0n;
    out.push(done ? byte : byte | 0x80);
    if (done) break;
  }
  return out;
}

function fillBytes(st: AsmState, count: bigint, size: number, value: bigint): number[] {
  if (count < 0n) {
    st.warning('repeat < 0; .fill ignored');
    return [];
  }
  if (count * BigInt(Math.max(size, 1)) > 1n << 24n) throw new AsmError('.fill size too large');
  const unit = integerBytes(BigInt.asUintN(32, value), Math.min(size, 4));
  while (unit.length < size) unit.push(0);
  const out: number[] = [];
  for (let i = 0n; i < count; i++) for (const b of unit) out.push(b);
  return out;
}

const fill: Handler = (st, operands) => {
  const parts = operandTexts(operands);
  if (parts.length === 0 || parts.length > 3) throw new AsmError('bad .fill arguments');
  const count = st.absolute(parts[0]!, FILL_NOT_ABSOLUTE);
  let size = parts[1] !== undefined && parts[1] !== '' ? Number(st.absolute(parts[1])) : 1;
  const value = parts[2] !== undefined && parts[2] !== '' ? st.absolute(parts[2]) : 0n;
  if (size < 0) {
    st.warning('size negative; .fill ignored');
    return;
  }
  if (size > 8) {
    st.warning('.fill size clamped to 8');
    size = 8;
  }
  if (count === 0n || size === 0) return;
  st.emit(fillBytes(st, count, size, value));
};

/** The most bytes byteFill writes (each a field of its own), as GNU as allows. */
const MAX_SYMBOLIC_FILL = 1024n;

function hasSuffix(e: Expr): boolean {
  if (e.kind === 'symbol') return e.reloc !== undefined;
  if (e.kind === 'unary') return hasSuffix(e.operand);
  return e.kind === 'binary' && (hasSuffix(e.left) || hasSuffix(e.right));
}

const space: Handler = (st, operands, op) => {
  const parts = operandTexts(operands);
  if (parts.length === 0 || parts.length > 2) throw new AsmError(`bad ${op} arguments`);
  const bound = st.bindText(parts[0]!);
  const c = constantValue(bound);
  let fillValue = 0;
  if (parts[1] !== undefined) {
    const fill = st.bindText(parts[1]);
    const value = constantValue(fill);
    if (value === undefined || value < -128n || value > 255n) {
      byteFill(st, c, parts[1], fill);
      return;
    }
    fillValue = Number(BigInt.asUintN(8, value));
  }
  if (c === undefined) {
    skipCount(st, bound, fillValue);
    return;
  }
  if (c < 0n) {
    st.warning('.space repeat count is zero, ignored');
    return;
  }
  if (c === 0n) {
    st.warning('.space repeat count is zero, ignored');
    return;
  }
  if (c > 1n << 28n) throw new AsmError(`${op} size too large`);
  st.emitFill(Number(c), fillValue);
};

/**
 * A fill value that names a symbol or is a number outside -128..255: a known count of bytes,
 * each a `.byte` field of the value (bound once: `.` is where the directive starts), which GNU
 * as relocates or settles at the end, or truncates with a warning per byte.
 */
function byteFill(st: AsmState, count: bigint | undefined, text: string, fill: Expr): void {
  if (count === undefined) throw new AsmError('unsupported variable size or fill value');
  if (count < 0n) throw new AsmError(`size value for space directive too large: ${BigInt.asUintN(64, count).toString(16)}`);
  if (count > MAX_SYMBOLIC_FILL) throw new AsmError(`size value for space directive too large: ${count.toString(16)}`);
  // GNU as reads the value as a plain expression: a relocation suffix is left over.
  if (hasSuffix(fill)) throw new AsmError('junk at end of line, first unrecognized character is `@\'');
  for (let k = 0n; k < count; k++) emitParsedInteger(st, text, fill, 1);
}

/** A `.space`/`.skip` whose bound count is not a number yet: a variable part (forward references, as the kernel's ALTERNATIVE padding has, are settled during relaxation). */
export function skipCount(st: AsmState, bound: Expr, fillValue: number, program?: SmallCount): void {
  const small = program === undefined ? smallValue(bound) : smallCount(program);
  const v = Number.isNaN(small) ? st.tryEvaluate(bound) : undefined;
  const estimate = !Number.isNaN(small) ? Math.max(0, small) : v !== undefined && isAbsolute(v) ? Math.max(0, Number(v.add)) : 0;
  st.variable({ kind: 'space', count: bound, fill: fillValue, place: st.where, small: program }, estimate);
}

const zero: Handler = (st, operands) => {
  const c = st.absolute(operands, FILL_NOT_ABSOLUTE);
  if (c < 0n) {
    st.warning('.space repeat count is zero, ignored');
    return;
  }
  if (c > 1n << 28n) throw new AsmError('.zero size too large');
  st.emitFill(Number(c), 0);
};

/**
 * `.nops SIZE[, CONTROL]`: SIZE bytes of NOPs, none longer than CONTROL bytes (GNU as's x86
 * directive), a variable part whose size and control GNU as checks when it writes the frags.
 */
const nops: Handler = (st, operands) => {
  const parts = operandTexts(operands);
  if (parts.length === 0) return;
  const size = st.absolute(parts[0]!, FILL_NOT_ABSOLUTE);
  let limit = 0n;
  if (parts.length > 1) {
    if (parts[1] === '') throw new AsmError('unsupported variable nop control in .nops directive');
    limit = st.absolute(parts[1]!, 'unsupported variable nop control in .nops directive');
    if (limit < 0n) {
      st.warning('negative nop control byte, ignored');
      limit = 0n;
    }
  }
  const clamp = (x: bigint): number => Number(x > 1n << 28n ? 1n << 28n : x < -1n ? -1n : x);
  st.variable({ kind: 'nops', size: clamp(size), limit: clamp(limit), place: st.where }, Math.max(0, clamp(size)));
};

const org: Handler = (st, operands) => {
  const parts = operandTexts(operands);
  if (parts.length === 0) throw new AsmError('missing expression');
  const fillValue = parts[1] !== undefined ? Number(BigInt.asUintN(8, st.absolute(parts[1]))) : 0;
  const bound = st.bindText(parts[0]!);
  const v = st.evaluate(bound);
  if (v.sub || (v.sym && (v.sym.state !== 'label' || v.sym.frag?.section !== st.current.section))) {
    throw new AsmError("can't .org across sections or with undefined symbols");
  }
  const here = st.here();
  const target = v.sym ? BigInt(v.sym.frag!.address + v.sym.offset) + v.add : v.add;
  const estimate = Number(target) - (here.frag.address + here.offset);
  st.variable({ kind: 'org', expr: bound, fill: fillValue, place: st.where }, Math.max(0, estimate));
};

/** Size in bytes of the .balign fill pattern for each directive. */
function alignment(kind: 'bytes' | 'power', fillSize: 1 | 2 | 4): Handler {
  return (st, operands) => {
    const parts = operandTexts(operands);
    if (parts.length === 0 || parts[0]! === '') throw new AsmError('expected alignment');
    let n = st.absolute(parts[0]!);
    let bytes: number;
    if (kind === 'power') {
      if (n > 31n) throw new AsmError(`alignment too large: 31 assumed`);
      bytes = 1 << Number(n < 0n ? 0n : n);
    } else {
      if (n < 0n) n = 0n;
      if (n !== 0n && (n & (n - 1n)) !== 0n) throw new AsmError('alignment not a power of 2');
      if (n > 1n << 31n) throw new AsmError('alignment too large');
      bytes = Math.max(1, Number(n));
    }
    const fillText = parts[1] ?? '';
    const maxText = parts[2] ?? '';
    const max = maxText === '' ? 0 : Number(st.absolute(maxText));
    let fillPattern: 'nop' | Uint8Array;
    if (fillText === '') {
      fillPattern = isCode(st.current.section) && st.current.section.type !== SHT_NOBITS ? 'nop' : new Uint8Array(1);
    } else {
      const v = st.absolute(fillText);
      fillPattern = new Uint8Array(integerBytes(v, fillSize));
      // GAS pads code with its NOPs when the fill asked for is the one-byte NOP.
      if (fillSize === 1 && fillPattern[0] === 0x90 && isCode(st.current.section)) fillPattern = 'nop';
    }
    const section = st.current.section;
    if (bytes > section.addralign) section.addralign = bytes;
    if (bytes <= 1) return;
    const here = st.here();
    const pad = (bytes - ((here.frag.address + here.offset) % bytes)) % bytes;
    st.variable({ kind: 'align', alignment: bytes, fill: fillPattern, max, place: st.where }, max && pad > max ? 0 : pad);
  };
}

export const DATA_DIRECTIVES: ReadonlyMap<string, Handler> = new Map<string, Handler>([
  ['.byte', integers(1)],
  ['.word', integers(2)],
  ['.short', integers(2)],
  ['.hword', integers(2)],
  ['.value', integers(2)],
  ['.2byte', integers(2)],
  ['.long', integers(4)],
  ['.int', integers(4)],
  ['.4byte', integers(4)],
  ['.quad', integers(8)],
  ['.8byte', integers(8)],
  ['.octa', octa],
  ['.ascii', strings(1, false)],
  ['.asciz', strings(1, true)],
  ['.string', strings(1, true)],
  ['.string8', strings(1, true)],
  ['.string16', strings(2, true)],
  ['.string32', strings(4, true)],
  ['.string64', strings(8, true)],
  ['.uleb128', leb(false)],
  ['.sleb128', leb(true)],
  ['.fill', fill],
  ['.space', space],
  ['.skip', space],
  ['.zero', zero],
  ['.nops', nops],
  ['.org', org],
  ['.align', alignment('bytes', 1)],
  ['.balign', alignment('bytes', 1)],
  ['.balignw', alignment('bytes', 2)],
  ['.balignl', alignment('bytes', 4)],
  ['.p2align', alignment('power', 1)],
  ['.p2alignw', alignment('power', 2)],
  ['.p2alignl', alignment('power', 4)],
]);
