// The lexical scan as it was before it wrote columns (language-server/source-scan.ts up to
// this commit): one object per lexeme, each with its text. Kept as the reference the columnar
// scan is compared with on random documents (test/lsp/source-scan-columns.test.ts).
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

export interface SourceScan {
  readonly lexemes: readonly Lexeme[];
  readonly byLine: readonly (readonly Lexeme[])[];
  readonly alternatives: readonly AlternativeBlock[];
  readonly directives: readonly CppDirective[];
}

const CPP_DIRECTIVES = new Set(['define', 'undef', 'include', 'include_next', 'import', 'if', 'ifdef', 'ifndef', 'elif', 'elifdef', 'elifndef', 'else', 'endif', 'error', 'warning', 'line', 'pragma']);
const IDENT = /[A-Za-z_.$][\w.$]*/y;
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

/**
 * The scan of a text whose first line is line `first` of the document: lexemes and blocks
 * carry document lines, `byLine` counts from the text's own first line.
 */
export function referenceScan(text: string, first = 0): SourceScan {
  const lines = splitLines(text);
  const lexemes: Lexeme[] = [];
  // A line's list is cut from `lexemes` once the line is scanned (every lexeme of line n is
  // pushed while line n is scanned): made at its size, where a list grown by push keeps room
  // for 17 lexemes, and a scan is kept with its analysis.
  const byLine: Lexeme[][] = new Array<Lexeme[]>(lines.length);
  const alternatives: AlternativeBlock[] = [];
  const directives: CppDirective[] = [];
  const st: LineState = { block: false, continued: false, cppContinued: false, alternative: undefined };
  const push = (l: Lexeme) => {
    lexemes.push(l);
  };
  for (let n = 0; n < lines.length; n++) {
    const line = lines[n]!;
    const before = lexemes.length;
    const hash = line.includes('#');
    if (st.cppContinued || (hash && !st.block && !st.continued && /^\s*#\s*[A-Za-z_]/.test(line) && CPP_DIRECTIVES.has(/^\s*#\s*([A-Za-z_]\w*)/.exec(line)![1]!))) {
      scanCppLine(line, n + first, st, push, directives);
    } else if (!(hash && !st.block && !st.continued && /^\s*#/.test(line))) {
      scanAsmLine(line, n + first, st, push, alternatives);
    }
    byLine[n] = lexemes.slice(before);
  }
  if (st.alternative) alternatives.push({ ...st.alternative });
  return { lexemes, byLine, alternatives, directives };
}

/** The text's lines without their ends, as `text.split(/\r?\n/)` gives them (a lone \r stays), found with indexOf. */
function splitLines(text: string): string[] {
  const out: string[] = [];
  let start = 0;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', start)) {
    out.push(text.slice(start, i > start && text.charCodeAt(i - 1) === 0x0d ? i - 1 : i));
    start = i + 1;
  }
  out.push(text.slice(start));
  return out;
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
  if (!isIdentStart(line.charCodeAt(i))) return i;
  let j = i + 1;
  for (let c = line.charCodeAt(j); isIdentStart(c) || isDigit(c); c = line.charCodeAt(++j));
  return j;
}

function scanCppLine(line: string, n: number, st: LineState, push: (l: Lexeme) => void, directives: CppDirective[]): void {
  let i = 0;
  const base: LexemeBase = { line: n, alternative: false, quoted: false, cpp: true };
  if (!st.cppContinued) {
    const m = /^(\s*)(#\s*)([A-Za-z_]\w*)/.exec(line)!;
    push(lexeme(base, m[1]!.length, m[2]!.length + m[3]!.length, 'preprocessor', m[3]!));
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
        push(lexeme(base, i, Math.min(j + 1, line.length) - i, 'string', line.slice(i, j + 1)));
        i = j + 1;
        continue;
      }
    }
    const code = line.charCodeAt(i);
    if (isCppIdentStart(code)) {
      IDENT.lastIndex = i;
      const id = IDENT.exec(line)![0];
      push(lexeme(base, i, id.length, 'word', id));
      i += id.length;
      continue;
    }
    if (isDigit(code)) {
      NUMBER.lastIndex = i;
      const num = NUMBER.exec(line)![0];
      push(lexeme(base, i, num.length, 'number', num));
      i += num.length;
      continue;
    }
    i++;
  }
}

function scanAsmLine(line: string, n: number, st: LineState, push: (l: Lexeme) => void, alternatives: AlternativeBlock[]): void {
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
    const c = line[i]!;
    if (c === ' ' || c === '\t') {
      i++;
      continue;
    }
    if (c === '/' && line[i + 1] === '*') {
      st.block = true;
      i += 2;
      continue;
    }
    if (c === '#' || (c === '/' && line.slice(0, i).trim() === '')) break;
    lastCode = i;
    const alt = st.alternative !== undefined;
    if (c === '"') {
      let j = i + 1;
      while (j < line.length && line[j] !== '"') j += line[j] === '\\' ? 2 : 1;
      const end = Math.min(j + 1, line.length);
      const body = line.slice(i + 1, Math.min(j, line.length));
      if (alt) {
        st.alternative!.strings.push({ line: n, start: i + 1, text: body });
        push(makeLexeme(n, i, 1, 'string', '"', true, false));
        scanInstructions(body, n, i + 1, push);
        if (end > j) push(makeLexeme(n, j, 1, 'string', '"', true, false));
      } else {
        push(makeLexeme(n, i, end - i, 'string', line.slice(i, end), false, false));
      }
      lastCode = end - 1;
      i = end;
      continue;
    }
    if (c === ';') {
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
    const word = statementStart && (c === 'A' || c === 'a') ? wordFrom(line, i) : '';
    const opensBlock = word !== '' && ALTERNATIVE_OP.test(word) && !colonAt(line, i + word.length);
    const l = lexAt(line, i, statementStart, n, alt || opensBlock, false, 0);
    if (l) {
      push(l);
      if (l.kind === 'op') statementStart = false;
      if (opensBlock) st.alternative = { name: l.text, startLine: n, startColumn: i, endLine: n, endColumn: i + l.length, strings: [] };
      i += l.length;
      lastCode = i - 1;
      if (skipColon) i = line.indexOf(':', i) + 1;
      continue;
    }
    if (c === '\\' && i === line.trimEnd().length - 1) break;
    if (statementStart && c !== ':') statementStart = false;
    i++;
  }
  st.continued = line.includes('\\') && /\\\s*$/.test(stripTrailingComment(line));
  if (st.alternative && lastCode >= 0) {
    st.alternative.endLine = n;
    st.alternative.endColumn = lastCode + 1;
  }
}

const ALTERNATIVE_OP = /^ALTERNATIVE\w*$/i;

/** The GAS word starting at `i` ('' when none does). */
function wordFrom(line: string, i: number): string {
  return line.slice(i, identEnd(line, i));
}

function stripTrailingComment(line: string): string {
  const hash = line.indexOf('#');
  return hash < 0 ? line : line.slice(0, hash);
}

type LexemeBase = { line: number; alternative: boolean; quoted: boolean; cpp: boolean };

function lexeme(base: LexemeBase, start: number, length: number, kind: LexemeKind, text: string): Lexeme {
  return { line: base.line, start, length, kind, text, alternative: base.alternative, quoted: base.quoted, cpp: base.cpp };
}

/** A lexeme outside cpp lines (every lexeme has this one shape). */
function makeLexeme(line: number, start: number, length: number, kind: LexemeKind, text: string, alternative: boolean, quoted: boolean): Lexeme {
  return { line, start, length, kind, text, alternative, quoted, cpp: false };
}

const IMMEDIATE = /\$-?(0[xX][0-9a-fA-F]+|0[bB][01]+|\d+|'.)/y;
/** Whether blanks and then a colon that is not `::` come at `i` (/[ \t]*:(?!:)/ there). */
function colonAt(line: string, i: number): boolean {
  let j = i;
  while (line.charCodeAt(j) === 0x20 || line.charCodeAt(j) === 0x09) j++;
  return line.charCodeAt(j) === 0x3a && line.charCodeAt(j + 1) !== 0x3a;
}

/** Set by lexAt: the label definition it returned is followed by its colon (the caller skips past it). */
let skipColon = false;

/**
 * The lexeme at `i` of `line` (undefined for punctuation), its column moved by `column` (the
 * place of a quoted argument's text in its line).
 */
function lexAt(line: string, i: number, statementStart: boolean, n: number, alternative: boolean, quoted: boolean, column: number): Lexeme | undefined {
  skipColon = false;
  const c = line.charCodeAt(i);
  if (c === 0x25 /* % */ || c === 0x5c /* \ */) {
    const end = identEnd(line, i + 1);
    if (end > i + 1) return makeLexeme(n, i + column, end - i, c === 0x25 ? 'register' : 'param', line.slice(i + 1, end), alternative, quoted);
    return undefined;
  }
  if (c === 0x24 /* $ */) {
    IMMEDIATE.lastIndex = i;
    const num = IMMEDIATE.exec(line);
    if (num) return makeLexeme(n, i + column, num[0].length, 'immediate', num[0], alternative, quoted);
    return undefined;
  }
  if (isDigit(c)) {
    NUMBER.lastIndex = i;
    const num = NUMBER.exec(line)!;
    if (statementStart && !num[2] && num[1]!.charCodeAt(1) !== 0x78 && colonAt(line, i + num[0].length)) {
      skipColon = true;
      return makeLexeme(n, i + column, num[0].length, 'labelDef', num[0], alternative, quoted);
    }
    return makeLexeme(n, i + column, num[0].length, num[2] ? 'localRef' : 'number', num[0], alternative, quoted);
  }
  if (isIdentStart(c)) {
    const word = line.slice(i, identEnd(line, i));
    if (statementStart && colonAt(line, i + word.length)) {
      skipColon = true;
      return makeLexeme(n, i + column, word.length, 'labelDef', word, alternative, quoted);
    }
    return makeLexeme(n, i + column, word.length, statementStart ? 'op' : 'word', word, alternative, quoted);
  }
  return undefined;
}

/** Scans a quoted ALTERNATIVE argument as instructions (`;`-separated statements). */
function scanInstructions(body: string, n: number, column: number, push: (l: Lexeme) => void): void {
  let statementStart = true;
  for (let i = 0; i < body.length; ) {
    const c = body[i]!;
    if (c === ';') {
      statementStart = true;
      i++;
      continue;
    }
    if (c === ' ' || c === '\t') {
      i++;
      continue;
    }
    const l = lexAt(body, i, statementStart, n, true, true, column);
    if (l) {
      push(l);
      if (l.kind === 'op') statementStart = false;
      i += l.length;
      if (skipColon) i = body.indexOf(':', i) + 1;
      continue;
    }
    i++;
  }
}


/** Consecutive pieces' scans as one (region-scan.ts's joinScans before the columns); each piece's text ends with its last line's line end. */
export function referenceJoin(pieces: readonly SourceScan[]): SourceScan {
  const lexemes: Lexeme[] = [];
  const byLine: (readonly Lexeme[])[] = [];
  const alternatives: SourceScan['alternatives'][number][] = [];
  const directives: SourceScan['directives'][number][] = [];
  pieces.forEach((p, i) => {
    for (const l of p.lexemes) lexemes.push(l);
    // A piece ending in a line end has an empty last line, which is the next piece's first.
    const lines = i < pieces.length - 1 && p.byLine.length > 0 && p.byLine[p.byLine.length - 1]!.length === 0 ? p.byLine.length - 1 : p.byLine.length;
    for (let k = 0; k < lines; k++) byLine.push(p.byLine[k]!);
    for (const b of p.alternatives) alternatives.push(b);
    for (const d of p.directives) directives.push(d);
  });
  return { lexemes, byLine, alternatives, directives };
}

/** Scans of some pieces (each moved to its line; region-scan.ts's spreadScans before the columns) as a scan of `lines` lines, the lines of no piece empty. */
export function referenceSpread(lines: number, pieces: readonly SourceScan[]): SourceScan {
  const byLine: Lexeme[][] = Array.from({ length: lines }, () => []);
  const lexemes: Lexeme[] = [];
  const alternatives: SourceScan['alternatives'][number][] = [];
  const directives: SourceScan['directives'][number][] = [];
  for (const p of pieces) {
    for (const l of p.lexemes) {
      lexemes.push(l);
      // scanSource pushes each lexeme to its line's list in this same order.
      if (l.line < lines) byLine[l.line]!.push(l);
    }
    for (const b of p.alternatives) alternatives.push(b);
    for (const d of p.directives) directives.push(d);
  }
  return { lexemes, byLine, alternatives, directives };
}
