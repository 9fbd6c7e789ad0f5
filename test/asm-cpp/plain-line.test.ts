// Holds the lexer's plain-line reading (Lexer.plainLine, what cpp prints without making a
// token per word) equal to its token-by-token reading on random lines: the same tokens at the
// same columns with the same white space before them, or no plain reading at all.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Lexer } from '../../toolchain/asm/cpp/lexer';
import { PREV_WHITE } from '../../toolchain/asm/cpp/token';
import { prng } from '../support/prng';

const PIECES = [
  ' ', '\t', 'movl', '%eax', ',', '$', '0x80', '1e', '+', '-', '5', '.', '.5', 'p', 'E', '"s t"', '"', "'", '\\', '/', '*',
  '#', '##', '<<=', '...', '->', '%=', '@', '`', 'L', 'u8', 'u', 'U', '(', ')', ':', ';', '\v', 'é', '_x1', '1:', '=', '!',
];

function tokensOf(line: string): Array<{ column: number; text: string; white: boolean }> {
  const lx = new Lexer('t.S', line + '\n', () => undefined);
  const out: Array<{ column: number; text: string; white: boolean }> = [];
  for (let t = lx.next(); t.kind !== 'eof'; t = lx.next()) out.push({ column: t.loc.column, text: t.text, white: (t.flags & PREV_WHITE) !== 0 });
  return out;
}

test('a plain line reads as the same tokens, columns and spacing as token by token', () => {
  const random = prng(0x91a1);
  let plain = 0;
  for (let n = 0; n < 4000; n++) {
    let line = '';
    const count = Math.floor(random() * 12);
    for (let k = 0; k < count; k++) line += PIECES[Math.floor(random() * PIECES.length)]!;
    const lx = new Lexer('t.S', `${line}\n`, () => undefined);
    const got = lx.plainLine({ plainExpansion: () => undefined });
    if (got === undefined) continue;
    plain++;
    const want = tokensOf(line);
    const mine = [];
    for (let k = 0; k < got.count; k++) mine.push({ column: got.starts[k]! - got.lineStart + 1, text: got.text.slice(got.starts[k], got.ends[k]), white: got.white[k]! });
    assert.deepEqual(mine, want, JSON.stringify(line));
  }
  assert.ok(plain > 1000, `only ${plain} of the random lines were plain`);
});

test('a line naming a macro, starting with #, or with a comment is not plain', () => {
  const read = (line: string, macros: string[] = []) => new Lexer('t.S', `${line}\n`, () => undefined).plainLine({ plainExpansion: (name) => (macros.includes(name) ? null : undefined) });
  assert.equal(read('movl FOO, %eax', ['FOO']), undefined);
  assert.equal(read('# comment'), undefined);
  assert.equal(read('movl %eax, %ebx /* c */'), undefined);
  assert.equal(read('movl $1, \\'), undefined);
  assert.equal(read('movl $1, %eax')?.count, 6);
});
