// lineOfText (language-server/analysis.ts), which hover, the Outline, the findings and the
// code actions read a document line through, and the lexical scan's splitLines
// (language-server/source-scan.ts) give what splitting the text on /\r?\n/ gives.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lineOfText } from '../../language-server/analysis';
import { splitLines } from '../../language-server/source-scan';
import { scaled } from '../support/scale';

test('lineOfText and splitLines equal text.split(/\\r?\\n/)[line] on texts with \\n, \\r\\n, lone \\r and empty lines, past the end too', () => {
  const pieces = ['', 'a', '\tpushl %ecx', '\n', '\r\n', '\r', '\n\n', ' ; # x'];
  let seed = 7;
  const next = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff);
  const texts = ['', '\n', '\r\n', 'x', 'x\n', 'x\r\ny', '\n\nz\n', 'x\r', 'x\r\r\n', '\r'];
  for (let n = 0, count = scaled(300, 30); n < count; n++) {
    let t = '';
    for (let k = next() % 12; k > 0; k--) t += pieces[next() % pieces.length];
    texts.push(t);
  }
  for (const text of texts) {
    const expected = text.split(/\r?\n/);
    assert.deepEqual(splitLines(text), expected, JSON.stringify(text));
    const owner = {};
    for (let line = -1; line <= expected.length + 1; line++) assert.equal(lineOfText(owner, text, line), expected[line] ?? '', `${JSON.stringify(text)} line ${line}`);
  }
});
