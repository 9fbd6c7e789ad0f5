// The TextMate grammar (syntaxes/gas-x86.tmLanguage.json) against the scope assertions in
// test/grammar/*.S, checked by vscode-tmgrammar-test (vscode-textmate + oniguruma, as VS
// Code tokenizes); and the tool itself fails on an assertion that does not hold. Also the
// kernel model's document grammar (syntaxes/vdso-lab-kernel.tmLanguage.json) against
// test/grammar/kernel-document.txt, a document as the debugger served it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { scratch } from '../support/oracles';

const TOOL = resolve('node_modules/vscode-tmgrammar-test/dist/unit.js');
const GRAMMAR = resolve('syntaxes/gas-x86.tmLanguage.json');

const KERNEL_GRAMMAR = resolve('syntaxes/vdso-lab-kernel.tmLanguage.json');

function check(files: readonly string[], grammar = GRAMMAR): { status: number | null; output: string } {
  const r = spawnSync(process.execPath, [TOOL, '-g', grammar, ...files], { encoding: 'utf8' });
  return { status: r.status, output: r.stdout + r.stderr };
}

const cases = readdirSync(resolve('test/grammar')).filter((f) => f.endsWith('.S')).map((f) => resolve('test/grammar', f));

test('the grammar gives instructions inside ALTERNATIVE arguments the scopes of instructions', () => {
  assert.ok(cases.length > 0);
  const r = check(cases);
  assert.equal(r.status, 0, r.output);
});

test('a scope assertion that does not hold fails the grammar check', () => {
  const wrong = join(scratch(), 'wrong.S');
  writeFileSync(wrong, readFileSync(cases[0]!, 'utf8').replace('keyword.mnemonic.gas-x86', 'string.quoted.double.gas-x86'));
  const r = check([wrong]);
  assert.notEqual(r.status, 0, r.output);
});

test('the kernel document\'s grammar: each line\'s kernel function, the entry and exit instructions, pt_regs fields, errno names, numbers and the fast-exit answers', () => {
  const doc = resolve('test/grammar/kernel-document.txt');
  const r = check([doc], KERNEL_GRAMMAR);
  assert.equal(r.status, 0, r.output);
  const wrong = join(scratch(), 'kernel-document.txt');
  writeFileSync(wrong, readFileSync(doc, 'utf8').replace('keyword.control.vdso-lab-kernel', 'constant.numeric.vdso-lab-kernel'));
  assert.notEqual(check([wrong], KERNEL_GRAMMAR).status, 0);
});
