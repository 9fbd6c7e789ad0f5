// Rename and references of a #define'd constant used as an immediate (`$__NR_getpid`, as
// kernel assembly writes system call numbers) and of a register macro (`%SCRATCH`): every
// use is found, and the renamed file, built with gcc -m32 (cpp and GNU as), gives the same
// .text as the original: a use left behind would be an undefined symbol or another register.
// Go to definition and hover from such a use reach the #define.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { run, scratch } from '../support/oracles';
import { startLsp } from './lsp-client';

const lsp = startLsp();
after(() => lsp.close());

const SOURCE = `#define __NR_getpid 20
#define SCRATCH ecx
	.text
	.globl	get_pid
	.type	get_pid, @function
get_pid:
	pushl	%SCRATCH
	movl	$__NR_getpid, %eax
	int	$0x80
	cmpl	$__NR_getpid+1, %eax
	movl	$(__NR_getpid*2), %SCRATCH
	popl	%SCRATCH
	ret
	.size	get_pid, .-get_pid
`;

/** The .text of `source` built by gcc -m32 -c, as objdump dumps it. */
function textOf(dir: string, name: string, source: string): string {
  const path = join(dir, `${name}.S`);
  writeFileSync(path, source);
  run('gcc', ['-m32', '-c', path, '-o', join(dir, `${name}.o`)]);
  return run('objdump', ['-d', '-r', join(dir, `${name}.o`)]).split('\n').filter((l) => /^\s+[0-9a-f]+:/.test(l)).join('\n');
}

function places(text: string, name: string): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  text.split('\n').forEach((l, i) => {
    for (const m of l.matchAll(new RegExp(`(?<![\\w])${name}(?![\\w])`, 'g'))) out.push([i, m.index!]);
  });
  return out;
}

function applied(text: string, edits: ReadonlyArray<{ range: { start: { line: number; character: number }; end: { character: number } }; newText: string }>): string {
  const lines = text.split('\n');
  for (const e of [...edits].sort((x, y) => y.range.start.line - x.range.start.line || y.range.start.character - x.range.start.character)) {
    const l = lines[e.range.start.line]!;
    lines[e.range.start.line] = l.slice(0, e.range.start.character) + e.newText + l.slice(e.range.end.character);
  }
  return lines.join('\n');
}

for (const [name, renamed] of [['__NR_getpid', '__NR_getpid_renamed'], ['SCRATCH', 'SCRATCH_REG']] as const) {
  test(`references and rename of ${name}, used after $ or %, reach every use; the renamed file builds to the same .text`, async () => {
    const dir = scratch('vdso-lab-lsp-rename-');
    const path = join(dir, 'pid.S');
    writeFileSync(path, SOURCE);
    const uri = await lsp.open(path, SOURCE);
    const expected = places(SOURCE, name);
    assert.ok(expected.length >= 4);
    // Asked at a use, not at the #define.
    const [line, column] = expected[1]!;
    const refs = await lsp.request<Array<{ range: { start: { line: number; character: number } } }>>('textDocument/references', { textDocument: { uri }, position: { line, character: column + 1 }, context: { includeDeclaration: true } });
    assert.deepEqual(refs.map((r) => [r.range.start.line, r.range.start.character]), expected);
    const defineLine = SOURCE.split('\n').findIndex((l) => l.startsWith(`#define ${name} `));
    const definition = await lsp.request<Array<{ range: { start: { line: number } } }>>('textDocument/definition', { textDocument: { uri }, position: { line, character: column + 1 } });
    assert.deepEqual(definition.map((d) => d.range.start.line), [defineLine]);
    const hover = await lsp.request<{ contents: { value: string } } | null>('textDocument/hover', { textDocument: { uri }, position: { line, character: column + 1 } });
    assert.ok(hover?.contents.value.includes(`#define ${name} `), JSON.stringify(hover));
    const edit = await lsp.request<{ changes: Record<string, Array<{ range: { start: { line: number; character: number }; end: { character: number } }; newText: string }>> }>('textDocument/rename', { textDocument: { uri }, position: { line, character: column + 1 }, newName: renamed });
    const after = applied(SOURCE, edit.changes[uri]!);
    assert.deepEqual(places(after, name), [], after);
    assert.equal(textOf(dir, 'renamed', after), textOf(dir, 'original', SOURCE));
  });
}
