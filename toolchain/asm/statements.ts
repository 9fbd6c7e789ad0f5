// Owns the splitting of GNU as (AT&T x86) source text into statements: labels, the
// directive or mnemonic, and the operand text, each with its line and column. Comments
// (`#` anywhere, `/` at the start of a line, `/* */`) and strings are respected, and `;`
// separates statements on one line. The assembler's front end and the language server
// both read source through this.

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

const LABEL = /([A-Za-z_.$][\w.$]*|\d+)[ \t]*:(?!:)/y;
const WORD = /[A-Za-z_.$][\w.$]*/y;

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
  if (text.indexOf(';') < 0) return [{ text, column: 0 }];
  const parts: Array<{ text: string; column: number }> = [];
  let start = 0;
  let inString = false;
  for (let i = 0; i <= text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
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

function isBlank(c: number): boolean {
  return c === 0x20 || c === 0x09;
}

function parseOne(line: number, text: string, column: number): Statement | undefined {
  const labels: SourceLabel[] = [];
  const n = text.length;
  let i = 0;
  for (;;) {
    while (i < n && isBlank(text.charCodeAt(i))) i++;
    LABEL.lastIndex = i;
    const m = LABEL.exec(text);
    if (!m) break;
    labels.push({ name: m[1]!, line, column: column + i });
    i = LABEL.lastIndex;
  }
  WORD.lastIndex = i;
  const word = WORD.exec(text);
  if (!word) {
    const trimmed = text.slice(i).trim();
    if (labels.length === 0 && trimmed === '') return undefined;
    return { line, labels, op: '', opColumn: column + i, operands: trimmed, operandsColumn: column + i };
  }
  const op = word[0];
  let j = i + op.length;
  while (j < n && isBlank(text.charCodeAt(j))) j++;
  let end = n;
  while (end > j && /\s/.test(text[end - 1]!)) end--;
  return { line, labels, op, opColumn: column + i, operands: text.slice(j, end), operandsColumn: column + j };
}

/**
 * The statements of a source text one at a time, read as they are asked for: the assembler
 * holds only the statement it is on, never the whole file's (memory per line matters on
 * sources of millions of lines).
 */
export class StatementReader {
  private pos = 0;
  /** 0-based index of the last line read. */
  private line = -1;
  private readonly block = { open: false };
  private pending: Statement[] = [];
  private pendingAt = 0;

  constructor(private readonly source: string) {}

  /** The next statement, or undefined at the end of the text. */
  next(): Statement | undefined {
    while (this.pendingAt >= this.pending.length) {
      if (!this.readLine()) return undefined;
    }
    return this.pending[this.pendingAt++];
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

  /** Reads one source line (with its continuations) into `pending`; false at the end. */
  private readLine(): boolean {
    if (!this.hasLine()) return false;
    this.pending = [];
    this.pendingAt = 0;
    const first = this.takeLine();
    if (!this.block.open && /^\s*#/.test(first)) {
      // A preprocessor line (or a comment line); its backslash continuations belong to it.
      let last = first;
      while (last.endsWith('\\') && this.hasLine()) last = this.takeLine();
      return true;
    }
    let text = stripComments(first, this.block);
    // A backslash-newline continues the statement on the next line (cpp's rule in .S files).
    while (text.endsWith('\\') && this.hasLine()) {
      text = text.slice(0, -1) + ' ' + stripComments(this.takeLine(), this.block);
    }
    if (text.indexOf(';') < 0) {
      const st = parseOne(this.line, text, 0);
      if (st) this.pending.push(st);
      return true;
    }
    for (const part of splitStatements(text)) {
      const st = parseOne(this.line, part.text, part.column);
      if (st) this.pending.push(st);
    }
    return true;
  }
}

/** Every statement of a source text, in order. */
export function statements(source: string): Statement[] {
  const result: Statement[] = [];
  const reader = new StatementReader(source);
  for (let s = reader.next(); s; s = reader.next()) result.push(s);
  return result;
}
