/*
 * upstream: the 32-bit __kernel_vsyscall as Linux has had it since 4.4 (one image; the
 * kernel's alternatives pick the entry instruction for the CPU at boot). Written for
 * vdso-lab from the facts in docs/kernel-facts.md §2; kernel ABI: "upstream".
 *
 * The stub saves ecx, edx and ebp on the stack. The fast entries need two registers the
 * caller's arguments occupy: SYSENTER loses esp and eip, so esp goes to ebp (the kernel
 * reads arg6, the caller's ebp, back from 0(%ebp)); SYSCALL puts the return address in
 * ecx, so arg2 moves to ebp. Either way the kernel returns to int80_landing_pad, so a
 * restart (ip -= 2) lands on the int $0x80 just before it. A CPU with neither feature
 * runs the int $0x80 directly (the site becomes one 4-byte NOP).
 * 64-bit kernels (CONFIG_X86_64): SYSENTER32 (Intel) or SYSCALL32 (AMD); the later entry
 * wins on a CPU with both. 32-bit kernels: SEP only; they never use SYSCALL.
 */
#include "vdso-lab.h"

	.text
VDSO_FUNCTION(__kernel_vsyscall)
	CFI_STARTPROC
	pushl	%ecx
	CFI_ADJUST_CFA_OFFSET	4
	CFI_REL_OFFSET		ecx, 0
	pushl	%edx
	CFI_ADJUST_CFA_OFFSET	4
	CFI_REL_OFFSET		edx, 0
	pushl	%ebp
	CFI_ADJUST_CFA_OFFSET	4
	CFI_REL_OFFSET		ebp, 0

#ifdef CONFIG_X86_64
	ALTERNATIVE_2 "", "movl %esp, %ebp; sysenter", X86_FEATURE_SYSENTER32, \
			  "movl %ecx, %ebp; syscall", X86_FEATURE_SYSCALL32
#else
	ALTERNATIVE "", "movl %esp, %ebp; sysenter", X86_FEATURE_SEP
#endif

	/* The slow path, and where every restart of a fast call comes back to. */
	int	$0x80
VDSO_INNER_LABEL(int80_landing_pad)
	popl	%ebp
	CFI_RESTORE		ebp
	CFI_ADJUST_CFA_OFFSET	-4
	popl	%edx
	CFI_RESTORE		edx
	CFI_ADJUST_CFA_OFFSET	-4
	popl	%ecx
	CFI_RESTORE		ecx
	CFI_ADJUST_CFA_OFFSET	-4
	ret
	CFI_ENDPROC
VDSO_END(__kernel_vsyscall)
