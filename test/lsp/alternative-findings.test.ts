// The language server's findings on ALTERNATIVE sites, over LSP, against the real tools:
// a CFI conflict inside a site (objtool's stack layout conflict in alternatives) is checked
// with readelf --debug-dump=frames-interp of the object GNU as builds; a branch the patcher
// cannot fix up with objdump's decoding of the site the patcher produced
// (`vdso-lab alternatives --json`): a finding exactly where the patched branch no longer
// reaches the replacement's target. Each kind goes quiet when its setting is false.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { join, resolve } from 'node:path';
import { writeFileSync } from 'node:fs';
import { run, scratch } from '../support/oracles';
import { startLsp, type WireDiagnostic } from './lsp-client';
import { objdumpInstructions, readelfFdes, rowAtAddress } from './frames-oracle';
import { cliAlternatives } from './cli-alternatives';

const lsp = startLsp();
const quiet = startLsp({ diagnostics: { alternativeCfi: false, alternativeBranch: false } });
after(() => Promise.all([lsp.close(), quiet.close()]));

const dir = scratch('vdso-lab-lsp-alt-');
const of = (ds: readonly WireDiagnostic[], code: string) => ds.filter((d) => d.code === code);

/** A stub whose ALTERNATIVE saves and restores ebx in the original; REPLACEMENT is the replacement's code. */
const stub = (replacement: string) => `#include "vdso-lab.h"
	.text
VDSO_FUNCTION(__kernel_vsyscall)
	CFI_STARTPROC
	pushl	%ecx
	CFI_ADJUST_CFA_OFFSET	4
	ALTERNATIVE "pushl %ebx; .cfi_adjust_cfa_offset 4; popl %ebx; .cfi_adjust_cfa_offset -4", "${replacement}", X86_FEATURE_SEP
	int	$0x80
	popl	%ecx
	CFI_ADJUST_CFA_OFFSET	-4
	ret
	CFI_ENDPROC
VDSO_END(__kernel_vsyscall)
`;

function write(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

function gasObject(path: string): string {
  const obj = path.replace(/\.S$/, '.o');
  run('gcc', ['-m32', '-c', '-g', '-I', resolve('vdso/include'), path, '-o', obj]);
  return obj;
}

test('a replacement that moves the CFA differently inside the site gets the CFI conflict, with readelf\'s rows', async () => {
  // Two pushes then two pops: the same net height as the original's push/pop, another CFA at +2.
  const text = stub('pushl %ebx; pushl %ebx; popl %ebx; popl %ebx');
  const path = write('conflict.S', text);
  const uri = await lsp.open(path, text);
  const found = of(lsp.diagnostics(uri), 'alternativeCfi');
  assert.equal(found.length, 1, JSON.stringify(lsp.diagnostics(uri)));
  assert.equal(found[0]!.range.start.line, text.split('\n').findIndex((l) => l.includes('ALTERNATIVE')));
  assert.deepEqual(of(lsp.diagnostics(uri), 'alternativeStack'), [], 'the net heights agree');

  // The oracle: the site starts at the original's push %ebx; readelf's row at site+2 is the
  // original's, and the replacement has pushed twice (8 bytes) on the row at the site's start.
  const obj = gasObject(path);
  const site = objdumpInstructions(obj).find((i) => i.section === '.text' && i.mnemonic === 'push' && i.operands === '%ebx')!;
  const fde = readelfFdes(obj).find((f) => f.pcBegin <= site.address && site.address < f.pcEnd)!;
  const atStart = /^esp\+(\d+)$/.exec(rowAtAddress(fde, site.address)!.cfa)!;
  const said = rowAtAddress(fde, site.address + 2)!;
  assert.match(found[0]!.message, /stack layout conflict in alternatives: at \+2 into the site/);
  assert.ok(found[0]!.message.includes(`the CFI row is \`${said.cells}\``), `${found[0]!.message} / readelf ${said.cells}`);
  assert.ok(found[0]!.message.includes(`has \`CFA=esp+${Number(atStart[1]) + 8} `), found[0]!.message);
});

test('a replacement that follows the original\'s CFI offset by offset gets no CFI conflict', async () => {
  const text = stub('pushl %ebx; popl %ebx');
  const uri = await lsp.open(write('agree.S', text), text);
  assert.deepEqual(lsp.diagnostics(uri).map((d) => d.message), []);
});

/** A stub whose ALTERNATIVE's original is ORIGINAL (padded with NOPs to the replacement's length). */
const padded = (original: string, replacement: string) => stub(replacement).replace(/ALTERNATIVE "[^"]*"/, `ALTERNATIVE "${original}"`);

test('a replacement that pushes inside a site with no CFI of its own gets the CFI conflict, with readelf\'s rows', async () => {
  // The original is padding only: the row at +1 is the site's first (readelf), the replacement has pushed 4 bytes there.
  const text = padded('', 'pushl %ebx; popl %ebx');
  const path = write('conflict-padding.S', text);
  const uri = await lsp.open(path, text);
  const found = of(lsp.diagnostics(uri), 'alternativeCfi');
  assert.equal(found.length, 1, JSON.stringify(lsp.diagnostics(uri)));
  assert.deepEqual(of(lsp.diagnostics(uri), 'alternativeStack'), [], 'the net heights agree');
  const obj = gasObject(path);
  const site = objdumpInstructions(obj).find((i) => i.section === '.text' && i.mnemonic === 'nop')!;
  const fde = readelfFdes(obj).find((f) => f.pcBegin <= site.address && site.address < f.pcEnd)!;
  const atStart = /^esp\+(\d+)$/.exec(rowAtAddress(fde, site.address)!.cfa)!;
  const said = rowAtAddress(fde, site.address + 1)!;
  assert.match(found[0]!.message, /stack layout conflict in alternatives: at \+1 into the site/);
  assert.ok(found[0]!.message.includes(`the CFI row is \`${said.cells}\``), `${found[0]!.message} / readelf ${said.cells}`);
  assert.ok(found[0]!.message.includes(`has \`CFA=esp+${Number(atStart[1]) + 4} `), found[0]!.message);
});

test('a replacement that leaves esp alone where the original\'s CFI moved the CFA gets the CFI conflict, with readelf\'s rows', async () => {
  const text = stub('nop; nop');
  const path = write('conflict-still.S', text);
  const uri = await lsp.open(path, text);
  const found = of(lsp.diagnostics(uri), 'alternativeCfi');
  assert.equal(found.length, 1, JSON.stringify(lsp.diagnostics(uri)));
  const obj = gasObject(path);
  const site = objdumpInstructions(obj).find((i) => i.section === '.text' && i.mnemonic === 'push' && i.operands === '%ebx')!;
  const fde = readelfFdes(obj).find((f) => f.pcBegin <= site.address && site.address < f.pcEnd)!;
  const atStart = rowAtAddress(fde, site.address)!;
  const said = rowAtAddress(fde, site.address + 1)!;
  assert.notEqual(said.cfa, atStart.cfa, 'readelf: the original\'s CFI moves the CFA at +1');
  assert.match(found[0]!.message, /stack layout conflict in alternatives: at \+1 into the site/);
  assert.ok(found[0]!.message.includes(`the CFI row is \`${said.cells}\``), `${found[0]!.message} / readelf ${said.cells}`);
  assert.ok(found[0]!.message.includes(`has \`CFA=${atStart.cfa} `), found[0]!.message);
});

test('a replacement that moves no register inside a site with no CFI of its own gets no CFI conflict', async () => {
  const text = padded('', 'movl %esp, %ebp; sysenter');
  const uri = await lsp.open(write('quiet-padding.S', text), text);
  assert.deepEqual(lsp.diagnostics(uri).map((d) => d.message), []);
});

test('vdsoLab.diagnostics.alternativeCfi: false turns the CFI conflict off', async () => {
  const text = stub('pushl %ebx; pushl %ebx; popl %ebx; popl %ebx');
  const uri = await quiet.open(write('conflict-off.S', text), text);
  assert.deepEqual(of(quiet.diagnostics(uri), 'alternativeCfi'), []);
});

/** Branches out of replacements: a rel32 call and jz the patcher re-aims, a jecxz (rel8, no rel32 form) it copies unchanged. */
const BRANCHES = `#include "vdso-lab.h"
	.text
VDSO_FUNCTION(__kernel_vsyscall)
	CFI_STARTPROC
	ALTERNATIVE "", "call helper", X86_FEATURE_SEP
	ALTERNATIVE "", "jecxz 1f", X86_FEATURE_SEP
	ALTERNATIVE "", "jz 1f", X86_FEATURE_SEP
	ALTERNATIVE "", "1: jmp 1b", X86_FEATURE_SEP
	int	$0x80
1:	ret
	CFI_ENDPROC
VDSO_END(__kernel_vsyscall)
helper:
	ret
`;

/** The branch target objdump decodes in `hex` bytes placed at `address` (undefined when the first instruction is no branch). */
function objdumpTarget(hex: string, address: number): number | undefined {
  const bin = join(dir, `code-${address}.bin`);
  writeFileSync(bin, Buffer.from(hex.replace(/ /g, ''), 'hex'));
  const out = run('objdump', ['-D', '-b', 'binary', '-m', 'i386', `--adjust-vma=0x${address.toString(16)}`, bin]);
  const m = /^\s+[0-9a-f]+:\t[0-9a-f ]+\t(?:j\w+|call|loop\w*)\s+(?:0x)?([0-9a-f]+)/m.exec(out);
  return m ? parseInt(m[1]!, 16) : undefined;
}

test('a branch out of a replacement: a finding exactly where the patched site no longer reaches the target (objdump)', async () => {
  const path = write('branches.S', BRANCHES);
  const uri = await lsp.open(path, BRANCHES);
  const lines = BRANCHES.split('\n');
  const found = of(lsp.diagnostics(uri), 'alternativeBranch').map((d) => d.range.start.line).sort((x, y) => x - y);
  const json = await cliAlternatives(path, 'intel', 'native32');
  const broken: number[] = [];
  const altLines = lines.map((l, i) => (l.includes('ALTERNATIVE') ? i : -1)).filter((i) => i >= 0);
  assert.equal(json.entries.length, altLines.length);
  for (const e of json.entries) {
    const intended = objdumpTarget(e.replacementBytes, e.replacement);
    const patched = json.patches.find((p) => p.address === e.site)!;
    const landed = objdumpTarget(patched.after, e.site);
    // The kernel's need_reloc counts a target at the replacement's very end as inside.
    const inside = intended !== undefined && intended >= e.replacement && intended <= e.replacement + e.replacementBytes.split(' ').length;
    if (intended !== undefined && !inside && landed !== intended) broken.push(altLines[e.index]!);
  }
  assert.deepEqual(broken, [lines.findIndex((l) => l.includes('jecxz'))], 'objdump: only the jecxz misses its target once patched');
  assert.deepEqual(found, broken, JSON.stringify(lsp.diagnostics(uri)));
  assert.match(of(lsp.diagnostics(uri), 'alternativeBranch')[0]!.message, /^`jecxz .*` in the replacement for X86_FEATURE_SEP branches out of the replacement, and the patcher cannot fix it up/);
  const off = await quiet.open(write('branches-off.S', BRANCHES), BRANCHES);
  assert.deepEqual(of(quiet.diagnostics(off), 'alternativeBranch'), []);
});
