// Tests linkVdso against GNU ld on the same `as --32` objects: symbols and versions,
// layout, section bytes after relocation, readelf's CFI, vdso2c's requirements, clean
// `readelf -a` output, gdb reading the image; and its one-line errors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseElf32 } from '../../toolchain/elf/reader';
import { SHT_REL, SHT_RELA } from '../../toolchain/elf/relocations';
import { linkVdso } from '../../toolchain/link';
import { InputError } from '../../toolchain/errors';
import { scratch } from '../support/oracles';
import { runEach, type ToolRun } from '../support/run-tool';
import { assembleAll, ldVdso, NOTE_S, SIGRETURN_S, VERSIONS, VSYSCALL_S } from './sources';
import { parseSectionsHex, sectionsHexArgs } from '../designs/gnu-build';

const dir = scratch('vdso-lab-link-');
const built = assembleAll(dir, { vsyscall: VSYSCALL_S, sigreturn: SIGRETURN_S, note: NOTE_S });
const theirs = ldVdso(built, VERSIONS);
const ours = join(dir, 'our-vdso.so');
writeFileSync(ours, linkVdso(built.inputs, { versions: VERSIONS }));

/** The sections compared byte for byte. */
const SECTIONS = ['.text', '.eh_frame', '.eh_frame_hdr', '.altinstructions', '.altinstr_replacement', '.rodata', '.note', '.gnu.version_d', '.dynamic'];
/** The readelf options whose output the tests read, for both images. */
const READELF = [['--dyn-syms', '-W'], ['-S', '-W'], ['-l', '-W'], ['-V', '-W'], ['-s', '-W'], ['--debug-dump=frames-interp']];

/**
 * Every readelf run the tests read, for both images, from one shell (test/support/run-tool.ts
 * runEach: one readelf over both images per option): each test takes its outputs, or the error
 * of a run that failed. The compared sections' bytes are one `readelf -x` per image.
 */
const outputs = (() => {
  const files = [ours, theirs];
  const runs: ToolRun[] = [
    ...files.flatMap((file) => READELF.map((args) => ({ tool: 'readelf', args: [...args, file], cwd: dir }))),
    ...files.map((file) => ({ tool: 'readelf', args: sectionsHexArgs(file, SECTIONS), cwd: dir })),
  ];
  const results = runEach(runs);
  const key = (r: ToolRun): string => `${r.tool} ${r.args.join(' ')}`;
  const byKey = new Map(runs.map((r, k) => [key(r), results[k]!]));
  const output = (r: ToolRun): string => byKey.get(key(r))!();
  return {
    readelf: (args: readonly string[], file: string): string => output({ tool: 'readelf', args: [...args, file], cwd: dir }),
    sectionBytes: (file: string, name: string): string =>
      parseSectionsHex(output({ tool: 'readelf', args: sectionsHexArgs(file, SECTIONS), cwd: dir }), SECTIONS).get(name)!,
  };
})();

/** readelf symbol rows without the entry number, sorted (ld orders .dynsym by its hash table walk). */
function symbolRows(option: '--dyn-syms' | '-s', file: string): string[] {
  return outputs.readelf([option, '-W'], file)
    .split('\n')
    .filter((l) => /^\s+\d+:/.test(l))
    .map((l) => l.replace(/^\s+\d+:\s+/, '').replace(/\s+/g, ' '))
    .sort();
}

test('exported symbols, their values and versions equal GNU ld\'s (readelf --dyn-syms)', () => {
  const mine = symbolRows('--dyn-syms', ours);
  assert.deepEqual(mine, symbolRows('--dyn-syms', theirs));
  assert.ok(mine.some((r) => r.endsWith('__kernel_vsyscall@@LINUX_2.5')), mine.join('\n'));
  assert.ok(mine.some((r) => r.endsWith('__vdso_answer@@LINUX_2.6')), mine.join('\n'));
});

test('the layout equals GNU ld\'s with the vdso-layout script: section headers and program headers', () => {
  const allocRows = (file: string) =>
    outputs.readelf(['-S', '-W'], file)
      .split('\n')
      .map((l) => /^\s+\[\s*\d+\]\s+(\S+)\s+(\S+)\s+([0-9a-f]{8})\s+([0-9a-f]{6})\s+([0-9a-f]{6})\s+([0-9a-f]{2})\s+([A-Z]*)\s+(\d+)\s+(\d+)\s+(\d+)$/.exec(l))
      .filter((m): m is RegExpExecArray => m !== null && m[7]!.includes('A'))
      .map((m) => m.slice(1).join(' '));
  const mine = allocRows(ours);
  assert.equal(mine.length, 13, mine.join('\n'));
  assert.deepEqual(mine, allocRows(theirs));
  const segments = (file: string) => outputs.readelf(['-l', '-W'], file).split('\n').filter((l) => /^\s+(LOAD|DYNAMIC|NOTE|GNU_EH_FRAME)/.test(l));
  assert.deepEqual(segments(ours), segments(theirs));
  const versions = (file: string) => outputs.readelf(['-V', '-W'], file).split("Version definition section")[1];
  assert.match(versions(ours) ?? '', /Index: 3 +Cnt: 1 +Name: LINUX_2\.5/);
  assert.deepEqual(versions(ours), versions(theirs));
});

test('relocated contents equal GNU ld\'s byte for byte', () => {
  for (const name of SECTIONS) {
    const mine = outputs.sectionBytes(ours, name);
    assert.ok(mine.length > 0, name);
    assert.equal(mine, outputs.sectionBytes(theirs, name), `${name} differs`);
  }
});

test('readelf --debug-dump=frames-interp prints the same CFI for both images', () => {
  const mine = outputs.readelf(['--debug-dump=frames-interp'], ours);
  assert.match(mine, /zRS/);
  assert.equal(mine.replace(ours, 'X'), outputs.readelf(['--debug-dump=frames-interp'], theirs).replace(theirs, 'X'));
});

test('readelf -a -W prints no warnings about our image; the local landing pads match ld\'s .symtab', () => {
  const r = spawnSync('readelf', ['-a', '-W', ours], { encoding: 'utf8' });
  assert.equal(r.status, 0);
  assert.equal(r.stderr, '');
  assert.doesNotMatch(r.stdout, /warning/i);
  const pick = (file: string) => symbolRows('-s', file).filter((row) => / (int80_landing_pad|vdso32_\w+|VDSO32_NOTE_MASK|__kernel_\w+)$/.test(row));
  assert.equal(pick(ours).length, 7);
  assert.deepEqual(pick(ours), pick(theirs));
});

test('the image meets vdso2c\'s requirements', () => {
  const elf = parseElf32(new Uint8Array(readFileSync(ours)), ours);
  const loads = elf.programHeaders.filter((p) => p.type === 1);
  assert.equal(loads.length, 1);
  assert.equal(loads[0]!.offset, 0);
  assert.equal(loads[0]!.vaddr, 0);
  assert.equal(loads[0]!.memsz, loads[0]!.filesz);
  const lastAlloc = Math.max(...elf.sections.filter((s) => s.flags & 2).map((s) => s.addr + s.size));
  assert.equal(loads[0]!.filesz, lastAlloc, 'the PT_LOAD covers every allocated section');
  assert.ok(elf.programHeaders.some((p) => p.type === 2), 'PT_DYNAMIC');
  assert.ok(!elf.sections.some((s) => s.type === SHT_REL || s.type === SHT_RELA), 'no relocation sections');
  assert.ok(!elf.dynamic.some((d) => [7, 8, 9, 17, 18, 19, 23].includes(d.tag)), 'no DT_REL*/DT_RELA*/DT_JMPREL');
  assert.ok(elf.section('.altinstructions')!.size === 28);
  for (const name of ['__kernel_vsyscall', '__kernel_sigreturn', '__kernel_rt_sigreturn', 'int80_landing_pad', 'vdso32_sigreturn_landing_pad', 'vdso32_rt_sigreturn_landing_pad', 'VDSO32_NOTE_MASK']) {
    const sym = elf.symbols.find((s) => s.name === name);
    assert.ok(sym && sym.value !== 0, name);
  }
});

test('gdb reads the image: functions, and a landing pad by address', () => {
  const landing = symbolRows('-s', ours).find((r) => r.endsWith(' int80_landing_pad'))!.split(' ')[0]!;
  const [mine, ld] = runEach([ours, theirs].map((file) => ({ tool: 'gdb', args: ['-nx', '-batch', '-ex', 'info functions __kernel', '-ex', `info symbol 0x${landing}`, file], cwd: dir })));
  const out = mine!();
  for (const f of ['__kernel_vsyscall', '__kernel_sigreturn', '__kernel_rt_sigreturn']) assert.match(out, new RegExp(`0x0*[0-9a-f]+\\s+${f}\\n`));
  assert.match(out, /__kernel_vsyscall \+ 9 in section \.text/);
  assert.equal(out, ld!());
});

test('an absolute relocation against an address is refused: the image may have no dynamic relocations', () => {
  const bad = assembleAll(scratch('vdso-lab-link-'), {
    abs: '\t.section .rodata,"a"\nptr:\t.long 0\n\t.long ptr\n\t.text\n\t.globl __kernel_vsyscall\n__kernel_vsyscall: ret\n',
  });
  assert.throws(
    () => linkVdso(bad.inputs, { versions: VERSIONS.slice(1).map((v) => ({ ...v, globals: ['__kernel_vsyscall'] })) }),
    (e: unknown) => e instanceof InputError && /abs\.o: section \.rodata offset 0x4: R_386_32 against section symbol \d+ needs a dynamic relocation/.test(e.message) && !e.message.includes('\n'),
  );
});

test('an exported name no input defines is an error naming the version', () => {
  assert.throws(
    () => linkVdso(built.inputs, { versions: [...VERSIONS, { name: 'LINUX_2.7', globals: ['__vdso_missing'] }] }),
    /version script: version LINUX_2\.7: '__vdso_missing' is exported but no input defines it/,
  );
});
