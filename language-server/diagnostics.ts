// Owns putting the findings of every kind together for a document, less the kinds the
// settings turn off (vdsoLab.diagnostics.KIND: false).
import type { Analysis } from './analysis';
import type { Finding } from './diagnostic-types';
import type { ServerSettings } from './build-settings';
import { assemblerFindings } from './diagnostics-assembler';
import { featureFindings } from './diagnostics-features';
import { alternativeFindings } from './diagnostics-alternatives';
import { cfiFindings, landingPadFindings } from './diagnostics-cfi';
import { alternativeCfiFindings } from './diagnostics-alternative-cfi';
import { alternativeBranchFindings } from './diagnostics-alternative-branch';
import { ehFrameFindings } from './diagnostics-eh-frame';

const cache = new WeakMap<Analysis, Finding[]>();

/** Every finding of the analysis (all kinds). */
export function allFindings(a: Analysis): Finding[] {
  const hit = cache.get(a);
  if (hit) return hit;
  const out = [
    ...assemblerFindings(a), ...featureFindings(a), ...alternativeFindings(a), ...alternativeCfiFindings(a), ...alternativeBranchFindings(a),
    ...cfiFindings(a), ...ehFrameFindings(a), ...landingPadFindings(a),
  ];
  cache.set(a, out);
  return out;
}

export function findings(a: Analysis, settings: ServerSettings): Finding[] {
  const off = settings.diagnostics ?? {};
  return allFindings(a).filter((f) => off[f.kind] !== false);
}
