// Owns the alternatives finding objtool calls "stack layout conflict in alternatives": the
// original instructions of a site (with their padding) and each replacement must leave esp
// where the others do, since the CFI describing the site is the same whichever is patched in.
import type { AlternativeSite } from '../toolchain/asm/module';
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
  for (const s of a.module.alternatives) {
    const key = `${s.section}:${s.offset}`;
    const list = groups.get(key) ?? [];
    list.push(s);
    groups.set(key, list);
  }
  return [...groups.values()];
}

/** Sites whose stack effects agree (kept-sites.ts). */
const clean = quietSites();

export function alternativeFindings(a: Analysis): Finding[] {
  const out: Finding[] = [];
  const replacements = sectionOf(a.module, '.altinstr_replacement');
  for (const group of sitesByPlace(a)) {
    const site = group[0]!;
    if (clean.has(site)) continue;
    const text = sectionOf(a.module, site.section);
    if (!text) {
      clean.add(site);
      continue;
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
      continue;
    }
    const f = siteFinding(a, site, 'alternativeStack', `stack layout conflict in alternatives: the original leaves %esp at ${describe(original)}, ${conflicts.join('; ')}`);
    if (f) out.push(f);
  }
  return out;
}

/** An error on the document line of a site's ALTERNATIVE invocation (undefined when it is in no line of the document). */
export function siteFinding(a: Analysis, site: AlternativeSite, kind: DiagnosticKind, message: string): Finding | undefined {
  const line = documentLine(a, site.location.file, site.location.line);
  if (line === undefined) return undefined;
  const lineText = sourceLine(a, line);
  return { kind, severity: 'error', line, column: lineText.search(/\S|$/), endColumn: Math.max(1, lineText.replace(/\s+$/, '').length), message };
}
