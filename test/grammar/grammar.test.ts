// The TextMate grammar (syntaxes/gas-x86.tmLanguage.json) against the scope assertions in
// test/grammar/*.S, checked by vscode-tmgrammar-test (vscode-textmate + oniguruma, as VS
// Code tokenizes; its library in this process, the functions its command line runs); and the
// check itself fails on an assertion that does not hold. Also the kernel model's document
// grammar (syntaxes/vdso-lab-kernel.tmLanguage.json) against test/grammar/kernel-document.txt,
// a document as the debugger served it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createRegistry, loadConfiguration } from 'vscode-tmgrammar-test/dist/common/index';
import { parseGrammarTestCase, runGrammarTestCase } from 'vscode-tmgrammar-test/dist/unit/index';
import { scratch } from '../support/oracles';

const GRAMMAR = resolve('syntaxes/gas-x86.tmLanguage.json');

const KERNEL_GRAMMAR = resolve('syntaxes/vdso-lab-kernel.tmLanguage.json');

/** Whether every file's assertions hold (ok), and what fails otherwise, as `vscode-tmgrammar-test -g GRAMMAR FILES` decides. */
async function check(files: readonly string[], grammar = GRAMMAR): Promise<{ ok: boolean; output: string }> {
  const registry = createRegistry(loadConfiguration(undefined, undefined, [grammar]).grammars);
  const failed: string[] = [];
  for (const file of files) {
    try {
      const failures = await runGrammarTestCase(registry, parseGrammarTestCase(readFileSync(file, 'utf8')));
      failed.push(...failures.map((f) => `${file}:${f.srcLine + 1}:${f.start}-${f.end} missing ${f.missing.join(' ')} unexpected ${f.unexpected.join(' ')} (has ${f.actual.join(' ')})`));
    } catch (e) {
      failed.push(`${file}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  return { ok: failed.length === 0, output: failed.join('\n') };
}

const cases = readdirSync(resolve('test/grammar')).filter((f) => f.endsWith('.S')).map((f) => resolve('test/grammar', f));

test('the grammar gives instructions inside ALTERNATIVE arguments the scopes of instructions', async () => {
  assert.ok(cases.length > 0);
  const r = await check(cases);
  assert.ok(r.ok, r.output);
});

test('a scope assertion that does not hold fails the grammar check', async () => {
  const wrong = join(scratch(), 'wrong.S');
  writeFileSync(wrong, readFileSync(cases[0]!, 'utf8').replace('keyword.mnemonic.gas-x86', 'string.quoted.double.gas-x86'));
  const r = await check([wrong]);
  assert.ok(!r.ok, 'the check fails');
});

test('the kernel document\'s grammar: each line\'s kernel function, the entry and exit instructions, pt_regs fields, errno names, numbers and the fast-exit answers', async () => {
  const doc = resolve('test/grammar/kernel-document.txt');
  const r = await check([doc], KERNEL_GRAMMAR);
  assert.ok(r.ok, r.output);
  const wrong = join(scratch(), 'kernel-document.txt');
  writeFileSync(wrong, readFileSync(doc, 'utf8').replace('keyword.control.vdso-lab-kernel', 'constant.numeric.vdso-lab-kernel'));
  assert.ok(!(await check([wrong], KERNEL_GRAMMAR)).ok, 'the check fails');
});
