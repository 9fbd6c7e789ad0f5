// Issue 14's language-server finding: 100 didChange on a 5 MB document must not queue 100
// analyses. The server (in this process, over its wire protocol: the size is the point, not
// the process) opens a 5 MB kernel-style .S (stubs between long comment blocks), takes 100
// one-character edits as a user types them (spaces in one place, then a new instruction
// written character by character far below), and the hover sent right after them is
// answered against the latest text: it describes the instruction the last edits finished
// typing. How fast it answers is a time, which a test does not assert (docs/testing.md): the
// bench's row holds it to the bound (bench/lsp-edit-storm.ts, which owns the source and edits).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { startLsp } from './lsp-client';
import { editStormEdits, editStormSource } from '../../bench/lsp-edit-storm';
import { scratch } from '../support/oracles';

test('100 didChange on a 5 MB document: the next hover is answered against the latest text', async () => {
  const dir = scratch('vdso-lab-edit-storm-');
  const lsp = startLsp();
  try {
    const source = editStormSource();
    const { text, typeAt } = source;
    assert.ok(text.length >= 5 << 20, `the document is 5 MB (${text.length} bytes)`);
    const uri = await lsp.open(join(dir, 'big.S'), text);
    let version = 1;
    for (const e of editStormEdits(source)) {
      const at = { line: e.line, character: e.character };
      await lsp.connection.sendNotification('textDocument/didChange', { textDocument: { uri, version: ++version }, contentChanges: [{ range: { start: at, end: at }, text: e.text }] });
    }
    const hover = await lsp.request<{ contents: { value: string } } | null>('textDocument/hover', { textDocument: { uri }, position: { line: typeAt, character: 2 } });
    assert.ok(hover, 'the typed instruction has a hover');
    assert.match(hover.contents.value, /bb 78 56 34 12/, hover.contents.value);
  } finally {
    await lsp.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
