// The language server's scheduling (language-server/analysis.ts, AnalysisCache): an edit's
// analysis runs one region per turn of the event loop, a newer edit stops it (the stale
// version is never published), a request for the current version is answered at once with
// what the running analysis then publishes, and the debounce is the vdsoLab.lsp.debounceMs
// setting (nothing is analysed before it has passed).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { AnalysisCache, diskFileSource, type Analysis } from '../../language-server/analysis';
import type { ServerSettings } from '../../language-server/build-settings';

function source(functions: number, extra = ''): string {
  const out = ['#include "vdso-lab.h"', '\t.text'];
  for (let i = 0; i < functions; i++) {
    out.push(`VDSO_FUNCTION(f_${i})`, '\tCFI_STARTPROC', '\tpushl\t%ebp', '\tCFI_ADJUST_CFA_OFFSET\t4', '\tint\t$0x80', '\tpopl\t%ebp', '\tCFI_ADJUST_CFA_OFFSET\t-4', '\tret', '\tCFI_ENDPROC', `VDSO_END(f_${i})`);
  }
  return out.join('\n') + '\n' + extra;
}

const turn = () => new Promise<void>((done) => setImmediate(done));

async function until(f: () => boolean): Promise<void> {
  const end = Date.now() + 20_000;
  while (!f() && Date.now() < end) await new Promise((done) => setTimeout(done, 2));
  assert.ok(f(), 'the condition came true');
}

test('a newer edit stops the running analysis; a request answers the current version at once', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'vdso-lab-cache-'));
  try {
    const uri = pathToFileURL(join(dir, 'stubs.S')).href;
    let settings: ServerSettings = { lsp: { debounceMs: 0 } };
    const published: Analysis[] = [];
    const cache = new AnalysisCache(() => settings, diskFileSource(() => undefined), (a) => published.push(a));
    let text = source(200);
    const doc = { uri, version: 1, getText: () => text };
    cache.schedule(doc);
    await until(() => published.length === 1);
    assert.equal(published[0]!.version, 1);

    // Version 2 edits every function (every region runs again); version 3 comes after a few regions.
    text = source(200).replace(/pushl\t%ebp/g, 'pushl\t%ebp ');
    doc.version = 2;
    cache.schedule(doc);
    for (let i = 0; i < 4; i++) await turn();
    text = source(200, '\tnop\n');
    doc.version = 3;
    cache.schedule(doc);
    await until(() => published.length === 2);
    await new Promise((done) => setTimeout(done, 50));
    assert.deepEqual(published.map((a) => a.version), [1, 3], 'version 2 was stopped, never published');

    // A request during the run of its own version: answered now, and the run publishes that analysis.
    text = source(200, '\tnop\n\tnop\n');
    doc.version = 4;
    cache.schedule(doc);
    await turn();
    const now = cache.get(doc);
    assert.equal(now.version, 4);
    await until(() => published.length === 3);
    assert.equal(published[2], now, 'the run published what the request got');

    // The debounce comes from the setting: nothing runs before it has passed.
    settings = { lsp: { debounceMs: 300 } };
    text = source(200, '\tnop\n\tnop\n\tnop\n');
    doc.version = 5;
    cache.schedule(doc);
    await new Promise((done) => setTimeout(done, 100));
    assert.equal(published.length, 3, 'still waiting for more edits');
    await until(() => published.length === 4);
    assert.equal(published[3]!.version, 5);
    cache.forget(uri);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
