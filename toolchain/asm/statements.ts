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

const LABEL = /^([A-Za-z_.$][\w.$]*|\d+)\s*:(?!:)/;
const WORD = /^[A-Za-z_.$][\w.$]*/;

/** Removes comments from one line, keeping columns (comment text becomes spaces). */
function stripComments(line: string, inBlock: { open: boolean }): string {
  let out = '';
  let inString = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (inBlock.open) {
      if (c === '*' && line[i + 1] === '/') {
        inBlock.open = false;
        out += '  ';
        i++;
      } else out += ' ';
      continue;
    }
    if (inString) {
      out += c;
      if (c === '\\' && i + 1 < line.length) out += line[++i]!;
      else if (c === '"') inString = false;
      continue;
    }
    if (c === '"') {
      inString = true;
      out += c;
    } else if (c === '/' && line[i + 1] === '*') {
      inBlock.open = true;
      out += '  ';
      i++;
    } else if (c === '#' || (c === '/' && line.slice(0, i).trim() === '')) {
      break;
    } else out += c;
  }
  return out;
}

/** Splits a comment-free line into its `;`-separated parts, each with its start column. */
function splitStatements(text: string): Array<{ text: string; column: number }> {
  const parts: Array<{ text: string; column: number }> = [];
  let start = 0;
  let inString = false;
  for (let i = 0; i <= text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === ';' || c === undefined) {
      parts.push({ text: text.slice(start, i), column: start });
      start = i + 1;
    }
  }
  return parts;
}

function parseOne(line: number, text: string, column: number): Statement | undefined {
  const labels: SourceLabel[] = [];
  let rest = text;
  let col = column;
  for (;;) {
    const lead = rest.length - rest.trimStart().length;
    rest = rest.trimStart();
    col += lead;
    const m = LABEL.exec(rest);
    if (!m) break;
    labels.push({ name: m[1]!, line, column: col });
    col += m[0].length;
    rest = rest.slice(m[0].length);
  }
  const word = WORD.exec(rest);
  if (!word) {
    if (labels.length === 0 && rest.trim() === '') return undefined;
    const trimmed = rest.trim();
    return { line, labels, op: '', opColumn: col, operands: trimmed, operandsColumn: col };
  }
  const op = word[0];
  const after = rest.slice(op.length);
  const lead = after.length - after.trimStart().length;
  return {
    line,
    labels,
    op,
    opColumn: col,
    operands: after.trim(),
    operandsColumn: col + op.length + lead,
  };
}

/** Every statement of a source text, in order. */
export function statements(source: string): Statement[] {
  const result: Statement[] = [];
  const block = { open: false };
  const lines = source.split(/\r?\n/);
  for (let n = 0; n < lines.length; n++) {
    if (!block.open && /^\s*#/.test(lines[n]!)) {
      // A preprocessor line (or a comment line); its backslash continuations belong to it.
      while (lines[n]!.endsWith('\\') && n + 1 < lines.length) n++;
      continue;
    }
    let text = stripComments(lines[n]!, block);
    // A backslash-newline continues the statement on the next line (cpp's rule in .S files).
    while (text.endsWith('\\') && n + 1 < lines.length) {
      text = text.slice(0, -1) + ' ' + stripComments(lines[++n]!, block);
    }
    for (const part of splitStatements(text)) {
      const s = parseOne(n, part.text, part.column);
      if (s) result.push(s);
    }
  }
  return result;
}
