// Owns the alternatives finding on CFI, objtool's "stack layout conflict in alternatives"
// taken offset by offset: the unwind rows of a site are written once, for the original, and
// stay in force whichever replacement the kernel patches in. So at every offset into the site
// where both the original and a replacement start an instruction (before the site's end), the
// row the CFI gives there (the one row builder, cfi-rows.ts) must be the replacement's own
// state: the row at the site's start with the CFA moved by what the replacement's
// instructions did to esp so far (no CFI can be written inside a replacement).
import { formatAtt } from '../toolchain/isa/att-formatter';
import { DWARF_ESP } from '../toolchain/dwarf/registers';
import type { Row } from '../toolchain/dwarf/types';
import type { AlternativeSite, AsmSection } from '../toolchain/asm/module';
import type { Analysis } from './analysis';
import type { Finding } from './diagnostic-types';
import { featureLabel } from './names';
import { decodedCodeOf, sectionOf, stackEffect, type DecodedCode } from './instructions';
import { formatRow, oneRowThrough, rowAt, sameFormattedRow } from './cfi-rows';
import { siteFinding, sitesByPlace } from './diagnostics-alternatives';
import { quietSites } from './kept-sites';

/** The offsets (after the first byte) where the code's instructions start, and its end, ascending; undefined when it does not decode. */
function boundaries(code: DecodedCode): number[] | undefined {
  if (code.undecodableAt !== undefined) return undefined;
  const out: number[] = [];
  let at = 0;
  for (const i of code.instructions) out.push((at += i.length));
  return out;
}

/** The row at the site's start with the CFA moved by `delta` bytes of esp (when the CFA is esp-based). */
function moved(start: Row, delta: number): Row {
  const cfa = start.cfa.kind === 'register' && start.cfa.reg === DWARF_ESP ? { ...start.cfa, offset: start.cfa.offset - delta } : start.cfa;
  return { ...start, cfa };
}

/** Sites whose CFI agrees at every boundary (kept-sites.ts). */
const clean = quietSites();

export function alternativeCfiFindings(a: Analysis): Finding[] {
  const out: Finding[] = [];
  const replacements = sectionOf(a.module, '.altinstr_replacement');
  if (!replacements) return out;
  for (const group of sitesByPlace(a)) {
    const site = group[0]!;
    if (clean.has(site)) continue;
    const found = out.length;
    groupFindings(a, replacements, group, out);
    if (out.length === found) clean.add(site);
  }
  return out;
}

/** The findings of one site's entries (an ALTERNATIVE_2 has two at one place). */
function groupFindings(a: Analysis, replacements: AsmSection, group: readonly AlternativeSite[], out: Finding[]): void {
  const site = group[0]!;
  const text = sectionOf(a.module, site.section);
  if (!text) return;
  // Where the row is one through the site, a boundary reached with esp unchanged has the
  // site's first row both ways: the rows are built only for a site where that is not so.
  const oneRow = oneRowThrough(a, site.section, site.offset, site.offset + site.length);
  let first = oneRow ? undefined : rowAt(a, site.section, site.offset);
  if (!oneRow && !first) return;
  const original = boundaries(decodedCodeOf(a, text, site.offset, site.offset + site.length));
  if (!original) return;
  for (const s of group) {
    const code = decodedCodeOf(a, replacements, s.replacementOffset, s.replacementOffset + s.replacementLength).instructions;
    let delta = 0;
    let conflict: string | undefined;
    let at = 0;
    for (let k = 0; k < code.length && !conflict; k++) {
      const i = code[k]!;
      const e = stackEffect(i);
      if (e.kind === 'unknown') break; // the stack-height finding says why
      delta += e.delta;
      at += i.length;
      // The site's end is the stack-height finding's (alternatives.ts) and the CFI finding's.
      if (at >= site.length || !original.includes(at)) continue;
      if (oneRow && delta === 0) continue;
      const start = (first ??= rowAt(a, site.section, site.offset));
      if (!start) return;
      const written = rowAt(a, site.section, site.offset + at);
      if (!written) continue;
      const replaced = moved(start.row, delta);
      if (sameFormattedRow(written.row, replaced)) continue;
      const said = formatRow(written.row, start.procedure.returnColumn);
      const actual = formatRow(replaced, start.procedure.returnColumn);
      conflict = `at +${at} into the site the CFI row is \`${said}\` (the original's), but after \`${formatAtt(i).replace(/\s+/g, ' ')}\` the replacement for ${featureLabel(a, s)} has \`${actual}\``;
    }
    if (!conflict) continue;
    const f = siteFinding(a, site, 'alternativeCfi', `stack layout conflict in alternatives: ${conflict}`);
    if (f) out.push(f);
  }
}
