// Owns cutting a document into the pieces the incremental analysis (region-analysis.ts)
// analyses one by one: a prefix, which holds everything that sets state for what follows
// (#define, #undef, #include, #line, .macro, .include, .set and section switches; a
// balanced .pushsection/.popsection is not one), then regions
// of about REGION_LINES lines, each starting where the lexical state is known to be the
// top level: no open comment or line continuation, no open #if, .macro, .rept, .irp or .if,
// and no .cfi_startproc without its .cfi_endproc. What the cut cannot see (a macro that
// opens a section or a CFI procedure) the analysis checks on the expanded statements.
// In a document GAS reads without cpp (a .s) a `#` starts a comment, never a directive.

/** Lines per region, at least (a region ends at the first top-level line after that). */
export const REGION_LINES = 200;

export interface DocumentSplit {
  /** Lines [0, prefixEnd) are the prefix. */
  readonly prefixEnd: number;
  /** The first line of each region, ascending (the first is prefixEnd); the last runs to the end. */
  readonly starts: readonly number[];
  /** The text offset where each line starts (one more entry: the text's length). */
  readonly lineOffsets: readonly number[];
}

const CPP = /^\s*#\s*([A-Za-z_]\w*)/;
const STATE_CPP = new Set(['define', 'undef', 'include', 'include_next', 'import', 'line']);
const OPEN_CPP = new Set(['if', 'ifdef', 'ifndef']);
/** GAS directives that set state for the rest of the file, or whose meaning depends on where they are. */
const STATE_OP = /^(?:\.(?:macro|endm|purgem|include|incbin|altmacro|noaltmacro|intel_syntax|att_syntax|code16|code16gcc|code32|arch|section|text|data|bss|previous|subsection|org|set|equ|equiv|eqv|comm|lcomm)\b|[A-Za-z_.$][\w.$]*\s*=[^=])/i;
const OPEN_OP = /^\.(?:rept|irpc?|if\w*)\b/i;
const CLOSE_OP = /^\.(?:endr|endif)\b/i;
const LABEL_PREFIX = /^\s*(?:[A-Za-z_.$][\w.$]*|\d+)\s*:(?!:)\s*/;
const END_LINE = /(?:^|[^\w$.])(?:[A-Z_]*END[A-Z_]*\s*\(|\.size\b)/;

/** The text offset of each line's start, and the length at the end. */
export function lineOffsets(text: string): number[] {
  const out = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) out.push(i + 1);
  if (out[out.length - 1] !== text.length) out.push(text.length);
  return out;
}

/**
 * True when text[start, end) has none of . = / # ; and no `proc` (any case) outside its strings,
 * no backslash and no unterminated string: such a line opens or closes nothing, sets no state and
 * continues no line, whatever its statements are (opsOf reads a string as `""`, whatever it holds:
 * an ALTERNATIVE's quoted instructions, `;` and all, need no slicing either).
 */
function setsNoState(text: string, start: number, end: number): boolean {
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22) {
      const close = text.indexOf('"', i + 1);
      if (close < 0 || close >= end) return false;
      for (let k = i + 1; k < close; k++) if (text.charCodeAt(k) === 0x5c) return false;
      i = close;
      continue;
    }
    if (c === 0x2e || c === 0x3d || c === 0x2f || c === 0x23 || c === 0x3b || c === 0x5c) return false;
    if ((c === 0x70 || c === 0x50) && (text.charCodeAt(i + 1) | 0x20) === 0x72 && (text.charCodeAt(i + 2) | 0x20) === 0x6f && (text.charCodeAt(i + 3) | 0x20) === 0x63) return false;
  }
  return true;
}

/** The statements' first words of a line with comments and strings removed (rough, for state tracking). */
function opsOf(line: string, st: { block: boolean }): string[] {
  // Most lines have no comment, string or separator: their one statement is the line.
  if (!st.block && !/[/"#;]/.test(line)) {
    const one = line.replace(LABEL_PREFIX, '').trim();
    return one === '' ? [] : [one];
  }
  let code = '';
  for (let i = 0; i < line.length; i++) {
    if (st.block) {
      const end = line.indexOf('*/', i);
      if (end < 0) break;
      st.block = false;
      i = end + 1;
      continue;
    }
    const c = line[i]!;
    if (c === '/' && line[i + 1] === '*') {
      st.block = true;
      i++;
      continue;
    }
    if (c === '"') {
      const end = line.indexOf('"', i + 1);
      code += '""';
      if (end < 0) break;
      i = end;
      continue;
    }
    if (c === '#' || (c === '/' && line[i + 1] === '/')) break;
    code += c;
  }
  return code.split(';').map((s) => s.replace(LABEL_PREFIX, '').trim()).filter((s) => s !== '');
}

/** The last text cut (a version's preview, its names and its analysis each ask for the same one). */
let lastSplit: { readonly text: string; readonly regionLines: number; readonly cpp: boolean; readonly split: DocumentSplit | undefined } | undefined;

/**
 * Where the document can be cut, or undefined when it must be analysed whole (it uses
 * __COUNTER__, which counts across the file, or has no top-level line after its prefix).
 */
export function splitDocument(text: string, regionLines = REGION_LINES, cpp = true): DocumentSplit | undefined {
  const last = lastSplit !== undefined && lastSplit.regionLines === regionLines && lastSplit.cpp === cpp ? lastSplit : undefined;
  if (last?.text === text) return last.split;
  const split = (last?.split && editedSplit(last.text, last.split, text)) ?? cut(text, regionLines, cpp);
  lastSplit = { text, regionLines, cpp, split };
  return split;
}

/** Characters compared at once when looking for where two texts differ (two slices, compared natively). */
const CHUNK = 4096;

/** How many characters `a` and `b` share at their start. */
function commonStart(a: string, b: string): number {
  const most = Math.min(a.length, b.length);
  let i = 0;
  while (i + CHUNK <= most && a.slice(i, i + CHUNK) === b.slice(i, i + CHUNK)) i += CHUNK;
  while (i < most && a.charCodeAt(i) === b.charCodeAt(i)) i++;
  return i;
}

/** How many characters `a` and `b` share at their end, at most `most`. */
function commonEnd(a: string, b: string, most: number): number {
  let i = 0;
  while (i + CHUNK <= most && a.slice(a.length - i - CHUNK, a.length - i) === b.slice(b.length - i - CHUNK, b.length - i)) i += CHUNK;
  while (i < most && a.charCodeAt(a.length - 1 - i) === b.charCodeAt(b.length - 1 - i)) i++;
  return i;
}

/** Where line `n` of a text with these line offsets ends, without its line end (as the cut reads it). */
function lineEnd(text: string, offsets: readonly number[], n: number): number {
  let end = offsets[n + 1]!;
  if (text.charCodeAt(end - 1) === 0x0a) end--;
  if (text.charCodeAt(end - 1) === 0x0d) end--;
  return end;
}

/**
 * The cut of `text` from the cut of `old` when they differ within one line that sets no state
 * in either (setsNoState, no __COUNTER__) and is a function's end in both or in neither: the
 * cut reads such a line the same way whatever it holds, so the regions are the same lines and
 * only the offsets after it move (an edit while typing in an instruction). Undefined otherwise.
 */
function editedSplit(old: string, split: DocumentSplit, text: string): DocumentSplit | undefined {
  const start = commonStart(old, text);
  const shared = commonEnd(old, text, Math.min(old.length, text.length) - start);
  const oldEnd = old.length - shared;
  const newEnd = text.length - shared;
  // A line end among the changed characters: lines were added, removed or joined.
  const oldBreak = old.indexOf('\n', start);
  const newBreak = text.indexOf('\n', start);
  if ((oldBreak >= 0 && oldBreak < oldEnd) || (newBreak >= 0 && newBreak < newEnd)) return undefined;
  const offsets = split.lineOffsets;
  const count = offsets.length - 1;
  // The line holding the first changed character (the last line starting at or before it).
  let lo = 0;
  let hi = count;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (offsets[mid]! <= start) lo = mid;
    else hi = mid - 1;
  }
  const line = lo;
  if (line >= count) return undefined;
  const delta = text.length - old.length;
  const moved = offsets.slice();
  for (let n = line + 1; n < moved.length; n++) moved[n] = moved[n]! + delta;
  // The edited line as the cut reads it in each text (its end moved by the edit).
  const oldLineEnd = lineEnd(old, offsets, line);
  const newLineEnd = lineEnd(text, moved, line);
  if (!setsNoState(old, offsets[line]!, oldLineEnd) || !setsNoState(text, moved[line]!, newLineEnd)) return undefined;
  const edited = text.slice(moved[line], moved[line + 1]);
  if (edited.includes('__COUNTER__') || END_LINE.test(old.slice(offsets[line], offsets[line + 1])) !== END_LINE.test(edited)) return undefined;
  return { prefixEnd: split.prefixEnd, starts: split.starts, lineOffsets: moved };
}

/** `cpp`: the document goes through cpp first (a .S); else a `#` line is a comment. The cut made from nothing (splitDocument may make it from the last one). */
export function cut(text: string, regionLines: number, cppReads: boolean): DocumentSplit | undefined {
  if (text.includes('__COUNTER__')) return undefined;
  const offsets = lineOffsets(text);
  const count = offsets.length - 1;
  const clean: boolean[] = new Array(count + 1).fill(false);
  const st = { block: false };
  let continued = false;
  let cppDepth = 0;
  let asmDepth = 0;
  let cfiDepth = 0;
  let lastState = -1;
  let blockEnd = -1;
  for (let n = 0; n < count; n++) {
    clean[n] = !st.block && !continued && cppDepth === 0 && asmDepth === 0 && cfiDepth === 0;
    // A line inside a block comment that does not end it: nothing to look at (no slicing either).
    if (st.block) {
      if (blockEnd < offsets[n]) blockEnd = text.indexOf('*/', offsets[n]);
      if (blockEnd < 0 || blockEnd >= offsets[n + 1]! - 1) {
        continued = false;
        continue;
      }
    }
    let end = offsets[n + 1]!;
    if (text.charCodeAt(end - 1) === 0x0a) end--;
    if (text.charCodeAt(end - 1) === 0x0d) end--;
    // Most lines (an instruction, a macro use) set no state: no slicing, no regular expression.
    if (!st.block && setsNoState(text, offsets[n]!, end)) {
      continued = false;
      if (asmDepth > 0 && lastState >= 0 && lastState === n - 1) lastState = n;
      continue;
    }
    const line = text.slice(offsets[n], end);
    const wasBlock = st.block;
    const cpp = cppReads && !wasBlock && !continued && line.includes('#') ? CPP.exec(line) : null;
    continued = line.includes('\\') && /\\\s*$/.test(line);
    if (cpp) {
      const name = cpp[1]!;
      if (STATE_CPP.has(name)) lastState = n;
      else if (OPEN_CPP.has(name)) cppDepth++;
      else if (name === 'endif') cppDepth = Math.max(0, cppDepth - 1);
      // A directive's own comments can open a block comment: follow it.
      opsOf(line.slice(cpp[0].length), st);
      if (continued && STATE_CPP.has(name)) lastState = n + 1;
      continue;
    }
    for (const op of opsOf(line, st)) {
      if (op.charCodeAt(0) === 0x2e) {
        if (/^\.macro\b/i.test(op)) asmDepth++;
        else if (/^\.endm\b/i.test(op)) asmDepth = Math.max(0, asmDepth - 1);
        else if (OPEN_OP.test(op)) asmDepth++;
        else if (CLOSE_OP.test(op)) asmDepth = Math.max(0, asmDepth - 1);
      }
      if ((op.charCodeAt(0) === 0x2e || op.includes('=')) && STATE_OP.test(op)) lastState = n;
      if (/proc/i.test(op)) {
        if (/startproc/i.test(op)) cfiDepth++;
        else if (/endproc/i.test(op)) cfiDepth = Math.max(0, cfiDepth - 1);
      }
    }
    // Inside a .macro body every line is part of the definition: the prefix holds it all.
    if (asmDepth > 0 && lastState >= 0 && lastState === n - 1) lastState = n;
  }
  clean[count] = false;
  // A cut goes after a function's end (END(x), SYM_FUNC_END(x), .size) where there is one
  // within twice the region length, so that no region refers to a label of the one before.
  const afterEnd = (n: number) => n > 0 && END_LINE.test(text.slice(offsets[n - 1], offsets[n]));
  let prefixEnd = -1;
  for (let n = lastState + 1; n < count; n++) {
    if (!clean[n]) continue;
    // Right after the last line that sets state is the natural cut (after `.text`, an #include).
    if (n === lastState + 1 && n > 0) {
      prefixEnd = n;
      break;
    }
    if (prefixEnd < 0) prefixEnd = n;
    if (afterEnd(n)) prefixEnd = n;
    if (afterEnd(n) || n - prefixEnd >= 2 * regionLines) break;
  }
  if (prefixEnd < 0) return undefined;
  const starts = [prefixEnd];
  for (let n = prefixEnd + regionLines; n < count; n++) {
    const since = n - starts[starts.length - 1]!;
    if (!clean[n] || since < regionLines) continue;
    if (!afterEnd(n) && since < 2 * regionLines) continue;
    starts.push(n);
  }
  return { prefixEnd, starts, lineOffsets: offsets };
}
