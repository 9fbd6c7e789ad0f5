// Owns signature help for macro invocations: GAS macros (ALTERNATIVE* included) and
// function-like cpp macros, with the parameter the cursor is in.
import { sourceLine, type Analysis } from './analysis';
import { cppMacro, names } from './names';
import { scanOf } from './semantic-tokens';

export interface SignatureFact {
  readonly label: string;
  readonly parameters: readonly string[];
  readonly active: number;
}

/** Commas outside quotes and parentheses between `from` and the cursor, over the lines of a statement. */
function argumentIndex(lineAt: (line: number) => string, fromLine: number, fromColumn: number, line: number, column: number): number {
  let n = 0;
  let quoted = false;
  let depth = 0;
  for (let l = fromLine; l <= line; l++) {
    const text = lineAt(l);
    const end = l === line ? column : text.length;
    for (let i = l === fromLine ? fromColumn : 0; i < end; i++) {
      const c = text[i];
      if (c === '\\' && quoted) i++;
      else if (c === '"') quoted = !quoted;
      else if (!quoted && c === '(') depth++;
      else if (!quoted && c === ')') depth--;
      else if (!quoted && c === ',' && depth <= 1) n++;
    }
  }
  return n;
}

export function signatureHelp(a: Analysis, line: number, column: number): SignatureFact | undefined {
  const scan = scanOf(a);
  const block = scan.alternatives.find((b) => b.startLine <= line && line <= b.endLine);
  let op = block ? { line: block.startLine, start: block.startColumn, text: block.name } : undefined;
  if (!op) {
    const l = scan.byLine[line]?.find((x) => x.kind === 'op' && x.start < column);
    if (l) op = { line, start: l.start, text: l.text };
  }
  if (!op) return undefined;
  const lines = (l: number) => sourceLine(a, l);
  const after = op.start + op.text.length;
  const g = names(a).gasMacros.get(op.text.toLowerCase());
  if (g) return { label: `${g.name} ${g.params.join(', ')}`, parameters: g.params, active: Math.min(argumentIndex(lines, op.line, after, line, column), Math.max(0, g.params.length - 1)) };
  const m = cppMacro(a, op.text);
  if (m && m.funLike) return { label: `${m.name}(${m.params.join(', ')})`, parameters: m.params, active: Math.min(argumentIndex(lines, op.line, after, line, column), Math.max(0, m.params.length - 1)) };
  return undefined;
}
