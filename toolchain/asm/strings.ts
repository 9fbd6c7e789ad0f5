// Owns GAS string literals in directive operands: splitting a comma-separated operand list
// (respecting strings and parentheses) and decoding "..." with GAS's backslash escapes into
// bytes, as .ascii/.asciz/.string and the macro argument reader need them.
import { isSpace } from './chars';
import { AsmError } from './asm-error';

/** Splits operand text at top-level commas; each part is trimmed and keeps its start offset. */
export function splitOperands(text: string): Array<{ text: string; at: number }> {
  if (isBlankText(text)) return [];
  // Counted first, then made at their size: an empty array's first push makes room for sixteen.
  const parts = new Array<{ text: string; at: number }>(operandParts(text, undefined, undefined));
  operandParts(text, parts, undefined);
  return parts;
}

/** `splitOperands`' parts' texts alone (a directive's operands; no object per part). */
export function operandTexts(text: string): string[] {
  if (isBlankText(text)) return [];
  const texts = new Array<string>(operandParts(text, undefined, undefined));
  operandParts(text, undefined, texts);
  return texts;
}

function isBlankText(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (!isSpace(text.charCodeAt(i))) return false;
  return true;
}

/** Finds the parts of `splitOperands`: their count, each put into `parts` (or its text into `texts`) when one is given. */
function operandParts(text: string, parts: Array<{ text: string; at: number }> | undefined, texts: string[] | undefined): number {
  const n = text.length;
  let count = 0;
  let depth = 0;
  let inString = false;
  let start = 0;
  // By character code (-1 past the end): no one-character strings, and one slice per part.
  for (let i = 0; i <= n; i++) {
    const c = i < n ? text.charCodeAt(i) : -1;
    // A string left open ends its part at the end of the text (its reader reports it).
    if (inString && c !== -1) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
      continue;
    }
    if (c === 0x22) inString = true;
    else if (c === 0x27 && i + 1 < n) {
      // A character constant: 'c or '\c, with an optional closing quote ('0' as well as '0).
      i += text.charCodeAt(i + 1) === 0x5c ? 2 : 1;
      if (text.charCodeAt(i + 1) === 0x27) i++;
    }
    else if (c === 0x28) depth++;
    else if (c === 0x29) depth--;
    else if ((c === 0x2c && depth <= 0) || c === -1) {
      if (parts !== undefined || texts !== undefined) {
        let from = start;
        let to = i;
        while (from < to && isSpace(text.charCodeAt(from))) from++;
        while (to > from && isSpace(text.charCodeAt(to - 1))) to--;
        // The whole text when it is one part already trimmed: no copy.
        const part = from === 0 && to === n ? text : text.slice(from, to);
        if (parts !== undefined) parts[count] = { text: part, at: from };
        else texts![count] = part;
      }
      count++;
      start = i + 1;
    }
  }
  return count;
}

/** Decodes one quoted string starting at `start` (which must be `"`); returns its bytes and the end offset. */
export function readString(text: string, start: number): { bytes: number[]; end: number } {
  if (text[start] !== '"') throw new AsmError('expected string');
  const bytes: number[] = [];
  let i = start + 1;
  while (i < text.length && text[i] !== '"') {
    const c = text[i]!;
    if (c !== '\\') {
      const code = c.charCodeAt(0);
      if (code < 0x80) bytes.push(code);
      else bytes.push(...new TextEncoder().encode(c));
      i++;
      continue;
    }
    const e = text[i + 1];
    i += 2;
    switch (e) {
      case 'n': bytes.push(10); break;
      case 't': bytes.push(9); break;
      case 'b': bytes.push(8); break;
      case 'f': bytes.push(12); break;
      case 'r': bytes.push(13); break;
      case 'v': bytes.push(11); break;
      case 'a': bytes.push(7); break;
      case 'e': bytes.push(27); break;
      case '\\': bytes.push(92); break;
      case '"': bytes.push(34); break;
      case undefined: throw new AsmError('unterminated string');
      case 'x': case 'X': {
        let v = 0;
        let n = 0;
        while (i < text.length && /[0-9a-fA-F]/.test(text[i]!)) {
          v = (v * 16 + parseInt(text[i]!, 16)) & 0xff;
          i++;
          n++;
        }
        bytes.push(n === 0 ? 'x'.charCodeAt(0) : v);
        break;
      }
      default:
        if (/[0-7]/.test(e)) {
          let v = parseInt(e, 8);
          for (let k = 0; k < 2 && i < text.length && /[0-7]/.test(text[i]!); k++) v = v * 8 + parseInt(text[i++]!, 8);
          bytes.push(v & 0xff);
        } else bytes.push(e.charCodeAt(0) & 0xff);
    }
  }
  if (text[i] !== '"') throw new AsmError('unterminated string; newline inserted');
  return { bytes, end: i + 1 };
}

/** Reads a whitespace-separated sequence of strings from one operand (`"a" "b"` concatenates). */
export function readStrings(text: string): number[] {
  // The first string's own bytes are the result (no copy); a further one is appended.
  let out: number[] | undefined;
  let i = 0;
  for (;;) {
    while (i < text.length && isSpace(text.charCodeAt(i))) i++;
    if (i >= text.length) break;
    if (text[i] !== '"') throw new AsmError(`expected string, got '${text.slice(i)}'`);
    const r = readString(text, i);
    if (out === undefined) out = r.bytes;
    else out.push(...r.bytes);
    i = r.end;
  }
  return out ?? [];
}
