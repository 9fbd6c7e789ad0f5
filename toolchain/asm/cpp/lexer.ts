// Owns cutting one file's text into preprocessing tokens the way cpp does for
// assembler-with-cpp: backslash-newline splices, comments become white space, `$` is not an
// identifier character, an unterminated ' or " runs to the end of the line as one token
// (no error: it is an assembler character constant or a comment), no digraphs. Each token
// carries its file, line and column (1-based, the column counting characters), adjusted by #line.

import type { SourceLocation } from '../module';
import { BOL, PREV_WHITE, isIdCode, type Token, type TokenKind } from './token';
import type { PrintedLine } from './printed-lines';

export type LexReport = (loc: SourceLocation, severity: 'error' | 'warning', message: string) => void;

const PUNCTUATORS = [
  '...', '<<=', '>>=',
  '->', '++', '--', '<<', '>>', '<=', '>=', '==', '!=', '&&', '||', '*=', '/=', '%=', '+=', '-=', '&=', '^=', '|=', '##',
  '[', ']', '(', ')', '{', '}', '.', '&', '*', '+', '-', '~', '!', '/', '%', '<', '>', '^', '|', '?', ':', ';', '=', ',', '#',
];

/** The punctuators by first character, longest first (the order above). */
const PUNCTUATORS_BY_FIRST = new Map<string, string[]>();
for (const p of PUNCTUATORS) {
  const list = PUNCTUATORS_BY_FIRST.get(p[0]!) ?? [];
  list.push(p);
  PUNCTUATORS_BY_FIRST.set(p[0]!, list);
}

const BACKSLASH = 0x5c;
const QUOTE = 0x22;
const APOSTROPHE = 0x27;
const SLASH = 0x2f;
const DOT = 0x2e;


function isIdStart(c: string): boolean {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c === '_';
}
function isIdChar(c: string): boolean {
  return isIdStart(c) || (c >= '0' && c <= '9');
}
function isDigit(c: string): boolean {
  return c >= '0' && c <= '9';
}

/**
 * A plain line's tokens as `Lexer.plainLine` found them: offsets into `text` (the lexer's
 * text), whether white space came before each, for a macro name the replacement list printed
 * in its place, the line's place. One object, filled again for each line and read at once by
 * the printer (nothing per token for the collector).
 */
export interface PlainLine {
  text: string;
  /** Offset of the line's first character in `text`. */
  lineStart: number;
  count: number;
  readonly starts: number[];
  readonly ends: number[];
  readonly white: boolean[];
  /** Each token's kind, as `next` would give it. */
  readonly kinds: TokenKind[];
  /** For each token, the tokens a macro name expands to (undefined: the token is printed as written). */
  readonly bodies: Array<readonly Token[] | undefined>;
  file: string;
  /** The line number its tokens carry (#line applied). */
  line: number;
  /** The line's text when the engine remembers lines by it (PrintedLines); then the printer remembers what it printed. */
  key: string | undefined;
  /** What the line printed when it was met before with the same macros: printed again as it is, none of the above read. */
  printed: PrintedLine | undefined;
  /** The tokens its expansions count toward the engine's bound. */
  expanded: number;
}

/**
 * What a name on a plain line stands for: undefined when it is no macro (printed as written),
 * the tokens printed in its place when its expansion is those tokens and nothing else (see
 * Engine.plainExpansion), null when it is a macro the line cannot be printed plainly with.
 * A method, not a function value: the call then has one target in every preprocess of a
 * process, where a closure made per engine was a new target for the optimized code each time.
 */
export interface PlainExpansion {
  plainExpansion(name: string): readonly Token[] | null | undefined;
}

/** How many name shapes `nameShape` gives. */
export const NAME_SHAPES = 128 * 64;

/** A name's shape: its first character (its low 7 bits) and its length (63 for longer). Names of different shapes differ. */
export function nameShape(first: number, length: number): number {
  return (first & 127) * 64 + (length < 63 ? length : 63);
}

/**
 * A line that is one function-like macro invocation (`Lexer.invocationLine`): what it prints and
 * the place of its span. One object, filled again for each line and read at once by the printer.
 */
export interface InvocationLine {
  /** The printed line, without its indentation and line end. */
  text: string;
  /** The output column of its one span, counted from the end of its indentation (1: the first column after it). */
  spanColumn: number;
  file: string;
  /** The place of the macro's name (#line applied). */
  line: number;
  column: number;
}

/**
 * What a line `NAME(ARG)` prints (blanks: the bits of invocation-lines.ts), or undefined when
 * it is read token by token. A method, as PlainExpansion.
 */
export interface InvocationExpansion {
  invocationText(name: string, argument: string, blanks: number): { readonly text: string; readonly spanColumn: number } | undefined;
}

/** An invocation line's blanks (InvocationExpansion): before the name, between it and `(`, after `(`, before `)`. */
export const BLANK_BEFORE_NAME = 1;
export const BLANK_BEFORE_PAREN = 2;
export const BLANK_BEFORE_ARG = 4;
export const BLANK_BEFORE_CLOSE = 8;

const INVOCATION: InvocationLine = { text: '', spanColumn: 0, file: '', line: 0, column: 0 };

const PLAIN: PlainLine = { text: '', lineStart: 0, count: 0, starts: [], ends: [], white: [], kinds: [], bodies: [], file: '', line: 0, key: undefined, printed: undefined, expanded: 0 };

const EXPONENTS = new Set([0x45, 0x65, 0x50, 0x70]);

function isIdStartCode(c: number): boolean {
  return (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || c === 0x5f;
}

function isDigitCode(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

export class Lexer {
  /** The file name tokens and diagnostics carry (#line may change it). */
  presumedFile: string;
  /** Added to the physical line (#line sets it). */
  lineDelta = 0;
  /** The next token may be a `<...>` header name (set by #include for one token). */
  angledHeaders = false;
  private pos = 0;
  private line = 1;
  private lineStart = 0;
  private atLineStart = true;
  /** Column of the newline that ended the previous line. */
  private lastLineEnd = 1;
  /** Set by lineAhead: the newline before the next line, or -1. */
  private newlineAhead = -1;
  private readonly text: string;

  constructor(
    readonly file: string,
    text: string,
    private readonly report: LexReport,
  ) {
    this.presumedFile = file;
    this.text = text.replace(/\r\n?/g, '\n');
  }

  /** The physical line the lexer is on (for #line arithmetic). */
  get physicalLine(): number {
    return this.line;
  }

  /** The location the next character would get. */
  here(): SourceLocation {
    return this.locAt(this.pos);
  }

  private locAt(pos: number): SourceLocation {
    return { file: this.presumedFile, line: this.line + this.lineDelta, column: pos - this.lineStart + 1 };
  }

  /** Skips backslash-newline splices at the cursor; true if any. */
  private skipSplices(): boolean {
    let spliced = false;
    for (;;) {
      if (this.text[this.pos] !== '\\') return spliced;
      let j = this.pos + 1;
      while (j < this.text.length && (this.text[j] === ' ' || this.text[j] === '\t' || this.text[j] === '\f' || this.text[j] === '\v')) j++;
      if (this.text[j] !== '\n' && j < this.text.length) return spliced;
      if (j >= this.text.length) return spliced;
      if (j > this.pos + 1) this.report(this.locAt(this.pos), 'warning', 'backslash and newline separated by space');
      this.pos = j + 1;
      this.line++;
      this.lineStart = this.pos;
      spliced = true;
    }
  }

  /** The character at the cursor after splices (empty at the end). */
  private peek(): string {
    this.skipSplices();
    return this.text[this.pos] ?? '';
  }

  /** The character after the one at the cursor, looking through splices, without moving. */
  private peek2(): string {
    const save = [this.pos, this.line, this.lineStart] as const;
    this.peek();
    this.pos++;
    const c = this.peek();
    [this.pos, this.line, this.lineStart] = save;
    return c;
  }

  private take(): string {
    const c = this.peek();
    this.pos++;
    return c;
  }

  /**
   * The next token. A 'newline' is reported as kind 'eof' with `text === '\n'`; the caller
   * treats it as the end of a line (directives) or as white space. At the end of the text,
   * an 'eof' with empty text.
   */
  next(): Token {
    let flags = this.atLineStart ? BOL : 0;
    this.atLineStart = false;
    const text = this.text;
    // No character code is read past the end (NaN there): optimized code that met no such read
    // gives itself up at the first, once per file end, in each of a process's first runs.
    for (;;) {
      if (this.pos >= text.length) break;
      if (text.charCodeAt(this.pos) === BACKSLASH) this.skipSplices();
      const code = text.charCodeAt(this.pos);
      // White space: ' ', \t, \v, \f, NUL.
      if (code === 0x20 || code === 0x09 || code === 0x0b || code === 0x0c || code === 0) {
        this.pos++;
        flags |= PREV_WHITE;
        continue;
      }
      if (code !== SLASH) break;
      if (this.peek2() === '*') {
        const start = this.locAt(this.pos);
        this.take();
        this.take();
        let closed = false;
        while (this.pos < this.text.length) {
          const d = this.take();
          if (d === '\n') {
            this.line++;
            this.lineStart = this.pos;
          } else if (d === '*' && this.peek() === '/') {
            this.take();
            closed = true;
            break;
          }
        }
        if (!closed) this.report(start, 'error', 'unterminated comment');
        flags |= PREV_WHITE;
      } else if (this.peek2() === '/') {
        while (this.pos < this.text.length && this.peek() !== '\n') this.pos++;
        flags |= PREV_WHITE;
      } else break;
    }
    const start = this.pos;
    const loc = this.locAt(start);
    // Names and numbers are cut from the text by character code; whatever a splice, a quote
    // (a prefixed string) or an exponent sign could change goes the character-by-character way.
    const first = start < text.length ? text.charCodeAt(start) : -1;
    if (isIdCode(first) && !this.angledHeaders) {
      let end = start + 1;
      const number = first <= 0x39;
      for (;;) {
        const d = text.charCodeAt(end);
        if (isIdCode(d) || (number && d === DOT)) end++;
        else break;
      }
      const stop = text.charCodeAt(end);
      const sign = number && (stop === 0x2b || stop === 0x2d);
      if (stop !== BACKSLASH && stop !== QUOTE && stop !== APOSTROPHE && !sign) {
        this.pos = end;
        return { kind: number ? 'number' : 'name', text: text.slice(start, end), flags, loc };
      }
    }
    const c = this.take();
    if (c === '') {
      this.pos = this.text.length;
      // Like cpp, the end of the file is placed on its last line.
      const end = this.pos === this.lineStart && this.line > 1 ? { ...loc, line: loc.line - 1, column: this.lastLineEnd } : loc;
      return { kind: 'eof', text: '', flags, loc: end };
    }
    if (c === '\n') {
      this.lastLineEnd = loc.column;
      this.line++;
      this.lineStart = this.pos;
      this.atLineStart = true;
      return { kind: 'eof', text: '\n', flags, loc };
    }
    const make = (kind: TokenKind, spelling: string): Token => ({ kind, text: spelling, flags, loc });
    if (this.angledHeaders && c === '<') {
      this.angledHeaders = false;
      let name = '';
      const save = [this.pos, this.line, this.lineStart] as const;
      for (;;) {
        const d = this.peek();
        if (d === '' || d === '\n') break;
        this.pos++;
        if (d === '>') return make('header', '<' + name + '>');
        name += d;
      }
      [this.pos, this.line, this.lineStart] = save;
      return make('punct', '<');
    }
    this.angledHeaders = false;
    if (isIdStart(c)) {
      let s = c;
      const q = this.peek();
      if ((c === 'L' || c === 'U' || c === 'u') && (q === '"' || q === "'")) return this.quoted(this.take(), c + q, flags, loc);
      if (c === 'u' && q === '8' && this.peek2() === '"') {
        this.take();
        return this.quoted(this.take(), 'u8"', flags, loc);
      }
      while (isIdChar(this.peek())) s += this.take();
      return make('name', s);
    }
    if (isDigit(c) || (c === '.' && isDigit(this.peek()))) {
      let s = c;
      for (;;) {
        const d = this.peek();
        if ((d === '+' || d === '-') && /[eEpP]$/.test(s)) s += this.take();
        else if (isIdChar(d) || d === '.') s += this.take();
        else break;
      }
      return make('number', s);
    }
    if (c === '"' || c === "'") return this.quoted(c, c, flags, loc);
    for (const p of PUNCTUATORS_BY_FIRST.get(c) ?? []) {
      if (p.length === 1) return make('punct', p);
      // Spelled out with no splice in it (the splice-free text is the spelling).
      if (text.startsWith(p, start)) {
        this.pos = start + p.length;
        return make('punct', p);
      }
      if (!text.slice(start + 1, start + p.length).includes('\\')) continue;
      const save = [this.pos, this.line, this.lineStart] as const;
      let ok = true;
      for (let k = 1; k < p.length && ok; k++) ok = this.take() === p[k];
      if (ok) return make('punct', p);
      [this.pos, this.line, this.lineStart] = save;
    }
    return make('other', c);
  }

  /**
   * Where the next line starts, when the cursor is at a line's start or after the last token of
   * a line (blanks and the newline to come: `newlineAhead` is that newline, else -1); -1 when it
   * is neither. Nothing moves.
   */
  private lineAhead(): number {
    const text = this.text;
    let p = this.pos;
    this.newlineAhead = -1;
    if (!this.atLineStart) {
      let c = text.charCodeAt(p);
      while (c === 0x20 || c === 0x09) c = text.charCodeAt(++p);
      if (c !== 0x0a) return -1;
      this.newlineAhead = p++;
    }
    return p;
  }

  /** Takes the cursor past `newline` (when one was ahead, lineAhead) to `end`, the newline of the line read. */
  private enterLine(newline: number, end: number): void {
    if (newline >= 0) {
      this.lastLineEnd = newline - this.lineStart + 1;
      this.line++;
      this.lineStart = newline + 1;
    }
    this.pos = end;
    this.atLineStart = false;
  }

  /**
   * The next line, when nothing in it can mean more than its tokens spelled out, a name
   * `expansion` knows standing for its replacement tokens: no name `expansion` refuses, no `#`
   * first (a directive), no comment, splice, character constant or prefixed or unterminated
   * string, only printable ASCII, spaces and tabs. Such a line's tokens are what `next` would
   * give one by one, each with white space before it or not, so the caller prints them (and
   * the expansions) from `PLAIN` instead.
   * The cursor must be at a line's start or after the last token of a line (blanks and the
   * newline to come); false, with nothing moved, when it is not or the line is not plain.
   * A blank line is passed over (true with no tokens). The last line, without a newline, never is.
   */
  plainLine(expansion: PlainExpansion, macroShapes?: Uint8Array): PlainLine | undefined {
    const text = this.text;
    const p = this.lineAhead();
    if (p < 0) return undefined;
    const newline = this.newlineAhead;
    const end = text.indexOf('\n', p);
    if (end < 0) return undefined;
    const { starts, ends, white, kinds, bodies } = PLAIN;
    let count = 0;
    let blank = false;
    let i = p;
    while (i < end) {
      const c = text.charCodeAt(i);
      if (c === 0x20 || c === 0x09) {
        blank = true;
        i++;
        continue;
      }
      const start = i;
      let body: readonly Token[] | undefined;
      let kind: TokenKind;
      if (isIdStartCode(c)) {
        kind = 'name';
        i++;
        while (isIdCode(text.charCodeAt(i))) i++;
        // L"", U"", u"", u8"": a prefixed string.
        if (text.charCodeAt(i) === QUOTE && (i - start === 1 ? c === 0x4c || c === 0x55 || c === 0x75 : i - start === 2 && c === 0x75 && text.charCodeAt(start + 1) === 0x38)) return undefined;
        // A name of a shape no macro name has had is none (not cut out, not looked up).
        const named = macroShapes === undefined || macroShapes[nameShape(c, i - start)] === 1 ? expansion.plainExpansion(text.slice(start, i)) : undefined;
        if (named === null) return undefined;
        body = named;
      } else if (isDigitCode(c) || (c === DOT && isDigitCode(text.charCodeAt(i + 1)))) {
        kind = 'number';
        i++;
        for (;;) {
          const d = text.charCodeAt(i);
          if (isIdCode(d) || d === DOT || ((d === 0x2b || d === 0x2d) && EXPONENTS.has(text.charCodeAt(i - 1)))) i++;
          else break;
        }
      } else if (c === QUOTE) {
        // A string without escapes (a backslash could hide the closing quote or splice the line).
        kind = 'string';
        const close = text.indexOf('"', i + 1);
        if (close < 0 || close > end) return undefined;
        for (let k = i + 1; k < close; k++) if (text.charCodeAt(k) === BACKSLASH) return undefined;
        i = close + 1;
      } else if (c <= 0x20 || c >= 0x7f || c === BACKSLASH || c === SLASH || c === APOSTROPHE || (c === 0x23 && count === 0)) {
        return undefined;
      } else {
        i++;
        // Not a punctuator's first character: one 'other' token, as `next` makes it.
        kind = 'other';
        const list = PUNCTUATORS_BY_FIRST.get(text[start]!);
        if (list !== undefined) {
          for (const q of list) {
            if (text.startsWith(q, start)) {
              i = start + q.length;
              kind = 'punct';
              break;
            }
          }
        }
      }
      kinds[count] = kind;
      bodies[count] = body;
      starts[count] = start;
      ends[count] = i;
      white[count] = blank;
      blank = false;
      count++;
    }
    this.enterLine(newline, end);
    PLAIN.text = text;
    PLAIN.lineStart = this.lineStart;
    PLAIN.count = count;
    PLAIN.file = this.presumedFile;
    PLAIN.line = this.line + this.lineDelta;
    PLAIN.key = undefined;
    PLAIN.printed = undefined;
    PLAIN.expanded = 0;
    return PLAIN;
  }

  /**
   * The text of the line plainLine would read next (without its end), or undefined where it
   * would refuse before reading a token (not where a line starts, or no line end). Moves nothing.
   */
  nextLineText(): string | undefined {
    const text = this.text;
    let p = this.pos;
    if (!this.atLineStart) {
      let c = text.charCodeAt(p);
      while (c === 0x20 || c === 0x09) c = text.charCodeAt(++p);
      if (c !== 0x0a) return undefined;
      p++;
    }
    const end = text.indexOf('\n', p);
    return end < 0 ? undefined : text.slice(p, end);
  }

  /** Passes the line nextLineText gave as plainLine passes a plain line: PLAIN holds its place and `printed`, and no tokens. */
  passPrintedLine(printed: PrintedLine): PlainLine {
    const text = this.text;
    let from = this.pos;
    if (!this.atLineStart) {
      let newline = from;
      while (text.charCodeAt(newline) !== 0x0a) newline++;
      this.lastLineEnd = newline - this.lineStart + 1;
      this.line++;
      this.lineStart = newline + 1;
      from = newline + 1;
    }
    this.pos = text.indexOf('\n', from);
    this.atLineStart = false;
    PLAIN.text = text;
    PLAIN.lineStart = this.lineStart;
    PLAIN.count = 0;
    PLAIN.file = this.presumedFile;
    PLAIN.line = this.line + this.lineDelta;
    PLAIN.key = undefined;
    PLAIN.printed = printed;
    PLAIN.expanded = printed.expanded;
    return PLAIN;
  }

  /**
   * The next line, when it is one function-like macro invocation and nothing else: blanks, a
   * name, blanks, `(`, blanks, one name, blanks, `)`, blanks (spaces and tabs), and `expansion`
   * gives what it prints; the cursor then passes the line as plainLine passes one. Undefined,
   * with nothing moved, otherwise. The cursor must be where plainLine wants it.
   */
  invocationLine(expansion: InvocationExpansion): InvocationLine | undefined {
    const text = this.text;
    const p = this.lineAhead();
    if (p < 0) return undefined;
    const newline = this.newlineAhead;
    const end = text.indexOf('\n', p);
    if (end < 0) return undefined;
    let blanks = 0;
    let i = p;
    const skip = (bit: number): void => {
      const from = i;
      while (i < end && (text.charCodeAt(i) === 0x20 || text.charCodeAt(i) === 0x09)) i++;
      if (i > from) blanks |= bit;
    };
    /** Passes an identifier at `i`; false when none starts there. */
    const name = (): boolean => {
      if (i === end || !isIdStartCode(text.charCodeAt(i))) return false;
      while (++i < end && isIdCode(text.charCodeAt(i)));
      return true;
    };
    skip(BLANK_BEFORE_NAME);
    const nameStart = i;
    if (!name()) return undefined;
    const nameEnd = i;
    skip(BLANK_BEFORE_PAREN);
    if (i === end || text.charCodeAt(i) !== 0x28) return undefined;
    i++;
    skip(BLANK_BEFORE_ARG);
    const argStart = i;
    if (!name()) return undefined;
    const argEnd = i;
    skip(BLANK_BEFORE_CLOSE);
    if (i === end || text.charCodeAt(i) !== 0x29) return undefined;
    i++;
    skip(0);
    if (i !== end) return undefined;
    const printed = expansion.invocationText(text.slice(nameStart, nameEnd), text.slice(argStart, argEnd), blanks);
    if (printed === undefined) return undefined;
    this.enterLine(newline, end);
    INVOCATION.text = printed.text;
    INVOCATION.spanColumn = printed.spanColumn;
    INVOCATION.file = this.presumedFile;
    INVOCATION.line = this.line + this.lineDelta;
    INVOCATION.column = nameStart - this.lineStart + 1;
    return INVOCATION;
  }

  /** A string or character constant; unterminated, the rest of the line as one 'other' token. */
  private quoted(quote: string, opening: string, flags: number, loc: SourceLocation): Token {
    let s = opening;
    for (;;) {
      const d = this.peek();
      if (d === '' || d === '\n') return { kind: 'other', text: s, flags, loc };
      this.pos++;
      s += d;
      if (d === '\\') {
        const e = this.peek();
        if (e !== '' && e !== '\n') {
          this.pos++;
          s += e;
        }
      } else if (d === quote) return { kind: quote === '"' ? 'string' : 'char', text: s, flags, loc };
    }
  }
}

/** Lexes a whole string as exactly one token (for `##`): the token, or null if it is not one. */
export function lexOne(text: string, loc: SourceLocation): Token | null {
  const lx = new Lexer(loc.file, text, () => undefined);
  const t = lx.next();
  if (t.kind === 'eof') return null;
  const rest = lx.next();
  if (rest.kind !== 'eof' || rest.text !== '' || rest.flags & PREV_WHITE) return null;
  return { kind: t.kind, text: t.text, flags: 0, loc };
}
