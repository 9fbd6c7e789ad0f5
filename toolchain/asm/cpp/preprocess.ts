// Owns the preprocessor's entry point: `preprocess` runs cpp as `gcc -E -x assembler-with-cpp`
// does on one .S file (host file access injected, so an editor can pass unsaved text) and
// returns the text, where each output line came from, and every diagnostic (processing goes
// on after errors, so a language server gets them all).

import { InputError } from '../../errors';
import type { Diagnostic, SourceLocation } from '../module';
import { Engine, type SkippedGroup } from './engine';
import type { Macro } from './macro';
import { Printer } from './printer';
import { InvocationTemplates } from './invocation-lines';
import { PrintedLines } from './printed-lines';
import { setupMacros } from './setup-macros';
import type { OutputSpans } from './spans';

export type { OutputSpan, OutputSpans } from './spans';
export type { SkippedGroup } from './engine';

export interface PreprocessOptions {
  /** The file's path as the user named it (it appears in locations and __FILE__). */
  readonly file: string;
  /** The file's text; read with readFile when absent. */
  readonly text?: string;
  /** -I directories, searched in order (after the including file's folder for "..."). */
  readonly includeDirs?: readonly string[];
  /** -D arguments: "NAME", "NAME=VALUE", "NAME(a,b)=BODY" (applied before undefines). */
  readonly defines?: readonly string[];
  /** -U arguments: macro names. */
  readonly undefines?: readonly string[];
  /**
   * -include arguments: files read before the file's first line, in order, as if it began
   * with `#include "FILE"` for each (gcc's order; the kernel's compile commands force
   * linux/kconfig.h, which brings every CONFIG_ option). Ignored with `macros` (a piece).
   */
  readonly includes?: readonly string[];
  /**
   * -imacros arguments: files read before the -include ones, in order, whose output is thrown
   * away and whose macros stay defined (gcc's order). Ignored with `macros` (a piece).
   */
  readonly imacros?: readonly string[];
  /** A file's text, or undefined when it does not exist. */
  readonly readFile: (path: string) => string | undefined;
  /** Defines gcc's predefined macros (default true). */
  readonly predefined?: boolean;
  /** The time __DATE__ and __TIME__ give (default: now). */
  readonly now?: Date;
  /**
   * The macro table to start from instead of the built-in, predefined and command-line ones
   * (`macros` of an earlier result): a language server preprocesses a piece of a file with
   * the table in force where the piece starts. The table given is copied, never changed.
   */
  readonly macros?: ReadonlyMap<string, Macro>;
}

export interface PreprocessResult {
  /** The preprocessed text: one line per source line that had tokens, '\n' after each. */
  readonly text: string;
  /** For each output line (0-based index), the place it came from. */
  readonly lines: readonly SourceLocation[];
  /** For each output line, where its pieces came from (tokens of a macro use map to the use). */
  readonly spans: OutputSpans;
  readonly diagnostics: readonly Diagnostic[];
  /** The macros defined at the end of the file (gcc's predefined ones included), by name. */
  readonly macros: ReadonlyMap<string, Macro>;
  /** Every file an #include read, the name its directive spelled, and where the directive is. */
  readonly included: ReadonlyArray<{ readonly path: string; readonly name: string; readonly location: SourceLocation }>;
  /** The groups conditionals skipped, in every file read. */
  readonly skipped: readonly SkippedGroup[];
}

const COMMAND_LINE = '<command-line>';

/** `#include` lines for command-line files, named as gcc names them (./FILE when relative: it looks in the directory it runs in first). */
function forcedIncludes(files: readonly string[]): string {
  return files
    .filter((f) => !/["\n]/.test(f))
    .map((f) => `#include "${f.startsWith('/') || f.startsWith('./') || f.startsWith('../') ? f : `./${f}`}"\n`)
    .join('');
}

/** Reads the -imacros files for their macros only: every token they give is dropped. */
function readMacroFiles(engine: Engine, files: readonly string[]): void {
  const text = forcedIncludes(files);
  if (!text) return;
  engine.pushFile(COMMAND_LINE, text, -1);
  while (engine.getToken().kind !== 'eof');
  while (engine.files.length > 0) engine.files.pop();
  engine.skipping = false;
}

export function preprocess(options: PreprocessOptions): PreprocessResult {
  const includeDirs = (options.includeDirs ?? []).map((d) => (d.length > 1 ? d.replace(/\/+$/, '') : d));
  const engine = new Engine(options.readFile, includeDirs);
  engine.now = options.now ?? new Date();
  engine.baseFile = options.file;
  if (options.macros) {
    // Copies: an expansion left open at the end of a piece must not disable a macro for the next.
    for (const [name, m] of options.macros) engine.defineMacro(name, { ...m, disabled: 0 });
  } else {
    setupMacros(engine, options.predefined !== false, options.defines ?? [], options.undefines ?? []);
    readMacroFiles(engine, options.imacros ?? []);
  }

  const text = options.text ?? options.readFile(options.file);
  const printer = new Printer(text?.length ?? 0);
  if (text === undefined) {
    engine.report({ file: options.file, line: 1, column: 1 }, 'error', `${options.file}: No such file or directory`);
  } else {
    engine.pushFile(options.file, text, -1);
    const forced = options.macros ? '' : forcedIncludes(options.includes ?? []);
    if (forced) engine.pushFile(COMMAND_LINE, forced, -1);
    engine.lineListener = printer;
    engine.templates = new InvocationTemplates();
    engine.printedLines = printer.printedLines = new PrintedLines();
    for (;;) {
      const plain = engine.plainLine();
      if (plain !== undefined) {
        printer.plainLine(plain);
        continue;
      }
      const invocation = engine.invocationLine();
      if (invocation !== undefined) {
        printer.invocationLine(invocation);
        continue;
      }
      const t = engine.getToken();
      if (t.kind === 'eof') break;
      printer.token(t, engine.inExpansion ? engine.invocationLoc : t.loc);
    }
    while (engine.files.length > 0) engine.files.length === 1 ? popMain(engine) : engine.files.pop();
  }
  const places = printer.places;
  return {
    text: printer.finish(),
    // Made when first read (line-places.ts): an own property, so that comparisons see it.
    get lines() {
      return places.list();
    },
    spans: printer.spans,
    diagnostics: engine.diagnostics.map((d) => ({ severity: d.severity, location: d.location, message: d.message })),
    macros: engine.macros,
    included: engine.included,
    skipped: engine.skipped,
  };
}

/** Reports the main file's unterminated conditionals and closes it. */
function popMain(engine: Engine): void {
  const f = engine.files.pop()!;
  for (let i = f.conds.length - 1; i >= 0; i--) {
    engine.diagnostics.push({ severity: 'error', location: f.conds[i]!.loc, message: `unterminated #${f.conds[i]!.type}` });
  }
}

/** A diagnostic as gcc prints it: "file:line:column: error: message". */
export function formatDiagnostic(d: Diagnostic): string {
  return `${d.location.file}:${d.location.line}:${d.location.column}: ${d.severity}: ${d.message}`;
}

/** The first error as an InputError (for the CLI), or undefined when there is none. */
export function firstError(result: PreprocessResult): InputError | undefined {
  const d = result.diagnostics.find((x) => x.severity === 'error');
  return d && new InputError(d.location.file, `line ${d.location.line}:${d.location.column}`, d.message);
}
