// Checks that a document just opened is analysed and its diagnostics published at once, not
// after the debounce that edits wait for (TextDocuments reports an opening as a change too).
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { startLsp } from './lsp-client';
import { scratch } from '../support/oracles';
import { within } from '../support/within';

// The longest debounce the setting takes: an opening that waited for it would publish 10 s late.
const client = startLsp({ lsp: { debounceMs: 10_000 } });
after(() => client.close());

test('an opened document\'s diagnostics come without the edit debounce (vdsoLab.lsp.debounceMs 10 s)', async () => {
  const path = join(scratch(), 'opened.S');
  const text = '\t.text\nf:\tpushl %ebp\n\tbogus %eax\n\tret\n';
  const outcome = await within(client.open(path, text).then(() => 'published'), 5_000, () => 'waited for the debounce');
  assert.equal(outcome, 'published');
  const uri = new URL(`file://${path}`).href;
  // What was published is the opened text's analysis: one error, on the line that is not an instruction.
  assert.deepEqual(client.diagnostics(uri).map((d) => [d.range.start.line, d.severity]), [[2, 1]]);
});
