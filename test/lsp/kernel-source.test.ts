// The language server on kernel-style .S files (ENTRY-style cpp macros, CFI_* macros,
// ALTERNATIVE_2, X86_FEATURE_* names, a local header), over LSP: tokens, outline, hover,
// navigation, completion and findings; CFA hints and patched bytes are compared with GNU
// as + readelf and with `vdso-lab alternatives` at test time.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { join, resolve } from 'node:path';
import { writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { CPU_MODELS, KERNEL_KINDS } from '../../toolchain/designs/options';
import { run, scratch } from '../support/oracles';
import { combinations } from '../support/scale';
import { startLsp, type WireDiagnostic } from './lsp-client';
import { readelfFdes } from './frames-oracle';
import { cliAlternatives } from './cli-alternatives';

const lsp = startLsp();
after(() => lsp.close());

const dir = scratch('vdso-lab-lsp-');
const HEADER = `#ifndef STUB_H
#define STUB_H
#include "vdso-lab.h"
#define STUB_ENTRY(name) VDSO_FUNCTION(name)
.macro pop_cfi reg
	popl %\\reg
	CFI_RESTORE \\reg
	CFI_ADJUST_CFA_OFFSET -4
.endm
#endif
`;
writeFileSync(join(dir, 'stub.h'), HEADER);

/** A correct stub in the kernel's style; PUSH_EDX_ADJUST marks the line a test removes. */
const STUB = `#include "stub.h"
	.text
STUB_ENTRY(__kernel_vsyscall)
	CFI_STARTPROC
	pushl	%ecx
	CFI_ADJUST_CFA_OFFSET	4
	CFI_REL_OFFSET		ecx, 0
	pushl	%edx
	CFI_ADJUST_CFA_OFFSET	4 /* PUSH_EDX_ADJUST */
	CFI_REL_OFFSET		edx, 0
	pushl	%ebp
	CFI_ADJUST_CFA_OFFSET	4
	CFI_REL_OFFSET		ebp, 0
	ALTERNATIVE_2 "", "movl %esp, %ebp; sysenter", X86_FEATURE_SYSENTER32, \\
			  "movl %ecx, %ebp; syscall", X86_FEATURE_SYSCALL32
	int	$0x80
VDSO_INNER_LABEL(int80_landing_pad)
	pop_cfi ebp
	popl	%edx
	CFI_RESTORE		edx
	CFI_ADJUST_CFA_OFFSET	-4
	popl	%ecx
	CFI_RESTORE		ecx
	CFI_ADJUST_CFA_OFFSET	-4
	ret
	CFI_ENDPROC
VDSO_END(__kernel_vsyscall)
`;
const lines = STUB.split('\n');
const lineOf = (needle: string, from = 0) => lines.findIndex((l, i) => i >= from && l.includes(needle));

async function openStub(name: string, text: string): Promise<string> {
  const path = join(dir, name);
  writeFileSync(path, text);
  return lsp.open(path, text);
}

const of = (ds: readonly WireDiagnostic[], code: string) => ds.filter((d) => d.code === code);

test('the correct stub: no finding of any kind', async () => {
  const uri = await openStub('stub.S', STUB);
  assert.deepEqual(lsp.diagnostics(uri).map((d) => d.message), []);
});

test('every token of the ALTERNATIVE_2 block carries `alternative`, and its quoted code is instructions', async () => {
  const uri = await openStub('tokens.S', STUB);
  const tokens = await lsp.tokens(uri);
  const alt = lineOf('ALTERNATIVE_2');
  const block = tokens.filter((t) => t.line === alt || t.line === alt + 1);
  assert.ok(block.length >= 12, JSON.stringify(block));
  for (const t of block) assert.ok(t.modifiers.includes('alternative'), `${JSON.stringify(t)} lacks alternative`);
  const at = (line: number, text: string, nth = 0) => {
    let from = -1;
    for (let i = 0; i <= nth; i++) from = lines[line]!.indexOf(text, from + 1);
    return tokens.find((t) => t.line === line && t.start === from);
  };
  assert.equal(at(alt, 'ALTERNATIVE_2')?.type, 'macro');
  assert.equal(at(alt, 'movl')?.type, 'mnemonic');
  assert.equal(at(alt, '%esp')?.type, 'register');
  assert.equal(at(alt, '%esp')?.length, 4);
  assert.equal(at(alt, 'sysenter')?.type, 'mnemonic');
  assert.equal(at(alt, 'X86_FEATURE_SYSENTER32')?.type, 'enumMember');
  assert.equal(at(alt + 1, 'syscall')?.type, 'mnemonic');
  assert.equal(at(alt + 1, '%ecx')?.type, 'register');
  assert.equal(at(alt + 1, 'X86_FEATURE_SYSCALL32')?.type, 'enumMember');
  const push = at(lineOf('pushl\t%ecx'), 'pushl')!;
  assert.equal(push.type, 'mnemonic');
  assert.ok(!push.modifiers.includes('alternative'));
  const cfi = at(lineOf('CFI_ADJUST_CFA_OFFSET'), 'CFI_ADJUST_CFA_OFFSET')!;
  assert.equal(cfi.type, 'macro');
  assert.ok(cfi.modifiers.includes('cfi'));
  assert.equal(at(0, '#include')?.type, 'preprocessor');
  assert.equal(at(lineOf('int80_landing_pad'), 'VDSO_INNER_LABEL')?.type, 'macro');
  assert.equal(at(lineOf('$0x80'), '$0x80')?.type, 'number');
});

test('Outline of vdso/upstream.S lists __kernel_vsyscall as a function', async () => {
  const uri = await lsp.open(resolve('vdso/upstream.S'));
  const symbols = await lsp.request<Array<{ name: string; kind: number }>>('textDocument/documentSymbol', { textDocument: { uri } });
  const fn = symbols.find((s) => s.name === '__kernel_vsyscall');
  assert.ok(fn, JSON.stringify(symbols));
  assert.equal(fn.kind, 12);
  assert.ok(symbols.some((s) => s.name === 'int80_landing_pad'));
});

test('hover on X86_FEATURE_SYSENTER32 says 3*32+15 and which CPU models have it', async () => {
  const uri = await openStub('hover.S', STUB);
  const line = lineOf('X86_FEATURE_SYSENTER32');
  const h = await lsp.request<{ contents: { value: string } }>('textDocument/hover', { textDocument: { uri }, position: { line, character: lines[line]!.indexOf('X86_FEATURE_SYSENTER32') + 3 } });
  assert.match(h.contents.value, /3\*32\+15/);
  assert.match(h.contents.value, /intel\/compat64/);
  assert.doesNotMatch(h.contents.value, /amd\/compat64/);
});

async function cliPatched(file: string, cpu: string, kernel: string, siteIndex: number): Promise<string> {
  const json = await cliAlternatives(file, cpu, kernel);
  const entry = json.entries[siteIndex]!;
  return json.patches.find((p) => p.address === entry.site)?.after ?? entry.originalBytes;
}

test('hover on the ALTERNATIVE_2 site of vdso/upstream.S: per-CPU bytes equal what `vdso-lab alternatives` patches', async () => {
  const path = resolve('vdso/upstream.S');
  const uri = pathToFileURL(path).href;
  const text = (await import('node:fs')).readFileSync(path, 'utf8').split('\n');
  const hoverAt = async (needle: string) => {
    const line = text.findIndex((l) => l.includes(needle));
    const h = await lsp.request<{ contents: { value: string } }>('textDocument/hover', { textDocument: { uri }, position: { line, character: text[line]!.indexOf(needle) + 2 } });
    return h.contents.value;
  };
  const rows = (md: string) => new Map([...md.matchAll(/^\| (intel|amd|generic) \| (compat64|native32) \| `?([0-9a-f ]*)`? \|/gm)].map((m) => [`${m[1]}/${m[2]}`, m[3]!]));
  const two = rows(await hoverAt('ALTERNATIVE_2'));
  const one = rows(await hoverAt('ALTERNATIVE "'));
  // On a 64-bit kernel the ALTERNATIVE_2 site is the one patched; on a 32-bit kernel the ALTERNATIVE one.
  for (const { cpu, kernel } of combinations({ cpu: CPU_MODELS, kernel: KERNEL_KINDS })) {
    if (kernel === 'compat64') assert.equal(two.get(`${cpu}/compat64`), await cliPatched('vdso/upstream.S', cpu, 'compat64', 0), `${cpu}/compat64`);
    else {
      assert.equal(one.get(`${cpu}/native32`), await cliPatched('vdso/upstream.S', cpu, 'native32', 0), `${cpu}/native32`);
      assert.equal(two.get(`${cpu}/native32`), '', 'ALTERNATIVE_2 is not assembled on a 32-bit kernel');
    }
  }
});

test('CFA inlay hints equal readelf --debug-dump=frames-interp of the object GNU as builds, at every instruction', async () => {
  const uri = await openStub('hints.S', STUB);
  const src = join(dir, 'hints.S');
  const obj = join(dir, 'hints.o');
  run('gcc', ['-m32', '-c', '-g', '-I', resolve('vdso/include'), '-I', dir, src, '-o', obj]);
  const fde = readelfFdes(obj)[0]!;
  const { rows, pcEnd: end } = fde;
  const insns = [...run('objdump', ['-d', '-l', obj]).matchAll(/^(?:(\S+\.S):(\d+).*|\s+([0-9a-f]+):\t([0-9a-f ]+?)\s*\t.*)$/gm)];
  const lastEnd = new Map<number, number>();
  let current = -1;
  for (const m of insns) {
    if (m[1]) current = Number(m[2]) - 1;
    else if (current >= 0) lastEnd.set(current, parseInt(m[3]!, 16) + m[4]!.split(' ').length);
  }
  const hints = await lsp.request<Array<{ position: { line: number }; label: string }>>('textDocument/inlayHint', { textDocument: { uri }, range: { start: { line: 0, character: 0 }, end: { line: lines.length, character: 0 } } });
  let compared = 0;
  for (const [line, at] of lastEnd) {
    if (lines[line]!.includes('ALTERNATIVE')) continue;
    const row = [...rows].reverse().find((r) => r.loc <= Math.min(at, end - 1))!;
    const hint = hints.find((h) => h.position.line === line);
    assert.ok(hint, `no hint on line ${line + 1}: ${lines[line]}`);
    assert.equal(hint.label, row.cells, `line ${line + 1}: ${lines[line]}`);
    compared++;
  }
  assert.ok(compared >= 7, `compared ${compared} lines`);
});

test('a stub missing one CFA adjustment gets exactly one CFI finding, on the push', async () => {
  const broken = STUB.replace('\tCFI_ADJUST_CFA_OFFSET\t4 /* PUSH_EDX_ADJUST */\n', '');
  const uri = await openStub('missing-adjust.S', broken);
  const cfi = of(lsp.diagnostics(uri), 'cfi');
  assert.equal(cfi.length, 1, JSON.stringify(lsp.diagnostics(uri)));
  assert.equal(cfi[0]!.range.start.line, broken.split('\n').findIndex((l) => l.includes('pushl\t%edx')));
  const actions = await lsp.request<Array<{ title: string; edit: { changes: Record<string, Array<{ newText: string }>> } }>>('textDocument/codeAction', {
    textDocument: { uri }, range: cfi[0]!.range, context: { diagnostics: cfi },
  });
  assert.match(actions[0]!.title, /\.cfi_adjust_cfa_offset 4/);
  const fixed = broken.replace('pushl\t%edx\n', `pushl\t%edx${actions[0]!.edit.changes[uri]![0]!.newText}\n`);
  await lsp.change(uri, fixed);
  assert.deepEqual(of(lsp.diagnostics(uri), 'cfi'), []);
});

// The second replacement of the ALTERNATIVE_2 pushing, then its first: its two entries are one site, each checked.
for (const c of [
  { name: 'a replacement that pushes without popping gets the stack-layout finding', file: 'stack-layout.S', replaced: '"movl %ecx, %ebp; syscall"', by: '"pushl %ecx; syscall"', pushing: 'X86_FEATURE_SYSCALL32', agreeing: 'X86_FEATURE_SYSENTER32' },
  { name: 'the first replacement of an ALTERNATIVE_2 is checked too: its two entries are one site', file: 'stack-layout-first.S', replaced: '"movl %esp, %ebp; sysenter"', by: '"pushl %ecx; sysenter"', pushing: 'X86_FEATURE_SYSENTER32', agreeing: 'X86_FEATURE_SYSCALL32' },
]) {
  test(c.name, async () => {
    const uri = await openStub(c.file, STUB.replace(c.replaced, c.by));
    const found = of(lsp.diagnostics(uri), 'alternativeStack');
    assert.equal(found.length, 1, JSON.stringify(lsp.diagnostics(uri)));
    assert.equal(found[0]!.range.start.line, lineOf('ALTERNATIVE_2'));
    assert.match(found[0]!.message, new RegExp(`stack layout conflict in alternatives.*${c.pushing}.* -4`));
    assert.doesNotMatch(found[0]!.message, new RegExp(c.agreeing), 'the other replacement agrees with the original');
  });
}

test('a misspelled feature name is found, with the closest name as its quick fix', async () => {
  const text = STUB.replace('X86_FEATURE_SYSCALL32', 'X86_FEATURE_SYSCAL32');
  const uri = await openStub('misspelled.S', text);
  const found = of(lsp.diagnostics(uri), 'unknownFeature');
  assert.equal(found.length, 1);
  assert.match(found[0]!.message, /X86_FEATURE_SYSCAL32.*X86_FEATURE_SYSCALL32/);
  const actions = await lsp.request<Array<{ edit: { changes: Record<string, Array<{ newText: string }>> } }>>('textDocument/codeAction', {
    textDocument: { uri }, range: found[0]!.range, context: { diagnostics: found },
  });
  assert.equal(actions[0]!.edit.changes[uri]![0]!.newText, 'X86_FEATURE_SYSCALL32');
});

test('a landing pad that does not follow int $0x80 is found', async () => {
  const text = STUB.replace('\tint\t$0x80\n', '\tint\t$0x80\n\tnop\n');
  const uri = await openStub('landing.S', text);
  const found = of(lsp.diagnostics(uri), 'landingPad');
  assert.equal(found.length, 1, JSON.stringify(lsp.diagnostics(uri)));
  assert.equal(found[0]!.range.start.line, text.split('\n').findIndex((l) => l.includes('int80_landing_pad')));
});

test('go to definition: a cpp macro and a GAS macro defined in an included header; a label', async () => {
  const uri = await openStub('defs.S', STUB);
  const def = async (needle: string) => {
    const line = lineOf(needle);
    return lsp.request<Array<{ uri: string; range: { start: { line: number } } }>>('textDocument/definition', { textDocument: { uri }, position: { line, character: lines[line]!.indexOf(needle) + 1 } });
  };
  const header = pathToFileURL(join(dir, 'stub.h')).href;
  const headerLines = HEADER.split('\n');
  assert.deepEqual((await def('STUB_ENTRY')).map((l) => [l.uri, l.range.start.line]), [[header, headerLines.findIndex((l) => l.includes('#define STUB_ENTRY'))]]);
  assert.deepEqual((await def('pop_cfi')).map((l) => [l.uri, l.range.start.line]), [[header, headerLines.findIndex((l) => l.includes('.macro pop_cfi'))]]);
});

test('a missing include is one finding naming it; tokens and outline still work', async () => {
  const text = '#include "not-there.h"\n' + STUB;
  const uri = await openStub('missing-include.S', text);
  const ds = lsp.diagnostics(uri);
  assert.equal(ds.length, 1, JSON.stringify(ds));
  assert.match(ds[0]!.message, /not-there\.h/);
  assert.equal(ds[0]!.range.start.line, 0);
  const symbols = await lsp.request<Array<{ name: string }>>('textDocument/documentSymbol', { textDocument: { uri } });
  assert.ok(symbols.some((s) => s.name === '__kernel_vsyscall'));
  assert.ok((await lsp.tokens(uri)).some((t) => t.type === 'enumMember'));
});

test('completion offers suffixed mnemonics from the opcode table, registers, feature names, directives and macros', async () => {
  const uri = await openStub('complete.S', STUB + '\t\n');
  const at = async (line: string) => {
    const l = STUB.split('\n').length;
    await lsp.change(uri, STUB + line + '\n');
    return (await lsp.request<Array<{ label: string }>>('textDocument/completion', { textDocument: { uri }, position: { line: l - 1, character: line.length } })).map((c) => c.label);
  };
  const ops = await at('\tpu');
  for (const m of ['pushl', 'pushw', 'movl', 'sysenter', 'pop_cfi', 'ALTERNATIVE_2']) assert.ok(ops.includes(m), m);
  assert.ok((await at('\tmovl %e')).includes('%esp'));
  assert.ok((await at('\t.cfi')).includes('.cfi_adjust_cfa_offset'));
  assert.ok((await at('\tALTERNATIVE "", "", X86_')).includes('X86_FEATURE_SYSENTER32'));
});

test('signature help on ALTERNATIVE_2 names the parameter the cursor is in; rename of a local label edits every use', async () => {
  const text = STUB.replace('\tint\t$0x80\n', '\tjmp\t.Lentry\n.Lentry:\n\tint\t$0x80\n');
  const uri = await openStub('signature.S', text);
  const t = text.split('\n');
  const alt = t.findIndex((l) => l.includes('ALTERNATIVE_2'));
  const sig = await lsp.request<{ signatures: Array<{ label: string }>; activeParameter: number }>('textDocument/signatureHelp', {
    textDocument: { uri }, position: { line: alt + 1, character: t[alt + 1]!.indexOf('syscall') },
  });
  assert.match(sig.signatures[0]!.label, /^ALTERNATIVE_2 oldinstr, newinstr1, ft_flags1, newinstr2, ft_flags2$/);
  assert.equal(sig.activeParameter, 3);
  const use = t.findIndex((l) => l.includes('jmp\t.Lentry'));
  const edit = await lsp.request<{ changes: Record<string, Array<{ range: { start: { line: number } }; newText: string }>> }>('textDocument/rename', {
    textDocument: { uri }, position: { line: use, character: t[use]!.indexOf('.Lentry') + 2 }, newName: '.Lslow_path',
  });
  assert.deepEqual(edit.changes[uri]!.map((e) => e.range.start.line).sort((x, y) => x - y), [use, use + 1]);
  const refs = await lsp.request<Array<{ range: { start: { line: number } } }>>('textDocument/references', {
    textDocument: { uri }, position: { line: use, character: t[use]!.indexOf('.Lentry') + 2 }, context: { includeDeclaration: true },
  });
  assert.equal(refs.length, 2);
});
