// Owns GAS expressions: the syntax tree and the parser (GNU as's operators and precedence,
// numbers in every base GAS reads, character constants, symbols with @RELOC suffixes, `.`,
// numeric local label references 1f/1b). Evaluation against a symbol table belongs to the
// front end; instruction operands and directives both parse through here.
import type { SymbolState } from './symbol-table';

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
  | { readonly kind: 'binary'; readonly op: BinaryOp; readonly left: Expr; readonly right: Expr };

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

/** Longest first, so that `<<` is not read as `<`. */
const BINARY_TOKENS: readonly BinaryOp[] = ['<<', '>>', '==', '!=', '<>', '<=', '>=', '&&', '||', '*', '/', '%', '|', '&', '^', '!', '+', '-', '<', '>'];

const SYMBOL_START = /[A-Za-z_.$]/;
const SYMBOL_CHAR = /[\w.$]/;

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
    while (this.pos < this.text.length && (this.text[this.pos] === ' ' || this.text[this.pos] === '\t')) this.pos++;
  }

  private peekBinary(): BinaryOp | undefined {
    this.skipSpace();
    for (const op of BINARY_TOKENS) {
      if (this.text.startsWith(op, this.pos)) {
        // `!=` is a comparison, a lone `!` is or-not; `<>` is "not equal".
        return op;
      }
    }
    return undefined;
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
    if (/[0-9]/.test(c)) return this.number();
    if (c === '.' && !SYMBOL_CHAR.test(this.text[this.pos + 1] ?? '')) {
      this.pos++;
      return { kind: 'dot' };
    }
    if (SYMBOL_START.test(c)) return this.symbol();
    if (c === '"') return this.quotedSymbol();
    throw new ExprSyntaxError(`bad expression: unexpected '${c}'`, start);
  }

  private character(): Expr {
    // 'c : the character's code; GAS takes one character (with backslash escapes), no closing quote needed.
    this.pos++;
    let ch = this.text[this.pos];
    if (ch === undefined) throw new ExprSyntaxError('missing character after quote', this.pos);
    this.pos++;
    let value = ch.charCodeAt(0);
    if (ch === '\\') {
      ch = this.text[this.pos++];
      const escapes: Record<string, number> = { n: 10, t: 9, r: 13, b: 8, f: 12, '\\': 92, "'": 39, '"': 34, '0': 0 };
      if (ch === undefined || !(ch in escapes)) throw new ExprSyntaxError('bad escape in character constant', this.pos - 1);
      value = escapes[ch]!;
    }
    if (this.text[this.pos] === "'") this.pos++;
    return { kind: 'number', value: BigInt(value) };
  }

  private number(): Expr {
    const text = this.text;
    const start = this.pos;
    // Numeric local label reference: digits followed by f or b and not part of a longer word.
    const local = /^(\d+)([fb])(?![\w.$])/.exec(text.slice(start));
    if (local && !/^0[xXbB]/.test(local[0])) {
      this.pos += local[0].length;
      return { kind: 'local', label: Number(local[1]), direction: local[2] as 'f' | 'b' };
    }
    const m = /^(0[xX][0-9a-fA-F]+|0[bB][01]+|0[0-7]*|[1-9][0-9]*)(?![\w.$])/.exec(text.slice(start));
    if (!m) throw new ExprSyntaxError(`bad number '${/^[\w.$]+/.exec(text.slice(start))?.[0] ?? text[start]}'`, start);
    this.pos += m[0].length;
    const digits = m[0];
    let value: bigint;
    if (/^0[xX]/.test(digits)) value = BigInt(digits);
    else if (/^0[bB]/.test(digits)) value = BigInt(digits);
    else if (digits.length > 1 && digits[0] === '0') value = BigInt('0o' + digits.slice(1));
    else value = BigInt(digits);
    return { kind: 'number', value };
  }

  private symbol(): Expr {
    const start = this.pos;
    while (this.pos < this.text.length && SYMBOL_CHAR.test(this.text[this.pos]!)) this.pos++;
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
 * Comparisons give -1 for true and 0 for false, as GAS does. Division by zero is the caller's
 * error to report: it gets `undefined`.
 */
export function applyBinary(op: BinaryOp, a: bigint, b: bigint): bigint | undefined {
  const wrap = (v: bigint) => BigInt.asIntN(64, v);
  switch (op) {
    case '*': return wrap(a * b);
    case '/': return b === 0n ? undefined : wrap(a / b);
    case '%': return b === 0n ? undefined : wrap(a % b);
    case '<<': return wrap(a << (b & 63n));
    case '>>': return wrap(BigInt.asIntN(64, a) >> (b & 63n));
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
