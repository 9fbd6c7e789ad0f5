// Owns GAS string literals in directive operands: splitting a comma-separated operand list
// (respecting strings and parentheses) and decoding "..." with GAS's backslash escapes into
// bytes, as .ascii/.asciz/.string and the macro argument reader need them.

/** Splits operand text at top-level commas; each part is trimmed and keeps its start offset. */
export function splitOperands(text: string): Array<{ text: string; at: number }> {
  const parts: Array<{ text: string; at: number }> = [];
  if (text.trim() === '') return parts;
  let depth = 0;
  let inString = false;
  let start = 0;
  for (let i = 0; i <= text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
      continue;
    }
    if (c === '"') inString = true;
    else if (c === "'" && i + 1 < text.length) {
      // A character constant: 'c or '\c, with an optional closing quote ('0' as well as '0).
      i += text[i + 1] === '\\' ? 2 : 1;
      if (text[i + 1] === "'") i++;
    }
    else if (c === '(') depth++;
    else if (c === ')') depth--;
    else if ((c === ',' && depth <= 0) || c === undefined) {
      const raw = text.slice(start, i);
      const lead = raw.length - raw.trimStart().length;
      parts.push({ text: raw.trim(), at: start + lead });
      start = i + 1;
    }
  }
  return parts;
}

export class StringSyntaxError extends Error {
  override readonly name = 'StringSyntaxError';
}

/** Decodes one quoted string starting at `start` (which must be `"`); returns its bytes and the end offset. */
export function readString(text: string, start: number): { bytes: number[]; end: number } {
  if (text[start] !== '"') throw new StringSyntaxError('expected string');
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
      case undefined: throw new StringSyntaxError('unterminated string');
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
  if (text[i] !== '"') throw new StringSyntaxError('unterminated string; newline inserted');
  return { bytes, end: i + 1 };
}

/** Reads a whitespace-separated sequence of strings from one operand (`"a" "b"` concatenates). */
export function readStrings(text: string): number[] {
  const out: number[] = [];
  let i = 0;
  for (;;) {
    while (i < text.length && /\s/.test(text[i]!)) i++;
    if (i >= text.length) break;
    if (text[i] !== '"') throw new StringSyntaxError(`expected string, got '${text.slice(i)}'`);
    const r = readString(text, i);
    out.push(...r.bytes);
    i = r.end;
  }
  return out;
}
