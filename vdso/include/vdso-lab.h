/*
 * vdso-lab.h: the kernel-style names the shipped vDSO designs use, written for this
 * project so that every design builds both with vdso-lab's assembler and with GNU as
 * (gcc -m32 -c -D__ASSEMBLY__). It holds:
 *  - the X86_FEATURE_* numbers (word*32+bit) the designs test; these five have kept
 *    their numbers from v3.x to v6.x (cpufeatures.h; SYSENTER32 became SYSFAST32 in 2026);
 *  - the CFI_* names as the kernel's dwarf2.h spells them, mapped onto .cfi_* directives;
 *  - ALTERNATIVE and ALTERNATIVE_2 as GAS macros in the kernel's flat form: the original
 *    instructions padded with 0x90 to the longest replacement, one 14-byte struct alt_instr
 *    per replacement in .altinstructions (site, replacement, u32 feature, site length,
 *    replacement length), the replacements in .altinstr_replacement.
 * vdso-lab's assembler has ALTERNATIVE* built in; the design build defines
 * VDSO_LAB_BUILTIN_ALTERNATIVES so that those are used, and GNU as gets the macros below.
 */
#ifndef VDSO_LAB_H
#define VDSO_LAB_H

#define X86_FEATURE_SEP		(0*32+11)	/* SYSENTER/SYSEXIT (CPUID leaf 1) */
#define X86_FEATURE_SYSCALL	(1*32+11)	/* SYSCALL/SYSRET (CPUID 0x80000001) */
#define X86_FEATURE_SYSCALL32	(3*32+14)	/* 64-bit kernel, AMD: SYSCALL usable from compat mode */
#define X86_FEATURE_SYSENTER32	(3*32+15)	/* 64-bit kernel, Intel: SYSENTER usable from compat mode */
#define X86_FEATURE_ALWAYS	(3*32+21)	/* set on every CPU */

#define CFI_STARTPROC		.cfi_startproc
#define CFI_ENDPROC		.cfi_endproc
#define CFI_DEF_CFA		.cfi_def_cfa
#define CFI_DEF_CFA_OFFSET	.cfi_def_cfa_offset
#define CFI_ADJUST_CFA_OFFSET	.cfi_adjust_cfa_offset
#define CFI_OFFSET		.cfi_offset
#define CFI_REL_OFFSET		.cfi_rel_offset
#define CFI_RESTORE		.cfi_restore
#define CFI_SIGNAL_FRAME	.cfi_signal_frame

/* A function symbol starting on a 16-byte boundary padded with 0x90, as the kernel's ALIGN. */
#define VDSO_FUNCTION(name)	.globl name; .type name, @function; .p2align 4, 0x90; name:
/* A global label inside a function (the kernel's GLOBAL / SYM_INNER_LABEL). */
#define VDSO_INNER_LABEL(name)	.globl name; name:
#define VDSO_END(name)		.size name, . - name

#ifndef VDSO_LAB_BUILTIN_ALTERNATIVES
/* Site length: the original, then 0x90 up to the longest replacement (GAS: true is -1). */
.macro alt_pad_to longest
	.skip -((\longest - (771b - 770b)) > 0) * (\longest - (771b - 770b)), 0x90
.endm

.macro alt_entry repl, repl_end, feature
	.long 770b - .
	.long \repl - .
	.4byte \feature
	.byte 772b - 770b
	.byte \repl_end - \repl
.endm

.macro ALTERNATIVE oldinstr, newinstr, feature
770:
	\oldinstr
771:
	alt_pad_to (774f - 773f)
772:
	.pushsection .altinstructions, "a"
	alt_entry 773f, 774f, \feature
	.popsection
	.pushsection .altinstr_replacement, "ax"
773:
	\newinstr
774:
	.popsection
.endm

.macro ALTERNATIVE_2 oldinstr, newinstr1, feature1, newinstr2, feature2
770:
	\oldinstr
771:
	/* max(a, b) = b + (a > b) * (b - a), since GAS's true is -1 */
	alt_pad_to ((775f - 774f) + (((774f - 773f) > (775f - 774f)) * ((775f - 774f) - (774f - 773f))))
772:
	.pushsection .altinstructions, "a"
	alt_entry 773f, 774f, \feature1
	alt_entry 774f, 775f, \feature2
	.popsection
	.pushsection .altinstr_replacement, "ax"
773:
	\newinstr1
774:
	\newinstr2
775:
	.popsection
.endm
#endif /* VDSO_LAB_BUILTIN_ALTERNATIVES */

#endif /* VDSO_LAB_H */
