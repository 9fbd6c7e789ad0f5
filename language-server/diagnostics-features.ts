// Owns the unknown-feature finding: an X86_FEATURE_* name that neither the file's #defines
// nor the assembler's built-in table knows, with the closest known name (edit distance) as
// the quick fix; none in a group cpp or GAS skips (inactive.ts).
import type { Analysis } from './analysis';
import type { Finding } from './diagnostic-types';
import { isInactive } from './inactive';
import { knownFeatures, names } from './names';
import { scanPieces } from './semantic-tokens';
import { CPP_FLAG, KIND_BITS, KIND_CODE, type SourceScan } from './source-scan';

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

/** A scan's X86_FEATURE_* words, as lexeme indexes (kept with the scan: a region's, after an edit elsewhere, is not looked through again). */
const featureWords = new WeakMap<SourceScan, Int32Array>();

function featureWordsOf(scan: SourceScan): Int32Array {
  let list = featureWords.get(scan);
  if (list) return list;
  // From the columns, each distinct text tested once; indexes, not lexeme objects, are kept.
  // Bytes: an array `map` made has an element kind that varies from call to call (optimized code then gives itself up).
  const idTexts = scan.idTexts;
  const isFeature = new Uint8Array(idTexts.length);
  for (let t = 0; t < idTexts.length; t++) if (idTexts[t]!.startsWith(FEATURE_PREFIX)) isFeature[t] = 1;
  const { flagsOf, textIdOf } = scan;
  list = featureWordList(flagsOf, textIdOf, isFeature, featureWordCount(flagsOf, textIdOf, isFeature));
  featureWords.set(scan, list);
  return list;
}

/**
 * The lexeme loops of featureWordsOf, each a function that ends with its loop: compiled on
 * stack in a long loop, the code after it (met there without type feedback) gave the
 * compiled code up at each analysis (docs/speed-and-exactness.md, "lspfirst5").
 */
function featureWordCount(flagsOf: ArrayLike<number>, textIdOf: ArrayLike<number>, isFeature: Uint8Array): number {
  let count = 0;
  for (let i = 0; i < flagsOf.length; i++) if ((flagsOf[i]! & KIND_BITS) === WORD && textIdOf[i]! >= 0 && isFeature[textIdOf[i]!] === 1) count++;
  return count;
}

function featureWordList(flagsOf: ArrayLike<number>, textIdOf: ArrayLike<number>, isFeature: Uint8Array, count: number): Int32Array {
  const list = new Int32Array(count);
  for (let i = 0, k = 0; k < count; i++) if ((flagsOf[i]! & KIND_BITS) === WORD && textIdOf[i]! >= 0 && isFeature[textIdOf[i]!] === 1) list[k++] = i;
  return list;
}

export function featureFindings(a: Analysis): Finding[] {
  const known = knownFeatures(a);
  const check: FeatureCheck = { a, known, knownSet: new Set(known), out: [] };
  // Piece by piece: a #define's line, and so its directive, is in the same piece as the word.
  for (const scan of scanPieces(a)) {
    const words = featureWordsOf(scan);
    for (let k = 0; k < words.length; k++) wordFinding(check, scan, words[k]!);
  }
  return check.out;
}

/** What featureFindings checks each word against, and its findings. */
interface FeatureCheck {
  readonly a: Analysis;
  readonly known: readonly string[];
  readonly knownSet: ReadonlySet<string>;
  readonly out: Finding[];
}

/**
 * The finding of lexeme `i` of `scan`, an X86_FEATURE_* word, if its name is not known:
 * featureFindings' loop body, a function called per word, hot and optimized in a process's
 * first analysis where the loop (one call per analysis) was compiled in its fourth
 * (docs/speed-and-exactness.md, "lspfirst5").
 */
function wordFinding({ a, known, knownSet, out }: FeatureCheck, scan: SourceScan, i: number): void {
  const text = scan.textOf(i);
  const line = scan.lineOf[i]!;
  // cpp or GAS skips the line: the assembler never sees the name (clangd is as quiet there).
  if (knownSet.has(text) || isInactive(a, line)) return;
  // The names of the file (a pass over every statement, made once per analysis) only when a feature name is not known.
  if (names(a).definedNames.has(text)) return;
  const start = scan.startOf[i]!;
  if ((scan.flagsOf[i]! & CPP_FLAG) !== 0 && scan.directives.some((d) => d.line === line && d.argumentColumn === start)) return;
  const closest = closestName(text, known);
  out.push({
    kind: 'unknownFeature',
    severity: 'error',
    line,
    column: start,
    endColumn: start + scan.lengthOf[i]!,
    message: `unknown feature ${text}${closest ? `; did you mean ${closest}?` : ''}`,
    ...(closest ? { fix: { title: `Replace with ${closest}`, newText: closest } } : {}),
  });
}
