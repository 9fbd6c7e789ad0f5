// Owns the unknown-feature finding: an X86_FEATURE_* name that neither the file's #defines
// nor the assembler's built-in table knows, with the closest known name (edit distance) as
// the quick fix.
import type { Analysis } from './analysis';
import type { Finding } from './diagnostic-types';
import { knownFeatures, names } from './names';
import { scanOf } from './semantic-tokens';

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

export function featureFindings(a: Analysis): Finding[] {
  const known = knownFeatures(a);
  const knownSet = new Set(known);
  // The names of the file (a pass over every statement) only when a feature name is not known.
  let defined: ReadonlyMap<string, unknown> | undefined;
  const out: Finding[] = [];
  for (const l of scanOf(a).lexemes) {
    if (l.kind !== 'word' || !l.text.startsWith('X86_FEATURE_') || knownSet.has(l.text)) continue;
    if ((defined ??= names(a).symbolDefinitions).has(l.text)) continue;
    if (l.cpp && scanOf(a).directives.some((d) => d.line === l.line && d.argumentColumn === l.start)) continue;
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
