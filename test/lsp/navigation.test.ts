// Workspace symbols and folding ranges over LSP, on kernel-style .S files written here: the
// expected lines come from the test's own source text (where each name, #if group, .macro,
// CFI region and ALTERNATIVE block is written), never from the server.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { join, resolve } from 'node:path';
import { writeFileSync } from 'node:fs';
import { readelfSymbols, run, scratch } from '../support/oracles';
import { startLsp } from './lsp-client';

const lsp = startLsp();
after(() => lsp.close());
const dir = scratch('vdso-lab-lsp-nav-');

const STUB = `#include "vdso-lab.h"
#ifdef CONFIG_X86_64
#define FAST_PATH 1
#else
#define FAST_PATH 0
#endif
.macro save reg
	pushl	%\\reg
	CFI_ADJUST_CFA_OFFSET	4
.endm
	.text
VDSO_FUNCTION(__kernel_vsyscall)
	CFI_STARTPROC
	save	ecx
	ALTERNATIVE_2 "", "movl %esp, %ebp; sysenter", X86_FEATURE_SYSENTER32, \\
		"movl %ecx, %ebp; syscall", X86_FEATURE_SYSCALL32
	int	$0x80
VDSO_INNER_LABEL(int80_landing_pad)
	popl	%ecx
	CFI_ADJUST_CFA_OFFSET	-4
	ret
	CFI_ENDPROC
VDSO_END(__kernel_vsyscall)
`;

const HELPER = `	.text
	.globl	vsyscall_helper
	.type	vsyscall_helper, @function
vsyscall_helper:
	.cfi_startproc
	ret
	.cfi_endproc
	.size	vsyscall_helper, .-vsyscall_helper
.Llocal_only:
	nop
`;

const lineOf = (text: string, needle: string) => {
  const i = text.split('\n').findIndex((l) => l.includes(needle));
  assert.ok(i >= 0, needle);
  return i;
};

async function open(name: string, text: string): Promise<string> {
  const path = join(dir, name);
  writeFileSync(path, text);
  return lsp.open(path, text);
}

test('folding: #if groups, .macro, the CFI region written with CFI_* macros, and the ALTERNATIVE_2 block', async () => {
  const uri = await open('fold.S', STUB);
  const got = await lsp.request<Array<{ startLine: number; endLine: number }>>('textDocument/foldingRange', { textDocument: { uri } });
  const at = (needle: string) => lineOf(STUB, needle);
  const expected = [
    { startLine: at('#ifdef CONFIG_X86_64'), endLine: at('#else') - 1 },
    { startLine: at('#else'), endLine: at('#endif') - 1 },
    { startLine: at('.macro save'), endLine: at('.endm') },
    { startLine: at('CFI_STARTPROC'), endLine: at('CFI_ENDPROC') },
    { startLine: at('ALTERNATIVE_2'), endLine: at('"movl %ecx') },
  ].sort((x, y) => x.startLine - y.startLine || x.endLine - y.endLine);
  assert.deepEqual(got.map((f) => ({ startLine: f.startLine, endLine: f.endLine })), expected);
});

test('workspace symbols: names from every open document matching the query, at the line each is written', async () => {
  const stub = await open('ws-stub.S', STUB);
  const helper = await open('ws-helper.S', HELPER);
  type Found = { name: string; kind: number; location: { uri: string; range: { start: { line: number; character: number } } } };
  const query = async (q: string) => (await lsp.request<Found[]>('workspace/symbol', { query: q })).filter((s) => s.location.uri === stub || s.location.uri === helper);
  const vsyscall = await query('VSYSCALL');
  const places = vsyscall.map((s) => [s.name, s.location.uri === stub ? 'stub' : 'helper', s.location.range.start.line, s.kind]).sort();
  assert.deepEqual(places, [
    ['__kernel_vsyscall', 'stub', lineOf(STUB, 'VDSO_FUNCTION(__kernel_vsyscall)'), 12],
    ['vsyscall_helper', 'helper', lineOf(HELPER, 'vsyscall_helper:'), 12],
  ].sort());
  const pad = (await query('landing')).find((s) => s.name === 'int80_landing_pad');
  assert.ok(pad);
  assert.equal(pad.location.range.start.line, lineOf(STUB, 'VDSO_INNER_LABEL(int80_landing_pad)'));
  assert.equal(pad.location.range.start.character, STUB.split('\n')[lineOf(STUB, 'int80_landing_pad')]!.indexOf('int80_landing_pad'));
  assert.deepEqual((await query('save')).map((s) => [s.name, s.location.range.start.line]), [['save', lineOf(STUB, '.macro save')]]);
  assert.deepEqual((await query('FAST_PATH')).map((s) => s.location.range.start.line).sort(), [lineOf(STUB, '#define FAST_PATH 1'), lineOf(STUB, '#define FAST_PATH 0')].sort());
  assert.deepEqual(await query('no_such_name_anywhere'), []);
  assert.ok(!(await query('Llocal')).some((s) => s.name === '.Llocal_only'), '.L labels are not workspace symbols');
});

test('outline: each function spans from its label to the last line of its code, as the line table of gcc -m32 -c -g says', async () => {
  const text = STUB.replace('VDSO_END(__kernel_vsyscall)\n', 'VDSO_END(__kernel_vsyscall)\n' + HELPER);
  const path = join(dir, 'extent.S');
  writeFileSync(path, text);
  const object = join(dir, 'extent.o');
  run('gcc', ['-m32', '-c', '-g', '-I', resolve('vdso/include'), path, '-o', object]);
  const rows = run('objdump', ['--dwarf=decodedline', object]).split('\n').flatMap((l) => {
    const m = /^extent\.S\s+(\d+)\s+0x([0-9a-f]+)/.exec(l);
    return m ? [{ line: Number(m[1]), address: parseInt(m[2]!, 16) }] : [];
  });
  const functions = readelfSymbols(object).filter((s) => s.code && s.bind === 'GLOBAL' && s.size > 0);
  assert.deepEqual(functions.map((f) => f.name).sort(), ['__kernel_vsyscall', 'vsyscall_helper']);
  const uri = await lsp.open(path, text);
  const symbols = await lsp.request<Array<{ name: string; range: { start: { line: number }; end: { line: number; character: number } } }>>('textDocument/documentSymbol', { textDocument: { uri } });
  for (const f of functions) {
    const last = Math.max(...rows.filter((r) => r.address >= f.value && r.address < f.value + f.size).map((r) => r.line));
    const s = symbols.find((x) => x.name === f.name);
    assert.ok(s, f.name);
    // The range ends where the line after the function's last line starts (0-based: the 1-based number of that last line).
    assert.deepEqual(s.range.end, { line: last, character: 0 }, `${f.name} ends with line ${last}`);
  }
});

test('references leave out the uses in branches cpp or GAS skipped; a rename changes them too', async () => {
  const text = `	.text
.Ltarget:
	ret
caller:
	call	.Ltarget
#if 0
	call	.Ltarget
#endif
	.if 0
	jmp	.Ltarget
	.endif
	jmp	.Ltarget
`;
  const uri = await open('skipped-uses.S', text);
  const lines = text.split('\n');
  const uses = lines.flatMap((l, i) => (l.includes('.Ltarget') ? [i] : []));
  const skipped = [lineOf(text, '#if 0') + 1, lineOf(text, '.if 0') + 1];
  const position = { line: uses[0]!, character: 2 };
  const refs = await lsp.request<Array<{ range: { start: { line: number } } }>>('textDocument/references', { textDocument: { uri }, position, context: { includeDeclaration: true } });
  assert.deepEqual(refs.map((r) => r.range.start.line).sort((x, y) => x - y), uses.filter((l) => !skipped.includes(l)));
  const edit = await lsp.request<{ changes: Record<string, Array<{ range: { start: { line: number } } }>> }>('textDocument/rename', { textDocument: { uri }, position, newName: '.Lother' });
  assert.deepEqual(edit.changes[uri]!.map((e) => e.range.start.line).sort((x, y) => x - y), uses);
});

test('references without the declaration when the client asks so', async () => {
  const text = `	.text
.Ldone:
	ret
	jmp	.Ldone
	call	.Ldone
`;
  const uri = await open('no-declaration.S', text);
  const at = (includeDeclaration: boolean) => lsp.request<Array<{ range: { start: { line: number } } }>>('textDocument/references', { textDocument: { uri }, position: { line: 3, character: 6 }, context: { includeDeclaration } });
  assert.deepEqual((await at(true)).map((r) => r.range.start.line).sort(), [1, 3, 4]);
  assert.deepEqual((await at(false)).map((r) => r.range.start.line).sort(), [3, 4]);
});
