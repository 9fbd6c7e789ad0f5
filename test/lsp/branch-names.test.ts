// Hover names a branch target from the symbols the object would list, without writing it:
// each case's names must equal what `objdump -d` prints for the object `as --32` assembles from
// the same text, including where objdump's choice depends on the object as a whole (a
// relocation section, which CFI alone gives, restricts the search to the branch's own section;
// without one a nearer symbol of another section names it), on symbols of equal value, weak
// and absolute symbols, and a group's signature symbol.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { run, scratch } from '../support/oracles';
import { startLsp } from './lsp-client';

const lsp = startLsp();
after(() => lsp.close());
const dir = scratch('vdso-lab-lsp-branch-names-');

/** A .data symbol nearer below the branch targets than any .text symbol, `cfi` adding CFI (and so a .rel.eh_frame). */
function nearer(cfi: boolean): string {
  return `	.data
	.space	5
near:	.long	0
	.text
${cfi ? '\t.cfi_startproc\n' : ''}	nop
	nop
	nop
	nop
t:	nop
	nop
1:	nop
	jmp	1b
	jne	1f
	nop
1:	ret
${cfi ? '\t.cfi_endproc\n' : ''}`;
}

const MIXED = `	.section .text.g,"axG",@progbits,sig,comdat
	nop
	jmp	.
	.text
	.set	abs, 3
	.weak	w
w:	nop
	.globl	g
g:
loc:	nop
	jmp	g
	jmp	loc+1
	.type	fn, @function
fn:	jmp	w
	call	ext
	jmp	.Lhere
	.size	fn, .-fn
.Lhere:	jmp	fn+3
	.long	.Lfar
.Lfar:	ret
`;

/** objdump -d's instruction text per section and address, whitespace collapsed. */
function objdumpText(object: string): Map<string, string> {
  const out = new Map<string, string>();
  let section = '';
  for (const line of run('objdump', ['-d', '-w', object]).split('\n')) {
    const s = /^Disassembly of section (\S+):/.exec(line);
    if (s) section = s[1]!;
    const m = /^\s*([0-9a-f]+):\t[0-9a-f ]+\t(.+)$/.exec(line);
    if (m) out.set(`${section}+0x${parseInt(m[1]!, 16).toString(16)}`, m[2]!.replace(/\s+/g, ' ').trim());
  }
  return out;
}

for (const [name, text, branches] of [['nearer-cfi', nearer(true), 2], ['nearer', nearer(false), 2], ['mixed', MIXED, 7]] as const) {
  test(`branch targets in hover equal objdump -d's names (${name})`, async () => {
    const path = join(dir, `${name}.s`);
    writeFileSync(path, text);
    const object = join(dir, `${name}.o`);
    run('as', ['--32', path, '-o', object]);
    const expected = objdumpText(object);
    const uri = await lsp.open(path, text);
    const lines = text.split('\n');
    let seen = 0;
    const names = new Set<string>();
    for (let line = 0; line < lines.length; line++) {
      if (!/^(\S*:)?\t(j|call)/.test(lines[line]!)) continue;
      const h = await lsp.request<{ contents: { value: string } } | null>('textDocument/hover', { textDocument: { uri }, position: { line, character: lines[line]!.indexOf('\t') + 1 } });
      const m = /`([^`]+)` — (\S+\+0x[0-9a-f]+)/.exec(h?.contents.value ?? '');
      assert.ok(m, `line ${line + 1}: no instruction hover: ${h?.contents.value}`);
      const want = expected.get(m[2]!);
      assert.equal(m[1]!.replace(/\s+/g, ' ').trim(), want, `line ${line + 1}: ${lines[line]!.trim()}`);
      names.add(/<([^>+-]+)/.exec(want!)?.[1] ?? '');
      seen++;
    }
    assert.equal(seen, branches);
    // The cases reach the choices they are about.
    if (name === 'nearer-cfi') assert.deepEqual([...names], ['t']);
    if (name === 'nearer') assert.deepEqual([...names], ['near']);
  });
}
