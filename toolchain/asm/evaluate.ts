// Owns the evaluation of GAS expressions against the symbol table: binding an expression at
// the place it is written (1f/1b become label instances, `.` becomes a marker label, equated
// symbols their current value), then evaluating it to GAS's "symbol + number - symbol" form,
// either while reading (estimated addresses) or after relaxation (final addresses).
import { applyBinary, binaryWarning, constantValue, isBignum, type Expr } from './expr';
import { markUsed, type SymbolState, type SymbolTable } from './symbol-table';
import type { Frag } from './layout';

/** GAS's expression value: add + sym - sub, with an optional @SUFFIX relocation on sym. */
export interface Value {
  readonly add: bigint;
  readonly sym?: SymbolState;
  readonly sub?: SymbolState;
  readonly reloc?: string;
  /**
   * The names GNU as's message for an unresolvable difference gives `sub` and, where there is
   * no `sym`, the added part, where they are not `sub`'s own name and `0` (see `differenceNames`).
   */
  readonly subName?: string;
  readonly addName?: string;
}

/** GNU as's name for a symbol it makes for a number or a symbol plus a number it subtracts from or subtracts (FAKE_LABEL_NAME). */
export const EXPRESSION_SYMBOL = 'L0\x01';

/** A symbol's section and final (or estimated) address as GNU as places it at the end. */
export interface SymbolPlace {
  readonly section: unknown;
  readonly address: number;
}

export class EvalError extends Error {
  override readonly name = 'EvalError';
}

const MAX_DEPTH = 64;

/** What GAS takes for a bignum operand of an operator. */
const ZERO: Expr = { kind: 'number', value: 0n };

/**
 * Where an expression is bound: a fresh symbol for `.` there, and (when reported) GNU as's
 * warnings. An object with methods, not closures: each assembly's closures would be new call
 * targets, and the optimized binding compiled in a process's first assembly would be undone in
 * the next (docs/speed-and-exactness.md, the first three runs).
 */
export interface BindPlace {
  dotSymbol(): SymbolState;
  /** Absent: the warnings are not reported. */
  readonly bindWarning?: (message: string) => void;
}

/**
 * Rewrites an expression so that it means the same thing wherever it is evaluated later, and
 * gives `place.bindWarning` GNU as's warning for each operator of it whose right operand is a number it
 * cannot take (a shift count outside 0..63, a division by zero), as GNU as does where it
 * reads the expression; a bignum operand of an operator becomes 0, with GAS's warning too.
 */
export function bindExpr(expr: Expr, symbols: SymbolTable, place: BindPlace, depth = 0): Expr {
  switch (expr.kind) {
    case 'number':
      return expr;
    case 'local': {
      const bound = symbols.numericReference(expr.label, expr.direction);
      markUsed(bound);
      return bound;
    }
    case 'dot':
      return place.dotSymbol();
    case 'symbol': {
      const s = expr.bound ?? symbols.get(expr.name);
      markUsed(s);
      // A global one equated to a number is that number too: GNU as reads it as one where it is written.
      if (s.state === 'equated' && s.attrs.equ && !expr.reloc && depth < MAX_DEPTH && (!s.attrs.binding || s.attrs.equ.kind === 'number')) return s.attrs.equ;
      if (expr.bound) return expr;
      // The symbol is its own reference (symbol-table.ts; expressions are never changed once
      // made), with its own name string: neither a node per use nor the text's copy of the name is kept.
      return expr.reloc === undefined ? s : { kind: 'symbol', name: s.name, reloc: expr.reloc, bound: s };
    }
    case 'unary': {
      const operand = bindExpr(expr.operand, symbols, place, depth);
      return operand === expr.operand ? expr : { kind: 'unary', op: expr.op, operand };
    }
    case 'binary': {
      let left = bindExpr(expr.left, symbols, place, depth);
      let right = bindExpr(expr.right, symbols, place, depth);
      if (isBignum(left)) {
        place.bindWarning?.('left operand is a bignum; integer 0 assumed');
        left = ZERO;
      }
      if (isBignum(right)) {
        place.bindWarning?.('right operand is a bignum; integer 0 assumed');
        right = ZERO;
      }
      if (place.bindWarning !== undefined && (expr.op === '<<' || expr.op === '>>' || expr.op === '/' || expr.op === '%')) {
        const count = constantValue(right);
        const message = count === undefined ? undefined : binaryWarning(expr.op, count);
        if (message !== undefined) place.bindWarning(message);
      }
      // GNU as keeps the equated symbol in the difference and names it in its message.
      // (A symbol less itself GNU as folds where it reads it.)
      const same = expr.left.kind === 'symbol' && expr.right.kind === 'symbol' && expr.left.name === expr.right.name;
      const written = expr.op === '-' && expr.right.kind === 'symbol' && right.kind !== 'number' && !same ? expr.right.bound ?? symbols.get(expr.right.name) : undefined;
      if (written !== undefined && written.state === 'equated' && right === written.attrs.equ) return { kind: 'binary', op: expr.op, left, right, written };
      if (expr.op === '-' && !same && expr.left.kind === 'symbol' && left !== expr.left && left.kind !== 'number' && (expr.left.bound ?? symbols.get(expr.left.name)).state === 'equated') {
        return { kind: 'binary', op: expr.op, left, right, written: null };
      }
      return left === expr.left && right === expr.right ? expr : { kind: 'binary', op: expr.op, left, right };
    }
  }
}

/** A label's address within its section (estimated or final, whatever the frags hold now). */
export function labelAddress(s: SymbolState): number {
  return (s.frag as Frag).address + s.offset;
}

function sameSection(a: SymbolState, b: SymbolState): boolean {
  return a.state === 'label' && b.state === 'label' && a.frag !== undefined && b.frag !== undefined && a.frag.section === b.frag.section;
}

/** The section GNU as gives an operand's value: a label's, `*UND*`, `*COM*`, or `*ABS*` for a number. */
function sectionName(s: SymbolState | undefined): string {
  if (s === undefined) return '*ABS*';
  if (s.state === 'label') return s.frag!.section.name;
  return s.state === 'common' ? '*COM*' : '*UND*';
}

/**
 * GNU as's message for an operator that cannot take its operands:
 * the sections of both operands of a binary one, of the operand of a unary one; an operand that
 * is itself a difference of symbols of two sections is that subtraction's error.
 */
export function operatorMessage(op: string, a: Value, b: Value | undefined): string {
  for (const v of b === undefined ? [a] : [a, b]) {
    if (v.sym !== undefined && v.sub !== undefined) return `invalid operands (${sectionName(v.sym)} and ${sectionName(v.sub)} sections) for \`-'`;
  }
  if (b === undefined) return `invalid operand (${sectionName(a.sym ?? a.sub)} section) for \`${op}'`;
  return `invalid operands (${sectionName(a.sym ?? a.sub)} and ${sectionName(b.sym ?? b.sub)} sections) for \`${op}'`;
}

/**
 * Why an expression has no value (the message GAS gives), returned where `tryEvaluate` asks for
 * no throw; the message is made only when read (most tries are estimates that never read it).
 * With operands, `why` is the operator they do not suit.
 */
class Failure {
  constructor(private readonly why: string, private readonly a?: Value, private readonly b?: Value) {}

  get message(): string {
    const { why, a, b } = this;
    return a === undefined ? why : operatorMessage(why, a, b);
  }
}

/** A symbol `a - b` names as `differenceSymbol` takes it: no @suffix, a label or undefined (never equated: its value would be its expression's). */
function plainSymbol(e: Expr): SymbolState | undefined {
  if (e.kind !== 'symbol' || e.reloc !== undefined) return undefined;
  const s = e.bound;
  return s !== undefined && (s.state === 'label' || s.state === 'undefined') ? s : undefined;
}

/**
 * The `sym` of a bound `a - b`'s value where a and b are two plain symbols (see plainSymbol)
 * (evaluating cannot fail): `a`, or null where the value folds to a number (two labels of one
 * section, a symbol less itself); undefined for any other expression,
 * which `Evaluator.evaluate` decides. No Value is made: the kernel's ALTERNATIVE entries write
 * three such differences per replacement (`140b - .`, `143f - .`, `144f - 143f`).
 */
export function differenceSymbol(e: Expr): SymbolState | null | undefined {
  if (e.kind !== 'binary' || e.op !== '-') return undefined;
  const a = plainSymbol(e.left);
  const b = a === undefined ? undefined : plainSymbol(e.right);
  if (a === undefined || b === undefined) return undefined;
  return a === b || sameSection(a, b) ? null : a;
}

/** Past this a number is not taken by `smallValue` (its arithmetic is exact below 2^53). */
const SMALL = 2 ** 31;

/** The label a node names, as `smallValue` takes one (in a difference of two): a defined label, no @suffix. */
function smallLabel(e: Expr): SymbolState | undefined {
  if (e.kind !== 'symbol' || e.reloc !== undefined) return undefined;
  const s = e.bound;
  return s !== undefined && s.state === 'label' && s.frag !== undefined ? s : undefined;
}

/**
 * The value of a bound expression when it is a plain number that arithmetic on doubles gives
 * exactly (numbers below 2^31, labels only in a difference of two of one section, no
 * operator whose result could leave the safe range unnoticed); NaN when it is not such a
 * one, and then `Evaluator.value` decides. No object is made: relaxation asks this of every
 * `.skip` in each pass (the kernel's ALTERNATIVE padding).
 */
export function smallValue(e: Expr, depth = 0): number {
  if (depth > MAX_DEPTH) return NaN;
  switch (e.kind) {
    case 'number': {
      const v = e.value;
      return v < SMALL && v > -SMALL ? Number(v) : NaN;
    }
    case 'unary': {
      const v = smallValue(e.operand, depth + 1);
      if (Number.isNaN(v)) return NaN;
      switch (e.op) {
        case '-': return -v;
        case '+': return v;
        case '~': return -v - 1;
        case '!': return v === 0 ? 1 : 0;
      }
      return NaN;
    }
    case 'binary': {
      if (e.op === '-') {
        const x = smallLabel(e.left);
        if (x !== undefined) {
          const y = smallLabel(e.right);
          return y !== undefined && y.frag!.section === x.frag!.section ? labelAddress(x) - labelAddress(y) : NaN;
        }
      }
      const a = smallValue(e.left, depth + 1);
      if (Number.isNaN(a)) return NaN;
      const b = smallValue(e.right, depth + 1);
      if (Number.isNaN(b)) return NaN;
      let r: number;
      switch (e.op) {
        case '+': r = a + b; break;
        case '-': r = a - b; break;
        case '*': r = a * b; break;
        case '==': return a === b ? -1 : 0;
        case '!=': case '<>': return a !== b ? -1 : 0;
        case '<': return a < b ? -1 : 0;
        case '>': return a > b ? -1 : 0;
        case '<=': return a <= b ? -1 : 0;
        case '>=': return a >= b ? -1 : 0;
        case '&&': return a !== 0 && b !== 0 ? 1 : 0;
        case '||': return a !== 0 || b !== 0 ? 1 : 0;
        default: return NaN;
      }
      return Number.isSafeInteger(r) ? r : NaN;
    }
    default:
      return NaN;
  }
}

export class Evaluator {
  constructor(private readonly symbols: SymbolTable) {}

  /** The expression's value; throws EvalError with GAS's message when it has none. */
  evaluate(expr: Expr): Value {
    const v = this.value(expr, 0);
    if (v instanceof Failure) throw new EvalError(v.message);
    return v;
  }

  /**
   * The expression's value, or undefined when it has none yet (a forward reference in an
   * estimate): no error object is made, which matters where most tries fail.
   */
  tryEvaluate(expr: Expr): Value | undefined {
    const v = this.value(expr, 0);
    return v instanceof Failure ? undefined : v;
  }

  private value(expr: Expr, depth: number): Value | Failure {
    if (depth > MAX_DEPTH) return new Failure('expression too deeply nested (recursive .set?)');
    switch (expr.kind) {
      case 'number':
        return { add: expr.value };
      case 'local':
        return this.resolve(this.symbols.numericReference(expr.label, expr.direction), depth);
      case 'dot':
        return new Failure("'.' was not bound");
      case 'symbol': {
        const v = this.resolve(expr.bound ?? this.symbols.get(expr.name), depth);
        if (!expr.reloc || v instanceof Failure) return v;
        if (!v.sym || v.sub) return new Failure(`@${expr.reloc} on a non-symbol`);
        return { ...v, reloc: expr.reloc.toUpperCase() };
      }
      case 'unary': {
        const v = this.value(expr.operand, depth + 1);
        if (v instanceof Failure || expr.op === '+') return v;
        if (expr.op === '-') {
          if (v.reloc) return new Failure('invalid operand of unary -');
          const r: Value = { add: BigInt.asIntN(64, -v.add), sym: v.sub, sub: v.sym };
          return this.simplify(r);
        }
        if (v.sym || v.sub) return new Failure(expr.op, v);
        return { add: expr.op === '~' ? ~v.add : v.add === 0n ? 1n : 0n };
      }
      case 'binary': {
        if (expr.op === '-' && depth < MAX_DEPTH && expr.written === undefined) {
          const d = this.labelDifference(expr);
          if (d !== undefined) return d;
        }
        const a = this.value(expr.left, depth + 1);
        if (a instanceof Failure) return a;
        const b = this.value(expr.right, depth + 1);
        if (b instanceof Failure) return b;
        if (expr.op === '+') return this.add(a, b);
        if (expr.op === '-') {
          const negated: Value = { add: BigInt.asIntN(64, -b.add), sym: b.sub, sub: b.sym, reloc: b.reloc };
          // An undefined symbol less itself reached through an equated one: GNU as cannot resolve it.
          if (a.sym !== undefined && a.sym === b.sym && a.sym.state === 'undefined' && !a.sub && !b.sub && !a.reloc && !b.reloc && (expr.written !== undefined || ((isEquated(expr.left) || isEquated(expr.right)) && expr.left !== expr.right))) {
            return differenceNames(expr, a, b, { add: BigInt.asIntN(64, a.add + negated.add), sym: a.sym, sub: b.sym });
          }
          return differenceNames(expr, a, b, this.add(a, negated));
        }
        let x: bigint;
        let y: bigint;
        if (a.sym && b.sym && !a.sub && !b.sub && sameSection(a.sym, b.sym) && /^(==|!=|<>|<|>|<=|>=)$/.test(expr.op)) {
          x = BigInt(labelAddress(a.sym)) + a.add;
          y = BigInt(labelAddress(b.sym)) + b.add;
        } else {
          if (!isAbsolute(a) || !isAbsolute(b)) return new Failure(expr.op, a, b);
          x = a.add;
          y = b.add;
        }
        return { add: applyBinary(expr.op, x, y) };
      }
    }
  }

  /**
   * `A - B` of two symbols with no `@` suffix, neither equated: what the general path below gives
   * ({A} and {B} as values, B negated, added, then simplified; none of those steps can fail for
   * them), without the values in between. A kernel-style file's alternative entries resolve
   * thousands of these (`.long 140b - .`, `.byte 142b - 140b`) in finish (docs/speed-and-exactness.md).
   */
  private labelDifference(expr: Expr & { kind: 'binary' }): Value | undefined {
    const l = expr.left;
    const r = expr.right;
    if (l.kind !== 'symbol' || r.kind !== 'symbol' || l.reloc || r.reloc) return undefined;
    const a = l.bound ?? this.symbols.get(l.name);
    if (a.state === 'equated' && a.attrs.equ) return undefined;
    const b = r.bound ?? this.symbols.get(r.name);
    if (b.state === 'equated' && b.attrs.equ) return undefined;
    return this.simplify({ add: 0n, sym: a, sub: b, reloc: undefined });
  }

  private resolve(s: SymbolState, depth: number): Value | Failure {
    if (s.state === 'equated' && s.attrs.equ) {
      const v = this.value(s.attrs.equ, depth + 1);
      if (v instanceof Failure) return v;
      if (s.attrs.binding && s.attrs.binding !== 'local' && !isAbsolute(v)) return { add: 0n, sym: s };
      return v;
    }
    return { add: 0n, sym: s };
  }

  private add(a: Value, b: Value): Value | Failure {
    if (a.sym && b.sym) {
      return new Failure('+', a, b);
    }
    if (a.sub && b.sub) return new Failure('invalid operands for `-\'');
    const r: Value = {
      add: BigInt.asIntN(64, a.add + b.add),
      sym: a.sym ?? b.sym,
      sub: a.sub ?? b.sub,
      reloc: a.reloc ?? b.reloc,
    };
    if (a.subName === undefined && b.subName === undefined && a.addName === undefined && b.addName === undefined) return this.simplify(r);
    const named = this.simplify({ ...r, subName: a.sub ? a.subName : b.subName, addName: a.addName ?? b.addName });
    return named.sub === undefined ? { add: named.add, sym: named.sym, reloc: named.reloc } : named;
  }

  /**
   * Where GNU as places a symbol at the end: a label in its section; a global or weak equated
   * symbol whose value is a label plus a number where that label is, plus that number (GNU as
   * resolves it so and then takes it as a label of that section, its relocations still naming
   * it); undefined for any other.
   */
  place(s: SymbolState): SymbolPlace | undefined {
    if (s.state === 'label') return s.frag === undefined ? undefined : { section: s.frag.section, address: labelAddress(s) };
    if (s.state !== 'equated' || !s.attrs.equ || !s.attrs.binding || s.attrs.binding === 'local') return undefined;
    const v = this.value(s.attrs.equ, 1);
    if (v instanceof Failure || v.sub || v.reloc || v.sym?.state !== 'label' || v.sym.frag === undefined) return undefined;
    return { section: v.sym.frag.section, address: labelAddress(v.sym) + Number(v.add) };
  }

  /** Folds sym - sub into a number when both are labels of one section. */
  private simplify(v: Value): Value {
    if (v.sym && v.sub && !v.reloc && sameSection(v.sym, v.sub)) {
      return { add: BigInt.asIntN(64, v.add + BigInt(labelAddress(v.sym) - labelAddress(v.sub))) };
    }
    if (v.sym && v.sub && v.sym === v.sub) return { add: v.add };
    if (v.sym && v.sub && !v.reloc && (v.sym.state === 'equated' || v.sub.state === 'equated')) {
      const a = this.place(v.sym);
      const b = a && this.place(v.sub);
      if (a && b && a.section === b.section) return { add: BigInt.asIntN(64, v.add + BigInt(a.address - b.address)) };
    }
    return v;
  }
}

/**
 * `r`, the value of `a - b` (expression `expr`), with the names GNU as's message would give its
 * symbols where they are not their own: an equated symbol subtracted is named as written; a
 * number less a symbol is GNU as's expression symbol less it, and a number less a symbol plus
 * a number is that less another expression symbol.
 */
function differenceNames(expr: Expr & { kind: 'binary' }, a: Value, b: Value, r: Value | Failure): Value | Failure {
  if (r instanceof Failure || r.sub === undefined || r.sub !== b.sym || b.sub !== undefined) return r;
  const right = expr.right;
  const written = expr.written === undefined ? (isEquated(right) ? right.bound : undefined) : expr.written ?? undefined;
  // A symbol on the left is named itself (GNU as resolves it at the end); a number only there is an expression symbol.
  const left = expr.left.kind === 'symbol' ? expr.left.bound : undefined;
  const constant = isAbsolute(a) && left === undefined;
  const subName = written !== undefined ? written.name : constant && b.add !== 0n ? EXPRESSION_SYMBOL : undefined;
  const addName = r.sym !== undefined ? undefined : constant ? EXPRESSION_SYMBOL : left?.name;
  return subName === undefined && addName === undefined ? r : { ...r, subName, addName };
}

/** An equated symbol as written (one binding did not put the value of). */
function isEquated(e: Expr): e is SymbolState {
  return e.kind === 'symbol' && e.bound?.state === 'equated';
}

/** True when the value is a plain number. */
export function isAbsolute(v: Value): boolean {
  return !v.sym && !v.sub;
}
