// Owns which lines of a document are inactive: the groups cpp skipped (a false #if, #ifdef,
// #elif or #else branch) under the document's build options, as a C editor greys them, and
// those GAS skipped (a false .if, .ifdef, ... or its .else, in the file's own lines). Code
// there is not assembled, so an ALTERNATIVE* block in it has no site: it gets no code lens,
// no block decoration, no site hover and no `alternative` token modifier; and a name in it
// gets no diagnostic.
import type { Analysis } from './analysis';
import type { AlternativeBlock } from './source-scan';

/** Lines `from` to `to` (0-based, inclusive) of the document that cpp skipped. */
export interface InactiveGroup {
  readonly from: number;
  readonly to: number;
  /** Which reader skipped it. */
  readonly by: 'cpp' | 'as';
}

const groups = new WeakMap<Analysis, readonly InactiveGroup[]>();

/** The document's skipped groups in line order (the files it includes have their own). */
export function inactiveGroups(a: Analysis): readonly InactiveGroup[] {
  let g = groups.get(a);
  if (!g) {
    const own = (by: InactiveGroup['by']) => (s: { file: string; from: number; to: number }) => (s.file === a.file ? [{ from: s.from - 1, to: s.to - 1, by }] : []);
    // A group GAS skipped may hold one cpp skipped (a `#if 0` inside a `.if 0`).
    g = [...(a.preprocessed?.skipped ?? []).flatMap(own('cpp')), ...(a.module.skipped ?? []).flatMap(own('as'))].sort((x, y) => x.from - y.from);
    groups.set(a, g);
  }
  return g;
}

const merged = new WeakMap<Analysis, readonly InactiveGroup[]>();

/** Whether cpp or GAS skipped document line `line` (0-based). */
export function isInactive(a: Analysis, line: number): boolean {
  let g = merged.get(a);
  if (!g) {
    const out: InactiveGroup[] = [];
    for (const x of inactiveGroups(a)) {
      const last = out[out.length - 1];
      if (last && x.from <= last.to + 1) out[out.length - 1] = { ...last, to: Math.max(last.to, x.to) };
      else out.push(x);
    }
    merged.set(a, (g = out));
  }
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

/** The skipped group that holds document line `line` (0-based); GAS's when cpp skipped it inside one. */
export function inactiveGroupAt(a: Analysis, line: number): InactiveGroup | undefined {
  return inactiveGroups(a).find((g) => g.from <= line && line <= g.to);
}

/** The blocks of `blocks` that are assembled (not in a skipped group). */
export function activeAlternatives(a: Analysis, blocks: readonly AlternativeBlock[]): AlternativeBlock[] {
  return blocks.filter((b) => !isInactive(a, b.startLine));
}
