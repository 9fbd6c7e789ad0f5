// Hover on a symbol the document defines, over LSP, against the object gcc -c builds: its
// section and offset, binding and type (readelf -s), the CFA rule at it inside a CFI region
// (readelf --debug-dump=frames-interp), and for a landing pad whether it follows int $0x80
// (objdump's instruction just before it).
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { run, scratch } from '../support/oracles';
import { startLsp } from './lsp-client';
import { objdumpInstructions, readelfFdes, rowAtAddress } from './frames-oracle';

const lsp = startLsp();
after(() => lsp.close());

const STUB = `#include "vdso-lab.h"
	.text
VDSO_FUNCTION(__kernel_vsyscall)
	CFI_STARTPROC
	pushl	%ebp
	CFI_ADJUST_CFA_OFFSET	4
	CFI_REL_OFFSET		ebp, 0
	jmp	slow_path
slow_path:
	int	$0x80
VDSO_INNER_LABEL(int80_landing_pad)
	popl	%ebp
	CFI_ADJUST_CFA_OFFSET	-4
	CFI_RESTORE		ebp
VDSO_INNER_LABEL(stray_landing_pad)
	ret
	CFI_ENDPROC
VDSO_END(__kernel_vsyscall)
`;

/** readelf -sW's symbols by name: section name, value, size, type and binding. */
function readelfSymbols(object: string): Map<string, { section: string; value: number; size: number; type: string; bind: string }> {
  const sections = new Map([...run('readelf', ['-SW', object]).matchAll(/^\s*\[\s*(\d+)\]\s+(\S+)/gm)].map((m) => [m[1]!, m[2]!]));
  const out = new Map<string, { section: string; value: number; size: number; type: string; bind: string }>();
  for (const m of run('readelf', ['-sW', object]).matchAll(/^\s*\d+:\s+([0-9a-f]+)\s+(\d+)\s+(\w+)\s+(\w+)\s+\w+\s+(\w+)\s+(\S+)$/gm)) {
    out.set(m[6]!, { section: sections.get(m[5]!) ?? m[5]!, value: parseInt(m[1]!, 16), size: Number(m[2]), type: m[3]!, bind: m[4]! });
  }
  return out;
}

test('hover on a function, a label and a landing pad: section+offset, binding and type as readelf -s gives them, the CFA rule readelf gives at it, and whether it follows int $0x80', async () => {
  const dir = scratch('vdso-lab-lsp-label-');
  const path = join(dir, 'labels.S');
  writeFileSync(path, STUB);
  const object = join(dir, 'labels.o');
  run('gcc', ['-m32', '-c', '-I', resolve('vdso/include'), path, '-o', object]);
  const symbols = readelfSymbols(object);
  const fde = readelfFdes(object)[0]!;
  const insns = objdumpInstructions(object);
  const uri = await lsp.open(path, STUB);
  const lines = STUB.split('\n');
  const hoverOn = async (name: string, occurrence: (l: string) => boolean) => {
    const line = lines.findIndex(occurrence);
    const h = await lsp.request<{ contents: { value: string } } | null>('textDocument/hover', { textDocument: { uri }, position: { line, character: lines[line]!.indexOf(name) + 1 } });
    return h?.contents.value ?? '';
  };
  const expectedHead = (name: string) => {
    const s = symbols.get(name)!;
    return `**${name}** — ${s.section}+0x${s.value.toString(16)}; ${s.bind} ${s.type}${s.size > 0 ? `, size ${s.size}` : ''}`;
  };
  const cfaAt = (name: string) => `CFA rule at it: \`${rowAtAddress(fde, symbols.get(name)!.value)!.cells}\``;

  const fn = await hoverOn('__kernel_vsyscall', (l) => l.startsWith('VDSO_FUNCTION'));
  assert.equal(fn.split('\n\n')[0], expectedHead('__kernel_vsyscall'), fn);
  const local = await hoverOn('slow_path', (l) => l.includes('jmp'));
  assert.equal(local.split('\n\n')[0], expectedHead('slow_path'), local);
  assert.ok(local.includes(cfaAt('slow_path')), local);
  assert.match(local, /---\n\n`jmp/, 'the line\'s instruction follows');

  const pad = await hoverOn('int80_landing_pad', (l) => l.includes('int80_landing_pad'));
  assert.equal(pad.split('\n\n')[0], expectedHead('int80_landing_pad'), pad);
  assert.ok(pad.includes(cfaAt('int80_landing_pad')), pad);
  const int80 = insns.find((i) => i.address + i.length === symbols.get('int80_landing_pad')!.value)!;
  assert.equal(`${int80.mnemonic} ${int80.operands}`, 'int $0x80');
  assert.ok(pad.includes(`landing pad: follows \`int $0x80\` at .text+0x${int80.address.toString(16)}`), pad);

  const stray = await hoverOn('stray_landing_pad', (l) => l.includes('stray_landing_pad'));
  assert.equal(stray.split('\n\n')[0], expectedHead('stray_landing_pad'), stray);
  const before = insns.find((i) => i.address + i.length === symbols.get('stray_landing_pad')!.value)!;
  assert.equal(`${before.mnemonic} ${before.operands}`, 'pop %ebp');
  assert.ok(stray.includes('landing pad that does not follow `int $0x80`'), stray);
});
