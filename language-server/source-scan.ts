// Owns the lexical view of a document as written (before cpp): each line's lexemes with
// their role in the statement (label definition, op, operand word, register, immediate,
// number, string, macro parameter, cpp directive) and the ALTERNATIVE* invocations, whose
// quoted arguments are scanned again as instructions. Semantic tokens, folding, decorations
// and word look-ups read this; what a name means comes from the analysis.

import { objectList } from '../toolchain/object-list';

export type LexemeKind = 'labelDef' | 'op' | 'word' | 'register' | 'immediate' | 'number' | 'localRef' | 'string' | 'param' | 'preprocessor';

export interface Lexeme {
  readonly line: number;
  readonly start: number;
  readonly length: number;
  readonly kind: LexemeKind;
  readonly text: string;
  /** Inside an ALTERNATIVE* invocation. */
  readonly alternative: boolean;
  /** Inside a quoted argument of an ALTERNATIVE* invocation (an instruction of the original or a replacement). */
  readonly quoted: boolean;
  /** On a cpp directive line. */
  readonly cpp: boolean;
}

/** One ALTERNATIVE* invocation, from its name to the end of its last argument. */
export interface AlternativeBlock {
  readonly name: string;
  readonly startLine: number;
  readonly startColumn: number;
  readonly endLine: number;
  readonly endColumn: number;
  /** The quoted arguments in order: the original, then each replacement. */
  readonly strings: ReadonlyArray<{ readonly line: number; readonly start: number; readonly text: string }>;
}

/** A cpp conditional or a region between paired lines, for folding. */
export interface CppDirective {
  readonly line: number;
  readonly name: string;
  /** The directive's first word argument (the macro name of #define/#ifdef). */
  readonly argument?: string;
  readonly argumentColumn?: number;
}

/** A lexeme's kind as the scan's `flags` column holds it (the low four bits): LEXEME_KINDS[code]. */
export const LEXEME_KINDS: readonly LexemeKind[] = ['labelDef', 'op', 'word', 'register', 'immediate', 'number', 'localRef', 'string', 'param', 'preprocessor'];
const LABEL_DEF = 0;
const OP = 1;
const WORD = 2;
const REGISTER = 3;
const IMMEDIATE_KIND = 4;
const NUMBER_KIND = 5;
const LOCAL_REF = 6;
const STRING = 7;
const PARAM = 8;
const PREPROCESSOR = 9;
export const KIND_CODE: Readonly<Record<LexemeKind, number>> = { labelDef: LABEL_DEF, op: OP, word: WORD, register: REGISTER, immediate: IMMEDIATE_KIND, number: NUMBER_KIND, localRef: LOCAL_REF, string: STRING, param: PARAM, preprocessor: PREPROCESSOR };
/** The bits of the `flags` column: the kind's code, then Lexeme's `alternative`, `quoted` and `cpp`. */
export const KIND_BITS = 15;
export const ALTERNATIVE_FLAG = 16;
export const QUOTED_FLAG = 32;
export const CPP_FLAG = 64;

/**
 * A scan kept as columns (a lexeme is an index: its line, start, length and flags), with its
 * lines' texts to read a lexeme's text from: a scan is kept with its analysis, and 50,000
 * lexeme objects and their texts were copied by each scavenge that met them. `lexemes` and
 * `byLine` are the same lexemes as objects, made when first read (hover, local labels, the
 * tests); semantic tokens and the feature finding read the columns.
 */
export class SourceScan {
  private objects: { readonly lexemes: readonly Lexeme[]; readonly byLine: readonly (readonly Lexeme[])[] } | undefined;

  constructor(
    /** The document line of `texts[0]`. */
    readonly first: number,
    /** The texts of document lines first, first + 1, ... that hold lexemes (others may be anything). */
    readonly texts: readonly string[],
    /** The lexemes of `byLine[n]` are those from lineFirst[n] to lineFirst[n + 1] (one more entry than lines). */
    readonly lineFirst: Int32Array,
    /** Each lexeme's document line. */
    readonly lineOf: Int32Array,
    readonly startOf: Int32Array,
    readonly lengthOf: Int32Array,
    /** Each lexeme's kind code and flags (KIND_BITS, ALTERNATIVE_FLAG, QUOTED_FLAG, CPP_FLAG). */
    readonly flagsOf: Uint8Array,
    /** The index in `idTexts` of the text of an op, word, label definition, register or parameter; -1 for other lexemes. */
    readonly textIdOf: Int32Array,
    /** The scan's distinct texts of those lexemes (each once). */
    readonly idTexts: readonly string[],
    readonly alternatives: readonly AlternativeBlock[],
    readonly directives: readonly CppDirective[],
  ) {}

  /** How many lexemes. */
  get count(): number {
    return this.startOf.length;
  }

  /** How many lines `byLine` has. */
  get lineCount(): number {
    return this.lineFirst.length - 1;
  }

  /** The text of document line `line` as scanned (for a line holding a lexeme). */
  lineText(line: number): string {
    return this.texts[line - this.first] ?? '';
  }

  /** Lexeme `i`'s text: what it spans, less a register's `%` and a parameter's `\`; a directive's name alone. */
  textOf(i: number): string {
    const id = this.textIdOf[i]!;
    if (id >= 0) return this.idTexts[id]!;
    const line = this.lineText(this.lineOf[i]!);
    const start = this.startOf[i]!;
    const end = start + this.lengthOf[i]!;
    const kind = this.flagsOf[i]! & KIND_BITS;
    if (kind === REGISTER || kind === PARAM) return line.slice(start + 1, end);
    if (kind === PREPROCESSOR) return line.slice(start, end).replace(/^#\s*/, '');
    return line.slice(start, end);
  }

  get lexemes(): readonly Lexeme[] {
    return (this.objects ??= this.makeObjects()).lexemes;
  }

  get byLine(): readonly (readonly Lexeme[])[] {
    return (this.objects ??= this.makeObjects()).byLine;
  }

  /** Lexeme `i` as an object (a new one: `lexemes` holds the scan's own). */
  lexeme(i: number): Lexeme {
    const f = this.flagsOf[i]!;
    return {
      line: this.lineOf[i]!, start: this.startOf[i]!, length: this.lengthOf[i]!, kind: LEXEME_KINDS[f & KIND_BITS]!, text: this.textOf(i),
      alternative: (f & ALTERNATIVE_FLAG) !== 0, quoted: (f & QUOTED_FLAG) !== 0, cpp: (f & CPP_FLAG) !== 0,
    };
  }

  private makeObjects(): { lexemes: Lexeme[]; byLine: Lexeme[][] } {
    const lexemes: Lexeme[] = new Array<Lexeme>(this.count);
    for (let i = 0; i < lexemes.length; i++) lexemes[i] = this.lexeme(i);
    const byLine: Lexeme[][] = new Array<Lexeme[]>(this.lineCount);
    for (let n = 0; n < byLine.length; n++) byLine[n] = lexemes.slice(this.lineFirst[n]!, this.lineFirst[n + 1]!);
    return { lexemes, byLine };
  }
}

/** Columns being written: grown by doubling, cut to size when a scan is made of them. */
export class ColumnWriter {
  count = 0;
  private line = new Int32Array(1024);
  private start = new Int32Array(1024);
  private length = new Int32Array(1024);
  private flags = new Uint8Array(1024);
  private textId = new Int32Array(1024);
  private ids = new Map<string, number>();
  private texts: string[] = objectList();

  /** A lexeme whose text is not kept (a number, an immediate, a string, a directive's name). */
  push(line: number, start: number, length: number, flags: number): void {
    this.write(line, start, length, flags, -1);
  }

  /** A lexeme whose text (an op, a word, a label definition, a register or parameter name) is kept once per distinct text. */
  pushText(line: number, start: number, length: number, flags: number, text: string): void {
    let id = this.ids.get(text);
    if (id === undefined) {
      id = this.texts.length;
      this.ids.set(text, id);
      this.texts.push(text);
    }
    this.write(line, start, length, flags, id);
  }

  /** Lexemes [from, to) written again at line `line`. */
  copy(from: number, to: number, line: number): void {
    for (let k = from; k < to; k++) this.write(line, this.start[k]!, this.length[k]!, this.flags[k]!, this.textId[k]!);
  }

  private write(line: number, start: number, length: number, flags: number, id: number): void {
    if (this.count === this.start.length) this.grow();
    const k = this.count++;
    this.line[k] = line;
    this.start[k] = start;
    this.length[k] = length;
    this.flags[k] = flags;
    this.textId[k] = id;
  }

  private grow(): void {
    const size = 2 * this.start.length;
    const wider = <T extends Int32Array | Uint8Array>(a: T, made: T): T => {
      made.set(a);
      return made;
    };
    this.line = wider(this.line, new Int32Array(size));
    this.start = wider(this.start, new Int32Array(size));
    this.length = wider(this.length, new Int32Array(size));
    this.flags = wider(this.flags, new Uint8Array(size));
    this.textId = wider(this.textId, new Int32Array(size));
  }

  /** The scan of what was written (the columns copied at their size); the writer starts again empty. */
  scan(first: number, texts: readonly string[], lineFirst: Int32Array, alternatives: readonly AlternativeBlock[], directives: readonly CppDirective[]): SourceScan {
    const n = this.count;
    const made = new SourceScan(first, texts, lineFirst, this.line.slice(0, n), this.start.slice(0, n), this.length.slice(0, n), this.flags.slice(0, n), this.textId.slice(0, n), this.texts, alternatives, directives);
    this.clear();
    return made;
  }

  /** Drops what was written. */
  clear(): void {
    this.count = 0;
    this.ids = new Map();
    this.texts = objectList();
  }
}

const CPP_DIRECTIVES = new Set(['define', 'undef', 'include', 'include_next', 'import', 'if', 'ifdef', 'ifndef', 'elif', 'elifdef', 'elifndef', 'else', 'endif', 'error', 'warning', 'line', 'pragma']);
const NUMBER = /(0[xX][0-9a-fA-F]+|0[bB][01]+|\d+)([fb](?![\w.$]))?/y;

interface LineState {
  block: boolean;
  continued: boolean;
  cppContinued: boolean;
  alternative: AlternativeBuilder | undefined;
}

interface AlternativeBuilder {
  name: string;
  startLine: number;
  startColumn: number;
  endLine: number;
  endColumn: number;
  strings: Array<{ line: number; start: number; text: string }>;
}

/** The writer every scan writes into (a scan runs to its end without another starting). */
const out = new ColumnWriter();

/**
 * The scan of a text whose first line is line `first` of the document: lexemes and blocks
 * carry document lines, `byLine` counts from the text's own first line.
 */
export function scanSource(text: string, first = 0): SourceScan {
  const lines = splitLines(text);
  out.clear();
  const lineFirst = new Int32Array(lines.length + 1);
  const alternatives: AlternativeBlock[] = objectList();
  const directives: CppDirective[] = objectList();
  const st: LineState = { block: false, continued: false, cppContinued: false, alternative: undefined };
  scanLines(lines, first, lineFirst, st, alternatives, directives);
  if (st.alternative) alternatives.push({ ...st.alternative });
  return out.scan(first, lines, lineFirst, alternatives, directives);
}

/**
 * Scans `lines` into `out`, each line's first lexeme's index in `lineFirst`. A function of its
 * own that ends with its loop: V8 keeps a loop's on-stack compiled code after it gives itself
 * up, so code after the loop, which had no type feedback when that code was compiled, gave it
 * up again in every scan (docs/speed-and-exactness.md).
 */
function scanLines(lines: string[], first: number, lineFirst: Int32Array, st: LineState, alternatives: AlternativeBlock[], directives: CppDirective[]): void {
  // A line met before with the scan at rest (no comment, continuation or ALTERNATIVE open) that
  // left it at rest and made no block or directive: its lexemes depend on its text alone, and
  // are copied (most lines of a kernel-style file repeat a few instruction and CFI lines).
  const seen = new Map<string, number>();
  for (let n = 0; n < lines.length; n++) {
    const line = lines[n]!;
    lineFirst[n] = out.count;
    const atRest = !st.block && !st.continued && !st.cppContinued && st.alternative === undefined;
    if (atRest) {
      const before = seen.get(line);
      if (before !== undefined) {
        // The scan keeps its lines' texts: the one met before stands for this one (the same
        // characters), so this line's own copy dies young instead of being kept.
        lines[n] = lines[before]!;
        out.copy(lineFirst[before]!, lineFirst[before + 1]!, n + first);
        lineFirst[n + 1] = out.count;
        continue;
      }
    }
    const blocks = alternatives.length;
    const cppLines = directives.length;
    const hash = line.includes('#');
    if (st.cppContinued || (hash && !st.block && !st.continued && /^\s*#\s*[A-Za-z_]/.test(line) && CPP_DIRECTIVES.has(/^\s*#\s*([A-Za-z_]\w*)/.exec(line)![1]!))) {
      scanCppLine(line, n + first, st, directives);
    } else if (!(hash && !st.block && !st.continued && /^\s*#/.test(line))) {
      scanAsmLine(line, n + first, st, alternatives);
    }
    // Its lexemes are [lineFirst[n], lineFirst[n + 1]). Written here, not once after the loop:
    // the loop's on-stack compiled code gave itself up at that store (no type feedback) in each
    // of a process's first runs (docs/speed-and-exactness.md).
    lineFirst[n + 1] = out.count;
    if (atRest && !st.block && !st.continued && !st.cppContinued && st.alternative === undefined && alternatives.length === blocks && directives.length === cppLines) seen.set(line, n);
  }
}

/** The text's lines without their ends, as `text.split(/\r?\n/)` gives them (a lone \r stays), found with indexOf. */
export function splitLines(text: string): string[] {
  const out: string[] = [];
  const length = text.length;
  // The last line goes through the loop's own push: a push after the loop gave the loop's kept
  // on-stack code up in every call (no type feedback when it was compiled; see scanLines).
  for (let start = 0; ; ) {
    const i = text.indexOf('\n', start);
    out.push(text.slice(start, i < 0 ? length : i > start && text.charCodeAt(i - 1) === 0x0d ? i - 1 : i));
    if (i < 0) return out;
    start = i + 1;
  }
}

/** A-Z, a-z, _ (a cpp identifier's first character). */
function isCppIdentStart(c: number): boolean {
  return (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c === 0x5f;
}

/** A GAS symbol's first character: a cpp identifier's, or . or $. */
function isIdentStart(c: number): boolean {
  return isCppIdentStart(c) || c === 0x2e || c === 0x24;
}

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

/** Where the GAS word starting at `i` ends (IDENT's match, read by character code), or `i` when none starts there. */
function identEnd(line: string, i: number): number {
  // Never read past the line's end (NaN there): optimized code that met no such read gives itself up at the first.
  const n = line.length;
  if (i >= n || !isIdentStart(line.charCodeAt(i))) return i;
  let j = i + 1;
  while (j < n && (isIdentStart(line.charCodeAt(j)) || isDigit(line.charCodeAt(j)))) j++;
  return j;
}

function scanCppLine(line: string, n: number, st: LineState, directives: CppDirective[]): void {
  let i = 0;
  const cpp = CPP_FLAG;
  if (!st.cppContinued) {
    const m = /^(\s*)(#\s*)([A-Za-z_]\w*)/.exec(line)!;
    out.push(n, m[1]!.length, m[2]!.length + m[3]!.length, PREPROCESSOR | cpp);
    i = m[0].length;
    const arg = /^(\s+)([A-Za-z_]\w*)/.exec(line.slice(i));
    directives.push({ line: n, name: m[3]!, ...(arg ? { argument: arg[2]!, argumentColumn: i + arg[1]!.length } : {}) });
  }
  st.cppContinued = line.includes('\\') && /\\\s*$/.test(line);
  for (; i < line.length; ) {
    const c = line[i]!;
    if (c === '/' && line[i + 1] === '*') {
      const end = line.indexOf('*/', i + 2);
      i = end < 0 ? line.length : end + 2;
      continue;
    }
    if (c === '/' && line[i + 1] === '/') break;
    if (c === '"' || c === '<') {
      const close = c === '"' ? '"' : '>';
      let j = i + 1;
      while (j < line.length && line[j] !== close) j += line[j] === '\\' ? 2 : 1;
      if (c === '"' || /^\s*#\s*include/.test(line)) {
        out.push(n, i, Math.min(j + 1, line.length) - i, STRING | cpp);
        i = j + 1;
        continue;
      }
    }
    const code = line.charCodeAt(i);
    if (isCppIdentStart(code)) {
      const end = identEnd(line, i);
      out.pushText(n, i, end - i, WORD | cpp, line.slice(i, end));
      i = end;
      continue;
    }
    if (isDigit(code)) {
      NUMBER.lastIndex = i;
      const length = NUMBER.exec(line)![0].length;
      out.push(n, i, length, NUMBER_KIND | cpp);
      i += length;
      continue;
    }
    i++;
  }
}

function scanAsmLine(line: string, n: number, st: LineState, alternatives: AlternativeBlock[]): void {
  let statementStart = !st.continued;
  if (!st.continued && st.alternative) {
    alternatives.push({ ...st.alternative });
    st.alternative = undefined;
  }
  let i = 0;
  let lastCode = -1;
  while (i < line.length) {
    if (st.block) {
      const end = line.indexOf('*/', i);
      if (end < 0) {
        i = line.length;
        break;
      }
      st.block = false;
      i = end + 2;
      continue;
    }
    const c = line.charCodeAt(i);
    if (c === 0x20 || c === 0x09) {
      i++;
      continue;
    }
    if (c === 0x2f /* / */ && line.charCodeAt(i + 1) === 0x2a /* * */) {
      st.block = true;
      i += 2;
      continue;
    }
    if (c === 0x23 /* # */ || (c === 0x2f && line.slice(0, i).trim() === '')) break;
    lastCode = i;
    const alt = st.alternative !== undefined;
    if (c === 0x22 /* " */) {
      let j = i + 1;
      while (j < line.length && line[j] !== '"') j += line[j] === '\\' ? 2 : 1;
      const end = Math.min(j + 1, line.length);
      if (alt) {
        st.alternative!.strings.push({ line: n, start: i + 1, text: line.slice(i + 1, Math.min(j, line.length)) });
        out.push(n, i, 1, STRING | ALTERNATIVE_FLAG);
        scanInstructions(line, i + 1, Math.min(j, line.length), n);
        if (end > j) out.push(n, j, 1, STRING | ALTERNATIVE_FLAG);
      } else {
        out.push(n, i, end - i, STRING);
      }
      lastCode = end - 1;
      i = end;
      continue;
    }
    if (c === 0x3b /* ; */) {
      statementStart = true;
      if (st.alternative) {
        st.alternative.endLine = n;
        st.alternative.endColumn = i;
        alternatives.push({ ...st.alternative });
        st.alternative = undefined;
      }
      i++;
      continue;
    }
    const opensBlock = statementStart && (c === 0x41 || c === 0x61) && isAlternativeOp(line, i) && !colonAt(line, identEnd(line, i));
    const kind = lexAt(line, i, line.length, statementStart, n, alt || opensBlock ? ALTERNATIVE_FLAG : 0);
    if (kind >= 0) {
      if (kind === OP) statementStart = false;
      if (opensBlock) st.alternative = { name: line.slice(i, lexEnd), startLine: n, startColumn: i, endLine: n, endColumn: lexEnd, strings: [] };
      i = lexEnd;
      lastCode = i - 1;
      if (skipColon) i = line.indexOf(':', i) + 1;
      continue;
    }
    if (c === 0x5c /* \ */ && i === line.trimEnd().length - 1) break;
    if (statementStart && c !== 0x3a /* : */) statementStart = false;
    i++;
  }
  st.continued = line.includes('\\') && /\\\s*$/.test(stripTrailingComment(line));
  if (st.alternative && lastCode >= 0) {
    st.alternative.endLine = n;
    st.alternative.endColumn = lastCode + 1;
  }
}

/** Whether the GAS word at `i` is ALTERNATIVE followed by word characters or none (/^ALTERNATIVE\w*$/i), read by character code. */
function isAlternativeOp(line: string, i: number): boolean {
  const end = identEnd(line, i);
  if (end - i < 11 || line.slice(i, i + 11).toUpperCase() !== 'ALTERNATIVE') return false;
  for (let j = i + 11; j < end; j++) {
    const c = line.charCodeAt(j);
    if (!(isCppIdentStart(c) || isDigit(c))) return false;
  }
  return true;
}

function stripTrailingComment(line: string): string {
  const hash = line.indexOf('#');
  return hash < 0 ? line : line.slice(0, hash);
}

/** `$` then a number, or `'` and one character (IMMEDIATE's match). */
const IMMEDIATE = /\$-?(0[xX][0-9a-fA-F]+|0[bB][01]+|\d+|'.)/y;
/** Whether blanks and then a colon that is not `::` come at `i` (/[ \t]*:(?!:)/ there). */
function colonAt(line: string, i: number): boolean {
  // Never read past the line's end, as identEnd.
  const n = line.length;
  let j = i;
  while (j < n && (line.charCodeAt(j) === 0x20 || line.charCodeAt(j) === 0x09)) j++;
  return j < n && line.charCodeAt(j) === 0x3a && (j + 1 === n || line.charCodeAt(j + 1) !== 0x3a);
}

/** Set by lexAt: the label definition it wrote is followed by its colon (the caller skips past it). */
let skipColon = false;
/** Set by lexAt: where the lexeme it wrote ends. */
let lexEnd = 0;

/**
 * Writes the lexeme at `i` of `line` and returns its kind's code, -1 for punctuation (nothing
 * written); `lexEnd` is where it ends. In a quoted argument the text ends at `limit`, where
 * the line has its closing `"` (or ends): no word, number or colon runs across a `"`, so only
 * an immediate's `'.` is read from the argument's text alone.
 */
function lexAt(line: string, i: number, limit: number, statementStart: boolean, n: number, flags: number): number {
  skipColon = false;
  const c = line.charCodeAt(i);
  if (c === 0x25 /* % */ || c === 0x5c /* \ */) {
    const end = identEnd(line, i + 1);
    if (end <= i + 1) return -1;
    const kind = c === 0x25 ? REGISTER : PARAM;
    out.pushText(n, i, end - i, kind | flags, line.slice(i + 1, end));
    lexEnd = end;
    return kind;
  }
  if (c === 0x24 /* $ */) {
    IMMEDIATE.lastIndex = i;
    const num = IMMEDIATE.exec(limit === line.length ? line : line.slice(0, limit));
    if (!num) return -1;
    out.push(n, i, num[0].length, IMMEDIATE_KIND | flags);
    lexEnd = i + num[0].length;
    return IMMEDIATE_KIND;
  }
  if (isDigit(c)) {
    NUMBER.lastIndex = i;
    const num = NUMBER.exec(line)!;
    const length = num[0].length;
    lexEnd = i + length;
    if (statementStart && !num[2] && num[1]!.charCodeAt(1) !== 0x78 && colonAt(line, lexEnd)) {
      skipColon = true;
      out.pushText(n, i, length, LABEL_DEF | flags, num[0]);
      return LABEL_DEF;
    }
    const kind = num[2] ? LOCAL_REF : NUMBER_KIND;
    out.push(n, i, length, kind | flags);
    return kind;
  }
  if (isIdentStart(c)) {
    const end = identEnd(line, i);
    lexEnd = end;
    if (statementStart && colonAt(line, end)) {
      skipColon = true;
      out.pushText(n, i, end - i, LABEL_DEF | flags, line.slice(i, end));
      return LABEL_DEF;
    }
    const kind = statementStart ? OP : WORD;
    out.pushText(n, i, end - i, kind | flags, line.slice(i, end));
    return kind;
  }
  return -1;
}

/** Scans a quoted ALTERNATIVE argument, columns [from, to) of `line`, as instructions (`;`-separated statements). */
function scanInstructions(line: string, from: number, to: number, n: number): void {
  let statementStart = true;
  for (let i = from; i < to; ) {
    const c = line.charCodeAt(i);
    if (c === 0x3b /* ; */) {
      statementStart = true;
      i++;
      continue;
    }
    if (c === 0x20 || c === 0x09) {
      i++;
      continue;
    }
    const kind = lexAt(line, i, to, statementStart, n, ALTERNATIVE_FLAG | QUOTED_FLAG);
    if (kind >= 0) {
      if (kind === OP) statementStart = false;
      i = lexEnd;
      if (skipColon) i = line.indexOf(':', i) + 1;
      continue;
    }
    i++;
  }
}

/**
 * The identifier-like word at a column of a line (for hover, definition, completion). A `$`
 * before a name is AT&T's immediate prefix, not part of it: on `$__NR_getpid` the word is the
 * macro's name.
 */
export function wordAt(line: string, column: number): { text: string; start: number } | undefined {
  const re = /[A-Za-z_.][\w.$]*|0[xX][\da-fA-F]+|\d+[fb]?/g;
  for (const m of line.matchAll(re)) {
    if (m.index! <= column && column <= m.index! + m[0].length) return { text: m[0], start: m.index! };
  }
  return undefined;
}
