// Owns the semantic tokens of a GAS x86 document (full and range): the lexemes of
// source-scan.ts classified by the analysis (names.ts). The legend below is the contract
// with themes (README, "Semantic tokens"): every token of an ALTERNATIVE* invocation carries
// the `alternative` modifier and the quoted original and replacements are tokenized as
// instructions; X86_FEATURE_* names are enum members; CFI directives and CFI_* macros carry `cfi`.
import type { Analysis } from './analysis';
import { ALTERNATIVE_FLAG, CPP_FLAG, KIND_BITS, KIND_CODE, LEXEME_KINDS, scanSource, type AlternativeBlock, type Lexeme, type SourceScan } from './source-scan';
import { cppMacro, isLocalLabel, isMnemonic, isRegister, names, type Names } from './names';
import { namesElsewhere, type NamesElsewhere } from './preview-names';
import { inactiveRanges } from './inactive';

export const TOKEN_TYPES = ['mnemonic', 'register', 'number', 'label', 'function', 'enumMember', 'macro', 'directive', 'preprocessor', 'parameter', 'string'] as const;
export const TOKEN_MODIFIERS = ['declaration', 'alternative', 'cfi', 'local', 'defaultLibrary'] as const;

export type TokenType = (typeof TOKEN_TYPES)[number];
export type TokenModifier = (typeof TOKEN_MODIFIERS)[number];

export const LEGEND = { tokenTypes: [...TOKEN_TYPES], tokenModifiers: [...TOKEN_MODIFIERS] };

export interface SemanticToken {
  readonly line: number;
  readonly start: number;
  readonly length: number;
  readonly type: TokenType;
  readonly modifiers: readonly TokenModifier[];
}

const scans = new WeakMap<Analysis, SourceScan>();

/** The document's lexical scan (kept with its analysis). */
export function scanOf(a: Analysis): SourceScan {
  let s = scans.get(a);
  if (!s) scans.set(a, (s = a.lexical?.() ?? scanSource(a.text)));
  return s;
}

/**
 * The document's scan in pieces whose lexemes, blocks and directives together are the whole
 * scan's, in order: the whole scan when it is made, else the analysis's pieces (a region's
 * scan is kept with it, so after an edit only the edited region is scanned again).
 */
export function scanPieces(a: Analysis): readonly SourceScan[] {
  const whole = scans.get(a);
  return whole ? [whole] : a.lexicalPieces?.() ?? [scanOf(a)];
}

/** The ALTERNATIVE* invocation that spans `line`, from the scan of the piece that holds it when the whole is not made yet (also one cpp skipped). */
export function alternativeBlockAt(a: Analysis, line: number): AlternativeBlock | undefined {
  const scan = scans.get(a) ?? a.lexicalAt?.(line) ?? scanOf(a);
  return scan.alternatives.find((b) => b.startLine <= line && line <= b.endLine);
}

const T = Object.fromEntries(TOKEN_TYPES.map((t, i) => [t, i])) as Record<TokenType, number>;
const M = Object.fromEntries(TOKEN_MODIFIERS.map((m, i) => [m, 1 << i])) as Record<TokenModifier, number>;
/** A token's class packed in one number: the type's index, and the modifiers' bits above MODIFIER_SHIFT. */
const MODIFIER_SHIFT = 4;
const NONE = -1;
/** The modifiers of each bit set, in legend order (one shared array per set). */
const MODIFIER_LISTS: ReadonlyArray<readonly TokenModifier[]> = Array.from({ length: 1 << TOKEN_MODIFIERS.length }, (_, mask) => Object.freeze(TOKEN_MODIFIERS.filter((_, i) => mask & (1 << i))));

function packed(type: number, mods: number): number {
  return type | (mods << MODIFIER_SHIFT);
}

/** `.cfi_*` and `CFI_*` (any case). */
function isCfiName(text: string): boolean {
  // Not read past the end: optimized code that met no such read gives itself up at the first.
  const c = text.length > 0 ? text.charCodeAt(0) : 0;
  return (c === 0x2e || c === 0x43 || c === 0x63) && /^(\.cfi_|CFI_)/i.test(text);
}

/** The names a request classifies by: the analysis's, and for a preview those the rest of the document defines. */
interface Known {
  readonly n: Names;
  readonly elsewhere: NamesElsewhere | undefined;
}

function isFunction(k: Known, name: string): boolean {
  return k.n.functions.has(name) || k.elsewhere?.functions.has(name) === true;
}

function isDefined(k: Known, name: string): boolean {
  return k.n.definedNames.has(name) || k.elsewhere?.symbols.has(name) === true;
}

/**
 * A lexeme's class without the `alternative` modifier (the caller adds it): what its kind,
 * its text and, for a word on a cpp line, whether it is the name a #define declares make of it.
 * The words, operators and label definitions each go to a function of their own: a request
 * classifies each distinct text once, a few thousand calls, and one function with every case
 * reached the optimizing compiler's budget only in a process's third analysis, with all of
 * it inlined (docs/speed-and-exactness.md, "lspfirst5").
 */
function classify(a: Analysis, k: Known, kind: Lexeme['kind'], text: string, cpp: boolean, declares: boolean): number {
  const mods = isCfiName(text) ? M.cfi : 0;
  switch (kind) {
    case 'preprocessor':
      return packed(T.preprocessor, mods);
    case 'string':
      return packed(T.string, mods);
    case 'param':
      return packed(T.parameter, mods);
    case 'register':
      return packed(T.register, mods);
    case 'immediate':
    case 'number':
      return packed(T.number, mods);
    case 'localRef':
      return packed(T.label, mods | M.local);
    case 'labelDef':
      return classifyLabelDef(k, text, mods);
    case 'op':
      return classifyOp(a, k, text, mods);
    case 'word':
      return classifyWord(a, k, text, cpp, declares, mods);
  }
}

function classifyLabelDef(k: Known, text: string, mods: number): number {
  return packed(isFunction(k, text) ? T.function : T.label, mods | M.declaration | (isLocalLabel(text) ? M.local : 0));
}

function classifyOp(a: Analysis, k: Known, text: string, mods: number): number {
  if (text.startsWith('.')) return packed(T.directive, mods);
  if (cppMacro(a, text)) return packed(T.macro, mods);
  const gas = k.n.gasMacros.get(text.toLowerCase());
  if (gas) return packed(T.macro, gas.builtin ? mods | M.defaultLibrary : mods);
  if (isMnemonic(text)) return packed(T.mnemonic, mods);
  return NONE;
}

function classifyWord(a: Analysis, k: Known, text: string, cpp: boolean, declares: boolean, mods: number): number {
  if (text.startsWith('X86_FEATURE_')) return packed(T.enumMember, mods);
  if (cppMacro(a, text)) return packed(T.macro, declares ? mods | M.declaration : mods);
  if (cpp) return NONE;
  if (k.n.gasMacros.has(text.toLowerCase()) && !isDefined(k, text)) return packed(T.macro, mods);
  if (isFunction(k, text)) return packed(T.function, mods);
  if (isDefined(k, text) || isLocalLabel(text)) return packed(T.label, isLocalLabel(text) ? mods | M.local : mods);
  if (isRegister(text)) return packed(T.register, mods);
  return NONE;
}

/** The `alternative` modifier's bit in a packed class. */
const ALTERNATIVE_BIT = M.alternative << MODIFIER_SHIFT;

/**
 * The lexemes of lines [lo, hi) of a scan (one line's) in column order: scanSource writes them
 * so; their indexes are sorted (stably) only when not.
 */
function inColumnOrder(scan: SourceScan, lo: number, hi: number): number[] | undefined {
  const startOf = scan.startOf;
  for (let i = lo + 1; i < hi; i++) {
    if (startOf[i - 1]! > startOf[i]!) {
      const order: number[] = [];
      for (let k = lo; k < hi; k++) order.push(k);
      return order.sort((x, y) => startOf[x]! - startOf[y]! || x - y);
    }
  }
  return undefined;
}

/**
 * A class that depends on the lexeme's kind alone: a number, an immediate, a local label
 * reference and a string begin with a digit, `$` or a quote, so none is a CFI name.
 */
function byKindAlone(kind: number): boolean {
  return kind === KIND_CODE.number || kind === KIND_CODE.immediate || kind === KIND_CODE.localRef || kind === KIND_CODE.string;
}

/**
 * What eachToken gives each token to: an object of a class, whose method is one call target in
 * every request (a closure made per request was a new target each time, and the optimized loop
 * gave itself up at the next request).
 */
interface TokenSink {
  token(line: number, start: number, length: number, c: number): void;
}

/**
 * Visits the tokens of lines [from, to] in document order: each one's line, start, length and
 * class (packed), read from the scan's columns. A lexeme's class outside cpp lines depends
 * only on its kind and text (and the analysis), so each is classified once per call.
 */
function eachToken(a: Analysis, from: number, to: number, f: TokenSink): void {
  const walk = new TokenWalk(a, f);
  const skipped = inactiveRanges(a);
  let group = 0;
  const first = Math.max(0, from);
  const last = Math.min(to, walk.scan.lineCount - 1);
  for (let line = first; line <= last; line++) {
    while (group < skipped.length && skipped[group]!.to < line) group++;
    // A block cpp skipped is no site: its tokens are not marked `alternative`.
    walk.line(line, group < skipped.length && skipped[group]!.from <= line);
  }
}

/**
 * One request's walk over the scan, a line per call: the loop's body as a method called per
 * line, hot and optimized in a request's first thousand lines, where eachToken's loop (one
 * call per request) was compiled on stack in one request and whole in the third
 * (docs/speed-and-exactness.md, "lspfirst5").
 */
class TokenWalk {
  readonly scan: SourceScan;
  /** A preview's own names, and those the rest of the document defines. */
  private readonly known: Known;
  private readonly defines: Map<number, number | undefined>;
  /**
   * Outside cpp lines a lexeme's class depends only on its kind and text (and the analysis):
   * one per kind and text id (NONE - 1 until made).
   */
  private readonly classes: Int32Array;
  private readonly kindAlone: number[] = [];

  constructor(
    private readonly a: Analysis,
    private readonly sink: TokenSink,
  ) {
    const scan = scanOf(a);
    this.scan = scan;
    this.known = { n: names(a), elsewhere: namesElsewhere(a) };
    this.defines = new Map(scan.directives.filter((d) => d.name === 'define').map((d) => [d.line, d.argumentColumn]));
    this.classes = new Int32Array(scan.idTexts.length << 4).fill(NONE - 1);
  }

  /** The tokens of `line`; `inactive` when cpp skipped it. */
  line(line: number, inactive: boolean): void {
    const { scan, a, known, classes, kindAlone } = this;
    const { lineFirst, startOf, lengthOf, flagsOf, textIdOf } = scan;
    const lo = lineFirst[line]!;
    const hi = lineFirst[line + 1]!;
    const order = inColumnOrder(scan, lo, hi);
    for (let k = lo; k < hi; k++) {
      const i = order ? order[k - lo]! : k;
      const flags = flagsOf[i]!;
      const kind = flags & KIND_BITS;
      const start = startOf[i]!;
      let found: number;
      if (byKindAlone(kind)) {
        found = kindAlone[kind] ??= classify(a, known, LEXEME_KINDS[kind]!, '', false, false);
      } else if ((flags & CPP_FLAG) === 0 && textIdOf[i]! >= 0) {
        const at = (textIdOf[i]! << 4) | kind;
        found = classes[at]!;
        if (found === NONE - 1) classes[at] = found = classify(a, known, LEXEME_KINDS[kind]!, scan.textOf(i), false, false);
      } else {
        found = classify(a, known, LEXEME_KINDS[kind]!, scan.textOf(i), (flags & CPP_FLAG) !== 0, (flags & CPP_FLAG) !== 0 && this.defines.get(line) === start);
      }
      if (found === NONE) continue;
      if ((flags & ALTERNATIVE_FLAG) !== 0 && !inactive) found |= ALTERNATIVE_BIT;
      this.sink.token(line, start, lengthOf[i]!, found);
    }
  }
}

/** The tokens of lines [from, to] (the whole document by default), in document order. */
export function semanticTokens(a: Analysis, from = 0, to = Number.MAX_SAFE_INTEGER): SemanticToken[] {
  const list = new TokenList();
  eachToken(a, from, to, list);
  return list.out;
}

/** Tokens as objects. */
class TokenList implements TokenSink {
  readonly out: SemanticToken[] = [];

  token(line: number, start: number, length: number, c: number): void {
    this.out.push({ line, start, length, type: TOKEN_TYPES[c & ((1 << MODIFIER_SHIFT) - 1)]!, modifiers: MODIFIER_LISTS[c >> MODIFIER_SHIFT]! });
  }
}

/** Tokens in the wire form, written into `data` from its start. */
class WireTokens implements TokenSink {
  k = 0;
  private previousLine = 0;
  private previousStart = 0;

  constructor(readonly data: number[]) {}

  token(line: number, start: number, length: number, c: number): void {
    const data = this.data;
    const k = this.k;
    const dl = line - this.previousLine;
    data[k] = dl;
    data[k + 1] = dl === 0 ? start - this.previousStart : start;
    data[k + 2] = length;
    data[k + 3] = c & ((1 << MODIFIER_SHIFT) - 1);
    data[k + 4] = c >> MODIFIER_SHIFT;
    this.k = k + 5;
    this.previousLine = line;
    this.previousStart = start;
  }
}

/**
 * The tokens of lines [from, to] in the LSP wire form: five integers per token, positions
 * relative to the previous token, the type's index in the legend and the modifiers' bits (a
 * class's packed number holds both), with no token object made on the way.
 */
export function encodedTokens(a: Analysis, from = 0, to = Number.MAX_SAFE_INTEGER): number[] {
  // Made at its largest size (five integers per lexeme of the lines) and cut to what was written: no growth on the way.
  const lineFirst = scanOf(a).lineFirst;
  const first = Math.max(0, from);
  const last = Math.min(to, lineFirst.length - 2);
  const lexemes = last >= first ? lineFirst[last + 1]! - lineFirst[first]! : 0;
  const wire = new WireTokens(new Array<number>(5 * lexemes));
  eachToken(a, from, to, wire);
  const data = wire.data;
  data.length = wire.k;
  return data;
}
