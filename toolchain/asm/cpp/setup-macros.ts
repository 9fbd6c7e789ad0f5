// Owns the macro table a preprocess of a whole file starts from: cpp's built-in macros, gcc's
// predefined ones, then the -D and -U options, as gcc sets them up (read as #define/#undef
// lines of the pseudo-files <built-in> and <command-line>). The table a set of options gives is
// read once and each later preprocess with the same options starts from copies of it: reading
// ~50 #define lines again in every preprocess of a language server's file ran code that is
// still unoptimized in a process's first analyses (docs/speed-and-exactness.md).

import type { Engine } from './engine';
import type { Macro } from './macro';
import { BUILTINS, PREDEFINED } from './predefined';

const COMMAND_LINE = '<command-line>';
const BUILT_IN = '<built-in>';

/** Reads a pseudo-file of #define/#undef lines into the engine's macro table. */
function runSetup(engine: Engine, name: string, text: string): void {
  engine.pushFile(name, text, -1);
  for (let i = 0; i <= text.length + 1; i++) if (engine.getToken().kind === 'eof') break;
  engine.files.pop();
  engine.skipping = false;
}

/** The <command-line> pseudo-file of the -D and -U options, in gcc's order. */
function commandLine(defines: readonly string[], undefines: readonly string[]): string {
  let text = '';
  for (const d of defines) {
    const eq = d.indexOf('=');
    text += eq < 0 ? `#define ${d} 1\n` : `#define ${d.slice(0, eq)} ${d.slice(eq + 1)}\n`;
  }
  for (const u of undefines) text += `#undef ${u}\n`;
  return text;
}

/** A macro as a new object of the shape parseDefinition gives (a built-in keeps its field). */
function copied(m: Macro): Macro {
  return m.builtin === undefined
    ? { name: m.name, funLike: m.funLike, params: m.params, variadic: m.variadic, body: m.body, loc: m.loc, disabled: 0 }
    : { name: m.name, funLike: m.funLike, params: m.params, variadic: m.variadic, body: m.body, loc: m.loc, builtin: m.builtin, disabled: 0 };
}

/**
 * The tables already read, by options: each entry the macros in the table's order (copies
 * nothing else holds: an engine counts open expansions in its own macros' `disabled`).
 * Bounded: forgotten when full.
 */
const tables = new Map<string, ReadonlyArray<readonly [string, Macro]>>();
const MAX_TABLES = 16;

/**
 * Sets up a new engine's macro table for the options. Only a setup that left nothing but its
 * macros is kept (no message, skipped group, include, `__COUNTER__` or expansion: the -D
 * values are the user's text), so starting from the kept table is the same as reading it.
 */
export function setupMacros(engine: Engine, predefined: boolean, defines: readonly string[], undefines: readonly string[]): void {
  const setup = commandLine(defines, undefines);
  const key = `${predefined ? 1 : 0}${setup}`;
  const kept = tables.get(key);
  if (kept !== undefined) {
    for (let i = 0; i < kept.length; i++) engine.defineMacro(kept[i]![0], copied(kept[i]![1]));
    return;
  }
  for (const b of BUILTINS) engine.defineMacro(b, { name: b, funLike: false, params: [], variadic: false, body: [], loc: { file: BUILT_IN, line: 0, column: 0 }, builtin: b, disabled: 0 });
  if (predefined) runSetup(engine, BUILT_IN, PREDEFINED.map(([n, v]) => `#define ${n} ${v}\n`).join(''));
  if (setup) runSetup(engine, COMMAND_LINE, setup);
  const clean = engine.diagnostics.length === 0 && engine.skipped.length === 0 && engine.included.length === 0 && engine.counter === 0 && engine.expandedTokenCount === 0
    && engine.onceFiles.size === 0 && engine.pendingLine === null && engine.pendingInclude === null && engine.contexts.length === 0 && engine.lookahead.length === 0;
  if (!clean) return;
  if (tables.size >= MAX_TABLES) tables.clear();
  const table: Array<readonly [string, Macro]> = [];
  for (const [name, m] of engine.macros) table.push([name, copied(m)]);
  tables.set(key, table);
}
