// The first answer for a document comes from one whole-document analysis, and its regions are
// built after it (language-server/analysis.ts: analyzeVersion, buildRegions, AnalysisCache).
// What a request gets whole must be what the regions give: on the bench's generator
// (bench/lsp-latency.ts), on kernel-style stubs (kernel-style.ts: #ifdef, a call across
// functions, .rodata) and on the project's vdso/ designs, the semantic tokens, every finding,
// the inlay hints and the hover at every lexeme of every line are compared between the whole
// analysis and the one the regions compose. Then the server's cache: a request on a document
// just opened is answered whole, the scheduled run publishes that same answer and builds the
// regions after it, and a one-line edit afterwards re-runs one region and equals a fresh
// whole analysis of the edited text.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { AnalysisCache, analyze, analyzeVersion, buildRegions, diskFileSource, type Analysis, type DocumentText, type FileSource } from '../../language-server/analysis';
import { IncrementalAnalyzer } from '../../language-server/region-analysis';
import { LEGEND, encodedTokens, semanticTokens } from '../../language-server/semantic-tokens';
import { allFindings, findings } from '../../language-server/diagnostics';
import { inlayHints } from '../../language-server/inlay-hints';
import { hover } from '../../language-server/hover';
import { scanSource } from '../../language-server/source-scan';
import { kernelStyleSource } from '../../bench/lsp-latency';
import { HEADER, kernelStyle } from './kernel-style';
import { decodeTokens } from './lsp-client';
import { sampled } from '../support/scale';
import { scratch } from '../support/oracles';

/** The bench's header (bench/lsp-latency.ts writes the same beside its source). */
const BENCH_HEADER = '#ifndef BENCH_H\n#define BENCH_H\n#include "vdso-lab.h"\n#define BENCH_ENTRY(name) VDSO_FUNCTION(name)\n#endif\n';

/**
 * What a user sees of an analysis: tokens, findings, inlay hints, and the hover at each
 * lexeme's first and last character (on a sample of the lines at a quick scale, spread over
 * the document so that every region, a function of a dozen lines or more, has some).
 */
function observable(a: Analysis, files: FileSource): unknown {
  const scan = scanSource(a.text);
  const hovers: string[] = [];
  for (const line of sampled(scan.byLine.map((_, i) => i))) {
    for (const l of scan.byLine[line]!) {
      for (const column of new Set([l.start, l.start + Math.max(0, l.length - 1)])) {
        const h = hover(a, line, column, {}, files);
        hovers.push(`${line}:${column} ${h ? `${h.start}-${h.end} ${h.markdown}` : '-'}`);
      }
    }
  }
  const tokens = semanticTokens(a);
  // The wire form the server sends, decoded as a client decodes it, is the same tokens.
  const wire = tokens.map((t) => ({ line: t.line, start: t.start, length: t.length, type: t.type, modifiers: [...t.modifiers] }));
  assert.deepEqual(decodeTokens(encodedTokens(a), LEGEND), wire, 'the wire form');
  const mid = Math.floor(scan.byLine.length / 2);
  assert.deepEqual(decodeTokens(encodedTokens(a, mid, mid + 40), LEGEND), wire.filter((t) => t.line >= mid && t.line <= mid + 40), 'the wire form of a range');
  return {
    tokens,
    findings: allFindings(a).map((f) => JSON.stringify(f)).sort(),
    hints: inlayHints(a, 0, scan.byLine.length, { cfa: true, offsets: true }),
    hovers,
  };
}

function finished<T>(steps: Generator<void, T>): T {
  let r = steps.next();
  while (!r.done) r = steps.next();
  return r.value;
}

/** The whole answer a request gets on a fresh analyzer, and what the regions built after it compose. */
function bothWays(doc: DocumentText, files: FileSource): { whole: Analysis; regions: Analysis; analyzer: IncrementalAnalyzer } {
  const analyzer = new IncrementalAnalyzer();
  const whole = finished(analyzeVersion(doc, {}, files, analyzer));
  assert.equal(analyzer.last, undefined, 'the request was answered whole: no region ran');
  const regions = finished(buildRegions(doc, {}, files, analyzer));
  assert.ok(regions, `the regions stand for ${doc.uri} (${JSON.stringify(analyzer.last)})`);
  return { whole, regions, analyzer };
}

function inScratch(f: (dir: string, files: FileSource) => void): void {
  const dir = scratch('vdso-lab-whole-first-');
  try {
    f(dir, diskFileSource(() => undefined));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('the whole answer equals the regions\' on the bench\'s generator and on kernel-style stubs: tokens, findings, inlay hints, hover', () => {
  inScratch((dir, files) => {
    writeFileSync(join(dir, 'bench.h'), BENCH_HEADER);
    writeFileSync(join(dir, 't.h'), HEADER);
    // The stubs with mistakes planted for the findings: a misspelled feature, a missing CFA adjustment, a line GAS rejects.
    const flawed = kernelStyle(40);
    flawed[flawed.indexOf('\tALTERNATIVE "", "movl %esp, %ecx; sysenter", X86_FEATURE_SEP', 100)] = '\tALTERNATIVE "", "movl %esp, %ecx; sysenter", X86_FEATURE_SEPP';
    flawed.splice(flawed.indexOf('\tCFI_ADJUST_CFA_OFFSET\t-4', 300), 1);
    flawed.splice(500, 0, 'garbage here');
    const subjects = [
      { name: 'bench.S', text: kernelStyleSource(30), flawed: false },
      { name: 'entry.S', text: kernelStyle(40).join('\n'), flawed: false },
      { name: 'flawed.S', text: flawed.join('\n'), flawed: true },
    ];
    for (const s of subjects) {
      const path = join(dir, s.name);
      writeFileSync(path, s.text);
      const doc = { uri: pathToFileURL(path).href, version: 1, getText: () => s.text };
      const { whole, regions, analyzer } = bothWays(doc, files);
      const last = analyzer.last;
      assert.ok(last && 'regions' in last && last.regions >= 3, `${s.name} is cut into several regions (${JSON.stringify(last)})`);
      if (s.flawed) assert.ok(allFindings(whole).length >= 3, `${s.name} has findings to compare (${allFindings(whole).map((f) => f.kind).join(', ')})`);
      assert.deepEqual(observable(whole, files), observable(regions, files), s.name);
    }
  });
});

test('the same on the project\'s vdso/ designs, read where they are (their includes from vdso/include)', () => {
  const files = diskFileSource(() => undefined);
  for (const name of ['upstream.S', 'sigreturn.S', 'legacy/sysenter.S', 'legacy/sigreturn.S']) {
    const path = resolve('vdso', name);
    const text = readFileSync(path, 'utf8');
    const doc = { uri: pathToFileURL(path).href, version: 1, getText: () => text };
    const analyzer = new IncrementalAnalyzer();
    const whole = finished(analyzeVersion(doc, {}, files, analyzer));
    const regions = finished(buildRegions(doc, {}, files, analyzer));
    // A design the regions cannot stand for is analysed whole either way.
    assert.deepEqual(observable(whole, files), observable(regions ?? analyze(doc, {}, files), files), name);
  }
});

test('the server\'s cache: a document just opened is answered whole, its regions are built after, and a one-line edit re-runs one region', async () => {
  const dir = scratch('vdso-lab-whole-first-');
  try {
    writeFileSync(join(dir, 'bench.h'), BENCH_HEADER);
    const path = join(dir, 'bench.S');
    let text = kernelStyleSource(60);
    writeFileSync(path, text);
    const uri = pathToFileURL(path).href;
    const files = diskFileSource(() => undefined);
    const published: Analysis[] = [];
    const warmed: Analysis[] = [];
    let warmedOnce = (): void => undefined;
    const warming = new Promise<void>((done) => { warmedOnce = done; });
    const cache = new AnalysisCache(() => ({ lsp: { debounceMs: 0 } }), files, (a) => published.push(a), undefined, undefined, [(a) => { warmed.push(a); warmedOnce(); }, (a) => void findings(a, {})]);
    const doc = { uri, version: 1, getText: () => text };
    cache.schedule(doc, 0);
    // The first request comes before the scheduled run: answered whole, at once.
    const first = cache.get(doc);
    assert.equal(cache.lastRun(uri), undefined, 'no region ran for the first answer');
    // Woken by the warmer itself; the timer only bounds a run that never warms (then the asserts below say so).
    let bound: NodeJS.Timeout | undefined;
    await Promise.race([warming, new Promise<void>((done) => { bound = setTimeout(done, 60_000); })]);
    clearTimeout(bound);
    assert.deepEqual(published, [first], 'the run published the answer the request got, once');
    const built = cache.lastRun(uri);
    assert.ok(built && 'regions' in built && built.ran === built.regions && built.regions >= 5, `the run built every region after it (${JSON.stringify(built)})`);
    assert.equal(warmed[0]!.version, 1, 'the warmers ran on what the built regions compose');

    const lines = text.split('\n');
    lines.splice(lines.indexOf('\tint\t$0x80', lines.length >> 1), 0, '\tnop');
    text = lines.join('\n');
    doc.version = 2;
    const edited = cache.get(doc);
    assert.deepEqual(cache.lastRun(uri), { regions: built.regions, ran: 1 }, 'the edit re-ran one region');
    assert.deepEqual(observable(edited, files), observable(analyze({ uri, version: 2, getText: () => text }, {}, files), files), 'and equals the whole analysis of the edited text');
    cache.forget(uri);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
