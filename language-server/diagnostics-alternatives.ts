// Owns the alternatives finding objtool calls "stack layout conflict in alternatives": the
// original instructions of a site (with their padding) and each replacement must leave esp
// where the others do, since the CFI describing the site is the same whichever is patched in.
import type { AlternativeSite, AsmSection } from '../toolchain/asm/module';
import { sourceLine, type Analysis } from './analysis';
import type { DiagnosticKind, Finding } from './diagnostic-types';
import { documentLine } from './diagnostics-assembler';
import { featureLabel } from './names';
import { decodedCodeOf, sectionOf, stackEffectOf, type StackEffect } from './instructions';
import { quietSites } from './kept-sites';

function describe(e: StackEffect): string {
  return e.kind === 'delta' ? `${e.delta >= 0 ? '+' : ''}${e.delta}` : `an unknown height (${e.reason})`;
}

const grouped = new WeakMap<Analysis, readonly (readonly AlternativeSite[])[]>();

/** The sites of the module grouped by place (one ALTERNATIVE_2 gives two entries at one site), grouped once per analysis. */
export function sitesByPlace(a: Analysis): readonly (readonly AlternativeSite[])[] {
  let hit = grouped.get(a);
  if (!hit) grouped.set(a, (hit = groupByPlace(a)));
  return hit;
}

function groupByPlace(a: Analysis): AlternativeSite[][] {
  const groups = new Map<string, AlternativeSite[]>();
  const sites = a.module.alternatives;
  for (let k = 0; k < sites.length; k++) addToPlace(groups, sites[k]!);
  return [...groups.values()];
}

/**
 * groupByPlace's loop body, a function called per site: hot and optimized in a process's
 * first analysis, where a loop run once per analysis was compiled in its third. A group is
 * made by `Array.of`, not a literal: a literal's allocation site, its arrays kept with the
 * analysis, turned to "tenure" at a later scavenge and gave up the code it was in
 * (docs/speed-and-exactness.md, "lspfirst5").
 */
function addToPlace(groups: Map<string, AlternativeSite[]>, s: AlternativeSite): void {
  const key = `${s.section}:${s.offset}`;
  const list = groups.get(key);
  if (list) list.push(s);
  else groups.set(key, Array.of(s));
}

/** Sites whose stack effects agree (kept-sites.ts). */
const clean = quietSites();

export function alternativeFindings(a: Analysis): Finding[] {
  const out: Finding[] = [];
  const replacements = sectionOf(a.module, '.altinstr_replacement');
  const groups = sitesByPlace(a);
  for (let k = 0; k < groups.length; k++) groupFinding(a, replacements, groups[k]!, out);
  return out;
}

/** The finding of one site's entries (an ALTERNATIVE_2 has two at one place): alternativeFindings' loop body, called per site as addToPlace. */
function groupFinding(a: Analysis, replacements: AsmSection | undefined, group: readonly AlternativeSite[], out: Finding[]): void {
  const site = group[0]!;
  if (clean.has(site)) return;
  const text = sectionOf(a.module, site.section);
  if (!text) {
    clean.add(site);
    return;
  }
  const original = stackEffectOf(decodedCodeOf(a, text, site.offset, site.offset + site.length));
  const conflicts: string[] = [];
  for (const s of group) {
    const repl = replacements ? stackEffectOf(decodedCodeOf(a, replacements, s.replacementOffset, s.replacementOffset + s.replacementLength)) : { kind: 'delta' as const, delta: 0 };
    const same = original.kind === 'delta' && repl.kind === 'delta' && original.delta === repl.delta;
    if (!same) conflicts.push(`the replacement for ${featureLabel(a, s)} leaves it at ${describe(repl)}`);
  }
  if (conflicts.length === 0) {
    clean.add(site);
    return;
  }
  const f = siteFinding(a, site, 'alternativeStack', `stack layout conflict in alternatives: the original leaves %esp at ${describe(original)}, ${conflicts.join('; ')}`);
  if (f) out.push(f);
}

/** An error on the document line of a site's ALTERNATIVE invocation (undefined when it is in no line of the document). */
export function siteFinding(a: Analysis, site: AlternativeSite, kind: DiagnosticKind, message: string): Finding | undefined {
  const line = documentLine(a, site.location.file, site.location.line);
  if (line === undefined) return undefined;
  const lineText = sourceLine(a, line);
  return { kind, severity: 'error', line, column: lineText.search(/\S|$/), endColumn: Math.max(1, lineText.replace(/\s+$/, '').length), message };
}
