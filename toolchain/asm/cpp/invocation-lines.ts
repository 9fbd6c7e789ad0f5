// Owns what a line that is one function-like macro invocation and nothing else prints
// (`NAME(ARG)`, ARG one name that is no macro, blanks anywhere between: a kernel .S's
// `ENTRY(x)`, `END(x)`): the line read token by token once per macro and pattern of blanks,
// with a stand-in name for ARG, in an engine of its own holding a copy of the macro table;
// the text printed then, with ARG put back, is what every such line prints, while no macro is
// defined or removed. Only macros whose expansion is plain substitution qualify: none reached
// from NAME's replacement list (through the names in it) is built in (__LINE__, __COUNTER__
// ...) or has `#` or `##`, and the expansion does not end with the name of a function-like
// macro (whose arguments could start on the next line). docs/speed-and-exactness.md.

import type { Macro } from './macro';
import { Engine } from './engine';
import { Printer } from './printer';
import { PASTE_LEFT, STRINGIFY } from './token';
import { BLANK_BEFORE_ARG, BLANK_BEFORE_CLOSE, BLANK_BEFORE_NAME, BLANK_BEFORE_PAREN } from './lexer';

/** What every invocation line of one macro and pattern of blanks prints. */
export interface InvocationTemplate {
  /** The printed line (no line end) in the pieces between the places of the argument. */
  readonly pieces: readonly string[];
  /** The output column (1-based) of its one span, which is at the invocation. */
  readonly spanColumn: number;
  /** The tokens its expansions push (Engine's bound on expanded tokens counts them). */
  readonly tokens: number;
}

/** The argument's stand-in: a name that must be no macro and appear in no replacement list reached. */
const STAND_IN = 'vdso_lab_invocation_argument';


export class InvocationTemplates {
  /** By macro, by pattern of blanks (null: such lines are read token by token). */
  private readonly made = new Map<Macro, Array<InvocationTemplate | null | undefined>>();

  /** Forgets every template: a macro was defined or removed, and any expansion may have changed. */
  clear(): void {
    if (this.made.size > 0) this.made.clear();
  }

  /** The template of `macro` (a function-like macro of `macros`) for lines with the blanks `blanks`; null when such lines are read token by token. */
  of(macro: Macro, blanks: number, macros: ReadonlyMap<string, Macro>): InvocationTemplate | null {
    let list = this.made.get(macro);
    if (list === undefined) this.made.set(macro, (list = new Array<InvocationTemplate | null | undefined>(16).fill(undefined)));
    let t = list[blanks];
    if (t === undefined) list[blanks] = t = plainSubstitution(macro, macros) ? template(macro, blanks, macros) : null;
    return t;
  }
}

/** Whether expanding `macro` with one plain argument is substitution alone (see the header). */
function plainSubstitution(macro: Macro, macros: ReadonlyMap<string, Macro>): boolean {
  if (!macro.funLike || macro.variadic || macro.params.length !== 1 || macros.has(STAND_IN)) return false;
  const seen = new Set<Macro>([macro]);
  const todo: Macro[] = [macro];
  while (todo.length > 0) {
    const m = todo.pop()!;
    if (m.builtin !== undefined) return false;
    for (const t of m.body) {
      if (t.flags & (PASTE_LEFT | STRINGIFY)) return false;
      if (t.kind !== 'name') continue;
      if (t.text === STAND_IN) return false;
      const named = macros.get(t.text);
      if (named !== undefined && !seen.has(named)) {
        seen.add(named);
        todo.push(named);
      }
    }
  }
  return true;
}

/** The line `NAME(STAND_IN)` with the blanks `blanks` read token by token, as preprocess reads a line; null if it is not plain substitution after all. */
function template(macro: Macro, blanks: number, macros: ReadonlyMap<string, Macro>): InvocationTemplate | null {
  const line = `${blanks & BLANK_BEFORE_NAME ? ' ' : ''}${macro.name}${blanks & BLANK_BEFORE_PAREN ? ' ' : ''}(${blanks & BLANK_BEFORE_ARG ? ' ' : ''}${STAND_IN}${blanks & BLANK_BEFORE_CLOSE ? ' ' : ''})\n`;
  const engine = new Engine(() => undefined, []);
  // Copies: the engine's expansions count on their macros as it reads.
  for (const [name, m] of macros) engine.defineMacro(name, { ...m, disabled: 0 });
  engine.pushFile('', line, -1);
  const printer = new Printer(line.length);
  engine.lineListener = printer;
  for (;;) {
    const t = engine.getToken();
    if (t.kind === 'eof') break;
    printer.token(t, engine.inExpansion ? engine.invocationLoc : t.loc);
  }
  const text = printer.finish();
  if (engine.diagnostics.length > 0 || printer.spans.length !== 1 || !text.endsWith('\n') || text.indexOf('\n') !== text.length - 1) return null;
  const spans = printer.spans.line(0);
  if (spans.length !== 1 || spans[0]!.location.line !== 1 || spans[0]!.location.column !== (blanks & BLANK_BEFORE_NAME ? 2 : 1)) return null;
  const printed = text.slice(0, -1);
  // An expansion ending with a function-like macro's name reads on into the next line for its `(`.
  const last = /[A-Za-z_]\w*$/.exec(printed);
  if (last !== null && macros.get(last[0])?.funLike === true) return null;
  return { pieces: printed.split(STAND_IN), spanColumn: spans[0]!.column, tokens: engine.expandedTokenCount };
}
