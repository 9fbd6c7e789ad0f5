// Owns the direct reading of the built-in macros' own statements (prelude.ts): a body line
// with no parameter in it is the same statement at every site, so its operands are read once
// per definition, and at each site only bound and emitted. For the kernel's ALTERNATIVE that
// is the `.skip` padding and the `.long`/`.byte` label differences of each struct alt_instr
// entry, which a kernel-style source repeats at a thousand sites (docs/speed-and-exactness.md,
// the language server's first answer). What a step does is what the directive's handler
// (data-directives.ts) does with the same text; anything it cannot do so is left to the handler.
import { constantValue, isBignum, parseWholeExpression, ExprSyntaxError, type Expr } from './expr';
import type { MacroDefinition } from './macros';
import { statements } from './statements';
import { operandTexts } from './strings';
import { emitParsedInteger, skipCount } from './data-directives';
import type { AsmState } from './state';
import { bindCount, countProgram, type CountProgram } from './count-program';

/** `.skip COUNT, FILL` with a fill that is a number and a count that is not (bound at each site by `bindCount`). */
interface PadStep {
  readonly kind: 'pad';
  readonly count: CountProgram;
  readonly fill: number;
}

/** `.long`/`.byte` of expressions: each operand's text (kept for the .altinstructions feature names) and tree. */
interface IntegersStep {
  readonly kind: 'integers';
  readonly size: 1 | 2 | 4 | 8;
  readonly texts: readonly string[];
  readonly exprs: readonly Expr[];
}

export type FixedStep = PadStep | IntegersStep;

/** A body line's statement as the reader gives it (op and operands compared at each expansion) and its step. */
export interface FixedStatement {
  readonly op: string;
  readonly operands: string;
  readonly step: FixedStep;
}

const INTEGER_SIZES: ReadonlyMap<string, 1 | 2 | 4 | 8> = new Map([['.byte', 1], ['.long', 4], ['.4byte', 4]]);

const kept = new WeakMap<MacroDefinition, ReadonlyArray<FixedStatement | undefined>>();

/** By body line: the fixed statement of each line that has a step (built-in definitions only; none for others). */
export function fixedStatements(def: MacroDefinition): ReadonlyArray<FixedStatement | undefined> | undefined {
  if (!def.builtin) return undefined;
  let out = kept.get(def);
  if (out === undefined) {
    out = def.body.map(fixedStatement);
    kept.set(def, out);
  }
  return out.some((f) => f !== undefined) ? out : undefined;
}

/** Only numbers, numeric label references, `.` and + - * > and unary minus: nothing that binding warns about or that names a symbol by name. */
function plainTree(e: Expr): boolean {
  switch (e.kind) {
    case 'number':
    case 'local':
    case 'dot':
      return true;
    case 'unary':
      return e.op === '-' && plainTree(e.operand);
    case 'binary':
      return (e.op === '+' || e.op === '-' || e.op === '*' || e.op === '>') && plainTree(e.left) && plainTree(e.right);
    default:
      return false;
  }
}

function depthOf(e: Expr): number {
  if (e.kind === 'unary') return 1 + depthOf(e.operand);
  if (e.kind === 'binary') return 1 + Math.max(depthOf(e.left), depthOf(e.right));
  return 0;
}

/** No `.` (each is a symbol of its own when bound) and no number binding would warn about (a bignum). */
function namesNoDot(e: Expr): boolean {
  if (e.kind === 'dot') return false;
  if (e.kind === 'number') return !isBignum(e);
  if (e.kind === 'unary') return namesNoDot(e.operand);
  if (e.kind === 'binary') return namesNoDot(e.left) && namesNoDot(e.right);
  return true;
}

function parsed(text: string): Expr | undefined {
  try {
    return parseWholeExpression(text);
  } catch (e) {
    if (e instanceof ExprSyntaxError) return undefined;
    throw e;
  }
}

function fixedStatement(line: string): FixedStatement | undefined {
  if (line.indexOf('\\') >= 0) return undefined;
  const found = statements(line);
  if (found.length !== 1) return undefined;
  const s = found[0]!;
  const op = s.op.toLowerCase();
  const parts = operandTexts(s.operands);
  if (op === '.skip') {
    if (parts.length !== 2) return undefined;
    const count = parsed(parts[0]!);
    const fill = parsed(parts[1]!);
    const fillValue = fill === undefined ? undefined : constantValue(fill);
    if (count === undefined || fillValue === undefined || !plainTree(count) || !namesNoDot(count) || constantValue(count) !== undefined || depthOf(count) > 32) return undefined;
    return { op: s.op, operands: s.operands, step: { kind: 'pad', count: countProgram(count), fill: Number(BigInt.asUintN(8, fillValue)) } };
  }
  const size = INTEGER_SIZES.get(op);
  if (size === undefined || parts.length === 0) return undefined;
  const exprs: Expr[] = [];
  for (const p of parts) {
    const e = p === '' ? undefined : parsed(p);
    if (e === undefined || !plainTree(e)) return undefined;
    exprs.push(e);
  }
  return { op: s.op, operands: s.operands, step: { kind: 'integers', size, texts: parts, exprs } };
}

/** Does what the directive's handler does with the step's text, at the current place. */
export function runFixedStep(st: AsmState, step: FixedStep): void {
  if (step.kind === 'integers') {
    for (let k = 0; k < step.exprs.length; k++) emitParsedInteger(st, step.texts[k]!, step.exprs[k]!, step.size);
    return;
  }
  const { tree, small } = bindCount(st, step.count);
  skipCount(st, tree, step.fill, small);
}
