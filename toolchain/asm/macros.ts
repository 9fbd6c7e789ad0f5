// Owns GAS macros as text: parsing a .macro line's parameters (named, =default, :req,
// :vararg), splitting an invocation's arguments the way GAS does (commas or blanks, quotes
// stripped, blanks dropped and character constants made numbers as GAS's scrubber does), and
// substituting \param, \() and \@ into the body. Also .irp/.irpc argument lists.
import type { Statement } from './statements';
import { isNameChar, isNameStart } from './chars';
import { characterConstant } from './expr';

export interface MacroParam {
  readonly name: string;
  readonly defaultValue: string;
  readonly required: boolean;
  readonly vararg: boolean;
}

export interface MacroDefinition {
  readonly name: string;
  readonly params: readonly MacroParam[];
  /** The body's statements as text, one per line. */
  readonly body: readonly string[];
  /** Built-in (prelude) macros may be replaced by the file's own definition. */
  readonly builtin: boolean;
}

export class MacroError extends Error {
  override readonly name = 'MacroError';
}

/**
 * The characters GAS's scrubber takes as parts of symbols: names and numbers, and i386's extra
 * ones (`*%-([{}`), and the backslash of a macro parameter.
 */
function isScrubSymbolChar(c: string | undefined): boolean {
  if (c === undefined) return false;
  const k = c.charCodeAt(0);
  return (k >= 0x30 && k <= 0x39) || (k >= 0x41 && k <= 0x5a) || (k >= 0x61 && k <= 0x7a) || '_.$*%-([{}\\'.includes(c);
}

/**
 * What GAS's scrubber makes of a statement's operands before anything reads them: a run of
 * blanks becomes one blank between two symbol characters (isScrubSymbolChar) and nothing
 * elsewhere, so `4 + 5` reads as `4+5` while `4 - 5` stays three words and `(4) - 5` reads
 * `(4)- 5`; a character constant `'c` becomes its number; strings are kept as written.
 */
export function scrubBlanks(text: string): string {
  // Runs of characters kept as written are copied as slices, and the last character written is
  // remembered rather than read back: a character at a time, a macro argument of megabytes made
  // the collector's work of millions of one-character strings.
  let out = '';
  let last: string | undefined;
  let from = 0;
  let inString = false;
  const copyTo = (end: number): void => {
    if (end > from) {
      out += text.slice(from, end);
      last = text[end - 1];
    }
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (inString) {
      if (c === '\\' && i + 1 < text.length) i++;
      else if (c === '"') inString = false;
      continue;
    }
    if (c === '"') {
      inString = true;
      continue;
    }
    if (c === "'") {
      const k = characterConstant(text, i);
      if (k !== undefined) {
        copyTo(i);
        const value = String(k.value);
        out += value;
        last = value[value.length - 1];
        i = k.end - 1;
        from = k.end;
        continue;
      }
    }
    if (c === ' ' || c === '\t') {
      let j = i;
      while (j < text.length && (text[j] === ' ' || text[j] === '\t')) j++;
      copyTo(i);
      if (isScrubSymbolChar(last) && isScrubSymbolChar(text[j])) {
        out += ' ';
        last = ' ';
      }
      i = j - 1;
      from = j;
    }
  }
  copyTo(text.length);
  return out;
}

/** Reads one argument from scrubbed text at `i`: a quoted string (quotes removed) or a run up to a blank or comma outside parentheses. */
function readArgument(text: string, i: number): { value: string; end: number } {
  if (text[i] === '"') {
    let value = '';
    let j = i + 1;
    while (j < text.length && text[j] !== '"') {
      if (text[j] === '\\' && j + 1 < text.length) {
        value += text[j]! + text[j + 1]!;
        j += 2;
      } else value += text[j++]!;
    }
    return { value, end: Math.min(j + 1, text.length) };
  }
  let depth = 0;
  let j = i;
  let inString = false;
  while (j < text.length) {
    const c = text[j]!;
    if (inString) {
      if (c === '\\') j++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (depth <= 0 && (c === ',' || c === ' ')) break;
    j++;
  }
  return { value: text.slice(i, j), end: j };
}

/**
 * Splits an argument list as GAS reads it after its scrubber (scrubBlanks); `rest` gives the
 * text from each argument's start (for :vararg). GAS scrubs a macro's expansion as it reads it,
 * so an argument given as `"1 + 2"` is one word again where the body passes it on.
 */
export function splitArguments(text: string): Array<{ value: string; rest: string }> {
  const s = scrubBlanks(text.trim());
  const out: Array<{ value: string; rest: string }> = [];
  let i = 0;
  let expectArg = true;
  while (i < s.length) {
    if (s[i] === ' ') {
      i++;
      continue;
    }
    if (s[i] === ',') {
      if (expectArg) out.push({ value: '', rest: s.slice(i) });
      expectArg = true;
      i++;
      continue;
    }
    const a = readArgument(s, i);
    out.push({ value: a.value, rest: s.slice(i) });
    i = a.end;
    expectArg = false;
  }
  if (expectArg && out.length > 0) out.push({ value: '', rest: '' });
  return out;
}

/** Parses the operands of `.macro NAME params...`. */
export function parseMacroHeader(operands: string, builtin: boolean, body: readonly string[]): MacroDefinition {
  const s = scrubBlanks(operands.trim());
  const nameMatch = /^[A-Za-z_.$][\w.$]*/.exec(s);
  if (!nameMatch) throw new MacroError('expected macro name');
  const name = nameMatch[0];
  const params: MacroParam[] = [];
  let rest = s.slice(name.length).replace(/^\s*,?\s*/, '');
  for (let guard = 0; rest.length > 0 && guard < 1000; guard++) {
    const m = /^([A-Za-z_.$][\w.$]*)(:req|:vararg)?/.exec(rest);
    if (!m) throw new MacroError(`bad macro parameter list: '${rest}'`);
    rest = rest.slice(m[0].length);
    let defaultValue = '';
    if (rest.startsWith('=')) {
      const a = readArgument(rest, 1);
      defaultValue = a.value;
      rest = rest.slice(a.end);
    }
    const qualifier = /^(:req|:vararg)/.exec(rest);
    const q = m[2] ?? qualifier?.[0];
    if (qualifier) rest = rest.slice(qualifier[0].length);
    if (params.some((p) => p.name === m[1])) throw new MacroError(`duplicate parameter name '${m[1]}' in macro '${name}'`);
    params.push({ name: m[1]!, defaultValue, required: q === ':req', vararg: q === ':vararg' });
    rest = rest.replace(/^\s*,?\s*/, '');
  }
  return { name, params, body, builtin };
}

/** The characters that end the search for a keyword argument's `=`: the first of them decides. */
const KEYWORD_END = /[= \t,";()<>]/;

/**
 * The parameter an argument names when it is `name=value`: GAS takes one whose `=` comes before
 * any blank, comma, quote, semicolon, parenthesis, < or >, and then wants a name right before it.
 */
function keywordOf(text: string): string | undefined {
  const end = KEYWORD_END.exec(text);
  if (end === null || end[0] !== '=') return undefined;
  const name = /^[A-Za-z_.$][\w.$]*/.exec(text)?.[0] ?? '';
  if (name.length !== end.index) throw new MacroError('confusion in formal parameters');
  return name;
}

/** Binds invocation arguments to parameters. */
export function bindArguments(def: MacroDefinition, operands: string): Map<string, string> {
  const args = splitArguments(operands);
  const values = new Map<string, string>();
  let position = 0;
  for (let k = 0; k < args.length; k++) {
    const a = args[k]!;
    const keyword = keywordOf(a.rest);
    if (keyword !== undefined) {
      if (!def.params.some((p) => p.name === keyword)) throw new MacroError(`Parameter named \`${keyword}' does not exist for macro \`${def.name}'`);
      values.set(keyword, a.value.slice(keyword.length + 1).replace(/^"(.*)"$/s, '$1'));
      continue;
    }
    const p = def.params[position];
    if (!p) throw new MacroError(`too many positional arguments`);
    position++;
    if (p.vararg) {
      values.set(p.name, a.rest.replace(/^\s+|\s+$/g, ''));
      break;
    }
    values.set(p.name, a.value);
  }
  for (const p of def.params) {
    const v = values.get(p.name);
    if (v === undefined || (v === '' && p.defaultValue !== '')) {
      if (p.required && (v === undefined || v === '')) {
        throw new MacroError(`Missing value for required parameter \`${p.name}' of macro \`${def.name}'`);
      }
      values.set(p.name, p.defaultValue);
    }
  }
  return values;
}

/** Substitutes \param, \() and (when counter is given) \@ in one body line. */
export function substitute(line: string, values: ReadonlyMap<string, string>, counter: number | undefined): string {
  // The text between backslashes is copied in slices, not a character at a time.
  let out = '';
  let from = 0;
  for (let i = line.indexOf('\\'); i >= 0 && i < line.length; i = line.indexOf('\\', i + 1)) {
    out += line.slice(from, i);
    const next = line.charCodeAt(i + 1);
    if (next === 0x28 && line.charCodeAt(i + 2) === 0x29) {
      i += 2;
    } else if (next === 0x40 && counter !== undefined) {
      out += String(counter);
      i++;
    } else {
      let j = i + 1;
      if (isNameStart(next)) {
        j++;
        while (j < line.length && isNameChar(line.charCodeAt(j))) j++;
      }
      const name = j > i + 1 ? line.slice(i + 1, j) : '';
      if (name !== '' && values.has(name)) {
        out += values.get(name)!;
        i = j - 1;
      } else {
        out += i + 1 < line.length ? line.slice(i, i + 2) : '\\';
        i++;
      }
    }
    from = i + 1;
  }
  return from === 0 ? line : out + line.slice(Math.min(from, line.length));
}

/** The text of one statement (labels, op, operands) rebuilt from its columns. */
export function statementText(s: Statement): string {
  const base = s.labels.length > 0 ? Math.min(s.labels[0]!.column, s.opColumn) : s.opColumn;
  let out = '';
  const put = (col: number, text: string) => {
    const at = col - base;
    if (out.length < at) out += ' '.repeat(at - out.length);
    else if (out.length > at && out.length > 0) out += ' ';
    out += text;
  };
  for (const l of s.labels) put(l.column, `${l.name}:`);
  if (s.op) put(s.opColumn, s.op);
  if (s.operands) put(s.operandsColumn, s.operands);
  return out;
}
