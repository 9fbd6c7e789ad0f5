// Owns what the ALTERNATIVE findings remember across analyses: the sites one of them looked at
// and found nothing to say about. The analysis by regions hands an unchanged region's site
// objects to the next version only when the region's text, prefix, lines and offsets are all
// the same (region-analysis.ts shifts into new objects), so a site object's bytes, relocations
// and CFI rows are the same wherever it is met again. A finding that reads only those may skip
// a site it found quiet; a site with a finding is looked at again (its message names the
// feature as the whole document writes it).
import type { AlternativeSite } from '../toolchain/asm/module';

/** A set of sites one finding found quiet (by their first entry), for sites of any analysis. */
export function quietSites(): WeakSet<AlternativeSite> {
  return new WeakSet<AlternativeSite>();
}
