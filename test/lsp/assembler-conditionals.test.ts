// What GAS's conditional assembly decides, as the editor shows it, over LSP: an ALTERNATIVE
// in a .macro body chosen by .ifdef/.else is a site where the macro is used, built from the
// branch GAS took (the hover's per-CPU bytes equal `vdso-lab alternatives`, and the original
// and replacement bytes equal what objdump shows in the object gcc -c builds); a block in a
// false top-level `.if` is no site (no lens, a hover that says GAS skips it, greyed); and a
// misspelled X86_FEATURE name is diagnosed only where cpp and GAS read it, not under `#if 0`,
// `#ifdef UNDEFINED` or `.if 0`.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { CPU_MODELS, KERNEL_KINDS } from '../../toolchain/designs/options';
import { run, scratch } from '../support/oracles';
import { combinations } from '../support/scale';
import { startLsp } from './lsp-client';
import { cliAlternatives, type AlternativesJson } from './cli-alternatives';

const lsp = startLsp();
after(() => lsp.close());
const dir = scratch('vdso-lab-lsp-asm-cond-');

const MACRO = `#include "vdso-lab.h"
.macro ENTER_KERNEL
.ifdef USE_SYSENTER
	ALTERNATIVE "int $0x80", "sysenter", X86_FEATURE_SEP
.else
	ALTERNATIVE "int $0x80; nop", "syscall", X86_FEATURE_SYSCALL32
.endif
.endm
	.text
VDSO_FUNCTION(__kernel_vsyscall)
	ENTER_KERNEL
	USE_SYSENTER = 1
	ENTER_KERNEL
.if 0
	ALTERNATIVE "nop", "sysenter", X86_FEATURE_SEP
.endif
	ret
VDSO_END(__kernel_vsyscall)
`;

interface Lens { range: { start: { line: number } }; command: { title: string } }
interface Hover { contents: { value: string } }

/** objdump -d's bytes of one section of an object, in address order. */
function sectionBytes(object: string, section: string): string[] {
  return [...run('objdump', ['-d', '-j', section, object]).matchAll(/^\s+[0-9a-f]+:\t([0-9a-f ]+?)\s*(?:\t|$)/gm)].flatMap((m) => m[1]!.split(' '));
}

test('an ALTERNATIVE in a .macro body is a site where the macro is used, from the .ifdef branch GAS took; one under .if 0 is none', async () => {
  const path = join(dir, 'macro.S');
  writeFileSync(path, MACRO);
  const lines = MACRO.split('\n');
  const uses = lines.flatMap((l, i) => (l === '\tENTER_KERNEL' ? [i] : []));
  const skipped = lines.findIndex((l) => l.includes('"nop"'));
  const object = join(dir, 'macro.o');
  run('gcc', ['-m32', '-c', '-I', resolve('vdso/include'), path, '-o', object]);
  const text = sectionBytes(object, '.text');
  const replacement = sectionBytes(object, '.altinstr_replacement');
  // GNU as: the first use takes .else (int $0x80; nop, syscall), the second .ifdef (sysenter); .if 0 none.
  assert.deepEqual(replacement, ['0f', '05', '0f', '34']);

  const uri = await lsp.open(path, MACRO);
  const lenses = await lsp.request<Lens[]>('textDocument/codeLens', { textDocument: { uri } });
  const lensLines = [...new Set(lenses.filter((l) => ['intel', 'amd', 'generic'].includes(l.command.title)).map((l) => l.range.start.line))];
  assert.deepEqual(lensLines, uses, 'the lenses are on the macro uses, not on the body\'s templates nor the skipped block');

  const tables = new Map<string, AlternativesJson>();
  const json = async (cpu: string, kernel: string): Promise<AlternativesJson> => {
    const key = `${cpu}/${kernel}`;
    if (!tables.has(key)) tables.set(key, await cliAlternatives(path, cpu, kernel));
    return tables.get(key)!;
  };
  let at = 0;
  for (const [i, line] of uses.entries()) {
    const h = (await lsp.request<Hover>('textDocument/hover', { textDocument: { uri }, position: { line, character: 3 } })).contents.value;
    const rows = new Map([...h.matchAll(/^\| (intel|amd|generic) \| (compat64|native32) \| `?([0-9a-f ]*)`? \|/gm)].map((m) => [`${m[1]}/${m[2]}`, m[3]!]));
    assert.equal(rows.size, 6, h);
    for (const { cpu, kernel } of combinations({ cpu: CPU_MODELS, kernel: KERNEL_KINDS })) {
      const cli = await json(cpu, kernel);
      const entry = cli.entries[i]!;
      assert.equal(rows.get(`${cpu}/${kernel}`), cli.patches.find((p) => p.address === entry.site)?.after ?? entry.originalBytes, `line ${line + 1} ${cpu}/${kernel}`);
    }
    const length = i === 0 ? 3 : 2;
    const original = /^original \(\d+ bytes, \d+ bytes of 0x90 padding\): `([0-9a-f ]+)`/m.exec(h)![1]!;
    assert.equal(original, text.slice(at, at + length).join(' '), 'the original as the object has it');
    at += length;
    const repl = /^replacement for (X86_FEATURE_\w+) \(\d+ bytes\): `([0-9a-f ]+)`/m.exec(h)!;
    assert.equal(repl[1], i === 0 ? 'X86_FEATURE_SYSCALL32' : 'X86_FEATURE_SEP');
    assert.equal(repl[2], replacement.slice(i * 2, i * 2 + 2).join(' '));
  }
  const body = (await lsp.request<Hover>('textDocument/hover', { textDocument: { uri }, position: { line: 3, character: 3 } })).contents.value;
  assert.match(body, new RegExp(`in the body of \`.macro ENTER_KERNEL\`: no site here; each use of ENTER_KERNEL makes one \\(lines ${uses.map((l) => l + 1).join(', ')};`));
  const off = (await lsp.request<Hover>('textDocument/hover', { textDocument: { uri }, position: { line: skipped, character: 3 } })).contents.value;
  assert.match(off, /^\*\*ALTERNATIVE\*\* is inactive: GAS skips this \.if branch/);
  const regions = await lsp.request<Array<{ start: { line: number }; end: { line: number } }>>('vdsoLab/inactiveRegions', { uri });
  assert.deepEqual(regions.map((r) => [r.start.line, r.end.line]), [[skipped, skipped]]);
  const blocks = await lsp.request<Array<{ start: { line: number } }>>('vdsoLab/alternativeBlocks', { uri });
  assert.ok(!blocks.some((b) => b.start.line === skipped));
});

const FEATURES = `#include "vdso-lab.h"
	.text
VDSO_FUNCTION(__kernel_vsyscall)
#if 0
	ALTERNATIVE "", "sysenter", X86_FEATURE_SEPP
#endif
#ifdef UNDEFINED_OPTION
	ALTERNATIVE "", "sysenter", X86_FEATURE_SYSENTER33
#else
	ALTERNATIVE "", "sysenter", X86_FEATURE_SYSENTR32
#endif
.if 0
	ALTERNATIVE "", "syscall", X86_FEATURE_SYSCALL33
.else
	ALTERNATIVE "", "syscall", X86_FEATURE_SYSCAL32
.endif
	int	$0x80
	ret
VDSO_END(__kernel_vsyscall)
`;

test('a misspelled X86_FEATURE name is diagnosed where cpp and GAS read it, not under #if 0, #ifdef UNDEFINED or .if 0', async () => {
  const path = join(dir, 'features.S');
  writeFileSync(path, FEATURES);
  const lines = FEATURES.split('\n');
  // GNU as sees only the active misspellings: an undefined symbol in .altinstructions each.
  const object = join(dir, 'features.o');
  run('gcc', ['-m32', '-c', '-I', resolve('vdso/include'), path, '-o', object]);
  const undefinedNames = [...run('readelf', ['-sW', object]).matchAll(/\bUND (X86_FEATURE_\w+)$/gm)].map((m) => m[1]).sort();
  assert.deepEqual(undefinedNames, ['X86_FEATURE_SYSCAL32', 'X86_FEATURE_SYSENTR32']);
  const uri = await lsp.open(path, FEATURES);
  const found = lsp.diagnostics(uri).filter((d) => d.code === 'unknownFeature').map((d) => lines[d.range.start.line]!.slice(d.range.start.character, d.range.end.character)).sort();
  assert.deepEqual(found, undefinedNames, JSON.stringify(lsp.diagnostics(uri)));
});
