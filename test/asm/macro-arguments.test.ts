// How a macro invocation's text becomes its arguments, checked against `as --32` at test time
// (gas-compare.ts: messages, exit status, object): GAS's scrubber first drops blanks except
// between two symbol characters (i386 counts `*%-([{}` among them, so `3 - 4` is three words
// and `3 + 4` one), makes `'c` a number, and reads a macro's expansion the same way (a quoted
// "1 + 2" passed on is one word again); `name=value` is a keyword argument only when the `=`
// comes before any separator. Each argument is written out with .ascii, so the object shows
// how the text was split.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compareWithGas } from './gas-compare';

const SITE = ['\t.macro site x, y=_, z=_, w=_', '\t.ascii "[\\x][\\y][\\z][\\w]"', '\t.endm'];

/** Texts GAS splits without an error, around each kind of operator and bracket. */
const SPLIT = [
  '3 + 4', '3 - 4', '(3) - 4', '3 -4', '3- 4', '(3) -4', 'a * b', '3 *4', '(3)* 4', '3 % 4', 'a %b', '3 / 4', '3 & 4',
  '3 | (4)', '3 ^4', '3 < 4', '3 << 4', '(3) == 4', '3 ! 4', '3 ~ 4', '(3) = 4', '3 4', '(3) (4)', '3 (4)', '(3) 4',
  '"x y" z', '"a" "b"', '3 , 4', '%eax , 4', '$1 + 2', '$ 1', '- 3', '3 -', '[3] + 4', "'a + 4", "3 + ' '", 'x=3 + 4',
  '3 @ 4', '3 : 4', '3 ? 4', '3 { 4', 'y=1 x=2',
];

test('a macro invocation\'s arguments: the blanks GAS\'s scrubber keeps and drops, character constants', async () => {
  const gas = await compareWithGas('split-top', [...SITE, ...SPLIT.map((t) => `\tsite ${t}`), ''].join('\n'));
  assert.equal(gas.status, 0);
});

test('inside a macro body the same, and a quoted argument passed on is scrubbed again where it lands', async () => {
  const body = ['\\a + \\b', '\\a -1', '1 + \\a', '\\a+\\b', '\\a , \\b', 'x=\\a + 1', '\\a + 1 y=2', '(\\a) - 1', '(1) - \\a', '\\a- 1'];
  const gas = await compareWithGas('split-body', [
    ...SITE, '\t.macro outer a, b', ...body.map((t) => `\tsite ${t}`), '\t.endm', '\touter 3, 4', '\touter "1 + 2", 5',
    '\t.macro bytes', "\t.byte ' ', 'a, '\\n, '\\\\, 'a', '\\''", '\t.endm', '\tbytes', "\t.byte ' ', 'a, '\\n, '\\\\, 'a', '\\''", '',
  ].join('\n'));
  assert.equal(gas.status, 0, gas.messages.join('\n'));
});

test('too many words and arguments that look like keywords: GAS\'s errors', async () => {
  for (const [name, text] of [['three-words', '3 - 4 - 5'], ['unknown-keyword', 'a = b'], ['confusion', '3 == 4'], ['confusion-op', 'x+1=2']]) {
    const gas = await compareWithGas(`split-${name}`, [...SITE, `\tsite ${text}`, ''].join('\n'));
    assert.notEqual(gas.status, 0, name);
  }
});
