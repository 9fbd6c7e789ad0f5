// Owns a built-in macro's `.skip` count as a program (builtin-steps.ts): its tree with equal
// subtrees made one node, bound at a site as binding the tree would bind it, and evaluated as
// `smallValue` evaluates the tree, each distinct node once, bottom up. Relaxation evaluates
// every padding in each pass: ALTERNATIVE_2's count is 45 nodes, 13 of them distinct, and a walk
// of the tree converted each number from BigInt again (docs/speed-and-exactness.md).
import type { Expr } from './expr';
import type { AsmState } from './state';
import { markUsed, type SymbolState } from './symbol-table';
import { labelAddress, smallValue } from './evaluate';

/**
 * A count's tree with its equal subtrees made one node (the padding names each difference of
 * labels several times: 45 nodes for ALTERNATIVE_2's, 13 of them distinct), in postorder, the
 * root last; and the numeric label references in the order binding the tree meets them.
 */
export interface CountProgram {
  readonly nodes: readonly CountNode[];
  readonly locals: ReadonlyArray<{ readonly label: number; readonly direction: 'f' | 'b' }>;
  /** Per reference met, its index in `locals`. */
  readonly refs: readonly number[];
}

type CountNode =
  /** `small`: what smallValue gives the number (NaN past its range). */
  | { readonly kind: 'number'; readonly expr: Expr; readonly small: number }
  | { readonly kind: 'local'; readonly local: number }
  | { readonly kind: 'unary'; readonly expr: Expr & { kind: 'unary' }; readonly operand: number }
  | { readonly kind: 'binary'; readonly expr: Expr & { kind: 'binary' }; readonly left: number; readonly right: number };

/** The program of a tree of numbers, numeric label references and operators (plainTree, no `.`). */
export function countProgram(tree: Expr): CountProgram {
  const nodes: CountNode[] = [];
  const byKey = new Map<string, number>();
  const locals: Array<{ label: number; direction: 'f' | 'b' }> = [];
  const refs: number[] = [];
  const node = (key: string, make: () => CountNode): number => {
    let k = byKey.get(key);
    if (k === undefined) {
      k = nodes.push(make()) - 1;
      byKey.set(key, k);
    }
    return k;
  };
  const visit = (e: Expr): number => {
    switch (e.kind) {
      case 'number':
        return node(`n${e.value}`, () => ({ kind: 'number', expr: e, small: smallValue(e) }));
      case 'local': {
        let local = locals.findIndex((l) => l.label === e.label && l.direction === e.direction);
        if (local < 0) local = locals.push({ label: e.label, direction: e.direction }) - 1;
        refs.push(local);
        return node(`l${local}`, () => ({ kind: 'local', local }));
      }
      case 'unary': {
        const operand = visit(e.operand);
        return node(`u${e.op} ${operand}`, () => ({ kind: 'unary', expr: e, operand }));
      }
      case 'binary': {
        const left = visit(e.left);
        const right = visit(e.right);
        return node(`b${e.op} ${left} ${right}`, () => ({ kind: 'binary', expr: e, left, right }));
      }
      default:
        throw new Error(`countProgram: ${e.kind}`);
    }
  };
  visit(tree);
  return { nodes, locals, refs };
}

/**
 * Bound nodes of one `bindCount`, reused: its entries are cleared after each call, never its
 * length (`length = 0` drops the backing store, and each site grew a new one).
 */
const boundNodes: Array<Expr | undefined> = [];

/**
 * What `st.bind` makes of the count's tree, with its equal subtrees one node (evaluation reads
 * a tree and never changes one, so the value is the same): each reference resolved in the same
 * order as binding the tree resolves them (the numeric references the editor is told of, and
 * the forward instances made, are the same), each symbol's shared reference, a new node where
 * binding makes one.
 */
export function bindCount(st: AsmState, p: CountProgram): { tree: Expr; small: SmallCount } {
  const symbols = st.symbols;
  const instances = new Array<SymbolState>(p.locals.length);
  for (let k = 0; k < p.refs.length; k++) {
    const local = p.locals[p.refs[k]!]!;
    const s = symbols.numericReference(local.label, local.direction);
    markUsed(s);
    instances[p.refs[k]!] = s;
  }
  const nodes = p.nodes;
  for (let k = 0; k < nodes.length; k++) {
    const n = nodes[k]!;
    switch (n.kind) {
      case 'number':
        boundNodes[k] = n.expr;
        break;
      case 'local': {
        const s = instances[n.local]!;
        boundNodes[k] = s;
        break;
      }
      case 'unary': {
        const operand = boundNodes[n.operand]!;
        boundNodes[k] = operand === n.expr.operand ? n.expr : { kind: 'unary', op: n.expr.op, operand };
        break;
      }
      case 'binary': {
        const left = boundNodes[n.left]!;
        const right = boundNodes[n.right]!;
        boundNodes[k] = left === n.expr.left && right === n.expr.right ? n.expr : { kind: 'binary', op: n.expr.op, left, right };
        break;
      }
    }
  }
  const tree = boundNodes[nodes.length - 1]!;
  // Cleared so that no node keeps this assembly's symbols alive after it.
  for (let k = 0; k < nodes.length; k++) boundNodes[k] = undefined;
  return { tree, small: { program: p, symbols: instances } };
}

/** A bound count as its program and the instance of each of its references (relaxation evaluates it in every pass). */
export interface SmallCount {
  readonly program: CountProgram;
  readonly symbols: readonly SymbolState[];
}

/** Values of one `smallCount`, reused (never truncated: `length = 0` drops the backing store, and each call grew a new one). */
const values: number[] = [];

/**
 * What `smallValue` gives the bound count's tree, from its program: each distinct node once,
 * bottom up, by the same rules (a reference alone has none; a difference whose left side is a
 * defined label is the two labels' distance when the right is one of the same section, else
 * none; + - * and > of two values, unary minus), without a walk of the tree per pass.
 */
export function smallCount(c: SmallCount): number {
  const nodes = c.program.nodes;
  for (let k = 0; k < nodes.length; k++) {
    const n = nodes[k]!;
    let v: number;
    switch (n.kind) {
      case 'number':
        v = n.small;
        break;
      case 'local':
        v = NaN;
        break;
      case 'unary':
        v = -values[n.operand]!;
        break;
      case 'binary': {
        const left = nodes[n.left]!;
        const x = n.expr.op === '-' && left.kind === 'local' ? definedLabel(c.symbols[left.local]!) : undefined;
        if (x !== undefined) {
          const right = nodes[n.right]!;
          const y = right.kind === 'local' ? definedLabel(c.symbols[right.local]!) : undefined;
          v = y !== undefined && y.frag!.section === x.frag!.section ? labelAddress(x) - labelAddress(y) : NaN;
          break;
        }
        const a = values[n.left]!;
        const b = values[n.right]!;
        if (Number.isNaN(a) || Number.isNaN(b)) v = NaN;
        else if (n.expr.op === '>') v = a > b ? -1 : 0;
        else {
          const r = n.expr.op === '+' ? a + b : n.expr.op === '-' ? a - b : a * b;
          v = Number.isSafeInteger(r) ? r : NaN;
        }
        break;
      }
    }
    values[k] = v;
  }
  return values[nodes.length - 1]!;
}

function definedLabel(s: SymbolState): SymbolState | undefined {
  return s.state === 'label' && s.frag !== undefined ? s : undefined;
}
