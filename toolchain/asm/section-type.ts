// Owns reading the type operand of `.section NAME, "FLAGS", TYPE` as GNU as reads it: `@name`,
// `%name` or `"name"` for the six types it knows by name, a number in C's notation (decimal,
// 0x hex, 0 octal) after `@`/`%` or inside the quotes, and 0 — no type named, the section keeps
// its default — with a warning for a name it does not know.
import { SHT_FINI_ARRAY, SHT_INIT_ARRAY, SHT_NOBITS, SHT_NOTE, SHT_PREINIT_ARRAY, SHT_PROGBITS } from '../elf/sections';
import { isDigit, isNameChar } from './chars';
import { AsmError } from './state';
import { readString } from './strings';

const SECTION_TYPES: ReadonlyMap<string, number> = new Map([
  ['progbits', SHT_PROGBITS], ['nobits', SHT_NOBITS], ['note', SHT_NOTE],
  ['init_array', SHT_INIT_ARRAY], ['fini_array', SHT_FINI_ARRAY], ['preinit_array', SHT_PREINIT_ARRAY],
]);

/** Whether `text` is a type operand at all (else it is the next operand: an entity size, a group). */
export function isSectionTypeOperand(text: string | undefined): text is string {
  return text !== undefined && (text.startsWith('@') || text.startsWith('%') || text.startsWith('"'));
}

/**
 * The section type `text` names (an operand for which isSectionTypeOperand holds); 0 when it
 * names none. `warn` takes GNU as's warnings: an unknown name, characters after a quoted number.
 */
export function sectionType(text: string, warn: (message: string) => void): number {
  if (text.startsWith('"')) {
    const { bytes, end } = readString(text, 0);
    if (text.slice(end).trim() !== '') throw new AsmError(`junk at end of line, first unrecognized character is \`${text.slice(end).trim()[0]}'`);
    const name = String.fromCharCode(...bytes);
    if (isDigit(name.charCodeAt(0))) {
      const n = leadingNumber(name);
      if (n.end !== name.length) warn('extraneous characters at end of numeric section type');
      return n.value;
    }
    return namedType(name, warn);
  }
  const rest = text.slice(1);
  if (isDigit(rest.charCodeAt(0))) {
    const n = leadingNumber(rest);
    junkAfter(rest, n.end);
    return n.value;
  }
  let end = 0;
  while (end < rest.length && isNameChar(rest.charCodeAt(end))) end++;
  junkAfter(rest, end);
  return namedType(rest.slice(0, end), warn);
}

function namedType(name: string, warn: (message: string) => void): number {
  const type = SECTION_TYPES.get(name);
  if (type !== undefined) return type;
  warn('unrecognized section type');
  return 0;
}

function junkAfter(text: string, end: number): void {
  const junk = text.slice(end).trim();
  if (junk !== '') throw new AsmError(`junk at end of line, first unrecognized character is \`${junk[0]}'`);
}

/** C's strtoul with base 0 on the start of `text` (which starts with a digit), kept to 32 bits as GAS stores a type. */
function leadingNumber(text: string): { value: number; end: number } {
  let base = 10;
  let start = 0;
  if (text[0] === '0') {
    if ((text[1] === 'x' || text[1] === 'X') && digitValue(text.charCodeAt(2)) < 16) {
      base = 16;
      start = 2;
    } else base = 8;
  }
  let value = 0n;
  let end = start;
  for (; end < text.length; end++) {
    const d = digitValue(text.charCodeAt(end));
    if (d >= base) break;
    value = value * BigInt(base) + BigInt(d);
  }
  // strtoul saturates at the largest unsigned long (64 bits on the hosts GNU as runs on).
  if (value > 0xffff_ffff_ffff_ffffn) value = 0xffff_ffff_ffff_ffffn;
  return { value: Number(BigInt.asUintN(32, value)), end };
}

function digitValue(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x61 && c <= 0x66) return c - 0x61 + 10;
  if (c >= 0x41 && c <= 0x46) return c - 0x41 + 10;
  return 99;
}
