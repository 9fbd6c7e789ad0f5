// Hover names things as the user's tools do, over LSP: an instruction's branch target as
// `objdump -d` prints it for the object `as --32` assembles from the same text (`jne 9 <spin>`),
// and a feature's #define by the header's name as included, never the install path the
// extension's include directory gives it.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { run, scratch } from '../support/oracles';
import { startLsp } from './lsp-client';

const lsp = startLsp();
after(() => lsp.close());
const dir = scratch('vdso-lab-lsp-hover-names-');

const BRANCHES = `	.text
	.globl	entry
	.type	entry, @function
entry:
	nop
spin:
	pause
	cmpl	$0, %eax
	jne	spin
	jmp	.Lout
	call	helper
	loop	spin
	jmp	helper+2
.Lout:
	jecxz	spin
	ret
	.size	entry, .-entry
	.type	helper, @function
helper:
	xorl	%eax, %eax
	nop
	jz	.Lout
	ret
`;

/** objdump -d's instruction text per address of one section, whitespace collapsed. */
function objdumpText(object: string): Map<number, string> {
  const out = new Map<number, string>();
  for (const m of run('objdump', ['-d', '-w', object]).matchAll(/^\s*([0-9a-f]+):\t[0-9a-f ]+\t(.+)$/gm)) out.set(parseInt(m[1]!, 16), m[2]!.replace(/\s+/g, ' ').trim());
  return out;
}

async function hoverAt(uri: string, line: number, character: number): Promise<string> {
  const h = await lsp.request<{ contents: { value: string } } | null>('textDocument/hover', { textDocument: { uri }, position: { line, character } });
  return h?.contents.value ?? '';
}

test('an instruction hover names each branch target as objdump -d does for the object as --32 makes', async () => {
  const path = join(dir, 'branches.s');
  writeFileSync(path, BRANCHES);
  const object = join(dir, 'branches.o');
  run('as', ['--32', path, '-o', object]);
  const expected = objdumpText(object);
  const uri = await lsp.open(path, BRANCHES);
  const lines = BRANCHES.split('\n');
  let branches = 0;
  for (let line = 0; line < lines.length; line++) {
    if (!/^\t(j|call|loop)/.test(lines[line]!)) continue;
    const md = await hoverAt(uri, line, 1);
    const m = /`([^`]+)` — \.text\+0x([0-9a-f]+)/.exec(md);
    assert.ok(m, `line ${line + 1}: no instruction hover: ${md}`);
    const want = expected.get(parseInt(m[2]!, 16));
    assert.equal(m[1]!.replace(/\s+/g, ' ').trim(), want, `line ${line + 1}: ${lines[line]!.trim()}`);
    assert.match(want!, /<[^>]+>/, 'objdump names the target');
    branches++;
  }
  assert.equal(branches, 7);
});

test('a feature hover names vdso-lab.h as included, with no absolute path', async () => {
  const text = `#include "vdso-lab.h"
	.text
	.long	X86_FEATURE_SYSENTER32
`;
  const path = join(dir, 'feature.S');
  writeFileSync(path, text);
  const uri = await lsp.open(path, text);
  const md = await hoverAt(uri, 2, text.split('\n')[2]!.indexOf('X86_FEATURE') + 3);
  assert.match(md, /3\*32\+15/);
  const defined = readFileSync(resolve('vdso/include/vdso-lab.h'), 'utf8').split('\n').findIndex((l) => /^\s*#\s*define\s+X86_FEATURE_SYSENTER32\b/.test(l)) + 1;
  assert.ok(defined > 0, 'the header defines the feature');
  assert.ok(md.includes(`#define in vdso-lab.h:${defined}`), md);
  assert.ok(!md.includes(resolve('vdso/include')), md);
  assert.doesNotMatch(md, /(^|[\s_`(])\/[^\s`_]+\//, md);
});
