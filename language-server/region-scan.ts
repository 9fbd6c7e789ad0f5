// Owns putting a document's lexical scan (source-scan.ts) together from the scans of its
// prefix and regions (region-analysis.ts): each piece is scanned on its own at its first
// line, and the pieces joined. Cuts fall where scanSource's line state is at rest (no
// block comment, no line continuation), so the result is scanSource of the whole text.
import { scanSource, SourceScan } from './source-scan';

/** The scan of a piece of text that starts at line `first` of the document. */
export function scanAt(text: string, first: number): SourceScan {
  return scanSource(text, first);
}

/**
 * The scan of the same piece moved to start at line `first`: scanSource reads no line number
 * but to write it (each line's lexemes and blocks carry the piece's own line plus its first),
 * so only the line columns change; the rest is shared with `scan`.
 */
export function movedScan(scan: SourceScan, first: number): SourceScan {
  const by = first - scan.first;
  if (by === 0) return scan;
  const lineOf = new Int32Array(scan.lineOf.length);
  for (let i = 0; i < lineOf.length; i++) lineOf[i] = scan.lineOf[i]! + by;
  const alternatives = scan.alternatives.map((b) => ({ ...b, startLine: b.startLine + by, endLine: b.endLine + by, strings: b.strings.map((x) => ({ ...x, line: x.line + by })) }));
  const directives = scan.directives.map((d) => ({ ...d, line: d.line + by }));
  return new SourceScan(first, scan.texts, scan.lineFirst, lineOf, scan.startOf, scan.lengthOf, scan.flagsOf, scan.textIdOf, scan.idTexts, alternatives, directives);
}

/** The pieces' columns one after the other, their lines' texts placed at their document lines from `first`. */
function concatenated(pieces: readonly SourceScan[], first: number): { lineOf: Int32Array; startOf: Int32Array; lengthOf: Int32Array; flagsOf: Uint8Array; textIdOf: Int32Array; idTexts: string[]; texts: string[] } {
  let count = 0;
  for (const p of pieces) count += p.count;
  const lineOf = new Int32Array(count);
  const startOf = new Int32Array(count);
  const lengthOf = new Int32Array(count);
  const flagsOf = new Uint8Array(count);
  const textIdOf = new Int32Array(count);
  const idTexts: string[] = [];
  const ids = new Map<string, number>();
  const texts: string[] = [];
  let at = 0;
  for (const p of pieces) {
    lineOf.set(p.lineOf, at);
    startOf.set(p.startOf, at);
    lengthOf.set(p.lengthOf, at);
    flagsOf.set(p.flagsOf, at);
    // The pieces' texts, each once in the whole.
    const moved = p.idTexts.map((t) => {
      let id = ids.get(t);
      if (id === undefined) {
        ids.set(t, (id = idTexts.length));
        idTexts.push(t);
      }
      return id;
    });
    for (let i = 0; i < p.count; i++) textIdOf[at + i] = p.textIdOf[i]! < 0 ? -1 : moved[p.textIdOf[i]!]!;
    at += p.count;
    // Only a line holding a lexeme is read (a piece's empty last line is the next one's first).
    for (let k = 0; k < p.lineCount; k++) if (p.lineFirst[k + 1]! > p.lineFirst[k]!) texts[p.first + k - first] = p.texts[k]!;
  }
  return { lineOf, startOf, lengthOf, flagsOf, textIdOf, idTexts, texts };
}

/** Consecutive pieces' scans as one; each piece's text ends with its last line's line end. */
export function joinScans(pieces: readonly SourceScan[]): SourceScan {
  const first = pieces.length > 0 ? pieces[0]!.first : 0;
  const { lineOf, startOf, lengthOf, flagsOf, textIdOf, idTexts, texts } = concatenated(pieces, first);
  const firsts: number[] = [];
  let base = 0;
  pieces.forEach((p, i) => {
    // A piece ending in a line end has an empty last line, which is the next piece's first.
    const lines = i < pieces.length - 1 && p.lineCount > 0 && p.lineFirst[p.lineCount]! === p.lineFirst[p.lineCount - 1]! ? p.lineCount - 1 : p.lineCount;
    for (let k = 0; k < lines; k++) firsts.push(base + p.lineFirst[k]!);
    base += p.count;
  });
  firsts.push(base);
  return new SourceScan(first, texts, Int32Array.from(firsts), lineOf, startOf, lengthOf, flagsOf, textIdOf, idTexts, pieces.flatMap((p) => p.alternatives), pieces.flatMap((p) => p.directives));
}

/**
 * Scans of some pieces (each moved to its line, in line order) as a scan of `lines` lines,
 * the lines of no piece empty; a lexeme past the last line is in the flat list only.
 */
export function spreadScans(lines: number, pieces: readonly SourceScan[]): SourceScan {
  const c = concatenated(pieces, 0);
  let { lineOf, startOf, lengthOf, flagsOf, textIdOf } = c;
  let sorted = true;
  for (let i = 1; i < lineOf.length && sorted; i++) sorted = lineOf[i - 1]! <= lineOf[i]!;
  if (!sorted) {
    // Pieces out of line order: each line's lexemes kept in the pieces' order.
    const order = Array.from(lineOf, (_, i) => i).sort((x, y) => lineOf[x]! - lineOf[y]! || x - y);
    const pick = <T extends Int32Array | Uint8Array>(a: T, made: T): T => {
      order.forEach((from, to) => (made[to] = a[from]!));
      return made;
    };
    lineOf = pick(lineOf, new Int32Array(order.length));
    startOf = pick(startOf, new Int32Array(order.length));
    lengthOf = pick(lengthOf, new Int32Array(order.length));
    flagsOf = pick(flagsOf, new Uint8Array(order.length));
    textIdOf = pick(textIdOf, new Int32Array(order.length));
  }
  const lineFirst = new Int32Array(lines + 1);
  let k = 0;
  for (let n = 0; n <= lines; n++) {
    while (k < lineOf.length && lineOf[k]! < n) k++;
    lineFirst[n] = k;
  }
  return new SourceScan(0, c.texts, lineFirst, lineOf, startOf, lengthOf, flagsOf, textIdOf, c.idTexts, pieces.flatMap((p) => p.alternatives), pieces.flatMap((p) => p.directives));
}
