// Tests linkVdso's image against GNU ld's, byte for byte, for every combination the vDSO
// linker script's PHDRS allow to be empty: no note (PT_NOTE maps nothing), no CFI (no
// .eh_frame, PT_GNU_EH_FRAME maps nothing), both, and an empty note section. Compared: the
// program headers as `readelf -lW` prints them, then `cmp` on both files after `objcopy -S`,
// the step that makes the kernel's vdso32.so from vdso32.so.dbg (it drops .symtab and
// .strtab, whose order of locals is ld's own business).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { linkVdso } from '../../toolchain/link';
import { readBytes, scratch } from '../support/oracles';
import { runEach } from '../support/run-tool';
import { assembleAll, ldVdso, NOTE_S, SIGRETURN_S, VERSIONS, VSYSCALL_S } from './sources';

/** A __kernel_vsyscall without .cfi directives: GNU as then makes no .eh_frame. */
const PLAIN_S = `
	.text
	.globl __kernel_vsyscall
	.type __kernel_vsyscall, @function
	.p2align 4
__kernel_vsyscall:
	int $0x80
	.globl int80_landing_pad
int80_landing_pad:
	ret
	.size __kernel_vsyscall, . - __kernel_vsyscall
	.globl __kernel_sigreturn, __kernel_rt_sigreturn
__kernel_sigreturn:
	popl %eax
	movl $119, %eax
	int $0x80
__kernel_rt_sigreturn:
	movl $173, %eax
	int $0x80
	.section .rodata, "a"
	.long 42
`;

/** A note section with no bytes in it: the output .note is empty. */
const EMPTY_NOTE_S = `
	.section .note.Linux, "a", @note
	.balign 4
`;

const CASES: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  'a note and CFI': { vsyscall: VSYSCALL_S, sigreturn: SIGRETURN_S, note: NOTE_S },
  'no note': { vsyscall: VSYSCALL_S, sigreturn: SIGRETURN_S },
  'no CFI': { plain: PLAIN_S, note: NOTE_S },
  'neither a note nor CFI': { plain: PLAIN_S },
  'an empty note section': { vsyscall: VSYSCALL_S, sigreturn: SIGRETURN_S, note: EMPTY_NOTE_S },
  'an empty note section and no CFI': { plain: PLAIN_S, note: EMPTY_NOTE_S },
};

/** The offsets (at most 20) where two files' bytes differ, and a note when their lengths do. */
function differences(a: Uint8Array, b: Uint8Array): string[] {
  const out: string[] = [];
  for (let i = 0; i < Math.min(a.length, b.length) && out.length < 20; i++) {
    if (a[i] !== b[i]) out.push(`${i + 1}: ${a[i]!.toString(8)} ${b[i]!.toString(8)}`);
  }
  if (a.length !== b.length) out.push(`lengths ${a.length} and ${b.length}`);
  return out;
}

for (const [name, sources] of Object.entries(CASES)) {
  test(`${name}: the image equals GNU ld's byte for byte (readelf -lW, cmp)`, () => {
    const built = assembleAll(scratch('vdso-lab-link-segments-'), sources);
    const theirs = ldVdso(built, VERSIONS);
    const ours = join(built.dir, 'our-vdso.so');
    writeFileSync(ours, linkVdso(built.inputs, { versions: VERSIONS }));
    // Both images' program headers and both objcopy -S runs from one shell (test/support/run-tool.ts).
    const [mine, ld, ...stripped] = runEach([
      ...[ours, theirs].map((file) => ({ tool: 'readelf', args: ['-l', '-W', file], cwd: built.dir })),
      ...[ours, theirs].map((file) => ({ tool: 'objcopy', args: ['-S', file, `${file}.stripped`], cwd: built.dir })),
    ]);
    assert.equal(mine!().replace(ours, 'X'), ld!().replace(theirs, 'X'));
    for (const strip of stripped) strip();
    assert.deepEqual(differences(readBytes(`${ours}.stripped`), readBytes(`${theirs}.stripped`)), [], "cmp -l ours ld's");
  });
}
