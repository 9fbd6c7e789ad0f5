// Owns cutting one file's text into preprocessing tokens the way cpp does for
// assembler-with-cpp: backslash-newline splices, comments become white space, `$` is not an
// identifier character, an unterminated ' or " runs to the end of the line as one token
// (no error: it is an assembler character constant or a comment), no digraphs. Each token
// carries its file, line and column (1-based, the column counting characters), adjusted by #line.

import type { SourceLocation } from '../module';
import { BOL, PREV_WHITE, type Token, type TokenKind } from './token';

export type LexReport = (loc: SourceLocation, severity: 'error' | 'warning', message: string) => void;

const PUNCTUATORS = [
  '...', '<<=', '>>=',
  '->', '++', '--', '<<', '>>', '<=', '>=', '==', '!=', '&&', '||', '*=', '/=', '%=', '+=', '-=', '&=', '^=', '|=', '##',
  '[', ']', '(', ')', '{', '}', '.', '&', '*', '+', '-', '~', '!', '/', '%', '<', '>', '^', '|', '?', ':', ';', '=', ',', '#',
];

function isIdStart(c: string): boolean {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c === '_';
}
function isIdChar(c: string): boolean {
  return isIdStart(c) || (c >= '0' && c <= '9');
}
function isDigit(c: string): boolean {
  return c >= '0' && c <= '9';
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
    for (;;) {
      const c = this.peek();
      if (c === ' ' || c === '\t' || c === '\f' || c === '\v' || c === '\0') {
        this.pos++;
        flags |= PREV_WHITE;
      } else if (c === '/' && this.peek2() === '*') {
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
      } else if (c === '/' && this.peek2() === '/') {
        while (this.pos < this.text.length && this.peek() !== '\n') this.pos++;
        flags |= PREV_WHITE;
      } else break;
    }
    const start = this.pos;
    const loc = this.locAt(start);
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
    const make = (kind: TokenKind, text: string): Token => ({ kind, text, flags, loc });
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
    for (const p of PUNCTUATORS) {
      if (p[0] !== c) continue;
      if (p.length === 1) return make('punct', p);
      const save = [this.pos, this.line, this.lineStart] as const;
      let ok = true;
      for (let k = 1; k < p.length && ok; k++) ok = this.take() === p[k];
      if (ok) return make('punct', p);
      [this.pos, this.line, this.lineStart] = save;
    }
    return make('other', c);
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
