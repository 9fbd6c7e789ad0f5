// Owns the folding ranges of paired GAS directives in a document's own statements (before cpp):
// .cfi_startproc/.cfi_endproc (and CFI_STARTPROC/CFI_ENDPROC), .macro/.endm, .rept/.irp/.irpc
// with .endr, and .if*/.endif. An end without its start folds nothing (the assembler reports it).
import type { Statement } from '../toolchain/asm/statements';

export interface Fold {
  readonly startLine: number;
  readonly endLine: number;
}

/** The op of each pair's start and end. */
const PAIRS: ReadonlyArray<{ readonly open: RegExp; readonly close: RegExp }> = [
  { open: /^(\.cfi_startproc|CFI_STARTPROC)$/, close: /^(\.cfi_endproc|CFI_ENDPROC)$/ },
  { open: /^\.macro$/, close: /^\.endm$/ },
  { open: /^\.(rept|irp|irpc)$/, close: /^\.endr$/ },
  { open: /^\.if(n?def|n?c|n?b|eq|ne|ge|gt|le|lt|n?eqs)?$/, close: /^\.endif$/ },
];

/** Per op: the index of its pair times two, plus one for an end; -1 for every other op (ops repeat: each is tested once). */
const roles = new Map<string, number>();

function roleOf(op: string): number {
  let r = roles.get(op);
  if (r === undefined) {
    r = -1;
    PAIRS.forEach((pair, i) => {
      if (pair.open.test(op)) r = 2 * i;
      else if (pair.close.test(op)) r = 2 * i + 1;
    });
    roles.set(op, r);
  }
  return r;
}

/** The folds of the paired directives among `all`, by start line. */
export function pairedFolds(all: readonly Statement[]): Fold[] {
  const folds: Fold[] = [];
  const stacks = PAIRS.map(() => [] as number[]);
  for (const s of all) {
    const r = roleOf(s.op);
    if (r < 0) continue;
    const stack = stacks[r >> 1]!;
    if ((r & 1) === 0) stack.push(s.line);
    else {
      const start = stack.pop();
      if (start !== undefined && s.line > start) folds.push({ startLine: start, endLine: s.line });
    }
  }
  folds.sort((a, b) => a.startLine - b.startLine);
  return folds;
}
