// Owns the preprocessor's token: its kinds and flags, how it is spelled back, and cpp's rule
// for when two adjacent tokens must be printed with a space between them so that re-reading
// the output cannot paste them into one (gcc's "avoid paste" rule, asm mode: no digraphs).

import type { SourceLocation } from '../module';

export type TokenKind =
  | 'name'
  | 'number'
  | 'char'
  | 'string'
  /** `<...>` in an #include line. */
  | 'header'
  /** A stray character, or an unterminated quote running to the end of the line (asm mode). */
  | 'other'
  | 'punct'
  /** Spacing marker between expansions; `source` decides whether a space is printed. */
  | 'padding'
  /** A macro parameter in a replacement list (`arg` is its index). */
  | 'arg'
  | 'eof';

export const PREV_WHITE = 1;
/** First token of a logical line. */
export const BOL = 2;
/** `#param` in a replacement list. */
export const STRINGIFY = 4;
/** The token is the left operand of `##`. */
export const PASTE_LEFT = 8;
/** A macro name met inside its own expansion: never expanded again ("painted blue"). */
export const NO_EXPAND = 16;

export interface Token {
  readonly kind: TokenKind;
  readonly text: string;
  flags: number;
  readonly loc: SourceLocation;
  /** For padding: the token whose leading white space the next printed token inherits (null: none). */
  readonly source?: Token | null;
  /** For 'arg': the parameter's index. */
  readonly arg?: number;
}

export function copyToken(t: Token, flags: number): Token {
  return { ...t, flags };
}

export function paddingToken(source: Token | null, loc: SourceLocation): Token {
  return { kind: 'padding', text: '', flags: 0, loc, source };
}

/** Operators that form a new operator with a following '=' (==, !=, >=, <=, +=, ... <<=, >>=). */
const PASTES_WITH_EQ = new Set(['=', '!', '>', '<', '+', '-', '*', '/', '%', '&', '|', '^', '>>', '<<']);

/** [A-Za-z0-9_] by character code (NaN, past the end, is none): an identifier's characters. */
export function isIdCode(c: number): boolean {
  return (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || (c >= 0x30 && c <= 0x39) || c === 0x5f;
}

/** Whether every character of `text` may be in an identifier. */
function allNameCharacters(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (!isIdCode(text.charCodeAt(i))) return false;
  return true;
}

/**
 * True when printing `a` directly followed by `b` could be read back as different tokens
 * (cpp prints a space between them then).
 */
export function avoidPaste(a: Token, b: Token): boolean {
  const c = b.kind === 'punct' ? b.text[0]! : '';
  if (a.kind === 'punct' && PASTES_WITH_EQ.has(a.text) && c === '=') return true;
  switch (a.kind) {
    case 'punct':
      switch (a.text) {
        case '>': return c === '>';
        case '<': return c === '<' || c === '%' || c === ':';
        case '+': return c === '+';
        case '-': return c === '-' || c === '>';
        case '/': return c === '/' || c === '*';
        case '%': return c === ':' || c === '%';
        case '&': return c === '&';
        case '|': return c === '|';
        case ':': return c === ':' || c === '>';
        case '->': return c === '*';
        case '.': return c === '.' || c === '%' || b.kind === 'number';
        case '#': return c === '#' || c === '%';
        default: return false;
      }
    case 'name':
      // A number too when the two would read as one name: all of it name characters (9, 0x1,
      // 1e5; not 1.5 or 1e+5), as gcc -E spaces them.
      return b.kind === 'name' || b.kind === 'char' || b.kind === 'string' || (b.kind === 'number' && allNameCharacters(b.text));
    case 'number':
      return b.kind === 'number' || b.kind === 'name' || b.kind === 'char' || c === '.' || c === '+' || c === '-';
    case 'other':
      return a.text[0] === '\\' && b.kind === 'name';
    default:
      return false;
  }
}

/** A string token's text for a value, as `#` and __FILE__ write it. */
export function quoteString(s: string): string {
  return '"' + s.replace(/[\\"]/g, (c) => '\\' + c) + '"';
}
