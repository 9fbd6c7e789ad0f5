// Owns which lines of a document are inactive: the groups cpp skipped (a false #if, #ifdef,
// #elif or #else branch) under the document's build options, as a C editor greys them, and
// those GAS skipped (a false .if, .ifdef, ... or its .else, in the file's own lines), and the
// same for a header the document includes. Code there is not assembled, so an ALTERNATIVE*
// block in it has no site: it gets no code lens, no block decoration, no site hover and no
// `alternative` token modifier; a name in it gets no diagnostic, and a label defined there
// is no definition (GAS's symbol table does not have it).
import type { Analysis } from './analysis';
import type { AlternativeBlock } from './source-scan';

/** Lines `from` to `to` (0-based, inclusive) of the document that cpp skipped. */
export interface InactiveGroup {
  readonly from: number;
  readonly to: number;
  /** Which reader skipped it. */
  readonly by: 'cpp' | 'as';
}

const groups = new WeakMap<Analysis, Map<string, readonly InactiveGroup[]>>();

/** The document's skipped groups in line order (the files it includes have their own: skippedGroupsOf). */
export function inactiveGroups(a: Analysis): readonly InactiveGroup[] {
  return skippedGroupsOf(a, a.file);
}

/**
 * The skipped groups of `file` (the document or a header it includes) in line order, as the
 * document's reading of it skipped them: a header's `#if` under the document's build options,
 * its `.if` as GAS read it there.
 */
export function skippedGroupsOf(a: Analysis, file: string): readonly InactiveGroup[] {
  let byFile = groups.get(a);
  if (!byFile) groups.set(a, (byFile = new Map()));
  let g = byFile.get(file);
  if (!g) {
    const own = (by: InactiveGroup['by']) => (s: { file: string; from: number; to: number }) => (s.file === file ? [{ from: s.from - 1, to: s.to - 1, by }] : []);
    // A group GAS skipped may hold one cpp skipped (a `#if 0` inside a `.if 0`).
    g = [...(a.preprocessed?.skipped ?? []).flatMap(own('cpp')), ...(a.module.skipped ?? []).flatMap(own('as'))].sort((x, y) => x.from - y.from);
    byFile.set(file, g);
  }
  return g;
}

/** Whether cpp or GAS skipped line `line` (0-based) of `file`, the document or a header it includes. */
export function isSkippedIn(a: Analysis, file: string, line: number): boolean {
  return file === a.file ? isInactive(a, line) : skippedGroupsOf(a, file).some((g) => g.from <= line && line <= g.to);
}

const merged = new WeakMap<Analysis, readonly InactiveGroup[]>();

/** The document's skipped lines as disjoint groups in line order (adjacent and nested groups joined): for a walk over lines in order. */
export function inactiveRanges(a: Analysis): readonly InactiveGroup[] {
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
  return g;
}

/** Whether cpp or GAS skipped document line `line` (0-based). */
export function isInactive(a: Analysis, line: number): boolean {
  const g = inactiveRanges(a);
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
