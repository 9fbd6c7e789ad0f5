// Owns the splitting of GNU as (AT&T x86) source text into statements: labels, the
// directive or mnemonic, and the operand text, each with its line and column. Comments
// (`#` anywhere, `/` at the start of a line, `/* */`) and strings are respected, and `;`
// separates statements on one line. The assembler's front end and the language server
// both read source through this.
import { isBlank, isDigit, isNameChar, isNameStart, isSpace } from './chars';

export interface SourceLabel {
  readonly name: string;
  /** 0-based line and column of the label's first character. */
  readonly line: number;
  readonly column: number;
}

export interface Statement {
  /** 0-based line of the statement's first character. */
  readonly line: number;
  readonly labels: readonly SourceLabel[];
  /** The directive (with its dot) or mnemonic, as written; empty for a label-only line. */
  readonly op: string;
  readonly opColumn: number;
  /** The operand text, trimmed, with comments removed. */
  readonly operands: string;
  readonly operandsColumn: number;
}

/** No labels: shared, so that a statement without labels allocates no array. */
const NO_LABELS: readonly SourceLabel[] = Object.freeze([]);

/** Removes comments from one line, keeping columns (comment text becomes spaces). */
function stripComments(line: string, inBlock: { open: boolean }): string {
  // Most lines have nothing to strip: no comment characters and no open block comment.
  if (!inBlock.open && line.indexOf('#') < 0 && line.indexOf('/') < 0) return line;
  let out = '';
  let from = 0;
  let inString = false;
  for (let i = 0; i < line.length; i++) {
    const c = line.charCodeAt(i);
    if (inBlock.open) {
      if (c === 0x2a && line.charCodeAt(i + 1) === 0x2f) {
        inBlock.open = false;
        out += ' '.repeat(i + 2 - from);
        from = ++i + 1;
      }
      continue;
    }
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
      continue;
    }
    if (c === 0x22) {
      inString = true;
    } else if (c === 0x2f && line.charCodeAt(i + 1) === 0x2a) {
      out += line.slice(from, i);
      inBlock.open = true;
      from = i;
      i++;
    } else if (c === 0x23 || (c === 0x2f && line.slice(0, i).trim() === '')) {
      return out + line.slice(from, i);
    }
  }
  return inBlock.open ? out + ' '.repeat(line.length - from) : out + line.slice(from);
}

/** Splits a comment-free line into its `;`-separated parts, each with its start column. */
function splitStatements(text: string): Array<{ text: string; column: number }> {
  const parts: Array<{ text: string; column: number }> = [];
  let start = 0;
  let inString = false;
  for (let i = 0; i <= text.length; i++) {
    const c = text.charCodeAt(i);
    // A string left open ends the last statement at the end of the line (its reader reports it).
    if (inString && i < text.length) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x3b || i === text.length) {
      parts.push({ text: text.slice(start, i), column: start });
      start = i + 1;
    }
  }
  return parts;
}

/**
 * The end of a label `name:` or `123:` (GAS's `name[ \t]*:` not followed by another `:`)
 * starting at `i`, or -1; the name ends at `scan.nameEnd`, and `scan.hash` is the hash
 * internedOp takes of a name (so that a word that is not a label, the op, is read once).
 */
function labelEnd(text: string, i: number, n: number, scan: WordScan): number {
  let j = i;
  let c = text.charCodeAt(j);
  let hash = c;
  if (isNameStart(c)) {
    j++;
    while (j < n && isNameChar((c = text.charCodeAt(j)))) {
      hash = (hash * 31 + c) | 0;
      j++;
    }
  } else if (isDigit(c)) {
    j++;
    while (j < n && isDigit(text.charCodeAt(j))) j++;
  } else return -1;
  scan.nameEnd = j;
  scan.hash = hash;
  while (j < n && isBlank(text.charCodeAt(j))) j++;
  if (j >= n || text.charCodeAt(j) !== 0x3a || text.charCodeAt(j + 1) === 0x3a) return -1;
  return j + 1;
}

interface WordScan {
  nameEnd: number;
  hash: number;
}

const scan: WordScan = { nameEnd: 0, hash: 0 };

/**
 * Directive and mnemonic names met before, by a hash of their characters: a statement's op
 * is the same string as the last statement's with that name, not a fresh slice, so the
 * look-ups that follow (directive handlers, macros, the encodings by mnemonic) find its hash
 * already computed. Bounded: a slot holds the last name that fell into it.
 */
const OP_SLOTS = 1024;
const opSlots: Array<string | undefined> = new Array(OP_SLOTS).fill(undefined);

function internedOp(text: string, from: number, to: number, hash: number): string {
  const slot = (hash ^ (hash >>> 10)) & (OP_SLOTS - 1);
  const known = opSlots[slot];
  const n = to - from;
  if (known !== undefined && known.length === n) {
    let k = 0;
    while (k < n && known.charCodeAt(k) === text.charCodeAt(from + k)) k++;
    if (k === n) return known;
  }
  // A copy, not a slice: a long slice would keep the whole source alive from this table.
  const codes: number[] = [];
  for (let k = from; k < to; k++) codes.push(text.charCodeAt(k));
  const op = String.fromCharCode(...codes);
  if (n <= 64) opSlots[slot] = op;
  return op;
}

/**
 * The statement in `text` from `from` to `to` (comment-free, no `;`), on 0-based `line`;
 * `column` is the column of `from`. Reads by character codes, with no copies but the
 * names and the operand text.
 */
function parseOne(line: number, text: string, from: number, to: number, column: number, into?: ReusedStatement): Statement | undefined {
  let labels: SourceLabel[] | undefined;
  const delta = column - from;
  let i = from;
  for (;;) {
    while (i < to && isBlank(text.charCodeAt(i))) i++;
    if (i >= to) break;
    const end = labelEnd(text, i, to, scan);
    if (end < 0) break;
    const label = { name: text.slice(i, scan.nameEnd), line, column: delta + i };
    // A literal of one: an empty array's first push makes room for many.
    if (labels === undefined) labels = [label];
    else labels.push(label);
    i = end;
  }
  if (i >= to || !isNameStart(text.charCodeAt(i))) {
    const trimmed = text.slice(i, to).trim();
    if (labels === undefined && trimmed === '') return undefined;
    return made(into, line, labels ?? NO_LABELS, '', delta + i, trimmed, delta + i);
  }
  // The label check above stopped at this word (a name start, not a label): its end and hash are known.
  let j = scan.nameEnd;
  const op = internedOp(text, i, j, scan.hash);
  while (j < to && isBlank(text.charCodeAt(j))) j++;
  let end = to;
  while (end > j && isSpace(text.charCodeAt(end - 1))) end--;
  return made(into, line, labels ?? NO_LABELS, op, delta + i, text.slice(j, end), delta + j);
}

/** A statement object a reader gives again for its next statement (see StatementReader's `reuse`). */
class ReusedStatement implements Statement {
  line = 0;
  labels: readonly SourceLabel[] = NO_LABELS;
  op = '';
  opColumn = 0;
  operands = '';
  operandsColumn = 0;
}

function made(into: ReusedStatement | undefined, line: number, labels: readonly SourceLabel[], op: string, opColumn: number, operands: string, operandsColumn: number): Statement {
  if (into === undefined) return { line, labels, op, opColumn, operands, operandsColumn };
  into.line = line;
  into.labels = labels;
  into.op = op;
  into.opColumn = opColumn;
  into.operands = operands;
  into.operandsColumn = operandsColumn;
  return into;
}

/**
 * The statements of a source text one at a time, read as they are asked for: the assembler
 * holds only the statement it is on, never the whole file's (memory per line matters on
 * sources of millions of lines). A line without comment characters, `;` or a continuation
 * is read in place from the source, never copied out first.
 */
export class StatementReader {
  private pos = 0;
  /** 0-based index of the last line read. */
  private line = -1;
  private readonly block = { open: false };
  /** The further statements of a line with `;`, and the next one to give. */
  private pending: Statement[] = [];
  private pendingAt = 0;
  private readonly reused: ReusedStatement | undefined;
  /**
   * The first `#`, `/` and `;` at or after the line being read (the text's length when there
   * is none): found by indexOf, which scans natively, so a plain line's characters are not
   * walked one by one to learn that it holds none of them.
   */
  private nextHash = -1;
  private nextSlash = -1;
  private nextSemicolon = -1;

  /**
   * With `reuse`, a plain line's statement is one object given again for the next such line:
   * valid until the next call (the assembler keeps nothing of a statement but its strings).
   */
  constructor(private readonly source: string, reuse = false) {
    this.reused = reuse ? new ReusedStatement() : undefined;
  }

  /** The next statement, or undefined at the end of the text. */
  next(): Statement | undefined {
    if (this.pendingAt < this.pending.length) return this.pending[this.pendingAt++];
    while (this.hasLine()) {
      const s = this.readLine();
      if (s) return s;
    }
    return undefined;
  }

  private hasLine(): boolean {
    return this.pos <= this.source.length;
  }

  /** The next line without its line break (a CR before the LF goes too). */
  private takeLine(): string {
    const text = this.source;
    let end = text.indexOf('\n', this.pos);
    if (end < 0) end = text.length;
    const line = text.charCodeAt(end - 1) === 0x0d && end > this.pos ? text.slice(this.pos, end - 1) : text.slice(this.pos, end);
    this.pos = end + 1;
    this.line++;
    return line;
  }

  /** Is the line from `start` to `to` free of comment characters and `;`, and not continued by a backslash? */
  private isPlain(start: number, to: number): boolean {
    const text = this.source;
    if (this.nextHash < start) this.nextHash = firstAt(text, '#', start);
    if (this.nextSlash < start) this.nextSlash = firstAt(text, '/', start);
    if (this.nextSemicolon < start) this.nextSemicolon = firstAt(text, ';', start);
    return this.nextHash >= to && this.nextSlash >= to && this.nextSemicolon >= to && !(to > start && text.charCodeAt(to - 1) === 0x5c);
  }

  /** Reads one source line (with its continuations): its first statement, the others into `pending`. */
  private readLine(): Statement | undefined {
    const text = this.source;
    const start = this.pos;
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    let to = end;
    if (to > start && text.charCodeAt(to - 1) === 0x0d) to--;
    let first = start;
    while (first < to && isSpace(text.charCodeAt(first))) first++;
    if (!this.block.open && first < to && text.charCodeAt(first) === 0x23) {
      // A preprocessor line (or a comment line); its backslash continuations belong to it.
      let last = this.takeLine();
      while (last.endsWith('\\') && this.hasLine()) last = this.takeLine();
      return undefined;
    }
    if (!this.block.open && this.isPlain(start, to)) {
      // The common line: nothing to strip, split or join.
      this.pos = end + 1;
      this.line++;
      return parseOne(this.line, text, start, to, 0, this.reused);
    }
    let line = stripComments(this.takeLine(), this.block);
    // A backslash-newline continues the statement on the next line (cpp's rule in .S files).
    while (line.endsWith('\\') && this.hasLine()) {
      line = line.slice(0, -1) + ' ' + stripComments(this.takeLine(), this.block);
    }
    if (line.indexOf(';') < 0) return parseOne(this.line, line, 0, line.length, 0);
    const found: Statement[] = [];
    for (const part of splitStatements(line)) {
      const st = parseOne(this.line, part.text, 0, part.text.length, part.column);
      if (st) found.push(st);
    }
    this.pending = found;
    this.pendingAt = 1;
    return found[0];
  }
}


/** The first `c` in `text` at or after `from`, or the text's length. */
function firstAt(text: string, c: string, from: number): number {
  const i = text.indexOf(c, from);
  return i < 0 ? text.length : i;
}

/** Every statement of a source text, in order. */
export function statements(source: string): Statement[] {
  const result: Statement[] = [];
  const reader = new StatementReader(source);
  for (let s = reader.next(); s; s = reader.next()) result.push(s);
  return result;
}
