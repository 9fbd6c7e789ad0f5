// The server's line-based document (language-server/line-document.ts) against the
// TextDocument of vscode-languageserver-textdocument, the LSP library's own: the same text,
// line count, positions and offsets after each of a seeded series of random incremental
// edits (insertions with and without line ends, CRLF, deletions across lines, replacements
// at the end of the text) and full replacements.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { LineDocument } from '../../language-server/line-document';
import { prng } from '../support/prng';
import { scaled } from '../support/scale';

const PIECES = ['', 'x', '\tnop', '\n', '\r\n', 'a\nb', 'movl %eax, %ebx\n\tret\n', '\n\n', '#define X 1\r\n'];

test('random incremental edits leave a LineDocument where the library\'s TextDocument is', () => {
  const rnd = prng(14);
  const initial = '#include "vdso-lab.h"\n\t.text\r\nfoo:\n\tnop\n\tret\n';
  let reference = TextDocument.create('file:///t.S', 'gas-x86', 1, initial);
  const ours = new LineDocument('file:///t.S', 'gas-x86', 1, initial);
  for (let version = 2, last = scaled(400, 40); version < last; version++) {
    const length = reference.getText().length;
    let change;
    if (rnd() < 0.03) {
      change = { text: PIECES[Math.floor(rnd() * PIECES.length)]!.repeat(3) };
    } else {
      const a = Math.floor(rnd() * (length + 1));
      const b = Math.min(length, a + Math.floor(rnd() * 12));
      change = { range: { start: reference.positionAt(a), end: reference.positionAt(rnd() < 0.6 ? a : b) }, text: PIECES[Math.floor(rnd() * PIECES.length)]! };
    }
    reference = TextDocument.update(reference, [change], version);
    ours.update([change], version);
    assert.equal(ours.getText(), reference.getText(), `text after edit ${version}: ${JSON.stringify(change)}`);
    assert.equal(ours.lineCount, reference.lineCount);
    assert.equal(ours.version, version);
    for (let k = 0; k < 5; k++) {
      const offset = Math.floor(rnd() * (reference.getText().length + 1));
      const position = reference.positionAt(offset);
      assert.deepEqual(ours.positionAt(offset), position, `positionAt(${offset})`);
      assert.equal(ours.offsetAt(position), reference.offsetAt(position));
    }
  }
});
