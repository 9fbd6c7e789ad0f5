// Owns putting a document's lexical scan (source-scan.ts) together from the scans of its
// prefix and regions (region-analysis.ts): each piece is scanned on its own at its first
// line, and the pieces joined. Cuts fall where scanSource's line state is at rest (no
// block comment, no line continuation), so the result is scanSource of the whole text.
import { scanSource, type Lexeme, type SourceScan } from './source-scan';

/** The scan of a piece of text that starts at line `first` of the document. */
export function scanAt(text: string, first: number): SourceScan {
  return scanSource(text, first);
}

/** Consecutive pieces' scans as one; each piece's text ends with its last line's line end. */
export function joinScans(pieces: readonly SourceScan[]): SourceScan {
  const lexemes: Lexeme[] = [];
  const byLine: (readonly Lexeme[])[] = [];
  const alternatives: SourceScan['alternatives'][number][] = [];
  const directives: SourceScan['directives'][number][] = [];
  pieces.forEach((p, i) => {
    for (const l of p.lexemes) lexemes.push(l);
    // A piece ending in a line end has an empty last line, which is the next piece's first.
    const lines = i < pieces.length - 1 && p.byLine.length > 0 && p.byLine[p.byLine.length - 1]!.length === 0 ? p.byLine.length - 1 : p.byLine.length;
    for (let k = 0; k < lines; k++) byLine.push(p.byLine[k]!);
    for (const b of p.alternatives) alternatives.push(b);
    for (const d of p.directives) directives.push(d);
  });
  return { lexemes, byLine, alternatives, directives };
}

/** Scans of some pieces (each moved to its line) as a scan of `lines` lines, the lines of no piece empty. */
export function spreadScans(lines: number, pieces: readonly SourceScan[]): SourceScan {
  const byLine: Lexeme[][] = Array.from({ length: lines }, () => []);
  const lexemes: Lexeme[] = [];
  const alternatives: SourceScan['alternatives'][number][] = [];
  const directives: SourceScan['directives'][number][] = [];
  for (const p of pieces) {
    for (const l of p.lexemes) {
      lexemes.push(l);
      // scanSource pushes each lexeme to its line's list in this same order.
      if (l.line < lines) byLine[l.line]!.push(l);
    }
    for (const b of p.alternatives) alternatives.push(b);
    for (const d of p.directives) directives.push(d);
  }
  return { lexemes, byLine, alternatives, directives };
}
