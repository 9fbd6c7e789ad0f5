// ALTERNATIVE blocks in #if branches cpp skips, over LSP: such a block is not assembled
// (gcc -E prints none of its lines, and the object gcc -c builds has only the active block's
// replacement), so it gets no code lens, no block decoration, no `alternative` token modifier
// and no site table in its hover; the active block keeps all of them. The skipped groups are
// what vdsoLab/inactiveRegions gives the extension to dim.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { run, scratch } from '../support/oracles';
import { gccLineMap } from '../support/gcc-line-map';
import { startLsp } from './lsp-client';

const lsp = startLsp();
after(() => lsp.close());

const STUB = `#include "vdso-lab.h"
#define USE_SYSCALL 1
	.text
VDSO_FUNCTION(__kernel_vsyscall)
#if !USE_SYSCALL
	ALTERNATIVE "", "sysenter", X86_FEATURE_SEP
#ifdef USE_SYSCALL
	nop
#endif
#elif USE_SYSCALL == 1
	ALTERNATIVE "", "syscall", X86_FEATURE_SYSCALL32
#else
	ALTERNATIVE "",
		"int $0x80", X86_FEATURE_SEP
#endif
	int	$0x80
	ret
VDSO_END(__kernel_vsyscall)
`;

interface Lens { range: { start: { line: number } } }
interface WireBlock { start: { line: number } }

test('an ALTERNATIVE in a skipped #if branch has no lens, decoration, `alternative` token or site hover; the one gcc assembles keeps them', async () => {
  const dir = scratch('vdso-lab-lsp-inactive-');
  const path = join(dir, 'inactive.S');
  writeFileSync(path, STUB);
  const lines = STUB.split('\n');
  const altLines = lines.flatMap((l, i) => (l.includes('ALTERNATIVE') ? [i] : []));
  // gcc's line markers: the ALTERNATIVE lines it printed are the assembled ones.
  const printed = new Set(gccLineMap(run('gcc', ['-m32', '-E', '-I', resolve('vdso/include'), path])).filter((e) => e.place.startsWith(`${path}:`)).map((e) => Number(e.place.slice(path.length + 1)) - 1));
  const active = altLines.filter((l) => printed.has(l));
  assert.deepEqual(active, [lines.findIndex((l) => l.includes('"syscall"'))], 'gcc assembles only the #elif branch');
  const object = join(dir, 'inactive.o');
  run('gcc', ['-m32', '-c', '-I', resolve('vdso/include'), path, '-o', object]);
  assert.match(run('objdump', ['-d', '-j', '.altinstr_replacement', object]), /:\t0f 05\s+\tsyscall\s*\n\s*$/, 'the object holds one replacement: the active block\'s syscall');

  const uri = await lsp.open(path, STUB);
  const lenses = await lsp.request<Lens[]>('textDocument/codeLens', { textDocument: { uri } });
  assert.deepEqual([...new Set(lenses.map((l) => l.range.start.line).filter((l) => altLines.includes(l)))], active);
  const blocks = await lsp.request<WireBlock[]>('vdsoLab/alternativeBlocks', { uri });
  assert.deepEqual(blocks.map((b) => b.start.line), active);
  // The skipped groups: the lines between a false branch's directive and the next, none of which gcc printed.
  const regions = await lsp.request<Array<{ start: { line: number }; end: { line: number } }>>('vdsoLab/inactiveRegions', { uri });
  const at = (prefix: string) => lines.findIndex((l) => l.startsWith(prefix));
  assert.deepEqual(regions.map((r) => [r.start.line, r.end.line]), [[at('#if !USE_SYSCALL') + 1, at('#elif') - 1], [at('#else') + 1, lines.lastIndexOf('#endif') - 1]]);
  for (const r of regions) for (let l = r.start.line; l <= r.end.line; l++) assert.ok(!printed.has(l), `gcc printed skipped line ${l + 1}`);
  const marked = [...new Set((await lsp.tokens(uri)).filter((t) => t.modifiers.includes('alternative')).map((t) => t.line))];
  assert.deepEqual(marked, active);

  const hoverAt = async (line: number) => {
    const h = await lsp.request<{ contents: { value: string } } | null>('textDocument/hover', { textDocument: { uri }, position: { line, character: lines[line]!.indexOf('ALTERNATIVE') + 2 } });
    return h?.contents.value ?? '';
  };
  assert.match(await hoverAt(active[0]!), /\| cpu \| kernel \| patched bytes \|/);
  for (const line of altLines.filter((l) => !active.includes(l))) {
    const text = await hoverAt(line);
    assert.match(text, /is inactive/, text);
    assert.doesNotMatch(text, /\| cpu \|/, text);
  }
});
