// Holds the ALTERNATIVE findings of a region kept across edits (diagnostics-alternatives.ts,
// diagnostics-alternative-cfi.ts and diagnostics-alternative-branch.ts keep which sites were
// found clean, by site object) to those of a fresh whole-document analysis: a stack-height
// conflict, a CFI conflict and a branch the patcher cannot fix in one function stay found while
// edits elsewhere are analysed by regions.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { analyze, analyzeIncrementally, diskFileSource } from '../../language-server/analysis';
import { IncrementalAnalyzer } from '../../language-server/region-analysis';
import { allFindings } from '../../language-server/diagnostics';
import { HEADER, kernelStyle } from './kernel-style';
import { scratch } from '../support/oracles';

const STACK = '\tALTERNATIVE "", "pushl %eax", X86_FEATURE_SEP';
const BRANCH = '\tALTERNATIVE "", "jecxz 1f", X86_FEATURE_SEP';
const CFI = '\tALTERNATIVE "pushl %ebx; .cfi_adjust_cfa_offset 4; popl %ebx; .cfi_adjust_cfa_offset -4", "pushl %ebx; pushl %ebx; popl %ebx; popl %ebx", X86_FEATURE_SEP';

const KINDS: readonly string[] = ['alternativeBranch', 'alternativeCfi', 'alternativeStack'];

test('conflicting sites in a kept region are found in every version, as the whole analysis finds them', () => {
  const dir = scratch('vdso-lab-kept-sites-');
  try {
    writeFileSync(join(dir, 't.h'), HEADER);
    const path = join(dir, 'kept.S');
    const uri = pathToFileURL(path).href;
    const files = diskFileSource(() => undefined);
    const analyzer = new IncrementalAnalyzer();
    const base = kernelStyle(60);
    const first = base.findIndex((l) => l.includes('ALTERNATIVE'));
    base.splice(first + 1, 0, STACK, CFI, BRANCH);
    const far = base.length - 20;
    let incremental = 0;
    for (let version = 1; version <= 5; version++) {
      const lines = [...base];
      lines[far] = `${lines[far]}${' '.repeat(version)}`;
      const text = lines.join('\n');
      const doc = { uri, version, getText: () => text };
      const steps = analyzeIncrementally(doc, {}, files, analyzer);
      let r = steps.next();
      while (!r.done) r = steps.next();
      const last = analyzer.last;
      if (version > 1 && last && 'ran' in last && last.ran < last.regions) incremental++;
      const mine = allFindings(r.value).filter((f) => KINDS.includes(f.kind));
      const whole = allFindings(analyze(doc, {}, files)).filter((f) => KINDS.includes(f.kind));
      assert.deepEqual(mine, whole, `version ${version}`);
      assert.deepEqual([...new Set(whole.map((f) => f.kind))].sort(), KINDS, `version ${version}: each kind found`);
    }
    assert.ok(incremental >= 3, `the edits far from the sites kept their region (${incremental} of 4)`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
