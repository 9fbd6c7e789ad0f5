// Owns the evaluation of #if / #elif expressions as cpp does: intmax_t/uintmax_t (64-bit)
// arithmetic with C's precedence and the usual arithmetic conversions, `defined`, character
// constants (char is signed on i386), remaining identifiers as 0, short-circuit evaluation
// (no division-by-zero error in an unevaluated operand), and gcc's wording for each mistake.
// Only the first error of an expression is reported, and the expression then counts as false.

import type { SourceLocation } from '../module';
import type { Token } from './token';
import { MAX_EXPRESSION_DEPTH } from '../expr';

export interface ExpressionSource {
  /** The next token after macro expansion (padding skipped); 'eof' at the end of the line. */
  next(): Token;
  /** The next token without macro expansion (the operand of `defined`). */
  nextUnexpanded(): Token;
  isDefined(name: string): boolean;
}

export type ExprReport = (loc: SourceLocation, severity: 'error' | 'warning', message: string) => void;

interface Value {
  /** The 64-bit pattern, 0 .. 2^64-1. */
  readonly v: bigint;
  readonly unsigned: boolean;
}

type Item =
  | { readonly kind: 'num'; readonly value: Value; readonly loc: SourceLocation; readonly text: string }
  | { readonly kind: 'op'; readonly text: string; readonly loc: SourceLocation }
  | { readonly kind: 'end'; readonly loc: SourceLocation };

class ExprError extends Error {}

const U64 = (1n << 64n) - 1n;
const u64 = (x: bigint): bigint => BigInt.asUintN(64, x);
const s64 = (x: bigint): bigint => BigInt.asIntN(64, x);
const signed = (v: bigint): Value => ({ v: u64(v), unsigned: false });
const truth = (a: Value): boolean => a.v !== 0n;

const OPERATORS = new Set(['+', '-', '*', '/', '%', '<<', '>>', '<', '>', '<=', '>=', '==', '!=', '&', '^', '|', '&&', '||', '!', '~', '?', ':', '(', ')', ',']);
const BINARY_PRECEDENCE: Record<string, number> = {
  ',': 1, '?': 2, '||': 3, '&&': 4, '|': 5, '^': 6, '&': 7, '==': 8, '!=': 8,
  '<': 9, '>': 9, '<=': 9, '>=': 9, '<<': 10, '>>': 10, '+': 11, '-': 11, '*': 12, '/': 12, '%': 12,
};

/** Parses a pp-number as an integer constant in #if; throws ExprError after reporting. */
function parseNumber(t: Token, report: ExprReport): Value {
  const text = t.text;
  const fail = (msg: string): never => {
    report(t.loc, 'error', msg);
    throw new ExprError(msg);
  };
  let radix = 10;
  let i = 0;
  if (/^0[xX][0-9a-fA-F.]/.test(text)) {
    radix = 16;
    i = 2;
  } else if (/^0[bB][01]/.test(text)) {
    radix = 2;
    i = 2;
  } else if (text[0] === '0') radix = 8;
  const digitRe = radix === 16 ? /[0-9a-fA-F]/ : /[0-9]/;
  let digits = '';
  while (i < text.length && digitRe.test(text[i]!)) digits += text[i++];
  const rest = text.slice(i);
  const isFloat = radix === 16 ? /^\.|^[pP]/.test(rest) : radix === 2 ? false : /^\.|^[eE]/.test(rest) && (rest[0] === '.' || /^[eE][+-]?\d/.test(rest));
  if (isFloat || (radix === 10 && text.includes('.'))) fail('floating constant in preprocessor expression');
  if (!/^(u|U)?(l|L|ll|LL)?$|^(l|L|ll|LL)(u|U)$/.test(rest)) {
    if (/^[iIjJ]/.test(rest)) fail('imaginary number in preprocessor expression');
    fail(`invalid suffix "${rest}" on integer constant`);
  }
  if (radix === 8) {
    const bad = digits.match(/[89]/);
    if (bad) fail(`invalid digit "${bad[0]}" in octal constant`);
  }
  let v = 0n;
  const r = BigInt(radix);
  let tooLarge = false;
  for (const d of digits) {
    v = v * r + BigInt(parseInt(d, 16));
    if (v > U64) tooLarge = true;
  }
  v = u64(v);
  let unsigned = /[uU]/.test(rest);
  if (tooLarge) report(t.loc, 'warning', 'integer constant is too large for its type');
  else if (!unsigned && v > (1n << 63n) - 1n) {
    if (radix === 10) report(t.loc, 'warning', 'integer constant is so large that it is unsigned');
    unsigned = true;
  }
  if (tooLarge) unsigned = true;
  return { v, unsigned };
}

const SIMPLE_ESCAPES: Record<string, number> = {
  n: 10, t: 9, r: 13, a: 7, b: 8, f: 12, v: 11, e: 27, E: 27, '\\': 92, "'": 39, '"': 34, '?': 63,
};

/** The value of a character constant as cpp computes it for i386 (signed char, 32-bit int). */
export function charValue(t: Token, report: ExprReport): Value {
  const m = /^(L|u8|u|U)?'/.exec(t.text)!;
  const prefix = m[1] ?? '';
  const width = prefix === 'L' || prefix === 'U' ? 32 : prefix === 'u' ? 16 : 8;
  const body = t.text.slice(m[0].length, -1);
  const units: number[] = [];
  for (let i = 0; i < body.length; ) {
    const c = body[i]!;
    if (c !== '\\') {
      const cp = body.codePointAt(i)!;
      i += cp > 0xffff ? 2 : 1;
      if (width === 8) units.push(...new TextEncoder().encode(String.fromCodePoint(cp)));
      else units.push(cp);
      continue;
    }
    const e = body[i + 1] ?? '';
    i += 2;
    if (e in SIMPLE_ESCAPES) units.push(SIMPLE_ESCAPES[e]!);
    else if (e === 'x') {
      let h = '';
      while (i < body.length && /[0-9a-fA-F]/.test(body[i]!)) h += body[i++];
      units.push(h ? parseInt(h, 16) : 0);
    } else if (/[0-7]/.test(e)) {
      let o = e;
      while (o.length < 3 && i < body.length && /[0-7]/.test(body[i]!)) o += body[i++];
      units.push(parseInt(o, 8));
    } else {
      report(t.loc, 'warning', `unknown escape sequence: '\\${e}'`);
      units.push(e.charCodeAt(0));
    }
  }
  if (units.length === 0) {
    report(t.loc, 'error', 'empty character constant');
    throw new ExprError('empty');
  }
  const mask = (1n << BigInt(width)) - 1n;
  let v = 0n;
  for (const u of units) v = BigInt.asUintN(32, (v << BigInt(width)) | (BigInt(u) & mask));
  if (units.length > 1) {
    const max = 32 / width;
    report(t.loc, 'warning', units.length > max ? 'character constant too long for its type' : 'multi-character character constant');
  }
  if (width === 8 && units.length === 1) return signed(BigInt.asIntN(8, v));
  if (prefix === 'u' || prefix === 'U') return { v: width === 16 ? v & 0xffffn : v, unsigned: false };
  return signed(BigInt.asIntN(32, v));
}

/** Evaluates one #if/#elif expression; false after any error. */
export function evaluateCondition(directive: string, src: ExpressionSource, report: ExprReport): boolean {
  let skip = 0;
  let lookahead: Item | null = null;
  let first = true;
  let lastOp: string | null = null;

  const fail = (loc: SourceLocation, msg: string): never => {
    report(loc, 'error', msg);
    throw new ExprError(msg);
  };
  const warn = (loc: SourceLocation, msg: string): void => {
    if (skip === 0) report(loc, 'warning', msg);
  };

  const read = (): Item => {
    const t = src.next();
    if (t.kind === 'eof') return { kind: 'end', loc: t.loc };
    if (t.kind === 'number') return { kind: 'num', value: parseNumber(t, report), loc: t.loc, text: t.text };
    if (t.kind === 'char') return { kind: 'num', value: charValue(t, report), loc: t.loc, text: t.text };
    if (t.kind === 'name') {
      if (t.text !== 'defined') return { kind: 'num', value: signed(0n), loc: t.loc, text: t.text };
      let n = src.nextUnexpanded();
      const paren = n.kind === 'punct' && n.text === '(';
      if (paren) n = src.nextUnexpanded();
      if (n.kind !== 'name') fail(n.loc, 'operator "defined" requires an identifier');
      if (paren) {
        const close = src.nextUnexpanded();
        if (!(close.kind === 'punct' && close.text === ')')) fail(close.loc, `missing ')' after "defined"`);
      }
      return { kind: 'num', value: signed(src.isDefined(n.text) ? 1n : 0n), loc: t.loc, text: n.text };
    }
    if (t.kind === 'punct' && OPERATORS.has(t.text)) return { kind: 'op', text: t.text, loc: t.loc };
    return fail(t.loc, `token "${t.text}" is not valid in preprocessor expressions`);
  };
  const peek = (): Item => (lookahead ??= read());
  const take = (): Item => {
    const it = peek();
    lookahead = null;
    return it;
  };

  let nesting = 0;
  const operand = (): Value => {
    const it = take();
    if (nesting >= MAX_EXPRESSION_DEPTH) fail(it.loc, `#${directive} expression nested more than ${MAX_EXPRESSION_DEPTH} deep`);
    nesting++;
    try {
      return operandOf(it);
    } finally {
      nesting--;
    }
  };
  const operandOf = (it: Item): Value => {
    const wasFirst = first;
    first = false;
    if (it.kind === 'num') return it.value;
    if (it.kind === 'end') {
      if (wasFirst) fail(it.loc, `#${directive} with no expression`);
      return fail(it.loc, `operator '${lastOp}' has no right operand`);
    }
    switch (it.text) {
      case '(': {
        const nx = peek();
        if (nx.kind === 'op' && nx.text === ')') fail(nx.loc, "missing expression between '(' and ')'");
        const v = binary(1);
        const close = take();
        if (!(close.kind === 'op' && close.text === ')')) fail(it.loc, "missing ')' in expression");
        return v;
      }
      case '+':
      case '-':
      case '!':
      case '~': {
        lastOp = it.text;
        const a = operand();
        if (it.text === '+') return a;
        if (it.text === '!') return signed(truth(a) ? 0n : 1n);
        if (it.text === '~') return { v: u64(~a.v), unsigned: a.unsigned };
        if (!a.unsigned && a.v === 1n << 63n) warn(it.loc, 'integer overflow in preprocessor expression');
        return { v: u64(-a.v), unsigned: a.unsigned };
      }
      case ')':
        return fail(it.loc, "missing '(' in expression");
      case ':':
        return fail(it.loc, " ':' without preceding '?'");
      default:
        if (wasFirst) return fail(it.loc, `operator '${it.text}' has no left operand`);
        return fail(it.loc, `operator '${lastOp}' has no right operand`);
    }
  };

  const binary = (minPrec: number): Value => {
    let left = operand();
    for (;;) {
      const op = peek();
      if (op.kind === 'end') return left;
      if (op.kind === 'num') fail(op.loc, `missing binary operator before token "${op.text}"`);
      if (op.kind !== 'op') return left;
      if (op.text === '(') fail(op.loc, 'missing binary operator before token "("');
      const prec = BINARY_PRECEDENCE[op.text];
      if (prec === undefined) {
        if (op.text === '!' || op.text === '~') fail(op.loc, `missing binary operator before token "${op.text}"`);
        return left;
      }
      if (prec < minPrec) return left;
      take();
      lastOp = op.text;
      if (op.text === '?') {
        const cond = truth(left);
        if (!cond) skip++;
        const mid = binary(1);
        if (!cond) skip--;
        const colon = take();
        if (!(colon.kind === 'op' && colon.text === ':')) fail(colon.loc, "'?' without following ':'");
        lastOp = ':';
        if (cond) skip++;
        const right = binary(2);
        if (cond) skip--;
        const unsigned = mid.unsigned || right.unsigned;
        left = { v: cond ? mid.v : right.v, unsigned };
        continue;
      }
      if (op.text === '&&' || op.text === '||') {
        const short = op.text === '&&' ? !truth(left) : truth(left);
        if (short) skip++;
        const right = binary(prec + 1);
        if (short) skip--;
        left = signed((op.text === '&&' ? truth(left) && truth(right) : truth(left) || truth(right)) ? 1n : 0n);
        continue;
      }
      const right = binary(prec + 1);
      left = apply(op.text, left, right, op.loc);
    }
  };

  const apply = (op: string, a: Value, b: Value, loc: SourceLocation): Value => {
    if (op === ',') return b;
    if (op === '<<' || op === '>>') return shift(op, a, b, loc);
    const unsigned = a.unsigned || b.unsigned;
    const x = unsigned ? a.v : s64(a.v);
    const y = unsigned ? b.v : s64(b.v);
    const result = (exact: bigint): Value => {
      if (!unsigned && exact !== s64(u64(exact))) warn(loc, 'integer overflow in preprocessor expression');
      return { v: u64(exact), unsigned };
    };
    switch (op) {
      case '+': return result(x + y);
      case '-': return result(x - y);
      case '*': return result(x * y);
      case '/':
      case '%':
        if (y === 0n) {
          if (skip === 0) fail(loc, 'division by zero in #if');
          return { v: 0n, unsigned };
        }
        return result(op === '/' ? x / y : x % y);
      case '&': return { v: a.v & b.v, unsigned };
      case '^': return { v: a.v ^ b.v, unsigned };
      case '|': return { v: a.v | b.v, unsigned };
      case '<': return signed(x < y ? 1n : 0n);
      case '>': return signed(x > y ? 1n : 0n);
      case '<=': return signed(x <= y ? 1n : 0n);
      case '>=': return signed(x >= y ? 1n : 0n);
      case '==': return signed(x === y ? 1n : 0n);
      default: return signed(x !== y ? 1n : 0n);
    }
  };

  const shift = (op: string, a: Value, b: Value, loc: SourceLocation): Value => {
    let n = b.unsigned ? b.v : s64(b.v);
    let left = op === '<<';
    if (n < 0n) {
      left = !left;
      n = -n;
    }
    const x = a.unsigned ? a.v : s64(a.v);
    if (!left) {
      if (n >= 64n) return { v: x < 0n ? U64 : 0n, unsigned: a.unsigned };
      return { v: u64(x >> n), unsigned: a.unsigned };
    }
    const r = n >= 64n ? 0n : u64(x << n);
    if (!a.unsigned) {
      const back = n >= 64n ? (s64(r) < 0n ? -1n : 0n) : s64(r) >> n;
      if (back !== x) warn(loc, 'integer overflow in preprocessor expression');
    }
    return { v: r, unsigned: a.unsigned };
  };

  try {
    const v = binary(1);
    const rest = take();
    if (rest.kind !== 'end') {
      if (rest.kind === 'op' && rest.text === ')') fail(rest.loc, "missing '(' in expression");
      if (rest.kind === 'op' && rest.text === ':') fail(rest.loc, " ':' without preceding '?'");
      fail(rest.loc, `missing binary operator before token "${rest.kind === 'op' ? rest.text : rest.text}"`);
    }
    return truth(v);
  } catch (e) {
    if (e instanceof ExprError) return false;
    throw e;
  }
}
