// Tests `vdso-lab alternatives` and applyAlternatives on the shipped designs and on images
// written here with hand-made .altinstructions (14- and 13-byte struct alt_instr; branches in
// replacements; ALT_FLAG_NOT), built with GNU as + ld. The patched bytes the command lists are
// checked against `objdump -d` of the patched image, and the expected bytes per CPU and kernel
// come from docs/kernel-facts.md §§2, 6 (the entry instructions, the kernel's NOP tables, and
// insn_is_nop/skip_nops as test/support/kernel-nops.ts models them on objdump's lengths).
// Quick runs list one CPU model per design and kernel kind, each model at least once.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../../cli/run-cli';
import { applyAlternatives } from '../../emulator/kernel/vdso/alternatives';
import { buildDesign } from '../../toolchain/designs/build';
import { parseElf32 } from '../../toolchain/elf/reader';
import { assemble, readBytes, run, scratch } from '../support/oracles';
import { ldVdso } from '../link/sources';
import { optimizeNops, sectionBytes } from '../support/kernel-nops';
import { combinations } from '../support/scale';

const dir = scratch('vdso-lab-alternatives-');

async function cli(args: string[]): Promise<{ status: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const status = await runCli(args, { out: (t) => { out += t; }, err: (t) => { err += t; }, cwd: process.cwd() });
  return { status, out, err };
}

/** objdump -d's `address: bytes<TAB>text` lines for [start, end) of a file, whitespace-normalized. */
function objdumpRange(file: string, start: number, end: number): string[] {
  return run('objdump', ['-d', '-w', `--start-address=0x${start.toString(16)}`, `--stop-address=0x${end.toString(16)}`, file])
    .split('\n')
    .map((l) => /^\s*([0-9a-f]+):\t([0-9a-f ]+?)\s*\t(.*)$/.exec(l))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => `${m[1]}: ${m[2]} ${m[3]!.replace(/\s+/g, ' ').replace(/ <[^>]*>$/, '')}`);
}

interface JsonLine { address: number; bytes: string; text: string }
interface JsonPatch { address: number; after: string; feature: string; code: JsonLine[] }

const expected: Record<string, Record<string, string>> = {
  'upstream/compat64': { intel: '89 e5 0f 34', amd: '89 cd 0f 05', generic: '0f 1f 40 00' },
  'upstream/native32': { intel: '89 e5 0f 34', amd: '89 e5 0f 34', generic: '8d 74 26 00' },
  'proposal/compat64': { intel: '0f 34 90', amd: '0f 05 f4', generic: '0f 1f 00' },
  'proposal/native32': { intel: '0f 34', amd: '0f 34', generic: '89 f6' },
};

/** Design/kernel x CPU model: the whole product at full scale, a diagonal at a quick one. */
const LISTED = combinations({ key: Object.keys(expected), cpu: ['intel', 'amd', 'generic'] });

for (const key of Object.keys(expected)) {
  const perCpu = expected[key]!;
  const [design, kernel] = key.split('/') as ['upstream' | 'proposal', 'compat64' | 'native32'];
  test(`alternatives ${design} --kernel ${kernel}: the listed patch per CPU equals objdump -d of the patched image`, async () => {
    const image = buildDesign(design, kernel).bytes;
    const elf = parseElf32(image, design);
    const site = elf.symbols.find((s) => s.name === '__kernel_vsyscall')!.value + (design === 'upstream' ? 3 : 4);
    for (const { cpu } of LISTED.filter((l) => l.key === key)) {
      const want = perCpu[cpu]!;
      const r = await cli(['alternatives', design, '--cpu', cpu, '--kernel', kernel, '--json']);
      assert.equal(r.status, 0, r.err);
      const json = JSON.parse(r.out) as { layout: number; patches: JsonPatch[] };
      assert.equal(json.layout, 14);
      assert.equal(json.patches.length, 1, `${cpu}: ${r.out}`);
      const p = json.patches[0]!;
      assert.equal(p.address, site);
      assert.equal(p.after, want, `${design}/${kernel}/${cpu}`);
      const patched = join(dir, `${design}-${kernel}-${cpu}.so`);
      writeFileSync(patched, applyAlternatives(image, { cpu: cpu as 'intel', kernel }).bytes);
      const len = want.split(' ').length;
      assert.deepEqual(
        p.code.map((l) => `${l.address.toString(16)}: ${l.bytes} ${l.text.replace(/\s+/g, ' ').replace(/ <[^>]*>$/, '')}`),
        objdumpRange(patched, site, site + len),
      );
      const text = await cli(['alternatives', design, '--cpu', cpu, '--kernel', kernel]);
      assert.match(text.out, new RegExp(`__kernel_vsyscall\\+0x${design === 'upstream' ? 3 : 4}>: [0-9a-f ]+ -> ${want} \\(${p.feature.replace(/[()]/g, '\\$&')}\\)`));
    }
  });
}

/** A test image: .text with three sites and .altinstructions entries written by hand. */
function handMadeImage(name: string, layout: 13 | 14): string {
  const entry = (site: string, repl: string, replEnd: string, feature: string, siteLen: string) =>
    layout === 14
      ? `.long ${site} - .; .long ${repl} - .; .4byte ${feature}; .byte ${siteLen}; .byte ${replEnd} - ${repl}`
      : `.long ${site} - .; .long ${repl} - .; .word ${feature}; .byte ${siteLen}; .byte ${replEnd} - ${repl}; .byte 0`;
  const NOT = layout === 14 ? '(1 << 16) |' : '0x8000 |';
  const source = `
	.text
	.globl __kernel_vsyscall
	.type __kernel_vsyscall, @function
__kernel_vsyscall:
site_call:	.fill 5, 1, 0x90
site_jmp:	.fill 6, 1, 0x90
site_not:	.fill 3, 1, 0x90
	ret
	.globl target
target:	ret
site_end:	.fill 4, 1, 0x90
	ret
	.size __kernel_vsyscall, . - __kernel_vsyscall
	.section .altinstructions, "a"
	${entry('site_call', 'r_call', 'r_call_end', '(0*32+11)', '5')}
	${entry('site_jmp', 'r_jmp', 'r_jmp_end', '(3*32+15)', '6')}
	${entry('site_not', 'r_not', 'r_not_end', `${NOT} (3*32+14)`, '3')}
	${entry('site_end', 'r_end', 'r_end_end', '(3*32+15)', '4')}
	.section .altinstr_replacement, "ax"
r_call:	call target
r_call_end:
r_jmp:	.byte 0xe9; .long target - . - 4
r_jmp_end:
r_not:	movl %ecx, %ebp
r_not_end:
r_end:	testl %eax, %eax; jz r_end_end
r_end_end:
`;
  const object = assemble(name, source, dir);
  return ldVdso({ dir, objects: [object], inputs: [{ fileName: object, bytes: readBytes(object) }] }, [
    { name: 'LINUX_2.5', globals: ['__kernel_vsyscall'] },
  ]);
}

for (const layout of [14, 13] as const) {
  test(`${layout}-byte struct alt_instr: detected; call and jmp replacements keep their targets; ALT_FLAG_NOT patches when absent`, () => {
    const file = handMadeImage(`hand${layout}`, layout);
    const bytes = readBytes(file);
    const elf = parseElf32(bytes, file);
    const at = (n: string) => elf.symbols.find((s) => s.name === n)!.value;
    // intel/compat64: SEP and SYSENTER32 set, SYSCALL32 clear.
    const r = applyAlternatives(bytes, { cpu: 'intel', kernel: 'compat64', fileName: file });
    assert.equal(r.table.layout, layout);
    assert.equal(r.table.layoutFrom, 'detected');
    const patched = join(dir, `hand${layout}-intel.so`);
    writeFileSync(patched, r.bytes);
    const lines = objdumpRange(patched, at('site_call'), at('target'));
    const targetHex = at('target').toString(16);
    assert.equal(lines[0], `${at('site_call').toString(16)}: e8 ${hexLe((at('target') - at('site_call') - 5) >>> 0)} call ${targetHex}`);
    // The jmp fits in 8 bits from the site: JMP8 and INT3 filler (then 0x90 merged into a NOP).
    assert.match(lines[1]!, new RegExp(`^${at('site_jmp').toString(16)}: eb [0-9a-f]{2} jmp ${targetHex}$`));
    assert.equal(lines[2], `${(at('site_jmp') + 2).toString(16)}: cc int3`);
    assert.equal(lines.filter((l) => l.endsWith('int3')).length, 3);
    assert.ok(lines.includes(`${at('site_not').toString(16)}: 89 cd mov %ecx,%ebp`), lines.join('\n'));
    assert.equal(r.patches.find((p) => p.address === at('site_not'))!.feature, '!X86_FEATURE_SYSCALL32');
    // A branch to the replacement's very end is inside the block for the kernel (need_reloc:
    // target > src + src_len): copied as it is, it lands at the end of the site.
    const end = at('site_end');
    assert.deepEqual(objdumpRange(patched, end, end + 4), [`${end.toString(16)}: 85 c0 test %eax,%eax`, `${(end + 2).toString(16)}: 74 00 je ${(end + 4).toString(16)}`]);
    // amd/compat64: SYSCALL32 set, so the NOT entry keeps the original (merged into a 3-byte NOP).
    const amd = applyAlternatives(bytes, { cpu: 'amd', kernel: 'compat64', fileName: file });
    const notSite = amd.patches.find((p) => p.address === at('site_not'))!;
    assert.equal(Buffer.from(notSite.after).toString('hex'), '0f1f00');
    assert.equal(notSite.feature, 'nops');
    // generic: SEP absent: the call site becomes one 5-byte NOP.
    const generic = applyAlternatives(bytes, { cpu: 'generic', kernel: 'native32', fileName: file });
    assert.equal(Buffer.from(generic.patches.find((p) => p.address === at('site_call'))!.after).toString('hex'), '3e8d742600');
  });
}

function hexLe(v: number): string {
  return [0, 8, 16, 24].map((s) => ((v >>> s) & 0xff).toString(16).padStart(2, '0')).join(' ');
}

/**
 * Sites where the kernel's insn_is_nop (the first prefix the decoder records is not F3) and
 * skip_nops (a run is NOP instructions, not only 0x90 bytes) give other bytes than "no F3
 * anywhere" and "a NOP then 0x90 bytes" would; and a nested ALTERNATIVE_2's pair of entries
 * (the inner one shorter), which the kernel patches both over the longer site. SYSCALL32 is
 * absent on intel under both kernels (the site is NOP-optimized), SEP present (the padded
 * replacement goes in).
 */
const NOP_SITES = `
	.text
	.globl __kernel_vsyscall
	.type __kernel_vsyscall, @function
__kernel_vsyscall:
s_data16_pause:	data16 pause; nopl (%eax); movl %eax, %eax
s_swapped:	.byte 0xf3, 0x66, 0x2e, 0x3e, 0xf3, 0x90; movl %eax, %eax
s_pause:	pause; nop; nop; movl %eax, %eax
s_nopl_run:	nop; nopl (%eax); movl %eax, %eax
s_repl:	movl %eax, %eax; movl %eax, %eax; nop
s_nested:	movl %eax, %eax
s_nested_inner:	nop; nop
s_end:	ret
	.size __kernel_vsyscall, . - __kernel_vsyscall
	.section .altinstructions, "a"
	.macro entry site, end, repl, feature
	.long \\site - .; .long \\repl - .; .4byte \\feature; .byte \\end - \\site; .byte \\repl\\()_end - \\repl
	.endm
	entry s_data16_pause, s_swapped, r_other, 3*32+14
	entry s_swapped, s_pause, r_other, 3*32+14
	entry s_pause, s_nopl_run, r_other, 3*32+14
	entry s_nopl_run, s_repl, r_other, 3*32+14
	entry s_repl, s_nested, r_pause, 0*32+11
	entry s_nested, s_nested_inner, r_nop, 0*32+11
	entry s_nested, s_end, r_other, 3*32+14
	.section .altinstr_replacement, "ax"
r_other:	movl %ecx, %ebp
r_other_end:
r_pause:	data16 pause
r_pause_end:
r_nop:	nop
r_nop_end:
`;

test('NOPs as the kernel\'s insn_is_nop and skip_nops find them; a nested ALTERNATIVE_2 patched over its longer site', () => {
  const object = assemble('nops', NOP_SITES, dir);
  const image = ldVdso({ dir, objects: [object], inputs: [] }, [{ name: 'LINUX_2.5', globals: ['__kernel_vsyscall'] }]);
  const text = sectionBytes(image, '.text');
  const replacements = sectionBytes(image, '.altinstr_replacement');
  // GNU ld's struct alt_instr entries: s32 instr_offset, s32 repl_offset (each from its own field), u32 feature, u8 instrlen, u8 replacementlen.
  const table = sectionBytes(image, '.altinstructions');
  const start = Math.min(...table.keys());
  const u32 = (at: number) => [0, 1, 2, 3].reduce((v, k) => v + table.get(at + k)! * 2 ** (8 * k), 0);
  const entries = Array.from({ length: table.size / 14 }, (_, k) => {
    const at = start + 14 * k;
    return { site: (at + u32(at)) >>> 0, repl: (at + 4 + u32(at + 4)) >>> 0, feature: u32(at + 8), instrlen: table.get(at + 12)!, replacementlen: table.get(at + 13)! };
  });
  assert.equal(entries.length, 7);
  // apply_alternatives: consecutive entries of one site take the longest instrlen among them.
  const lengthOf = (site: number) => Math.max(...entries.filter((e) => e.site === site).map((e) => e.instrlen));
  for (const kernel of ['compat64', 'native32'] as const) {
    const patched = applyAlternatives(readBytes(image), { cpu: 'intel', kernel, fileName: image });
    const elf = parseElf32(patched.bytes, image);
    const textHeader = elf.sections.find((s) => s.name === '.text')!;
    for (const site of new Set(entries.map((e) => e.site))) {
      const len = lengthOf(site);
      let want = Array.from({ length: len }, (_, i) => text.get(site + i)!);
      for (const e of entries.filter((x) => x.site === site)) {
        if (e.feature === 0 * 32 + 11) want = Array.from({ length: len }, (_, i) => (i < e.replacementlen ? replacements.get(e.repl + i)! : 0x90));
        optimizeNops(want, kernel, dir);
      }
      const at = textHeader.offset + site - textHeader.addr;
      const got = [...patched.bytes.subarray(at, at + len)];
      assert.deepEqual(got.map((b) => b.toString(16)), want.map((b) => b.toString(16)), `site 0x${site.toString(16)} (${kernel})`);
    }
  }
});

test('alternatives: bad input is a one-line error with status 2', async () => {
  const bad = join(dir, 'bad.so');
  writeFileSync(bad, new Uint8Array([0x7f, 0x45, 0x4c, 0x46, 1, 1]));
  const r = await cli(['alternatives', bad]);
  assert.equal(r.status, 2);
  assert.equal(r.err.trim().split('\n').length, 1);
  assert.match(r.err, /bad\.so/);
  const cpu = await cli(['alternatives', 'upstream', '--cpu', 'arm']);
  assert.equal(cpu.status, 2);
});
