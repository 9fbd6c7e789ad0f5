// Owns the tests of GAS's conditional-assembly directives: .if and its comparisons with zero
// (.ifeq .ifne .ifgt .ifge .iflt .ifle), .ifdef/.ifndef/.ifnotdef, .ifb/.ifnb, .ifc/.ifnc and
// .ifeqs/.ifnes. The stack of open conditionals is the reader's (assembler.ts).
import { AsmError, type AsmState } from './state';
import { readString } from './strings';

export const CONDITIONALS: ReadonlySet<string> = new Set([
  '.if', '.ifeq', '.ifne', '.ifgt', '.ifge', '.iflt', '.ifle', '.ifdef', '.ifndef', '.ifnotdef',
  '.ifb', '.ifnb', '.ifc', '.ifnc', '.ifeqs', '.ifnes', '.else', '.elseif', '.endif',
]);

/** Splits `.ifc` operands: two strings, each optionally in single quotes, at the first comma. */
function twoStrings(operands: string): [string, string] {
  const t = operands.trim();
  let first: string;
  let rest: string;
  if (t.startsWith("'")) {
    const end = t.indexOf("'", 1);
    if (end < 0) throw new AsmError('missing closing quote');
    first = t.slice(1, end);
    rest = t.slice(end + 1).trim();
  } else {
    const comma = t.indexOf(',');
    first = (comma < 0 ? t : t.slice(0, comma)).trim();
    rest = comma < 0 ? '' : t.slice(comma);
  }
  if (!rest.startsWith(',')) throw new AsmError('.ifc expects two strings separated by a comma');
  let second = rest.slice(1).trim();
  if (second.startsWith("'") && second.endsWith("'") && second.length >= 2) second = second.slice(1, -1);
  return [first, second];
}

function quoted(text: string): string {
  const t = text.trim();
  if (!t.startsWith('"')) throw new AsmError('expected quoted string');
  return String.fromCharCode(...readString(t, 0).bytes);
}

function defined(isDefined: (name: string) => boolean, operands: string): boolean {
  const name = operands.trim();
  if (!/^[A-Za-z_.$][\w.$]*$/.test(name)) throw new AsmError('invalid identifier for ".ifdef"');
  return isDefined(name);
}

/** What a conditional asks of the assembler's state: an operand's absolute value, whether a symbol is defined. */
export interface ConditionState {
  absolute(text: string): bigint;
  isDefined(name: string): boolean;
}

/** Whether the conditional `op` (not .else/.endif) holds for its operands. */
export function conditionHolds(st: AsmState, op: string, operands: string): boolean {
  return conditionHoldsIn({
    absolute: (text) => st.absolute(text, 'non-constant expression in ".if" statement'),
    isDefined: (name) => {
      const s = st.symbols.find(name);
      return s !== undefined && s.state !== 'undefined';
    },
  }, op, operands);
}

/** conditionHolds against any state (the editor's preview asks it of what it knows). */
export function conditionHoldsIn(st: ConditionState, op: string, operands: string): boolean {
  switch (op) {
    case '.if': case '.ifne': return st.absolute(operands) !== 0n;
    case '.ifeq': return st.absolute(operands) === 0n;
    case '.ifgt': return st.absolute(operands) > 0n;
    case '.ifge': return st.absolute(operands) >= 0n;
    case '.iflt': return st.absolute(operands) < 0n;
    case '.ifle': return st.absolute(operands) <= 0n;
    case '.ifdef': return defined(st.isDefined, operands);
    case '.ifndef': case '.ifnotdef': return !defined(st.isDefined, operands);
    case '.ifb': return operands.trim() === '';
    case '.ifnb': return operands.trim() !== '';
    case '.ifc': { const [a, b] = twoStrings(operands); return a === b; }
    case '.ifnc': { const [a, b] = twoStrings(operands); return a !== b; }
    case '.ifeqs': case '.ifnes': {
      const comma = operands.indexOf('",');
      if (comma < 0) throw new AsmError('expected quoted string');
      const same = quoted(operands.slice(0, comma + 1)) === quoted(operands.slice(comma + 2));
      return op === '.ifeqs' ? same : !same;
    }
    default: throw new AsmError(`unknown conditional ${op}`);
  }
}
