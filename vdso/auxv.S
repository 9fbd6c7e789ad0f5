/*
 * auxv: the other way the 2015 thread discusses (Brian Gerst, 25 Aug 2015: "The easiest
 * way to select the right entry code is by changing the ELF AUX vector"). One image holds
 * an entry per method and no alternatives; the kernel points AT_SYSINFO at the entry that
 * fits the CPU and kernel, and either rewrites the image's __kernel_vsyscall dynamic
 * symbol to that entry or drops the symbol, so that callers who look the symbol up fall
 * back to int $0x80. Kernel ABI: "auxv". Written for vdso-lab.
 *
 * __kernel_vsyscall is exported pointing at the int80 entry (right on every CPU) until
 * the kernel retargets it. The sysenter and syscall entries keep the upstream register
 * conventions (ecx, edx, ebp saved; user esp in ebp for SYSENTER, arg2 in ebp for
 * SYSCALL, arg6 at 0(user sp)), each with its own int $0x80 and landing pad so that a
 * restart (ip -= 2) re-executes a real int $0x80.
 */
#include "vdso-lab.h"

/* pushes ecx, edx, ebp with their CFI */
.macro save_call_registers
	pushl	%ecx
	CFI_ADJUST_CFA_OFFSET	4
	CFI_REL_OFFSET		ecx, 0
	pushl	%edx
	CFI_ADJUST_CFA_OFFSET	4
	CFI_REL_OFFSET		edx, 0
	pushl	%ebp
	CFI_ADJUST_CFA_OFFSET	4
	CFI_REL_OFFSET		ebp, 0
.endm

.macro restore_call_registers
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
.endm

	.text
/* int $0x80: every CPU, every kernel. */
VDSO_FUNCTION(__kernel_vsyscall)
VDSO_INNER_LABEL(vsyscall_int80)
	CFI_STARTPROC
	int	$0x80
	ret
	CFI_ENDPROC
VDSO_END(__kernel_vsyscall)

/* SYSENTER: Intel on 64-bit kernels; Intel and AMD (SEP) on 32-bit kernels. */
VDSO_FUNCTION(vsyscall_sysenter)
	CFI_STARTPROC
	save_call_registers
	movl	%esp, %ebp
	sysenter
	int	$0x80
VDSO_INNER_LABEL(sysenter_landing_pad)
	restore_call_registers
	CFI_ENDPROC
VDSO_END(vsyscall_sysenter)

/* SYSCALL: AMD on 64-bit kernels only. */
VDSO_FUNCTION(vsyscall_syscall)
	CFI_STARTPROC
	save_call_registers
	movl	%ecx, %ebp
	syscall
	int	$0x80
VDSO_INNER_LABEL(syscall_landing_pad)
	restore_call_registers
	CFI_ENDPROC
VDSO_END(vsyscall_syscall)
