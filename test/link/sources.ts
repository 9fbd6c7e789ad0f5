// Owns the assembly the linker tests are built from (written for these tests): an
// upstream-style __kernel_vsyscall with .cfi directives and a GAS ALTERNATIVE_2 macro that
// fills .altinstructions, the two sigreturn trampolines, the notes, a small program; and
// running GNU ld on the same objects (with a linker script mirroring the vDSO layout).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { VersionNode } from '../../toolchain/link';
import { assemble, readBytes, run } from '../support/oracles';

/** ALTERNATIVE_2 old, new1, feature1, new2, feature2, in the kernel's flat form. */
export const ALTERNATIVE_MACRO = `
	.macro ALTERNATIVE_2 old, new1, feat1, new2, feat2
.Lorig_\\@:
	\\old
.Lorig_end_\\@:
	/* pad the original with 0x90 up to the longer replacement */
	.skip -(((.Lr1e_\\@ - .Lr1_\\@) > (.Lr2e_\\@ - .Lr2_\\@)) * (.Lr1e_\\@ - .Lr1_\\@) + ((.Lr1e_\\@ - .Lr1_\\@) <= (.Lr2e_\\@ - .Lr2_\\@)) * (.Lr2e_\\@ - .Lr2_\\@)) - (.Lorig_end_\\@ - .Lorig_\\@), 0x90
.Lpadded_\\@:
	.pushsection .altinstructions, "a"
	.long .Lorig_\\@ - .
	.long .Lr1_\\@ - .
	.4byte \\feat1
	.byte .Lpadded_\\@ - .Lorig_\\@
	.byte .Lr1e_\\@ - .Lr1_\\@
	.long .Lorig_\\@ - .
	.long .Lr2_\\@ - .
	.4byte \\feat2
	.byte .Lpadded_\\@ - .Lorig_\\@
	.byte .Lr2e_\\@ - .Lr2_\\@
	.popsection
	.pushsection .altinstr_replacement, "ax"
.Lr1_\\@:
	\\new1
.Lr1e_\\@:
.Lr2_\\@:
	\\new2
.Lr2e_\\@:
	.popsection
	.endm
`;

export const VSYSCALL_S = `${ALTERNATIVE_MACRO}
	.text
	.globl __kernel_vsyscall
	.type __kernel_vsyscall, @function
	.p2align 4
__kernel_vsyscall:
	.cfi_startproc
	pushl %ecx
	.cfi_adjust_cfa_offset 4
	.cfi_rel_offset ecx, 0
	pushl %edx
	.cfi_adjust_cfa_offset 4
	.cfi_rel_offset edx, 0
	pushl %ebp
	.cfi_adjust_cfa_offset 4
	.cfi_rel_offset ebp, 0
	ALTERNATIVE_2 "", "movl %esp, %ebp; sysenter", 3*32+15, "movl %ecx, %ebp; syscall", 3*32+14
	int $0x80
	.globl int80_landing_pad
int80_landing_pad:
	popl %ebp
	.cfi_restore ebp
	.cfi_adjust_cfa_offset -4
	popl %edx
	.cfi_restore edx
	.cfi_adjust_cfa_offset -4
	popl %ecx
	.cfi_restore ecx
	.cfi_adjust_cfa_offset -4
	ret
	.cfi_endproc
	.size __kernel_vsyscall, . - __kernel_vsyscall

	/* a LINUX_2.6 export reading .rodata pc-relatively (R_386_PC32 across sections) */
	.globl __vdso_answer
	.type __vdso_answer, @function
	.p2align 4
__vdso_answer:
	.cfi_startproc
	call 1f
1:	popl %eax
	addl $(answer_value - 1b), %eax
	movl (%eax), %eax
	ret
	.cfi_endproc
	.size __vdso_answer, . - __vdso_answer

	.section .rodata, "a"
	.p2align 2
answer_value:
	.long 42
	.data
	.long 7
`;

export const SIGRETURN_S = `
	.text
	nop
	.globl __kernel_sigreturn
	.type __kernel_sigreturn, @function
	.p2align 5
__kernel_sigreturn:
	.cfi_startproc simple
	.cfi_signal_frame
	.cfi_def_cfa esp, 4
	.cfi_offset eip, 56
	.cfi_offset eax, 44
	.cfi_offset ebx, 32
	.cfi_offset ecx, 40
	.cfi_offset edx, 36
	.cfi_offset esp, 28
	.cfi_offset ebp, 24
	.cfi_offset esi, 20
	.cfi_offset edi, 16
	popl %eax
	.cfi_adjust_cfa_offset -4
	movl $119, %eax
	int $0x80
	.globl vdso32_sigreturn_landing_pad
vdso32_sigreturn_landing_pad:
	ud2a
	.cfi_endproc
	.size __kernel_sigreturn, . - __kernel_sigreturn

	.globl __kernel_rt_sigreturn
	.type __kernel_rt_sigreturn, @function
	.p2align 5
__kernel_rt_sigreturn:
	.cfi_startproc simple
	.cfi_signal_frame
	.cfi_def_cfa esp, 160
	.cfi_offset eip, 56
	.cfi_offset esp, 28
	movl $173, %eax
	int $0x80
	.globl vdso32_rt_sigreturn_landing_pad
vdso32_rt_sigreturn_landing_pad:
	ud2a
	.cfi_endproc
	.size __kernel_rt_sigreturn, . - __kernel_rt_sigreturn
`;

export const NOTE_S = `
	.section .note.Linux, "a", @note
	.balign 4
	.long 2f - 1f
	.long 4f - 3f
	.long 0
1:	.asciz "Linux"
2:	.balign 4
3:	.long 0x060800
4:	.balign 4
	.section .note.Xen, "a", @note
	.balign 4
	.long 2f - 1f
	.long 4f - 3f
	.long 2
1:	.asciz "GNU"
2:	.balign 4
3:	.long 1
	.long 0
	.globl VDSO32_NOTE_MASK
VDSO32_NOTE_MASK:
	.long 0
4:	.balign 4
`;

export const VERSIONS: readonly VersionNode[] = [
  { name: 'LINUX_2.6', globals: ['__vdso_*'] },
  { name: 'LINUX_2.5', globals: ['__kernel_vsyscall', '__kernel_sigreturn', '__kernel_rt_sigreturn'] },
];

/** The kernel's vdso-layout order as a GNU ld script (PHDRS text/dynamic/note/eh_frame_hdr). */
export const VDSO_LDS = `
SECTIONS
{
	. = SIZEOF_HEADERS;
	.hash : { *(.hash) } :text
	.gnu.hash : { *(.gnu.hash) }
	.dynsym : { *(.dynsym) }
	.dynstr : { *(.dynstr) }
	.gnu.version : { *(.gnu.version) }
	.gnu.version_d : { *(.gnu.version_d) }
	.gnu.version_r : { *(.gnu.version_r) }
	.dynamic : { *(.dynamic) } :text :dynamic
	.rodata : { *(.rodata*) *(.data*) *(.sdata*) *(.got.plt) *(.got) *(.gnu.linkonce.d.*) *(.bss*) *(.dynbss*) *(.gnu.linkonce.b.*) } :text
	/DISCARD/ : { *(.note.gnu.property) }
	.note : { *(.note.*) } :text :note
	.eh_frame_hdr : { *(.eh_frame_hdr) } :text :eh_frame_hdr
	.eh_frame : { KEEP (*(.eh_frame)) } :text
	.text : { *(.text*) *(.fixup) } :text =0x90909090
	.altinstructions : { *(.altinstructions) } :text
	.altinstr_replacement : { *(.altinstr_replacement) } :text
	__ex_table : { *(__ex_table) } :text
	/DISCARD/ : { *(.discard) *(.discard.*) *(__bug_table) }
}
PHDRS
{
	text PT_LOAD FLAGS(5) FILEHDR PHDRS;
	dynamic PT_DYNAMIC FLAGS(4);
	note PT_NOTE FLAGS(4);
	eh_frame_hdr PT_GNU_EH_FRAME;
}
`;

/** The same versions as a GNU ld version script (`local: *;` in the last node). */
export function versionScript(versions: readonly VersionNode[]): string {
  return versions
    .map((v, i) => `${v.name} {\nglobal:\n${v.globals.map((g) => `\t${g};\n`).join('')}${i === versions.length - 1 ? 'local: *;\n' : ''}}${v.parent ? ' ' + v.parent : ''};\n`)
    .join('');
}

export interface Built {
  readonly dir: string;
  readonly objects: readonly string[];
  readonly inputs: readonly { fileName: string; bytes: Uint8Array }[];
}

/** Assembles each named source with `as --32` into `dir`. */
export function assembleAll(dir: string, sources: Readonly<Record<string, string>>): Built {
  const objects = Object.entries(sources).map(([name, text]) => assemble(name, text, dir));
  return { dir, objects, inputs: objects.map((o) => ({ fileName: o, bytes: readBytes(o) })) };
}

/** GNU ld's vDSO from the same objects: returns the output path. */
export function ldVdso(built: Built, versions: readonly VersionNode[]): string {
  const lds = join(built.dir, 'vdso.lds');
  const ver = join(built.dir, 'vdso.ver');
  const out = join(built.dir, 'ld-vdso.so');
  writeFileSync(lds, VDSO_LDS);
  writeFileSync(ver, versionScript(versions));
  run('ld', ['-m', 'elf_i386', '-shared', '--hash-style=sysv', '-soname=linux-gate.so.1', '--eh-frame-hdr', '-T', lds, `--version-script=${ver}`, ...built.objects, '-o', out]);
  return out;
}
