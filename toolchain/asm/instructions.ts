// Owns the seam between the front end and the instruction encoder (toolchain/asm/encoder):
// parses one instruction's operands, gives the encoder an expression context over the symbol
// table (absolute only when GAS would know the value while reading the line), and puts the
// result into the current section: bytes with fixups, or a relaxable jmp/jcc frag.
import { encodeInstruction, OperandError, parseOperands, type EncodeResult, type EvaluatedExpr } from './encoder/index';
import { resolveMnemonic } from './encoder/match';
import { scrubBlanks } from './macros';
import type { Expr } from './expr';
import { constantValue } from './expr';
import { isAbsolute } from './evaluate';
import { AsmError, type AsmState } from './state';
import type { SymbolState } from './symbol-table';
import { fixedSize, type BranchForms, type Frag } from './layout';
import { numberClass, PLACEHOLDER, shapeHash, shapeHoleValues, shapeKeyIs, shapeNames, shapeOf, shapeWords, type Shape } from './instruction-shapes';

/** Labels an expression's value depends on (after binding). */
function labelsIn(st: AsmState, e: Expr, out: SymbolState[], depth = 0): void {
  if (depth > 64) return;
  if (e.kind === 'symbol') {
    const s = e.bound ?? st.symbols.get(e.name);
    if (s.state === 'label') out.push(s);
    else if (s.state === 'equated' && s.attrs.equ) labelsIn(st, s.attrs.equ, out, depth + 1);
  } else if (e.kind === 'unary') labelsIn(st, e.operand, out, depth);
  else if (e.kind === 'binary') {
    labelsIn(st, e.left, out, depth);
    labelsIn(st, e.right, out, depth);
  }
}

/** What GAS knows of an operand expression while it reads the line. */
function evaluateNow(st: AsmState, expr: Expr): EvaluatedExpr {
  const bound = st.bind(expr);
  const c = constantValue(bound);
  if (c !== undefined) return { kind: 'absolute', value: c };
  const v = st.tryEvaluate(bound);
  if (v === undefined) return { kind: 'unknown' };
  if (isAbsolute(v)) {
    const labels: SymbolState[] = [];
    labelsIn(st, bound, labels);
    const frags = new Set<Frag | undefined>(labels.map((l) => l.frag));
    if (frags.size <= 1) return { kind: 'absolute', value: v.add };
    return { kind: 'unknown' };
  }
  if (v.sym && !v.sub) {
    if (v.sym.state === 'undefined' && !v.sym.attrs.binding) return { kind: 'unknown' };
    return { kind: 'relocatable', symbol: v.sym.name, addend: v.add };
  }
  return { kind: 'unknown' };
}

/**
 * One instruction text's encoding, kept for the next statement with the same text: the
 * encoder's result depends only on the text, the code size and what its operand
 * expressions evaluate to, so it is taken again when every expression that names a symbol
 * evaluates as it did (expressions of numbers alone always do). Real code repeats its
 * instructions (push %ebp, mov %esp,%ebp, ret), and parsing and matching forms is most of
 * the assembler's time.
 */
export interface KnownEncoding {
  readonly words: string;
  /** The expressions the encoder evaluated that name a symbol, `.` or a numeric label, and what they gave. */
  readonly observed: ReadonlyArray<readonly [Expr, EvaluatedExpr]>;
  readonly result: EncodeResult;
  /** For a relaxable branch: its two forms as the frag's variable part takes them, made once. */
  forms?: BranchForms;
  /** Whether it is a direct jmp/jcc (its pc-relative fixup is made late), found once. */
  late?: boolean;
  /** For an entry kept by class of number (see NumberHole): where each hole's value goes in the bytes. */
  readonly fields?: ReadonlyArray<{ readonly offset: number; readonly size: number }>;
  /** For an entry kept by shape: the shape's key (the table holds it by the key's hash). */
  readonly shapeKey?: string;
}

/**
 * A KnownEncoding, every field in one literal: entries of one shape, whatever they are for
 * (`forms` and `late` are filled in later, on an entry's first use), so that the code reading
 * them is compiled for one shape and not undone when an entry of another turns up.
 */
function knownEncoding(words: string, observed: KnownEncoding['observed'], result: EncodeResult, fields: KnownEncoding['fields'], shapeKey: string | undefined): KnownEncoding {
  return { words, observed, result, forms: undefined, late: undefined, fields, shapeKey };
}

/**
 * Texts kept at most; past that the table starts again, so memory stays bounded and texts
 * met once (a branch to its own label) do not pile up for the collector to trace.
 */
const MAX_KNOWN = 4096;

function hasNames(e: Expr): boolean {
  return e.kind === 'unary' ? hasNames(e.operand) : e.kind === 'binary' ? hasNames(e.left) || hasNames(e.right) : e.kind !== 'number';
}

function sameEvaluation(a: EvaluatedExpr, b: EvaluatedExpr): boolean {
  if (a.kind !== b.kind) return false;
  if (a.kind === 'absolute') return a.value === (b as typeof a).value;
  if (a.kind === 'relocatable') {
    const r = b as typeof a;
    return a.symbol === r.symbol && a.addend === r.addend && a.pcrel === r.pcrel;
  }
  return true;
}

function stillEvaluates(st: AsmState, known: KnownEncoding, names: readonly string[] | undefined): boolean {
  const observed = known.observed;
  for (let k = 0; k < observed.length; k++) {
    const [e, was] = observed[k]!;
    if (names === undefined ? !sameEvaluation(evaluateNow(st, e), was) : !sameUnderNames(evaluateNow(st, named(e, names)), was, names)) return false;
  }
  return true;
}

/** `sameEvaluation(placeheld(now, names), was)`, without making the placeheld copy. */
function sameUnderNames(now: EvaluatedExpr, was: EvaluatedExpr, names: readonly string[]): boolean {
  if (now.kind !== 'relocatable' || was.kind !== 'relocatable') return sameEvaluation(now, was);
  const i = names.indexOf(now.symbol);
  const symbol = i < 0 ? now.symbol : placeholderName(i);
  return was.symbol === symbol && was.addend === now.addend && was.pcrel === now.pcrel;
}

const PLACEHOLDER_NAMES = Array.from({ length: 8 }, (_, i) => `${PLACEHOLDER}${i}`);

function placeholderName(i: number): string {
  return i < PLACEHOLDER_NAMES.length ? PLACEHOLDER_NAMES[i]! : `${PLACEHOLDER}${i}`;
}

/**
 * What `encodingOf` found besides the encoding: the names its placeholders stand for and the
 * values for its number fields. One object, filled again for each instruction and read at
 * once by `assembleInstruction` (nothing per instruction for the collector).
 */
const found: { names: readonly string[] | undefined; values: ArrayLike<number> | undefined } = { names: undefined, values: undefined };

/** The encoding of `mnemonic operandText` here: a known one whose expressions still evaluate the same, else a new one. */
/** GAS's mnemonic characters (i386 md_begin: letters, digits, `_`, `-`, `.`), by lower-case code. */
function isMnemonicChar(c: number): boolean {
  return (c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39) || c === 0x5f || c === 0x2d || c === 0x2e;
}

/**
 * GAS's message for an op that is neither a prefix nor a mnemonic of the table, said before
 * any operand is read (GAS never parses them): a character no mnemonic has, in the op or
 * right after it (`adjacent`: the operands start where the op ends, as in `NAME(x)`), or no
 * such instruction, quoting the op in lower case and the operands as its scrubber leaves them.
 */
function unknownOp(lower: string, operandText: string, adjacent: boolean): KnownEncoding {
  let error: string | undefined;
  for (let i = 0; i < lower.length && error === undefined; i++) if (!isMnemonicChar(lower.charCodeAt(i))) error = `invalid character '${lower[i]}' in mnemonic`;
  if (error === undefined && adjacent && operandText !== '') error = `invalid character '${operandText[0]}' in mnemonic`;
  error ??= `no such instruction: \`${operandText === '' ? lower : `${lower} ${scrubBlanks(operandText)}`}'`;
  return knownEncoding(lower, [], { error }, undefined, undefined);
}

function encodingOf(st: AsmState, mnemonic: string, operandText: string, adjacent: boolean): KnownEncoding {
  found.names = undefined;
  found.values = undefined;
  const key = st.codeSize === 32 ? mnemonic : `${mnemonic}\u0000${st.codeSize}`;
  const known = st.encodings.get(key)?.get(operandText);
  if (known && stillEvaluates(st, known, undefined)) return known;
  const lower = mnemonic.toLowerCase();
  // An unknown op (an undefined cpp macro used as one is met per function) is not encoded.
  if (!known && !PREFIXES.has(lower) && resolveMnemonic(lower) === undefined) return unknownOp(lower, operandText, adjacent);
  const words = known || PREFIXES.has(lower) ? -1 : shapeWords(operandText);
  if (words >= 0) {
    const byShape = st.shapeEncodings.get(key)?.get(shapeHash(operandText, words));
    if (byShape && shapeKeyIs(operandText, words, byShape.shapeKey!)) {
      const names = shapeNames(operandText, words);
      if (stillEvaluates(st, byShape, names)) {
        found.names = names;
        if (byShape.fields && byShape.fields.length > 0) found.values = shapeHoleValues(words);
        return byShape;
      }
    }
    const shape = shapeOf(operandText)!;
    const encoding = encode(st, mnemonic, shape.text, shape.names);
    // Only a clean result is taken for other names (messages quote the operand text).
    if (!('error' in encoding.result) && encoding.result.warnings.length === 0) {
      const fields = shape.holes.length === 0 ? [] : holeFields(st, mnemonic, shape, encoding);
      if (fields) {
        remember(st, st.shapeEncodings, key, shapeHash(operandText, shapeWords(operandText)), knownEncoding(encoding.words, encoding.observed, encoding.result, fields, shape.key));
        found.names = shape.names;
        return encoding;
      }
    }
  }
  const encoding = encode(st, mnemonic, operandText, undefined);
  // A text that does not encode is not kept: a file full of them (an undefined cpp macro used as
  // an op on every function) would otherwise push out the encodings its instructions repeat.
  if (!('error' in encoding.result)) remember(st, st.encodings, key, operandText, encoding);
  return encoding;
}

function remember<K>(st: AsmState, table: Map<string, Map<K, KnownEncoding>>, key: string, text: K, encoding: KnownEncoding): void {
  if (st.knownEncodings >= MAX_KNOWN) {
    st.encodings.clear();
    st.shapeEncodings.clear();
    st.knownEncodings = 0;
  }
  let byText = table.get(key);
  if (!byText) table.set(key, (byText = new Map()));
  if (!byText.has(text)) st.knownEncodings++;
  byText.set(text, encoding);
}

/** Encodes `mnemonic operandText`; with `names`, the text is a shape whose placeholders stand for them. */
function encode(st: AsmState, mnemonic: string, operandText: string, names: readonly string[] | undefined): KnownEncoding {
  let words = mnemonic;
  let text = operandText;
  // Prefix words are separate statements' first word in the splitter: `rep movsb`, `lock incl (%eax)`.
  for (let guard = 0; guard < 8; guard++) {
    const m = /^([A-Za-z][\w]*)(\s+|$)(.*)$/s.exec(text);
    if (!m || !isPrefixOrMnemonicStart(words, m[1]!)) break;
    words = `${words} ${m[1]}`;
    text = m[3]!;
  }
  let operands;
  try {
    operands = parseOperands(text);
  } catch (e) {
    if (e instanceof OperandError) throw new AsmError(e.message);
    throw e;
  }
  const observed: Array<readonly [Expr, EvaluatedExpr]> = [];
  const ctx = {
    codeSize: st.codeSize,
    evaluate: (e: Expr): EvaluatedExpr => {
      const v = evaluateNow(st, names ? named(e, names) : e);
      if (hasNames(e)) observed.push([e, names ? placeheld(v, names) : v]);
      return v;
    },
  };
  // Each form tried binds the operands again: their warnings are kept once, before the encoder's.
  const bindWarnings: string[] = [];
  st.bindWarnings = bindWarnings;
  let result: EncodeResult;
  try {
    result = encodeInstruction(words, operands, ctx);
  } finally {
    st.bindWarnings = undefined;
  }
  if (bindWarnings.length > 0) {
    if ('error' in result) for (const w of bindWarnings) st.warning(w);
    else result = { ...result, warnings: [...bindWarnings, ...result.warnings] };
  }
  // A relaxable branch's two forms hold no value of its target (the displacement is always a
  // fixup, the relocation type comes from the text): the same text encodes the same anywhere.
  if ('relax' in result) observed.length = 0;
  return knownEncoding(words, observed, result, undefined, undefined);
}

/**
 * Instruction texts that differ only in the symbols they name share an encoding (a branch
 * or call to each function's own label), and so do texts that differ only in a number
 * operand of one class (instruction-shapes.ts). Texts with a prefix word have no shape.
 */
/** Where each hole's value lies in the instruction's bytes, proven by a second encoding per hole; undefined when it cannot be. */
function holeFields(st: AsmState, mnemonic: string, shape: Shape, made: KnownEncoding): Array<{ offset: number; size: number }> | undefined {
  const a = made.result;
  if (!('bytes' in a)) return undefined;
  const fields: Array<{ offset: number; size: number }> = [];
  for (const h of shape.holes) {
    const other = numberClass(h.value + 1) === h.cls ? h.value + 1 : h.value - 1;
    const probe = encode(st, mnemonic, `${shape.text.slice(0, h.start)}${other}${shape.text.slice(h.end)}`, shape.names);
    const b = probe.result;
    if (!('bytes' in b) || b.warnings.length !== 0 || b.bytes.length !== a.bytes.length) return undefined;
    if (b.fixups.length !== a.fixups.length || probe.observed.length !== made.observed.length) return undefined;
    for (let k = 0; k < a.fixups.length; k++) {
      const f = a.fixups[k]!;
      const g = b.fixups[k]!;
      if (f.offset !== g.offset || f.size !== g.size || f.pcrel !== g.pcrel || f.relocType !== g.relocType || !sameExpr(f.expr, g.expr)) return undefined;
    }
    for (let k = 0; k < made.observed.length; k++) if (!sameEvaluation(made.observed[k]![1], probe.observed[k]![1])) return undefined;
    const field = fieldOf(a.bytes, b.bytes, h.value, other);
    if (!field || fields.some((f) => field.offset < f.offset + f.size && f.offset < field.offset + field.size)) return undefined;
    fields.push(field);
  }
  return fields;
}

/** The one little-endian field (4, 2 or 1 bytes) holding `v` in `a` and `w` in `b`, outside which they are equal. */
function fieldOf(a: Uint8Array, b: Uint8Array, v: number, w: number): { offset: number; size: number } | undefined {
  let first = -1;
  let lastDiff = -1;
  for (let k = 0; k < a.length; k++) {
    if (a[k] !== b[k]) {
      if (first < 0) first = k;
      lastDiff = k;
    }
  }
  if (first < 0) return undefined;
  for (const size of [4, 2, 1]) {
    for (let o = Math.max(0, lastDiff - size + 1); o <= first && o + size <= a.length; o++) {
      let ok = true;
      for (let k = 0; k < size && ok; k++) ok = a[o + k] === ((v >>> (8 * k)) & 0xff) && b[o + k] === ((w >>> (8 * k)) & 0xff);
      if (ok) return { offset: o, size };
    }
  }
  return undefined;
}

function sameExpr(a: Expr, b: Expr): boolean {
  if (a.kind !== b.kind) return false;
  switch (a.kind) {
    case 'number':
      return a.value === (b as typeof a).value;
    case 'symbol':
      return a.name === (b as typeof a).name && a.reloc === (b as typeof a).reloc;
    case 'local':
      return a.label === (b as typeof a).label && a.direction === (b as typeof a).direction;
    case 'unary':
      return a.op === (b as typeof a).op && sameExpr(a.operand, (b as typeof a).operand);
    case 'binary':
      return a.op === (b as typeof a).op && sameExpr(a.left, (b as typeof a).left) && sameExpr(a.right, (b as typeof a).right);
    default:
      return true;
  }
}

function placeholderIndex(name: string): number {
  return name.startsWith(PLACEHOLDER) ? Number(name.slice(PLACEHOLDER.length)) : -1;
}

/** A shape's expression with its placeholders replaced by `names`. */
export function named(e: Expr, names: readonly string[]): Expr {
  switch (e.kind) {
    case 'symbol': {
      const i = placeholderIndex(e.name);
      if (i < 0) return e;
      return e.reloc === undefined ? { kind: 'symbol', name: names[i]! } : { kind: 'symbol', name: names[i]!, reloc: e.reloc };
    }
    case 'unary':
      return { kind: 'unary', op: e.op, operand: named(e.operand, names) };
    case 'binary':
      return { kind: 'binary', op: e.op, left: named(e.left, names), right: named(e.right, names) };
    default:
      return e;
  }
}

/** An evaluation with a symbol among `names` written as its placeholder (so that it compares across names). */
function placeheld(v: EvaluatedExpr, names: readonly string[]): EvaluatedExpr {
  if (v.kind !== 'relocatable') return v;
  const i = names.indexOf(v.symbol);
  return i < 0 ? v : { ...v, symbol: placeholderName(i) };
}

/** Emits an encoding's bytes, with this text's number values written into the entry's fields (kept by class). */
function emitBytes(st: AsmState, bytes: Uint8Array, encoding: KnownEncoding, values: ArrayLike<number> | undefined): void {
  const frag = st.frag();
  const at = frag.start + fixedSize(frag);
  st.emit(bytes);
  const fields = encoding.fields;
  if (values === undefined || fields === undefined) return;
  for (let k = 0; k < fields.length; k++) {
    const { offset, size } = fields[k]!;
    const v = values[k]!;
    for (let i = 0; i < size; i++) frag.stream.put(at + offset + i, (v >>> (8 * i)) & 0xff);
  }
}

/** Assembles one instruction statement (mnemonic with any prefix words, and its operand text). */
export function assembleInstruction(st: AsmState, mnemonic: string, operandText: string, adjacent = false): void {
  const startFrag = st.frag();
  const base = fixedSize(startFrag);
  const encoding = encodingOf(st, mnemonic, operandText, adjacent);
  const names = found.names;
  const values = found.values;
  const r = encoding.result;
  if ('error' in r) {
    // Reported here as the reading loop reports a thrown AsmError (no error object: files with
    // a message per function, an undefined macro used as an op, make thousands).
    st.error(r.error);
    return;
  }
  for (let k = 0; k < r.warnings.length; k++) st.warning(r.warnings[k]!);
  if ('relax' in r) {
    const { short, near, target } = r.relax;
    encoding.forms ??= {
      short: { bytes: short.bytes, dispOffset: short.fixupOffset, dispSize: 1, relocType: short.relocType },
      near: { bytes: near.bytes, dispOffset: near.fixupOffset, dispSize: (near.bytes.length - near.fixupOffset) as 2 | 4, relocType: near.relocType },
    };
    const bound = st.bind(names ? named(target, names) : target);
    st.variable(
      {
        kind: 'branch',
        forms: encoding.forms,
        target: bound,
        isNear: false,
        place: st.where,
      },
      short.bytes.length,
    );
    st.lineFrom(startFrag, base, true);
    return;
  }
  if (r.fixups.length === 0) {
    emitBytes(st, r.bytes, encoding, values);
    st.lineFrom(startFrag, base, true);
    return;
  }
  // A direct jmp/jcc GAS could not keep short (an absolute target): its fixup is made late, as GAS's is.
  const late = (encoding.late ??= /^j(?!e?cxz)/i.test(encoding.words));
  // Bound before the bytes go in: `.` in an operand is the instruction's start.
  const fixups = r.fixups;
  const bound = fixups.length === 1 ? undefined : fixups.map((f) => st.bind(names ? named(f.expr, names) : f.expr));
  const only = fixups.length === 1 ? st.bind(names ? named(fixups[0]!.expr, names) : fixups[0]!.expr) : undefined;
  emitBytes(st, r.bytes, encoding, values);
  for (let k = 0; k < fixups.length; k++) {
    const f = fixups[k]!;
    st.addFixup(
      { size: f.size, expr: only ?? bound![k]!, pcrel: f.pcrel, pcBias: f.pcrel ? r.bytes.length - f.offset : 0, relocType: f.relocType, signed: f.pcrel && f.size === 1, place: st.where, late: late && f.pcrel },
      base + f.offset,
    );
  }
  st.lineFrom(startFrag, base, true);
}

const PREFIXES = new Set(['lock', 'rep', 'repe', 'repz', 'repne', 'repnz', 'data16', 'data32', 'addr16', 'addr32', 'cs', 'ds', 'es', 'fs', 'gs', 'ss']);

/** True when `words` so far is only prefixes, so `next` (a bare word) continues the mnemonic. */
function isPrefixOrMnemonicStart(words: string, next: string): boolean {
  return words.toLowerCase().split(/\s+/).every((w) => PREFIXES.has(w)) && !next.startsWith('%');
}
