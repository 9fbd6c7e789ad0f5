// Checks the per-token spans of the line map against the source text itself: a token that
// came straight from a file maps to a place in that file where the same text is written, and
// a token from a macro use maps to the use (the macro's name at that place); a multi-statement
// macro expands to one output line mapped to the line of its use, as gcc's markers say
// (the line numbers themselves are compared with gcc in gcc-compare.test.ts).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { preprocess } from '../../toolchain/asm/cpp/preprocess';
import { CASES } from './corpus';

for (const c of CASES) {
  test(`every span points at its text or at the macro use: ${c.name}`, () => {
    const files = c.files;
    const r = preprocess({ file: 'main.S', includeDirs: c.includeDirs, defines: c.defines, undefines: c.undefines, readFile: (p) => files[p] });
    const out = r.text.split('\n');
    let checked = 0;
    for (let i = 0; i < r.spans.length; i++) {
      const spans = r.spans.line(i);
      for (const [k, s] of spans.entries()) {
        const src = files[s.location.file];
        if (src === undefined) continue;
        const srcLine = src.split('\n')[s.location.line - 1];
        if (srcLine === undefined) continue;
        const end = k + 1 < spans.length ? spans[k + 1]!.column - 1 : out[i]!.length;
        const piece = out[i]!.slice(s.column - 1, end).trim();
        const at = srcLine.slice(s.location.column - 1);
        const first = piece.split(/\s/)[0]!;
        // Not the same text: then it came from a macro, and the place is the macro's name.
        if (!at.startsWith(first)) assert.match(at, /^[A-Za-z_]\w*/, `${s.location.file}:${s.location.line}:${s.location.column} "${at}" vs "${piece}"`);
        checked++;
      }
    }
    assert.ok(checked > 0);
  });
}

test('a multi-statement macro maps to the line and column where it is used', () => {
  const text = '#define TWO(a) movl a, %eax ; \\\n\tmovl a, %ebx\n  nop\n  TWO($1) ; ret\n';
  const r = preprocess({ file: 'm.S', text, readFile: () => undefined });
  assert.deepEqual(r.text, '  nop\n  movl $1, %eax ; movl $1, %ebx ; ret\n');
  assert.deepEqual(r.lines.map((l) => `${l.line}:${l.column}`), ['3:3', '4:3']);
  assert.deepEqual(r.spans.line(1).map((s) => `${s.column}->${s.location.line}:${s.location.column}`), ['3->4:3', '33->4:11', '35->4:13']);
});
