// Owns the character classes of GAS source as the assembler reads it by character code
// (no regular expressions and no one-character strings on the hot path): symbol names
// (`[A-Za-z_.$][\w.$]*`), digits, blanks and JavaScript's white space.

/** Space or tab: what separates words on a line. */
export function isBlank(c: number): boolean {
  return c === 0x20 || c === 0x09;
}

/** `[A-Za-z_.$]`: a symbol's first character. */
export function isNameStart(c: number): boolean {
  return (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || c === 0x5f || c === 0x2e || c === 0x24;
}

/** `[0-9]`. */
export function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

/** `[\w.$]`: a symbol's later characters. */
export function isNameChar(c: number): boolean {
  return isNameStart(c) || isDigit(c);
}

/** What `/\s/` matches (JavaScript's white space and line terminators). */
export function isSpace(c: number): boolean {
  if (c <= 0x20) return c === 0x20 || (c >= 0x09 && c <= 0x0d);
  if (c < 0xa0) return false;
  return c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 || c === 0x202f ||
    c === 0x205f || c === 0x3000 || c === 0xfeff;
}
