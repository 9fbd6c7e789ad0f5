// The language server's scheduling (language-server/analysis.ts, AnalysisCache): an edit's
// analysis runs one region per turn of the event loop, a newer edit stops it (the stale
// version is never published), a request for the current version is answered at once with
// what the running analysis then publishes, and the debounce is the vdsoLab.lsp.debounceMs
// setting (nothing is analysed before it has passed: node's mock timers stand for the clock,
// and the analysis's start shows as its reading the text).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { AnalysisCache, diskFileSource, type Analysis } from '../../language-server/analysis';
import type { ServerSettings } from '../../language-server/build-settings';
import { scratch } from '../support/oracles';

function source(functions: number, extra = ''): string {
  const out = ['#include "vdso-lab.h"', '\t.text'];
  for (let i = 0; i < functions; i++) {
    out.push(`VDSO_FUNCTION(f_${i})`, '\tCFI_STARTPROC', '\tpushl\t%ebp', '\tCFI_ADJUST_CFA_OFFSET\t4', '\tint\t$0x80', '\tpopl\t%ebp', '\tCFI_ADJUST_CFA_OFFSET\t-4', '\tret', '\tCFI_ENDPROC', `VDSO_END(f_${i})`);
  }
  return out.join('\n') + '\n' + extra;
}

const turn = () => new Promise<void>((done) => setImmediate(done));

test('a newer edit stops the running analysis; a request answers the current version at once', async (t) => {
  const dir = scratch('vdso-lab-cache-');
  try {
    const uri = pathToFileURL(join(dir, 'stubs.S')).href;
    let settings: ServerSettings = { lsp: { debounceMs: 0 } };
    const published: Analysis[] = [];
    const waiting: Array<{ count: number; done: () => void }> = [];
    /** Resolves once `count` analyses have been published. */
    const publishedCount = (count: number) => new Promise<void>((done) => {
      if (published.length >= count) done();
      else waiting.push({ count, done });
    });
    const cache = new AnalysisCache(() => settings, diskFileSource(() => undefined), (a) => {
      published.push(a);
      for (const w of waiting.filter((x) => published.length >= x.count)) {
        waiting.splice(waiting.indexOf(w), 1);
        w.done();
      }
    });
    let text = source(200);
    let reads = 0;
    const doc = {
      uri,
      version: 1,
      getText: () => {
        reads++;
        return text;
      },
    };
    cache.schedule(doc);
    await publishedCount(1);
    assert.equal(published[0]!.version, 1);

    // Version 2 edits every function (every region runs again); version 3 comes after a few regions.
    text = source(200).replace(/pushl\t%ebp/g, 'pushl\t%ebp ');
    doc.version = 2;
    cache.schedule(doc);
    for (let i = 0; i < 4; i++) await turn();
    text = source(200, '\tnop\n');
    doc.version = 3;
    cache.schedule(doc);
    await publishedCount(2);
    assert.deepEqual(published.map((a) => a.version), [1, 3], 'version 2 was stopped, never published');

    // A request during the run of its own version: answered now, and the run publishes that analysis.
    text = source(200, '\tnop\n\tnop\n');
    doc.version = 4;
    cache.schedule(doc);
    await turn();
    const now = cache.get(doc);
    assert.equal(now.version, 4);
    await publishedCount(3);
    assert.equal(published[2], now, 'the run published what the request got');

    // The debounce comes from the setting: the analysis starts (it reads the text) when it has passed, not before.
    t.mock.timers.enable({ apis: ['setTimeout'] });
    settings = { lsp: { debounceMs: 300 } };
    text = source(200, '\tnop\n\tnop\n\tnop\n');
    doc.version = 5;
    reads = 0;
    cache.schedule(doc);
    t.mock.timers.tick(299);
    assert.equal(reads, 0, 'still waiting for more edits at 299 ms');
    t.mock.timers.tick(1);
    assert.equal(reads, 1, 'the analysis started at 300 ms');
    await publishedCount(4);
    // Version 2 did not come late either: everything published since is in order.
    assert.deepEqual(published.map((a) => a.version), [1, 3, 4, 5]);
    cache.forget(uri);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
