// Owns what the language server derives from a GAS source's statements: the outline
// (labels, with functions marked by `.type NAME,@function`), folding ranges for paired
// directives, and the errors GNU as gives for unpaired CFI and macro directives.
import { statements, type Statement } from '../toolchain/asm/statements';

export interface OutlineSymbol {
  readonly name: string;
  readonly line: number;
  readonly column: number;
  readonly isFunction: boolean;
  readonly isGlobal: boolean;
}

export interface Fold {
  readonly startLine: number;
  readonly endLine: number;
}

export type Severity = 'error' | 'warning';

export interface SourceProblem {
  readonly severity: Severity;
  readonly line: number;
  readonly column: number;
  readonly endColumn: number;
  readonly message: string;
}

export interface Outline {
  readonly symbols: readonly OutlineSymbol[];
  readonly folds: readonly Fold[];
  readonly problems: readonly SourceProblem[];
}

/**
 * Directive pairs that fold, with GNU as's messages (binutils 2.40) for an unpaired end
 * and for a start still open at the end of the file.
 */
const PAIRS: ReadonlyArray<{
  open: RegExp;
  close: RegExp;
  stray: { message: string; severity: Severity };
  unclosed: (s: Statement) => string;
}> = [
  {
    open: /^(\.cfi_startproc|CFI_STARTPROC)$/,
    close: /^(\.cfi_endproc|CFI_ENDPROC)$/,
    stray: { message: '.cfi_endproc without corresponding .cfi_startproc', severity: 'error' },
    unclosed: () => 'open CFI at the end of file; missing .cfi_endproc directive',
  },
  {
    open: /^\.macro$/,
    close: /^\.endm$/,
    stray: { message: '.endm encountered without preceding .macro', severity: 'warning' },
    unclosed: (s) => `unexpected end of file in macro \`${s.operands.split(/[\s,]/)[0]}' definition`,
  },
  {
    open: /^\.(rept|irp|irpc)$/,
    close: /^\.endr$/,
    stray: { message: '.endr encountered without preceding .rept, .irp, or .irpc', severity: 'warning' },
    unclosed: (s) => (s.op === '.rept' ? 'REPT without ENDR' : 'unexpected end of file in irp or irpc'),
  },
  {
    open: /^\.if(n?def|n?c|n?b|eq|ne|ge|gt|le|lt|n?eqs)?$/,
    close: /^\.endif$/,
    stray: { message: '".endif" without ".if"', severity: 'error' },
    unclosed: () => 'end of file inside conditional',
  },
];

function isLocal(name: string): boolean {
  return name.startsWith('.L') || /^\d+$/.test(name);
}

/** The names `.type NAME,@function` (or %function, STT_FUNC) marks, and `.globl` names. */
function declarations(all: readonly Statement[]): { functions: Set<string>; globals: Set<string> } {
  const functions = new Set<string>();
  const globals = new Set<string>();
  for (const s of all) {
    if (s.op === '.type') {
      const [name, kind] = s.operands.split(',').map((x) => x.trim());
      if (name && kind && /^[@%]?(function|STT_FUNC)$/.test(kind)) functions.add(name);
    } else if (s.op === '.globl' || s.op === '.global') {
      for (const name of s.operands.split(',')) globals.add(name.trim());
    }
  }
  return { functions, globals };
}

export function outline(source: string): Outline {
  const all = statements(source);
  const { functions, globals } = declarations(all);
  const symbols: OutlineSymbol[] = [];
  const folds: Fold[] = [];
  const problems: SourceProblem[] = [];
  const stacks = PAIRS.map(() => [] as Statement[]);
  let insideMacro = 0;
  for (const s of all) {
    if (insideMacro === 0) {
      for (const l of s.labels) {
        if (!isLocal(l.name)) {
          symbols.push({ name: l.name, line: l.line, column: l.column, isFunction: functions.has(l.name), isGlobal: globals.has(l.name) });
        }
      }
    }
    PAIRS.forEach((pair, i) => {
      const stack = stacks[i]!;
      if (pair.open.test(s.op)) {
        stack.push(s);
        if (i === 1) insideMacro++;
      } else if (pair.close.test(s.op)) {
        const start = stack.pop();
        if (!start) {
          problems.push({ severity: pair.stray.severity, line: s.line, column: s.opColumn, endColumn: s.opColumn + s.op.length, message: pair.stray.message });
        } else {
          if (i === 1) insideMacro--;
          if (s.line > start.line) folds.push({ startLine: start.line, endLine: s.line });
        }
      }
    });
  }
  PAIRS.forEach((pair, i) => {
    for (const start of stacks[i]!) {
      const at = { line: start.line, column: start.opColumn, endColumn: start.opColumn + start.op.length };
      problems.push({ severity: 'error', ...at, message: pair.unclosed(start) });
      if (i === 3) problems.push({ severity: 'error', ...at, message: 'here is the start of the unterminated conditional' });
    }
  });
  folds.sort((a, b) => a.startLine - b.startLine);
  return { symbols, folds, problems };
}
