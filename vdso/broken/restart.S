/*
 * broken/restart.S: a nop between int $0x80 and the landing pad: regs->ip - 2 after a fast
 * entry is the middle of the int $0x80 and the nop, not an int $0x80. Check d fails.
 * The upstream design (vdso/upstream.S) with that one change; used by test/check/ to show
 * that the checker catches it with exactly one check.
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
	nop
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
