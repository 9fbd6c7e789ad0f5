// Checks the data operands that are a name alone, which the assembler binds without its
// expression parser (AsmState.bindText): the parser reads every such text as that symbol and
// nothing else as one, and the objects of sources full of them equal what as --32 writes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dotMinusName, isPlainName, parseWholeExpression } from '../../toolchain/asm/expr';
import { compareWithGas } from './gas-compare';

test('a text isPlainName takes is what the parser reads as that symbol alone', async () => {
  const plain = ['f', 'f0', '.L1', '.Lsmall12', '_x', '$y', 'a.b$c_9', '..', '.text', 'eax', 'X86_FEATURE_XMM2'];
  const other = ['', '.', '1', '1f', '1b', '0x10', 'a@GOT', 'a@PLT', '"q"', 'a b', ' a', 'a ', 'a+1', '-a', '(a)', 'a-b', "'a", '%eax', 'a,b'];
  for (const text of plain) {
    assert.equal(isPlainName(text), true, text);
    assert.deepEqual(parseWholeExpression(text), { kind: 'symbol', name: text }, text);
  }
  for (const text of other) {
    assert.equal(isPlainName(text), false, JSON.stringify(text));
    let parsed: unknown;
    try {
      parsed = parseWholeExpression(text);
    } catch {
      continue;
    }
    assert.notDeepEqual(parsed, { kind: 'symbol', name: text }, text);
  }
});

test('data directives of names alone write the object as --32 does', async () => {
  await compareWithGas('plain-names', [
    '\t.text',
    'f:\tret',
    '.Lg:\tnop',
    '\t.set e, 5',
    '\t.set alias, f',
    '\t.equ later, 7',
    '\t.data',
    '\t.long f, .Lg, ext, e, alias, fwd, $d, _u',
    '\t.word e, later',
    '\t.byte e, later, f',
    '\t.quad e',
    '\t.long .',
    '\t.globl ext2',
    '\t.long ext2',
    'fwd:\t.long fwd',
    '$d:\t.byte 1',
    '\t.set s2, e',
    '\t.byte s2',
    '\t.balign e',
    '\t.fill e, 1, e',
    '\t.size f, e',
    '',
  ].join('\n'));
});

test('dotMinusName gives what the parser makes of `. - NAME`, and nothing for any other text', async () => {
  const names = ['f', 'f0', '.L1', '_x', '$y', 'a.b$c_9', '..', 'stub_12'];
  const blanks = ['', ' ', '\t', ' \t '];
  const texts: string[] = [];
  for (const name of names) for (const a of blanks) for (const b of blanks) for (const c of blanks) texts.push(`${a}.${b}-${c}${name}${a}`);
  for (const text of texts) assert.deepEqual(dotMinusName(text), parseWholeExpression(text), JSON.stringify(text));
  const other = ['', '.', '. -', '. - ', '.-1f', '. - 1b', '. - 0x10', '. - a@PLT', '. - "q"', '. - a b', '. - a+1', '. - -a', '. + a',
    '.. - a', '.a - b', 'a - .', '. - (a)', '.-a-b', '. - %eax', '. * a', '.\n- a', ' . - a,b', '.-.', '. - .'];
  for (const text of other) assert.equal(dotMinusName(text), undefined, JSON.stringify(text));
  // Random texts of the form with one piece changed, inserted or dropped: whatever dotMinusName takes, the parser reads the same.
  const pieces = ['.', '-', ' ', '\t', 'a', '_', '$', '1', 'f', 'b', '+', '@', '"', '(', ',', '.a', 'stub_1', '%', '*'];
  let seed = 7;
  const next = (n: number) => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff), (seed >>> 8) % n);
  let taken = 0;
  for (let k = 0; k < 20000; k++) {
    const parts = [blanks[next(4)]!, '.', blanks[next(4)]!, '-', blanks[next(4)]!, names[next(names.length)]!, blanks[next(4)]!];
    const at = next(parts.length + 1);
    const change = next(3);
    if (change === 0) parts[Math.min(at, parts.length - 1)] = pieces[next(pieces.length)]!;
    else if (change === 1) parts.splice(at, 0, pieces[next(pieces.length)]!);
    else parts.splice(Math.min(at, parts.length - 1), 1);
    const text = parts.join('');
    const fast = dotMinusName(text);
    if (fast === undefined) continue;
    taken++;
    assert.deepEqual(fast, parseWholeExpression(text), JSON.stringify(text));
  }
  assert.ok(taken > 100, `only ${taken} random texts were of the form`);
});

test('`.size NAME, . - NAME` in its spellings writes the object as --32 does', async () => {
  await compareWithGas('dot-minus-name', [
    '\t.text',
    'f:\tnop',
    '\tret',
    '\t.size f, . - f',
    'g:\tpushl %ebp',
    '\tpopl %ebp',
    '\tret',
    '\t.size g, .-g',
    '\t.globl h',
    '\t.type h, @function',
    'h:\tnop',
    '\t.size h,\t.\t-\th',
    '\t.data',
    'd:\t.long 1, 2',
    '\t.size d, . - d',
    '\t.long . - d, .-e',
    'e:\t.byte 0',
    '',
  ].join('\n'));
});
