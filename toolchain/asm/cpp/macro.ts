// Owns a macro definition: parsing the rest of a #define line (parameters, the replacement
// list with `#` and `##` marked on its tokens, asm mode's leniency for `#` not followed by a
// parameter) and deciding whether a redefinition differs from the old one (cpp's rule).

import type { SourceLocation } from '../module';
import { PASTE_LEFT, PREV_WHITE, STRINGIFY, copyToken, type Token } from './token';

export type BuiltinMacro = '__FILE__' | '__LINE__' | '__COUNTER__' | '__INCLUDE_LEVEL__' | '__BASE_FILE__' | '__DATE__' | '__TIME__';

export interface Macro {
  readonly name: string;
  readonly funLike: boolean;
  readonly params: readonly string[];
  /** The last parameter takes the variable arguments (`...` or `name...`). */
  readonly variadic: boolean;
  readonly body: readonly Token[];
  readonly loc: SourceLocation;
  readonly builtin?: BuiltinMacro;
  /** Number of expansions of this macro currently open (non-zero: it is not expanded again). */
  disabled: number;
}

export type DefineReport = (loc: SourceLocation, severity: 'error' | 'warning', message: string) => void;

function spell(t: Token): string {
  return t.kind === 'eof' ? 'end of line' : t.text;
}

/**
 * Parses a definition from the tokens after the macro name (`next` returns them, an 'eof'
 * at the end of the line). Returns null after reporting an error.
 */
export function parseDefinition(name: Token, next: () => Token, report: DefineReport): Macro | null {
  let t = next();
  const params: string[] = [];
  let variadic = false;
  let funLike = false;
  if (t.kind === 'punct' && t.text === '(' && !(t.flags & PREV_WHITE)) {
    funLike = true;
    let prevWasName = false;
    for (;;) {
      t = next();
      if (t.kind === 'name' && !prevWasName) {
        if (t.text === '__VA_ARGS__') report(t.loc, 'warning', '__VA_ARGS__ can only appear in the expansion of a C99 variadic macro');
        if (params.includes(t.text)) {
          report(t.loc, 'error', `duplicate macro parameter "${t.text}"`);
          return null;
        }
        params.push(t.text);
        prevWasName = true;
        continue;
      }
      if (t.kind === 'punct' && t.text === ')' && (prevWasName || params.length === 0)) break;
      if (t.kind === 'punct' && t.text === ',' && prevWasName) {
        prevWasName = false;
        continue;
      }
      if (t.kind === 'punct' && t.text === '...') {
        variadic = true;
        if (!prevWasName) params.push('__VA_ARGS__');
        t = next();
        if (t.kind === 'punct' && t.text === ')') break;
        report(t.loc, 'error', t.kind === 'eof' ? `expected ')' before end of line` : `expected ')' after "..."`);
        return null;
      }
      if (t.kind === 'eof') {
        report(t.loc, 'error', prevWasName ? `expected ')' before end of line` : 'expected parameter name before end of line');
        return null;
      }
      report(t.loc, 'error', prevWasName ? `expected ',' or ')', found "${spell(t)}"` : `expected parameter name, found "${spell(t)}"`);
      return null;
    }
    t = next();
  } else if (t.kind !== 'eof' && !(t.flags & PREV_WHITE)) {
    report(name.loc, 'warning', 'missing whitespace after the macro name');
  }

  const body: Token[] = [];
  for (; t.kind !== 'eof'; t = next()) {
    if (t.kind === 'name' && funLike && params.includes(t.text)) {
      body.push({ kind: 'arg', text: t.text, flags: t.flags, loc: t.loc, arg: params.indexOf(t.text) });
      continue;
    }
    if (t.kind === 'name' && t.text === '__VA_ARGS__' && !(variadic && params[params.length - 1] === '__VA_ARGS__')) {
      report(t.loc, 'warning', '__VA_ARGS__ can only appear in the expansion of a C99 variadic macro');
    }
    if (funLike && t.kind === 'punct' && t.text === '#') {
      const p = next();
      if (p.kind === 'name' && params.includes(p.text)) {
        body.push({ kind: 'arg', text: p.text, flags: (t.flags & PREV_WHITE) | STRINGIFY, loc: p.loc, arg: params.indexOf(p.text) });
        continue;
      }
      // asm mode: a `#` not followed by a parameter stays as it is (an assembler comment).
      body.push(t);
      t = p;
      if (t.kind === 'eof') break;
    }
    if (t.kind === 'punct' && t.text === '##') {
      if (body.length === 0) {
        report(name.loc, 'error', "'##' cannot appear at either end of a macro expansion");
        return null;
      }
      const prev = body[body.length - 1]!;
      body[body.length - 1] = copyToken(prev, prev.flags | PASTE_LEFT);
      const after = next();
      if (after.kind === 'eof') {
        report(name.loc, 'error', "'##' cannot appear at either end of a macro expansion");
        return null;
      }
      t = after;
      // the operand after ## is handled by the loop body below
      if (t.kind === 'name' && funLike && params.includes(t.text)) {
        body.push({ kind: 'arg', text: t.text, flags: t.flags, loc: t.loc, arg: params.indexOf(t.text) });
        continue;
      }
      if (t.kind === 'punct' && t.text === '##') {
        report(name.loc, 'error', "'##' cannot appear at either end of a macro expansion");
        return null;
      }
    }
    body.push(t);
  }
  if (body.length > 0) body[0] = copyToken(body[0]!, body[0]!.flags & ~PREV_WHITE);
  return { name: name.text, funLike, params, variadic, body, loc: name.loc, disabled: 0 };
}

/** True when two definitions of one name are the same (no "redefined" warning). */
export function sameDefinition(a: Macro, b: Macro): boolean {
  if (a.funLike !== b.funLike || a.variadic !== b.variadic || a.params.join(',') !== b.params.join(',')) return false;
  if (a.body.length !== b.body.length) return false;
  const mask = PREV_WHITE | STRINGIFY | PASTE_LEFT;
  return a.body.every((t, i) => {
    const u = b.body[i]!;
    return t.kind === u.kind && t.text === u.text && (t.flags & mask) === (u.flags & mask);
  });
}
