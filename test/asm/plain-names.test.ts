// Checks the data operands that are a name alone, which the assembler binds without its
// expression parser (AsmState.bindText): the parser reads every such text as that symbol and
// nothing else as one, and the objects of sources full of them equal what as --32 writes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isPlainName, parseWholeExpression } from '../../toolchain/asm/expr';
import { compareWithGas } from './gas-compare';

test('a text isPlainName takes is what the parser reads as that symbol alone', () => {
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

test('data directives of names alone write the object as --32 does', () => {
  compareWithGas('plain-names', [
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
