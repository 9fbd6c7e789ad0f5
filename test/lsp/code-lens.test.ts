// The code lenses of a stub function over the wire protocol: "Debug" names the command the
// extension turns into a launch, with the document and the function; "Check contract" runs
// the checker and its failures become diagnostics on the lines that broke the contract, where
// running the stub on a real kernel (natively, or under qemu-i386) shows the break; a CPU lens's document
// shows each site as the kernel patches it, computed here from GNU as's and GNU ld's own
// .altinstructions and .altinstr_replacement by the kernel's rule (docs/kernel-facts.md §6),
// and disassembled by objdump.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { assemble, hostRunsI386, run, scratch } from '../support/oracles';
import { BROKEN, writeBrokenStub } from '../check/broken-stubs';
import { ldVdso } from '../link/sources';
import { objdumpBytes, optimizeNops, sectionBytes } from '../support/kernel-nops';
import { VDSO_VERSIONS } from '../../toolchain/designs/registry';
import { startLsp } from './lsp-client';

const lsp = startLsp();
after(() => lsp.close());

interface Lens { range: { start: { line: number } }; command: { title: string; command: string; arguments: unknown[] } }

const STUB = `#include "vdso-lab.h"
	.text
VDSO_FUNCTION(__kernel_vsyscall)
	CFI_STARTPROC
	ALTERNATIVE "", "sysenter", X86_FEATURE_SEP
	int	$0x80
VDSO_INNER_LABEL(int80_landing_pad)
	ret
	CFI_ENDPROC
VDSO_END(__kernel_vsyscall)
	.globl	no_entry
	.type	no_entry, @function
no_entry:
	ret
	.size	no_entry, .-no_entry
`;

test('"Debug" and "Check contract" on each stub function, with the command the extension runs and its arguments; none on a function that does not enter the kernel', async () => {
  const path = join(scratch('vdso-lab-lsp-lens-'), 'lens.S');
  writeFileSync(path, STUB);
  const uri = await lsp.open(path, STUB);
  const lenses = await lsp.request<Lens[]>('textDocument/codeLens', { textDocument: { uri } });
  const fnLine = STUB.split('\n').findIndex((l) => l.startsWith('VDSO_FUNCTION(__kernel_vsyscall)'));
  const onFunction = lenses.filter((l) => l.range.start.line === fnLine).map((l) => [l.command.title, l.command.command, l.command.arguments]);
  assert.deepEqual(onFunction, [
    ['Check contract', 'vdso-lab.checkContract', [uri, '__kernel_vsyscall']],
    ['Debug', 'vdso-lab.debugStub', [uri, '__kernel_vsyscall']],
  ]);
  const noEntry = STUB.split('\n').findIndex((l) => l.startsWith('no_entry:'));
  assert.deepEqual(lenses.filter((l) => l.range.start.line === noEntry), []);
  const manifest = JSON.parse(readFileSync(resolve('package.json'), 'utf8')) as { contributes: { commands: Array<{ command: string }> } };
  for (const l of lenses) assert.ok(manifest.contributes.commands.some((c) => c.command === l.command.command), `package.json declares ${l.command.command}`);
});

/** What a caller's esi is after calling the stub's __kernel_vsyscall (getpid) through its int $0x80 path, on a real kernel or qemu-i386. */
function esiAfterCall(stubSource: string): { before: number; after: number } {
  const dir = scratch('vdso-lab-lsp-lens-native-');
  const before = 0x5eed1e55;
  const stub = join(dir, 'stub.o');
  // Built by GNU cpp and as with the alternatives unpatched: the stub takes its int $0x80 path.
  run('gcc', ['-m32', '-c', '-D__ASSEMBLY__', '-I', resolve('vdso/include'), stubSource, '-o', stub]);
  const caller = assemble('caller', `
	.globl _start
	.data
out:	.long 0
	.text
_start:
	movl	$${before}, %esi
	movl	$20, %eax		/* getpid */
	call	__kernel_vsyscall
	movl	%esi, out
	movl	$4, %eax		/* write(1, out, 4) */
	movl	$1, %ebx
	movl	$out, %ecx
	movl	$4, %edx
	int	$0x80
	movl	$1, %eax
	xorl	%ebx, %ebx
	int	$0x80
`, dir);
  const exe = join(dir, 'caller');
  run('ld', ['-m', 'elf_i386', '-static', caller, stub, '-o', exe]);
  const r = hostRunsI386() ? spawnSync(exe, [], { encoding: 'buffer' }) : spawnSync('qemu-i386', [exe], { encoding: 'buffer' });
  assert.equal(r.status, 0, `the caller ran: ${r.error ?? r.stderr.toString()}`);
  assert.equal(r.stdout.length, 4);
  return { before, after: r.stdout.readUInt32LE(0) };
}

test('"Check contract": the failed check becomes a diagnostic on the line that zeroes esi, which a real kernel shows the caller losing', async () => {
  const stub = writeBrokenStub('preserve');
  const lost = esiAfterCall(stub.path);
  assert.notEqual(lost.after, lost.before, 'the caller\'s esi is lost through the broken stub');
  const kept = esiAfterCall(resolve('vdso/upstream.S'));
  assert.equal(kept.after, kept.before, 'the shipped stub keeps the caller\'s esi');
  const text = readFileSync(stub.path, 'utf8');
  const broken = BROKEN.preserve!.edit.to.split('\n')[0]!;
  const line = text.split('\n').indexOf(broken);
  assert.ok(line >= 0);
  const uri = await lsp.open(stub.path, text);
  const result = await lsp.request<{ summary: string; problems: unknown[] }>('vdsoLab/checkContract', { uri, abi: 'upstream' });
  assert.match(result.summary, /^\d+ failed checks over \d+ configurations$/);
  // The server publishes the failures before it answers (messages arrive in the order sent).
  const contract = lsp.diagnostics(uri).filter((d) => d.code === 'contract');
  // Check b is the preservation of the caller's registers (broken-stubs.ts).
  assert.deepEqual([...new Set(contract.map((d) => `${d.range.start.line} ${/^check (\w)/.exec(d.message)![1]}`))], [`${line} b`]);
});

/**
 * Sites whose patched forms differ by CPU feature and by the kernel's NOP table, and one whose
 * trailing NOPL the kernel leaves.
 */
const SITES = `#include "vdso-lab.h"
	.text
VDSO_FUNCTION(__kernel_vsyscall)
	CFI_STARTPROC
	ALTERNATIVE_2 "movl %eax, %eax", "movl %esp, %ebp; sysenter", X86_FEATURE_SYSENTER32, "syscall", X86_FEATURE_SYSCALL32
	ALTERNATIVE "pushl %eax; popl %eax; nop; nop; nop", "movl %esp, %ebp", X86_FEATURE_SEP
	ALTERNATIVE "movl %eax, %eax; nopl (%eax)", "xchgl %eax, %eax", X86_FEATURE_SYSCALL32
	int	$0x80
VDSO_INNER_LABEL(int80_landing_pad)
	ret
	CFI_ENDPROC
VDSO_END(__kernel_vsyscall)
`;

/**
 * The features the kernel finds on the intel model (docs/kernel-facts.md §6, cpufeatures.h):
 * SEP from CPUID; a 64-bit kernel sets SYSENTER32 on Intel, never SYSCALL32; ALWAYS always.
 */
const INTEL_FEATURES: Record<string, ReadonlySet<number>> = {
  compat64: new Set([0 * 32 + 11, 3 * 32 + 15, 3 * 32 + 21]),
  native32: new Set([0 * 32 + 11, 3 * 32 + 21]),
};

test('a CPU lens\'s document: each site as the kernel patches GNU as\'s replacements in for each kernel kind, each instruction as objdump decodes it', async () => {
  const dir = scratch('vdso-lab-lsp-lens-site-');
  const path = join(dir, 'site.S');
  writeFileSync(path, SITES);
  // GNU as's object, linked by GNU ld as a vDSO (the layout linkVdso reproduces, test/link/vdso.test.ts).
  const object = join(dir, 'site.o');
  run('gcc', ['-m32', '-c', '-D__ASSEMBLY__', '-I', resolve('vdso/include'), path, '-o', object]);
  const image = ldVdso({ dir, objects: [object], inputs: [] }, VDSO_VERSIONS.map((v) => ({ name: v.name, globals: v.globals.filter((g) => g.includes('*') || g === '__kernel_vsyscall') })));
  const text = sectionBytes(image, '.text');
  const table = sectionBytes(image, '.altinstructions');
  const replacements = sectionBytes(image, '.altinstr_replacement');
  // struct alt_instr: s32 instr_offset, s32 repl_offset (each from its own field), u32 ft_flags, u8 instrlen, u8 replacementlen.
  const start = Math.min(...table.keys());
  const u32 = (at: number) => [0, 1, 2, 3].reduce((v, k) => v + table.get(at + k)! * 2 ** (8 * k), 0);
  const entries = Array.from({ length: table.size / 14 }, (_, k) => {
    const at = start + 14 * k;
    return { site: (at + u32(at)) >>> 0, repl: (at + 4 + u32(at + 4)) >>> 0, ftFlags: u32(at + 8), instrlen: table.get(at + 12)!, replacementlen: table.get(at + 13)! };
  });
  const sites = [...new Set(entries.map((e) => e.site))];
  assert.equal(sites.length, 3);

  const uri = await lsp.open(path, SITES);
  const lines = SITES.split('\n');
  const siteLines = lines.flatMap((l, i) => (/^\tALTERNATIVE/.test(l) ? [i] : []));
  let differ = 0;
  for (const [k, site] of sites.entries()) {
    const line = siteLines[k]!;
    const doc = (await lsp.request<string>('vdsoLab/patchedSite', { uri, line, cpu: 'intel' })).split('\n');
    assert.equal(doc[0], `site.S:${line + 1}: the site as the kernel patches it for cpu intel`);
    const forKernel: string[] = [];
    for (const kernel of ['compat64', 'native32']) {
      // apply_alternatives: entries in table order, a later match overwriting an earlier one.
      const mine = entries.filter((e) => e.site === site);
      let buf = Array.from({ length: mine[0]!.instrlen }, (_, i) => text.get(site + i)!);
      for (const e of mine) {
        const feature = e.ftFlags & 0xffff;
        const not = (e.ftFlags >>> 16) & 1;
        if (INTEL_FEATURES[kernel]!.has(feature) !== (not === 1)) {
          buf = Array.from({ length: e.instrlen }, (_, i) => (i < e.replacementlen ? replacements.get(e.repl + i)! : 0x90));
        }
        optimizeNops(buf, kernel, dir);
      }
      const bytes = buf.map((b) => b.toString(16).padStart(2, '0')).join(' ');
      forKernel.push(bytes);
      const at = doc.indexOf(`kernel ${kernel}:`);
      assert.ok(at > 0, doc.join('\n'));
      assert.equal(doc[at + 1], `  bytes: ${bytes}`, `${lines[line]!.trim()} (${kernel})`);
      const insns = objdumpBytes(buf, site, dir);
      const width = Math.max(...insns.map((i) => i.bytes.length));
      assert.deepEqual(doc.slice(at + 2, at + 2 + insns.length), insns.map((i) => `  ${i.address.toString(16)}:  ${i.bytes.padEnd(width)}  ${i.text}`), doc.join('\n'));
    }
    if (forKernel[0] !== forKernel[1]) differ++;
  }
  assert.equal(differ, 2, 'the kernel kind changes two of the sites (a feature, a NOP table)');
});

test('"Check contract" on a design\'s own .S (vdso/proposal.S) runs with its design\'s ABI; an ABI the client names wins', async () => {
  const path = resolve('vdso/proposal.S');
  const uri = await lsp.open(path, readFileSync(path, 'utf8'));
  const lenses = await lsp.request<Lens[]>('textDocument/codeLens', { textDocument: { uri } });
  const lens = lenses.find((l) => l.command.title === 'Check contract');
  assert.ok(lens, 'a Check contract lens on __kernel_vsyscall');
  // The extension sends the lens's document and, only when the user set vdsoLab.abi, that ABI.
  const own = await lsp.request<{ summary: string }>('vdsoLab/checkContract', { uri: lens.command.arguments[0] });
  const upstream = await lsp.request<{ summary: string }>('vdsoLab/checkContract', { uri, abi: 'upstream' });
  // The proposal's fast paths leave the registers as its kernel reads them, not as an upstream kernel does.
  assert.match(own.summary, /^every check holds on \d+ configurations$/);
  assert.match(upstream.summary, /^\d+ failed checks over \d+ configurations$/);
});
