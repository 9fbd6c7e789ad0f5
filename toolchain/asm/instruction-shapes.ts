// Owns the shape of an instruction's operand text (toolchain/asm/instructions.ts keeps
// encodings by shape): the text with each symbol name replaced by a placeholder and each
// decimal number that is a whole operand by its class. A look-up reads the text's words
// once into columns and hashes the key they spell; the key's text is made only when an
// entry is made (and compared, character by character, when a hash matches one).
import { isDigit, isNameChar, isNameStart } from './chars';

/** What a symbol name becomes in a shape's text (followed by its index among the names). */
export const PLACEHOLDER = '__vdso_lab_name_';

/** A shape made for an entry: its text, key, names and number holes. */
export interface Shape {
  /** The text with each name replaced by its placeholder; numbers stay. */
  readonly text: string;
  /** The key: the text with each name replaced by \u0002 (their order numbers them) and each number hole by \u0001 and its class. */
  readonly key: string;
  readonly names: string[] | undefined;
  readonly holes: readonly NumberHole[];
}

/**
 * Number holes. An operand that is a decimal number alone (`$417`, `12(%ebp)`) is encoded
 * by class of value, not by value: the encoder picks the form (imm8 or imm32, disp8 or
 * disp32, `int $3`, a shift by 1, no displacement for 0) from the value's size alone, so two
 * values of one class share a form and differ only in the field that holds the value. The
 * field is found when the entry is made, by encoding the text again with a neighbour value
 * of the same class (instructions.ts): the bytes must differ only there, each holding its
 * value, or the text is not kept by class. Values 0 to 3 are classes of their own (they
 * pick special forms) and leave nothing to write in.
 */
export interface NumberHole {
  /** Where the number is in the shape's text. */
  readonly start: number;
  readonly end: number;
  readonly value: number;
  readonly cls: number;
}

const CLASS_BOUNDS = [0, 1, 2, 3, 127, 255, 32767, 65407, 65535, 0x7fffffff];
/** Classes below this hold one value each. */
const FIRST_RANGE_CLASS = 4;

export function numberClass(value: number): number {
  for (let k = 0; k < CLASS_BOUNDS.length; k++) if (value <= CLASS_BOUNDS[k]!) return k;
  return -1;
}

/** The value of a decimal number at text[i, j) that is a whole operand (`$N`, `N`, `N(...)`), else -1. */
function holeValue(text: string, i: number, j: number): number {
  if (j - i > 10 || (text.charCodeAt(i) === 0x30 && j - i > 1)) return -1;
  let value = 0;
  for (let k = i; k < j; k++) {
    const c = text.charCodeAt(k);
    if (!isDigit(c)) return -1;
    value = value * 10 + (c - 0x30);
  }
  let p = i - 1;
  if (p >= 0 && text.charCodeAt(p) === 0x24) p--;
  while (p >= 0 && (text.charCodeAt(p) === 0x20 || text.charCodeAt(p) === 0x09)) p--;
  if (p >= 0 && text.charCodeAt(p) !== 0x2c) return -1;
  let q = j;
  while (q < text.length && (text.charCodeAt(q) === 0x20 || text.charCodeAt(q) === 0x09)) q++;
  if (q < text.length && text.charCodeAt(q) !== 0x2c && text.charCodeAt(q) !== 0x28) return -1;
  return value;
}

/** The most words a shape holds (a longer text is encoded by its exact text). */
const MAX_WORDS = 64;
/** The words of the text `words` read last: where each is, and its class (-1 for a name) and value. */
const wordStart = new Int32Array(MAX_WORDS);
const wordEnd = new Int32Array(MAX_WORDS);
const wordClass = new Int32Array(MAX_WORDS);
const wordValue = new Float64Array(MAX_WORDS);
const GOT_NAME = '_GLOBAL_OFFSET_TABLE_';

/**
 * Reads the names and number operands of `text` into the word columns: their count, or -1
 * when the text has no shape (a string, a character constant, an @relocation or
 * _GLOBAL_OFFSET_TABLE_, whose encoding depends on the name; or nothing to vary).
 */
export function shapeWords(text: string): number {
  let count = 0;
  let varying = false;
  const n = text.length;
  for (let i = 0; i < n;) {
    const c = text.charCodeAt(i);
    if (c === 0x22 || c === 0x27 || c === 0x40) return -1;
    const name = c !== 0x24 && isNameStart(c);
    if (c !== 0x25 && !isDigit(c) && !name) {
      i++;
      continue;
    }
    let j = i + 1;
    while (j < n && isNameChar(text.charCodeAt(j))) j++;
    if (name && !(j === i + 1 && c === 0x2e)) {
      if (j - i === GOT_NAME.length && text.startsWith(GOT_NAME, i)) return -1;
      if (count === MAX_WORDS) return -1;
      wordStart[count] = i;
      wordEnd[count] = j;
      wordClass[count] = -1;
      count++;
      varying = true;
    } else if (isDigit(c)) {
      const value = holeValue(text, i, j);
      const cls = value < 0 ? -1 : numberClass(value);
      if (cls >= 0) {
        if (count === MAX_WORDS) return -1;
        wordStart[count] = i;
        wordEnd[count] = j;
        wordClass[count] = cls;
        wordValue[count] = value;
        count++;
        if (cls >= FIRST_RANGE_CLASS) varying = true;
      }
    }
    i = j;
  }
  return varying ? count : -1;
}

const mix = (h: number, c: number): number => Math.imul(h ^ c, 0x01000193);

/** The hash (FNV-1a) of the key the words of `text` spell (`shapeWords` read them). */
export function shapeHash(text: string, count: number): number {
  let h = 0x811c9dc5 | 0;
  let last = 0;
  for (let w = 0; w < count; w++) {
    const start = wordStart[w]!;
    for (let k = last; k < start; k++) h = mix(h, text.charCodeAt(k));
    const cls = wordClass[w]!;
    h = cls < 0 ? mix(h, 2) : mix(mix(h, 1), 0x30 + cls);
    last = wordEnd[w]!;
  }
  for (let k = last; k < text.length; k++) h = mix(h, text.charCodeAt(k));
  return h;
}

/** Whether `key` is the key the words of `text` spell (a hash match is a candidate only). */
export function shapeKeyIs(text: string, count: number, key: string): boolean {
  let p = 0;
  let last = 0;
  for (let w = 0; w < count; w++) {
    const start = wordStart[w]!;
    for (let k = last; k < start; k++) if (key.charCodeAt(p++) !== text.charCodeAt(k)) return false;
    const cls = wordClass[w]!;
    if (cls < 0) {
      if (key.charCodeAt(p++) !== 2) return false;
    } else if (key.charCodeAt(p++) !== 1 || key.charCodeAt(p++) !== 0x30 + cls) return false;
    last = wordEnd[w]!;
  }
  for (let k = last; k < text.length; k++) if (key.charCodeAt(p++) !== text.charCodeAt(k)) return false;
  return p === key.length;
}

/** The names among the words of `text`, in order (undefined when there are none). */
export function shapeNames(text: string, count: number): string[] | undefined {
  let names: string[] | undefined;
  for (let w = 0; w < count; w++) {
    if (wordClass[w]! >= 0) continue;
    const name = text.slice(wordStart[w]!, wordEnd[w]!);
    // A literal for the first: an empty array's first push makes room for sixteen.
    if (names === undefined) names = [name];
    else names.push(name);
  }
  return names;
}

/** The last `shapeHoleValues` (one array, written again each time). */
const holeValues = new Float64Array(MAX_WORDS);

/**
 * The values of the number holes among the words, in order (the classes of one value have
 * none): valid until the next call, which writes the same array (read at once, it makes
 * nothing per instruction for the collector).
 */
export function shapeHoleValues(count: number): ArrayLike<number> {
  for (let w = 0, k = 0; w < count; w++) if (wordClass[w]! >= FIRST_RANGE_CLASS) holeValues[k++] = wordValue[w]!;
  return holeValues;
}

/** The whole shape of `text` (for an entry being made), or undefined when it has none. */
export function shapeOf(text: string): Shape | undefined {
  const count = shapeWords(text);
  if (count < 0) return undefined;
  let out = '';
  let key = '';
  let last = 0;
  let names: string[] | undefined;
  const holes: NumberHole[] = [];
  for (let w = 0; w < count; w++) {
    const start = wordStart[w]!;
    const end = wordEnd[w]!;
    const before = text.slice(last, start);
    const cls = wordClass[w]!;
    if (cls < 0) {
      names ??= [];
      out += `${before}${PLACEHOLDER}${names.length}`;
      key += `${before}\u0002`;
      names.push(text.slice(start, end));
    } else {
      out += before;
      key += `${before}\u0001${cls}`;
      if (cls >= FIRST_RANGE_CLASS) holes.push({ start: out.length, end: out.length + (end - start), value: wordValue[w]!, cls });
      out += text.slice(start, end);
    }
    last = end;
  }
  const rest = text.slice(last);
  return { text: out + rest, key: key + rest, names, holes };
}
