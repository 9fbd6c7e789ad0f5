// Owns GAS expressions: the syntax tree and the parser (GNU as's operators and precedence,
// numbers in every base GAS reads, character constants, symbols with @RELOC suffixes, `.`,
// numeric local label references 1f/1b). Evaluation against a symbol table belongs to the
// front end; instruction operands and directives both parse through here.
import type { SymbolState } from './symbol-table';
import { isBlank, isDigit, isNameChar, isNameStart } from './chars';

export type UnaryOp = '-' | '~' | '!' | '+';
export type BinaryOp =
  | '*' | '/' | '%' | '<<' | '>>'
  | '|' | '&' | '^' | '!'
  | '+' | '-' | '==' | '!=' | '<>' | '<' | '>' | '<=' | '>='
  | '&&' | '||';

export type Expr =
  | { readonly kind: 'number'; readonly value: bigint }
  /**
   * A symbol; `reloc` is the suffix after `@` (PLT, GOT, GOTOFF, GOTPC, TLSGD, NTPOFF, ...);
   * `bound`, set by binding (evaluate.ts), is the symbol itself, so evaluating never looks it up again.
   */
  | { readonly kind: 'symbol'; readonly name: string; readonly reloc?: string; readonly bound?: SymbolState }
  /** `1f` / `1b`: the next / previous definition of numeric label 1. */
  | { readonly kind: 'local'; readonly label: number; readonly direction: 'f' | 'b' }
  /** `.`: the current location. */
  | { readonly kind: 'dot' }
  | { readonly kind: 'unary'; readonly op: UnaryOp; readonly operand: Expr }
  /**
   * `written`, set by binding on a `-` whose right operand was an equated symbol binding put
   * the value of, is that symbol (GNU as names it in its message for a difference it cannot
   * resolve); null where only the left one was such a symbol.
   */
  | { readonly kind: 'binary'; readonly op: BinaryOp; readonly left: Expr; readonly right: Expr; readonly written?: SymbolState | null };

export class ExprSyntaxError extends Error {
  override readonly name = 'ExprSyntaxError';
  /** Offset in the parsed text where the problem is. */
  constructor(message: string, readonly at: number) {
    super(message);
  }
}

/** GNU as's binary operator precedence (as manual, "Infix Operators"): higher binds tighter. */
const PRECEDENCE: Readonly<Record<BinaryOp, number>> = {
  '*': 4, '/': 4, '%': 4, '<<': 4, '>>': 4,
  '|': 3, '&': 3, '^': 3, '!': 3,
  '+': 2, '-': 2, '==': 2, '!=': 2, '<>': 2, '<': 2, '>': 2, '<=': 2, '>=': 2,
  '&&': 1, '||': 1,
};

/**
 * The binary operator at `i` (the longest: `<<` is not read as `<`; a lone `=` is none).
 * `!=` is a comparison, a lone `!` is or-not; `<>` is "not equal".
 */
function binaryAt(text: string, i: number): BinaryOp | undefined {
  const d = text.charCodeAt(i + 1);
  switch (text.charCodeAt(i)) {
    case 0x3c: return d === 0x3c ? '<<' : d === 0x3e ? '<>' : d === 0x3d ? '<=' : '<';
    case 0x3e: return d === 0x3e ? '>>' : d === 0x3d ? '>=' : '>';
    case 0x3d: return d === 0x3d ? '==' : undefined;
    case 0x21: return d === 0x3d ? '!=' : '!';
    case 0x26: return d === 0x26 ? '&&' : '&';
    case 0x7c: return d === 0x7c ? '||' : '|';
    case 0x2a: return '*';
    case 0x2f: return '/';
    case 0x25: return '%';
    case 0x5e: return '^';
    case 0x2b: return '+';
    case 0x2d: return '-';
    default: return undefined;
  }
}

/** Number nodes for small values, shared (an expression is never changed once made). */
const SMALL_NUMBERS: readonly Expr[] = Array.from({ length: 4096 }, (_, i) => ({ kind: 'number', value: BigInt(i) }));

/** The number node of `value`. */
export function numberExpr(value: bigint): Expr {
  return value >= 0n && value < 4096n ? SMALL_NUMBERS[Number(value)]! : { kind: 'number', value };
}

/**
 * The value of text that is a decimal number alone (`8`, ` -8 `: blanks around, a minus
 * before, no leading zero, at most 15 digits), else undefined: such text means that number
 * in every context, so the directives that need a count take it without a parse.
 */
export function plainDecimal(text: string): bigint | undefined {
  let i = 0;
  let end = text.length;
  while (i < end && isBlank(text.charCodeAt(i))) i++;
  while (end > i && isBlank(text.charCodeAt(end - 1))) end--;
  const negative = text.charCodeAt(i) === 0x2d;
  if (negative) i++;
  const digits = end - i;
  if (digits < 1 || digits > 15 || (digits > 1 && text.charCodeAt(i) === 0x30)) return undefined;
  let v = 0;
  for (let k = i; k < end; k++) {
    const c = text.charCodeAt(k);
    if (!isDigit(c)) return undefined;
    v = v * 10 + (c - 0x30);
  }
  return BigInt(negative ? -v : v);
}

/**
 * The tree of `. - NAME` (blanks anywhere between, NAME as isPlainName takes it), as the parser
 * makes it: the `.size NAME, . - NAME` that ends each function of a kernel source, a text new at
 * every function, so that neither the parser nor the parsed texts' table sees it (the operand
 * is bound at once). Undefined for any other text.
 */
export function dotMinusName(text: string): Expr | undefined {
  const n = text.length;
  let i = 0;
  while (i < n && isBlank(text.charCodeAt(i))) i++;
  if (i >= n || text.charCodeAt(i) !== 0x2e) return undefined;
  i++;
  while (i < n && isBlank(text.charCodeAt(i))) i++;
  if (i >= n || text.charCodeAt(i) !== 0x2d) return undefined;
  i++;
  while (i < n && isBlank(text.charCodeAt(i))) i++;
  let end = n;
  while (end > i && isBlank(text.charCodeAt(end - 1))) end--;
  const name = text.slice(i, end);
  return isPlainName(name) ? { kind: 'binary', op: '-', left: DOT, right: { kind: 'symbol', name } } : undefined;
}

/** Is `text` a symbol name alone (`[A-Za-z_.$][\w.$]*`, not `.` itself), which the parser reads as that symbol? */
export function isPlainName(text: string): boolean {
  const n = text.length;
  if (n === 0 || !isNameStart(text.charCodeAt(0)) || (n === 1 && text.charCodeAt(0) === 0x2e)) return false;
  for (let i = 1; i < n; i++) if (!isNameChar(text.charCodeAt(i))) return false;
  return true;
}

/** Is `token` one of GAS's integer spellings: 0x hex, 0b binary, 0 octal, decimal? */
function integerSpelling(token: string): boolean {
  const n = token.length;
  if (token.charCodeAt(0) !== 0x30) {
    for (let i = 1; i < n; i++) if (!isDigit(token.charCodeAt(i))) return false;
    return true;
  }
  if (n === 1) return true;
  const c = token.charCodeAt(1) | 0x20;
  if (c === 0x78 || c === 0x62) {
    if (n === 2) return false;
    for (let i = 2; i < n; i++) {
      const d = token.charCodeAt(i);
      const ok = c === 0x62 ? d === 0x30 || d === 0x31 : isDigit(d) || ((d | 0x20) >= 0x61 && (d | 0x20) <= 0x66);
      if (!ok) return false;
    }
    return true;
  }
  for (let i = 1; i < n; i++) {
    const d = token.charCodeAt(i);
    if (d < 0x30 || d > 0x37) return false;
  }
  return true;
}

/** Parses one expression starting at `start`; returns it and where it ended (trailing text is the caller's). */
export function parseExpression(text: string, start = 0): { expr: Expr; end: number } {
  const p = new Parser(text, start);
  const expr = p.binary(1);
  return { expr, end: p.pos };
}

/** Parses a whole string as one expression; anything left over is an error. */
export function parseWholeExpression(text: string): Expr {
  const { expr, end } = parseExpression(text);
  let i = end;
  while (i < text.length && /\s/.test(text[i]!)) i++;
  if (i < text.length) throw new ExprSyntaxError(`junk at end of expression: '${text.slice(i)}'`, i);
  return expr;
}

/**
 * The deepest expression taken (parentheses, unary operators and operator chains alike):
 * evaluation recurses over the tree, and GNU as itself crashes on 200,000 parentheses.
 */
export const MAX_EXPRESSION_DEPTH = 2000;

const DOT: Expr = { kind: 'dot' };

class Parser {
  /** Parenthesis and unary nesting at the current point (bounds the parser's own recursion). */
  private nesting = 0;
  /** The tree depth of the expression the last parse method returned. */
  private depth = 0;

  constructor(readonly text: string, public pos: number) {}

  private enter(): void {
    if (++this.nesting > MAX_EXPRESSION_DEPTH) throw new ExprSyntaxError(`expression nested more than ${MAX_EXPRESSION_DEPTH} deep`, this.pos);
  }

  private deeper(depth: number): number {
    if (depth > MAX_EXPRESSION_DEPTH) throw new ExprSyntaxError(`expression nested more than ${MAX_EXPRESSION_DEPTH} deep`, this.pos);
    return depth;
  }

  private skipSpace(): void {
    while (this.pos < this.text.length && isBlank(this.text.charCodeAt(this.pos))) this.pos++;
  }

  private peekBinary(): BinaryOp | undefined {
    this.skipSpace();
    return binaryAt(this.text, this.pos);
  }

  binary(minPrecedence: number): Expr {
    this.enter();
    let left = this.unary();
    let leftDepth = this.depth;
    for (;;) {
      const op = this.peekBinary();
      if (!op || PRECEDENCE[op] < minPrecedence) {
        this.nesting--;
        this.depth = leftDepth;
        return left;
      }
      this.pos += op.length;
      const right = this.binary(PRECEDENCE[op] + 1);
      leftDepth = this.deeper(1 + Math.max(leftDepth, this.depth));
      left = { kind: 'binary', op, left, right };
    }
  }

  private unary(): Expr {
    this.skipSpace();
    const c = this.text[this.pos];
    if (c === '-' || c === '~' || c === '!' || c === '+') {
      this.pos++;
      this.enter();
      const operand = this.unary();
      this.nesting--;
      this.depth = this.deeper(this.depth + 1);
      return { kind: 'unary', op: c, operand };
    }
    const leaf = this.primary();
    if (leaf.kind !== 'binary' && leaf.kind !== 'unary') this.depth = 1;
    return leaf;
  }

  private primary(): Expr {
    this.skipSpace();
    const start = this.pos;
    const c = this.text[this.pos];
    if (c === undefined) throw new ExprSyntaxError('missing operand', start);
    if (c === '(') {
      this.pos++;
      const inner = this.binary(1);
      this.skipSpace();
      if (this.text[this.pos] !== ')') throw new ExprSyntaxError("missing ')'", this.pos);
      this.pos++;
      return inner;
    }
    if (c === "'") return this.character();
    const code = this.text.charCodeAt(this.pos);
    if (isDigit(code)) return this.number();
    if (code === 0x2e && !isNameChar(this.text.charCodeAt(this.pos + 1))) {
      this.pos++;
      return DOT;
    }
    if (isNameStart(code)) return this.symbol();
    if (c === '"') return this.quotedSymbol();
    throw new ExprSyntaxError(`bad expression: unexpected '${c}'`, start);
  }

  private character(): Expr {
    const c = characterConstant(this.text, this.pos);
    if (c === undefined) throw new ExprSyntaxError('missing character after quote', this.pos + 1);
    this.pos = c.end;
    if (!isNameChar(this.text.charCodeAt(c.end))) return { kind: 'number', value: BigInt(c.value) };
    // GAS's scrubber writes the value in decimal where the constant was, so a word right after
    // it goes on with that number: `'\101` is 49 then 01, the number 4901.
    let end = c.end;
    while (isNameChar(this.text.charCodeAt(end))) end++;
    const glued = new Parser(String(c.value) + this.text.slice(c.end, end), 0);
    try {
      const e = glued.number();
      this.pos = end;
      return e;
    } catch (err) {
      if (err instanceof ExprSyntaxError) throw new ExprSyntaxError(err.message, c.end);
      throw err;
    }
  }

  private number(): Expr {
    const text = this.text;
    const start = this.pos;
    const n = text.length;
    let digitsEnd = start;
    // No read past the text's end (`jnz 1b`): optimized code that meets its first such read is
    // undone and compiled again, in a late run of the first few.
    while (digitsEnd < n && isDigit(text.charCodeAt(digitsEnd))) digitsEnd++;
    // Numeric local label reference: digits followed by f or b and not part of a longer word
    // (`0b` is the start of a binary number instead).
    const d = digitsEnd < n ? text.charCodeAt(digitsEnd) : -1;
    if ((d === 0x66 || d === 0x62) && (digitsEnd + 1 >= n || !isNameChar(text.charCodeAt(digitsEnd + 1))) && !(d === 0x62 && digitsEnd === start + 1 && text.charCodeAt(start) === 0x30)) {
      this.pos = digitsEnd + 1;
      return { kind: 'local', label: Number(text.slice(start, digitsEnd)), direction: d === 0x66 ? 'f' : 'b' };
    }
    // A number is the whole word: GAS reads `12ab` or `089` as a bad number, not as 12 or 0.
    let end = digitsEnd;
    while (end < text.length && isNameChar(text.charCodeAt(end))) end++;
    const digits = text.slice(start, end);
    if (!integerSpelling(digits)) throw new ExprSyntaxError(`bad number '${digits}'`, start);
    this.pos = end;
    if (end === digitsEnd && end - start <= 4 && (end - start === 1 || text.charCodeAt(start) !== 0x30)) {
      const small = Number(digits);
      if (small < SMALL_NUMBERS.length) return SMALL_NUMBERS[small]!;
    }
    let value: bigint;
    if (digits.length > 1 && digits[0] === '0' && (digits.charCodeAt(1) | 0x20) !== 0x78 && (digits.charCodeAt(1) | 0x20) !== 0x62) value = BigInt('0o' + digits.slice(1));
    else value = BigInt(digits);
    return numberExpr(value);
  }

  private symbol(): Expr {
    const start = this.pos;
    while (this.pos < this.text.length && isNameChar(this.text.charCodeAt(this.pos))) this.pos++;
    const name = this.text.slice(start, this.pos);
    return this.withReloc(name);
  }

  private quotedSymbol(): Expr {
    const start = this.pos++;
    let name = '';
    while (this.pos < this.text.length && this.text[this.pos] !== '"') {
      if (this.text[this.pos] === '\\') this.pos++;
      name += this.text[this.pos++] ?? '';
    }
    if (this.text[this.pos] !== '"') throw new ExprSyntaxError('missing closing quote in symbol name', start);
    this.pos++;
    return this.withReloc(name);
  }

  private withReloc(name: string): Expr {
    if (this.text[this.pos] === '@') {
      const m = /^@([A-Za-z_][\w]*)/.exec(this.text.slice(this.pos));
      if (m) {
        this.pos += m[0].length;
        return { kind: 'symbol', name, reloc: m[1]! };
      }
    }
    return { kind: 'symbol', name };
  }
}

/** Folds an expression with no symbols, `.` or local references to its value; undefined otherwise. */
export function constantValue(expr: Expr): bigint | undefined {
  switch (expr.kind) {
    case 'number':
      return expr.value;
    case 'unary': {
      const v = constantValue(expr.operand);
      if (v === undefined) return undefined;
      return expr.op === '-' ? -v : expr.op === '~' ? ~v : expr.op === '!' ? (v === 0n ? 1n : 0n) : v;
    }
    case 'binary': {
      const a = constantValue(expr.left);
      const b = constantValue(expr.right);
      if (a === undefined || b === undefined) return undefined;
      return applyBinary(expr.op, a, b);
    }
    default:
      return undefined;
  }
}

/**
 * GAS's arithmetic on two absolute values (64-bit, as GNU as computes on a 64-bit host).
 * Comparisons give -1 for true and 0 for false and compare signed; `>>` shifts the unsigned
 * value (logical); a shift count outside 0..63 gives 0 and a division or remainder by zero
 * divides by 1, each with the warning `binaryWarning` names (GNU as warns and goes on).
 */
export function applyBinary(op: BinaryOp, a: bigint, b: bigint): bigint {
  const wrap = (v: bigint) => BigInt.asIntN(64, v);
  switch (op) {
    case '*': return wrap(a * b);
    case '/': return wrap(b === 0n ? a : a / b);
    case '%': return b === 0n ? 0n : wrap(a % b);
    case '<<': return BigInt.asUintN(64, b) >= 64n ? 0n : wrap(a << b);
    case '>>': return BigInt.asUintN(64, b) >= 64n ? 0n : wrap(BigInt.asUintN(64, a) >> b);
    case '|': return wrap(a | b);
    case '&': return wrap(a & b);
    case '^': return wrap(a ^ b);
    case '!': return wrap(a | ~b);
    case '+': return wrap(a + b);
    case '-': return wrap(a - b);
    case '==': return a === b ? -1n : 0n;
    case '!=': case '<>': return a !== b ? -1n : 0n;
    case '<': return a < b ? -1n : 0n;
    case '>': return a > b ? -1n : 0n;
    case '<=': return a <= b ? -1n : 0n;
    case '>=': return a >= b ? -1n : 0n;
    case '&&': return a !== 0n && b !== 0n ? 1n : 0n;
    case '||': return a !== 0n || b !== 0n ? 1n : 0n;
  }
}

/** GNU as's warning for an operator applied to a right operand `b` it cannot take as it is, if any. */
export function binaryWarning(op: BinaryOp, b: bigint): string | undefined {
  if ((op === '<<' || op === '>>') && BigInt.asUintN(64, b) >= 64n) return `shift count out of range (${BigInt.asIntN(64, b)} is not between 0 and 63)`;
  if ((op === '/' || op === '%') && b === 0n) return 'division by zero';
  return undefined;
}

/** The characters GAS's scrubber gives for `'\c`: these few, any other `c` itself (`'\0` is 48). */
const CHARACTER_ESCAPES: Readonly<Record<string, number>> = { b: 8, f: 12, n: 10, r: 13, t: 9, "'": 39, '"': 34 };

/**
 * The character constant whose quote is at `at` (`'c`, `'\c`, a closing quote taken when there
 * is one), as GAS's scrubber reads it; undefined when the text ends after the quote.
 */
export function characterConstant(text: string, at: number): { value: number; end: number } | undefined {
  let i = at + 1;
  let ch = text[i++];
  if (ch === undefined) return undefined;
  let value = ch.charCodeAt(0);
  if (ch === '\\') {
    ch = text[i++];
    if (ch === undefined) return undefined;
    value = CHARACTER_ESCAPES[ch] ?? ch.charCodeAt(0);
  }
  if (text[i] === "'") i++;
  return { value, end: i };
}

/** 2^64: a number literal this large or larger is one of GAS's bignums. */
const BIGNUM = 1n << 64n;
/** -2^64, made once (a negation in the test made a BigInt per call, twice per operator bound). */
const MINUS_BIGNUM = -BIGNUM;

/**
 * True when the expression is one of GAS's bignums: a number literal that does not fit 64 bits,
 * bare, in parentheses or under unary operators (which keep it a bignum). Data directives keep
 * its low bytes with a warning; an operator takes 0 for it, with a warning; an instruction
 * operand cannot be one.
 */
export function isBignum(e: Expr): boolean {
  let x = e;
  while (x.kind === 'unary') x = x.operand;
  if (x.kind !== 'number' || (x.value < BIGNUM && x.value > MINUS_BIGNUM)) return false;
  const v = constantValue(e);
  return v !== undefined && (v >= BIGNUM || v <= MINUS_BIGNUM);
}
