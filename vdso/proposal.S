/*
 * proposal: the single 32-bit vDSO image Andy Lutomirski proposed on LKML on 26 Aug 2015
 * ("Re: Proposal for finishing the 64-bit x86 syscall cleanup"), written here as the mail
 * writes its code, with the additions and the one correction listed below. Kernel ABI:
 * "proposal" (sysenter and syscall both load edx into regs->sp, fetch regs->dx and regs->cx
 * from user memory, set regs->ip to vsyscall_after_int80, then run like int80;
 * opportunistic SYSRETL when returning there from a compat syscall; a 32-bit kernel has no
 * fast exit and returns by IRET: docs/kernel-facts.md §9).
 *
 * What comes from the mail, in its order:
 *   push %ecx / push %edx / movl %esp, %edx;
 *   the alternatives: "Intel with SEP" (the entry instruction sysenter), "AMD with
 *   SYSCALL32 on 64-bit kernels" (syscall, then "hlt /+ keep weird binary tracers from
 *   utterly screwing up +/"), and "if neither of the other cases apply" (nothing: fall
 *   into the int80 code). The stored copy of the mail has lost the lines holding the
 *   sysenter and syscall instructions under their headings (the headings and the prose,
 *   "the semantics of *both* syscall32 and sysenter", name them); they are put back here
 *   as the headings say. The mail says SYSCALL cannot be enabled on 32-bit kernels, so a
 *   32-bit kernel build has the SEP alternative only;
 *   the int80 code: movl %edx, %esp / movl (%esp), %edx / movl 4(%esp), %ecx /
 *   int $0x80 / popl %edx / popl %ecx;
 *   the landing label vsyscall_after_int80 right after the int $0x80 (the mail names it in
 *   its prose: "ip -= 2 ... points at an actual int80 instruction").
 *
 * Corrected, with the mail's own words as the rule: the mail's code loads
 * `movl 8(%esp), %ecx`, but after the two pushes 0(%esp) holds the caller's edx, 4(%esp)
 * its ecx and 8(%esp) its return address, and int $0x80 takes argument 2 from ecx
 * (docs/kernel-facts.md §3), so as written the kernel would get the return address as
 * argument 2. The mail says this path does "int $0x80 with the same regs we started with":
 * that is 4(%esp), and it is what the fast entries' "fetch regs->cx from memory" reads too.
 *
 * Added, not in the mail: the mail's sketch ends at popl %ecx and has no ret; a ret is
 * added so that the call returns. The .cfi directives are ours (the point of the thread
 * was to replace the hand-written CFI with them) and describe the code as it stands.
 */
#include "vdso-lab.h"

	.text
VDSO_FUNCTION(__kernel_vsyscall)
	CFI_STARTPROC
	push	%ecx
	CFI_ADJUST_CFA_OFFSET	4
	CFI_REL_OFFSET		ecx, 0
	push	%edx
	CFI_ADJUST_CFA_OFFSET	4
	CFI_REL_OFFSET		edx, 0
	movl	%esp, %edx

#ifdef CONFIG_X86_64
	ALTERNATIVE_2 "", "sysenter", X86_FEATURE_SEP, \
			  "syscall; hlt", X86_FEATURE_SYSCALL32
#else
	ALTERNATIVE "", "sysenter", X86_FEATURE_SEP
#endif

	movl	%edx, %esp
	movl	(%esp), %edx
	movl	4(%esp), %ecx	/* corrected: see above */
	int	$0x80
VDSO_INNER_LABEL(vsyscall_after_int80)
	popl	%edx
	CFI_RESTORE		edx
	CFI_ADJUST_CFA_OFFSET	-4
	popl	%ecx
	CFI_RESTORE		ecx
	CFI_ADJUST_CFA_OFFSET	-4
	ret	/* not in the mail: see above */
	CFI_ENDPROC
VDSO_END(__kernel_vsyscall)
