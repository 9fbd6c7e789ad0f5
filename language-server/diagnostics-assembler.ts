// Owns the cpp and assembler messages of an analysis as findings on the document's lines:
// a message from an included file goes on the #include line that brought the file in; a
// missing include is one finding naming it (the assembler's messages are held back then,
// since they follow from it).
import type { Diagnostic } from '../toolchain/asm/module';
import { sourceLine, type Analysis } from './analysis';
import type { Finding } from './diagnostic-types';

/** The document line (0-based) a location in the document or an included file maps to. */
export function documentLine(a: Analysis, file: string, line: number): number | undefined {
  if (file === a.file) return line - 1;
  const seen = new Set<string>();
  let current = file;
  while (!seen.has(current)) {
    seen.add(current);
    const inc = a.preprocessed?.included.find((i) => i.path === current);
    if (!inc) return undefined;
    if (inc.location.file === a.file) return inc.location.line - 1;
    current = inc.location.file;
  }
  return undefined;
}

function toFinding(a: Analysis, d: Diagnostic, lines: Map<number, string>): Finding | undefined {
  const line = documentLine(a, d.location.file, d.location.line);
  if (line === undefined) return undefined;
  let text = lines.get(line);
  if (text === undefined) lines.set(line, (text = sourceLine(a, line)));
  const own = d.location.file === a.file;
  const column = own ? Math.min(Math.max(0, d.location.column - 1), text.length) : text.search(/\S|$/);
  const endColumn = Math.max(column + 1, text.replace(/\s+$/, '').length);
  const where = own ? '' : ` (in ${d.location.file}:${d.location.line})`;
  return { kind: 'assembler', severity: d.severity, line, column, endColumn, message: d.message + where };
}

export function assemblerFindings(a: Analysis): Finding[] {
  const lines = new Map<number, string>();
  const out: Finding[] = [];
  for (const d of a.diagnostics) {
    const f = toFinding(a, d, lines);
    if (f) out.push(f);
  }
  return out;
}
