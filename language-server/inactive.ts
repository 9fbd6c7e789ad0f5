// Owns which lines of a document are inactive: the groups cpp skipped (a false #if, #ifdef,
// #elif or #else branch) under the document's build options, as a C editor greys them. Code
// there is not assembled, so an ALTERNATIVE* block in it has no site: it gets no code lens,
// no block decoration, no site hover and no `alternative` token modifier.
import type { Analysis } from './analysis';
import type { AlternativeBlock } from './source-scan';

/** Lines `from` to `to` (0-based, inclusive) of the document that cpp skipped. */
export interface InactiveGroup {
  readonly from: number;
  readonly to: number;
}

const groups = new WeakMap<Analysis, readonly InactiveGroup[]>();

/** The document's skipped groups in line order (the files it includes have their own). */
export function inactiveGroups(a: Analysis): readonly InactiveGroup[] {
  let g = groups.get(a);
  if (!g) {
    g = (a.preprocessed?.skipped ?? []).filter((s) => s.file === a.file).map((s) => ({ from: s.from - 1, to: s.to - 1 })).sort((x, y) => x.from - y.from);
    groups.set(a, g);
  }
  return g;
}

/** Whether cpp skipped document line `line` (0-based). */
export function isInactive(a: Analysis, line: number): boolean {
  const g = inactiveGroups(a);
  let lo = 0;
  let hi = g.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (g[mid]!.to < line) lo = mid + 1;
    else if (g[mid]!.from > line) hi = mid - 1;
    else return true;
  }
  return false;
}

/** The blocks of `blocks` that are assembled (not in a skipped group). */
export function activeAlternatives(a: Analysis, blocks: readonly AlternativeBlock[]): AlternativeBlock[] {
  return blocks.filter((b) => !isInactive(a, b.startLine));
}
