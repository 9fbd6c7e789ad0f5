// Owns the assembler's symbols while it reads a file: labels (a frag and an offset),
// equated symbols (.set/.equ/=, kept as bound expressions), common symbols, undefined ones,
// and the attributes directives give them (.globl, .weak, .hidden, .type, .size). Also the
// numeric local labels (1: ... 1b/1f) and the internal symbols for `.`.
import type { Expr } from './expr';
import type { Frag } from './layout';
import type { SymbolBinding } from './module';
import { NO_PLACE } from './places';
import { sparseObjectList } from '../object-list';
import { ChunkedList } from '../chunked-list';

/**
 * A symbol while the assembler reads a file. It is its own bound reference too (an Expr of
 * kind 'symbol' whose `bound` is itself, evaluate.ts): every expression that names it shares
 * the symbol, and no reference object is kept beside it (five a function on the bench's
 * source, docs/speed-and-exactness.md).
 */
export interface SymbolState {
  readonly kind: 'symbol';
  readonly name: string;
  readonly bound: SymbolState;
  state: 'undefined' | 'label' | 'equated' | 'common';
  frag?: Frag;
  offset: number;
  /**
   * SYMBOL_FIXED, SYMBOL_INTERNAL and SYMBOL_USED, one number (read by isFixed, isInternal,
   * isUsed): three booleans of every symbol, kept to the end of the assembly.
   */
  bits: number;
  /**
   * What directives gave it (binding, type, size, visibility, `.set`'s expression, `.comm`):
   * NO_ATTRS, shared, until one first does (`attrsOf`). Most symbols never get any (`.L`
   * labels, numeric instances, `.` markers: five of six on the bench's source), and each of
   * their eight fields was kept to the end of the assembly (docs/speed-and-exactness.md).
   */
  attrs: Readonly<SymbolAttrs>;
  /** Where it was defined, or first named while undefined (places.ts; NO_PLACE when nowhere yet). */
  place: number;
  /** Creation order (GAS writes symbols in the order it created them). */
  readonly order: number;
}

/** Set by .equiv (redefinition is an error). */
const SYMBOL_FIXED = 1;
/** .L names, numeric local instances and `.` markers: never in the symbol table. */
const SYMBOL_INTERNAL = 2;
/** Referenced from an expression or a directive (GAS then keeps an undefined symbol). */
const SYMBOL_USED = 4;

export function isFixed(s: SymbolState): boolean {
  return (s.bits & SYMBOL_FIXED) !== 0;
}

export function setFixed(s: SymbolState, fixed: boolean): void {
  s.bits = fixed ? s.bits | SYMBOL_FIXED : s.bits & ~SYMBOL_FIXED;
}

export function isInternal(s: SymbolState): boolean {
  return (s.bits & SYMBOL_INTERNAL) !== 0;
}

export function isUsed(s: SymbolState): boolean {
  return (s.bits & SYMBOL_USED) !== 0;
}

export function markUsed(s: SymbolState): void {
  s.bits |= SYMBOL_USED;
}

/** A symbol's attributes from directives (SymbolState.attrs). */
export interface SymbolAttrs {
  /** For equated symbols: the bound expression. */
  equ: Expr | undefined;
  binding: SymbolBinding | undefined;
  type: number;
  /** `.type NAME, @gnu_unique_object` gave it GNU's unique binding, which a defined symbol is written with (`binding` stays what relocations against it go by). */
  unique: boolean;
  /** The .size expression (bound), if any. */
  size: Expr | undefined;
  visibility: number;
  commonSize: number;
  commonAlign: number;
}

/** The attributes of every symbol no directive gave one: never written (`attrsOf` replaces it first). */
export const NO_ATTRS: Readonly<SymbolAttrs> = newAttrs();

/** Every field in one literal: attributes keep one shape. */
function newAttrs(): SymbolAttrs {
  return { equ: undefined, binding: undefined, type: 0, unique: false, size: undefined, visibility: 0, commonSize: 0, commonAlign: 0 };
}

/** The symbol's own attributes, to change: made on the first change (until then it shares NO_ATTRS). */
export function attrsOf(s: SymbolState): SymbolAttrs {
  if (s.attrs === NO_ATTRS) s.attrs = newAttrs();
  return s.attrs as SymbolAttrs;
}

const NUMERIC_MARK = '\u0002';

/** What is told of each numeric label reference resolved (SymbolTable.numericReferences). */
export interface NumericReferenceSink {
  referenced(instance: SymbolState, label: number, direction: 'f' | 'b'): void;
}

export class SymbolTable {
  /**
   * The named symbols but the numeric label instances: those are reached by number
   * (`numericInstances`), so their names are neither built nor hashed into this table on the
   * common path (one `N:` a function on the bench's source: a sixth of the table, whose
   * look-ups cost more as it grows).
   */
  private readonly byName = new Map<string, SymbolState>();
  /** Every symbol but the `.` markers, in creation order (what `all` gives). */
  private readonly created = new ChunkedList<SymbolState>();
  private readonly numericCount = new Map<number, number>();
  /** Numeric label N's instances by number (index 1 is the first `N:`), so that `Nb`/`Nf` name no string. */
  private readonly numericInstances = new Map<number, Array<SymbolState | undefined>>();
  private dotCount = 0;
  private nextOrder = 0;
  /**
   * Told of each numeric reference resolved (the editor's navigation asks for it); undefined
   * unless the assembler records references, so that resolving costs one test otherwise. An
   * object with a method, not a closure: each assembly's closure would be a new call target.
   */
  numericReferences: NumericReferenceSink | undefined = undefined;
  /** Told of a backward reference to a numeric label with no instance defined yet (GAS's "backward ref to unknown label"). */
  onUnknownBackward: ((label: number) => void) | undefined = undefined;

  /** How many symbols were made so far (the next one's order). */
  get made(): number {
    return this.nextOrder;
  }

  /** How many symbols exist, internal ones (the `.` markers too) included. */
  get size(): number {
    return this.created.length + this.dotCount;
  }

  all(): SymbolState[] {
    return this.created.toArray();
  }

  find(name: string): SymbolState | undefined {
    const s = this.byName.get(name);
    if (s !== undefined) return s;
    const instance = numericInstanceName(name);
    return instance === undefined ? undefined : this.numericInstances.get(instance.label)?.[instance.n];
  }

  /** The symbol of that name, created undefined if it does not exist yet. */
  get(name: string, place = NO_PLACE): SymbolState {
    const s = this.byName.get(name);
    if (s !== undefined) return s;
    // A quoted name can spell a numeric label instance's (GAS's names are built the same way).
    const instance = numericInstanceName(name);
    if (instance !== undefined) return this.numericInstance(instance.label, instance.n, place);
    return this.named(name, place);
  }

  private named(name: string, place: number): SymbolState {
    const s = this.make(name, place);
    this.byName.set(name, s);
    this.created.push(s);
    return s;
  }

  private make(name: string, place: number): SymbolState {
    // Every field in the literal: symbols keep one shape with in-object fields.
    const s: { -readonly [K in keyof SymbolState]: SymbolState[K] } = {
      kind: 'symbol',
      name,
      bound: undefined as unknown as SymbolState, // itself, set below
      state: 'undefined',
      frag: undefined,
      offset: 0,
      bits: name.startsWith('.L') || name.includes(NUMERIC_MARK) ? SYMBOL_INTERNAL : 0,
      attrs: NO_ATTRS,
      place,
      order: this.nextOrder++,
    };
    s.bound = s;
    return s;
  }

  /** The instance `Nb` (direction b) or `Nf` (f) refers to at this point of the file. */
  numericReference(label: number, direction: 'f' | 'b'): SymbolState {
    const n = this.numericCount.get(label) ?? 0;
    if (direction === 'b' && n === 0 && this.onUnknownBackward !== undefined) this.onUnknownBackward(label);
    const instance = this.numericInstance(label, direction === 'b' ? n : n + 1);
    if (this.numericReferences !== undefined) this.numericReferences.referenced(instance, label, direction);
    return instance;
  }

  /** Defines the next instance of numeric label N; returns its symbol. */
  defineNumeric(label: number): SymbolState {
    const n = (this.numericCount.get(label) ?? 0) + 1;
    this.numericCount.set(label, n);
    return this.numericInstance(label, n);
  }

  /**
   * Each instance of a numeric label referred to forward (`Nf`) that no `N:` after it defined:
   * GAS's "not defined" error at the end, in the order the instances were made (GAS walks its
   * symbols in that order).
   */
  undefinedForward(): Array<{ label: number; instance: number }> {
    const found: Array<{ label: number; instance: number; order: number }> = [];
    for (const [label, instances] of this.numericInstances) {
      const defined = this.numericCount.get(label) ?? 0;
      for (let n = defined + 1; n < instances.length; n++) {
        const s = instances[n];
        if (s !== undefined) found.push({ label, instance: n, order: s.order });
      }
    }
    return found.sort((x, y) => x.order - y.order).map(({ label, instance }) => ({ label, instance }));
  }

  /** Instance `n` of numeric label N (named `.LN\u0002n`, made on first use). */
  private numericInstance(label: number, n: number, place = NO_PLACE): SymbolState {
    let instances = this.numericInstances.get(label);
    // Instance n is at index n, and a forward reference makes one past the next: a sparse list.
    if (instances === undefined) this.numericInstances.set(label, (instances = sparseObjectList<SymbolState>()));
    let s = instances[n];
    if (s === undefined) {
      s = instances[n] = this.make(`.L${label}${NUMERIC_MARK}${n}`, place);
      this.created.push(s);
    }
    return s;
  }

  /**
   * A fresh internal symbol for `.` at the given place. It is reached only through the bound
   * expression that holds it, never by name, so it stays out of the table (no string hashed,
   * nothing inserted); `size` counts it.
   */
  dot(frag: Frag, offset: number): SymbolState {
    const s = this.make(`.L.dot${NUMERIC_MARK}${this.dotCount++}`, NO_PLACE);
    s.state = 'label';
    s.frag = frag;
    s.offset = offset;
    return s;
  }
}

/**
 * The label and instance of the numeric label instance whose name this is (the name
 * numericInstance gives it), or undefined. Only a name with the mark in it is read further.
 */
function numericInstanceName(name: string): { label: number; n: number } | undefined {
  const mark = name.indexOf(NUMERIC_MARK);
  if (mark < 2 || !name.startsWith('.L')) return undefined;
  const label = Number(name.slice(2, mark));
  const n = Number(name.slice(mark + 1));
  if (!Number.isInteger(label) || !Number.isInteger(n) || label < 0 || n < 0) return undefined;
  return `.L${label}${NUMERIC_MARK}${n}` === name ? { label, n } : undefined;
}

/** The name as the user wrote it (numeric instances print as their number, as GAS prints them). */
export function displayName(name: string): string {
  const i = name.indexOf(NUMERIC_MARK);
  if (i < 0) return name;
  return name.startsWith('.L.dot') ? '.' : name.slice(2, i);
}
