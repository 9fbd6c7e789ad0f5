// Owns the unknown-feature finding: an X86_FEATURE_* name that neither the file's #defines
// nor the assembler's built-in table knows, with the closest known name (edit distance) as
// the quick fix; none in a group cpp or GAS skips (inactive.ts).
import type { Analysis } from './analysis';
import type { Finding } from './diagnostic-types';
import { isInactive } from './inactive';
import { knownFeatures, names } from './names';
import { scanPieces } from './semantic-tokens';
import { KIND_BITS, KIND_CODE, type Lexeme, type SourceScan } from './source-scan';
import { objectList } from '../toolchain/object-list';

const WORD = KIND_CODE.word;
const FEATURE_PREFIX = 'X86_FEATURE_';

/** Levenshtein distance (insert, delete, substitute: 1 each). */
export function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length]!;
}

export function closestName(name: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const k of known) {
    const d = editDistance(name, k);
    if (d < bestDistance) {
      best = k;
      bestDistance = d;
    }
  }
  return best;
}

/** A scan's X86_FEATURE_* words (kept with the scan: a region's, after an edit elsewhere, is not looked through again). */
const featureWords = new WeakMap<SourceScan, readonly Lexeme[]>();

function featureWordsOf(scan: SourceScan): readonly Lexeme[] {
  let list = featureWords.get(scan);
  if (list) return list;
  // From the columns: an object only for a feature word, each distinct text tested once.
  const found: Lexeme[] = objectList();
  // Bytes: an array `map` made has an element kind that varies from call to call (optimized code then gives itself up).
  const idTexts = scan.idTexts;
  const isFeature = new Uint8Array(idTexts.length);
  for (let t = 0; t < idTexts.length; t++) if (idTexts[t]!.startsWith(FEATURE_PREFIX)) isFeature[t] = 1;
  const { flagsOf, textIdOf } = scan;
  for (let i = 0; i < flagsOf.length; i++) {
    if ((flagsOf[i]! & KIND_BITS) === WORD && textIdOf[i]! >= 0 && isFeature[textIdOf[i]!] === 1) found.push(scan.lexeme(i));
  }
  featureWords.set(scan, found);
  return found;
}

export function featureFindings(a: Analysis): Finding[] {
  const known = knownFeatures(a);
  const knownSet = new Set(known);
  // The names of the file (a pass over every statement) only when a feature name is not known.
  let defined: ReadonlySet<string> | undefined;
  const out: Finding[] = [];
  // Piece by piece: a #define's line, and so its directive, is in the same piece as the word.
  for (const scan of scanPieces(a)) for (const l of featureWordsOf(scan)) {
    // cpp or GAS skips the line: the assembler never sees the name (clangd is as quiet there).
    if (knownSet.has(l.text) || isInactive(a, l.line)) continue;
    if ((defined ??= names(a).definedNames).has(l.text)) continue;
    if (l.cpp && scan.directives.some((d) => d.line === l.line && d.argumentColumn === l.start)) continue;
    const closest = closestName(l.text, known);
    out.push({
      kind: 'unknownFeature',
      severity: 'error',
      line: l.line,
      column: l.start,
      endColumn: l.start + l.length,
      message: `unknown feature ${l.text}${closest ? `; did you mean ${closest}?` : ''}`,
      ...(closest ? { fix: { title: `Replace with ${closest}`, newText: closest } } : {}),
    });
  }
  return out;
}
