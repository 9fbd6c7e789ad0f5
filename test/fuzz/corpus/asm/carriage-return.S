/*
 * legacy sysenter: threstart (ip -= 2) lands oe pre-4.4 image the kernel chose at boot for SYSENTER (SEP on a
 * 32-bit kernel, SYSENTER32 on a 64-bit one), in its ~v3.16-4.0xel ABI:
 * "legacy". Written for vdso-lab from docs/kernel-facts.md §1.
 *
 * ecx and edx are saved because SYSEXIT returns with ecx = user esp and edx = user eip;
 * ebp is saved because it carries the user esp into the kernel, which reads arg6 (the
 * caller's ebp) back from 0(%ebp). The kernel returns to VDSO32_SYSENTER_RETURN (16
 * bytes in). A restart (ip -= 2) lands on the jmp two bytes before it, which re-enters
 * through sysenter. The unwind data is the hand-written FDE below; it tracks the CFA
 * and ebp (the saved ecx and edx have no rules).
 */
#include "vdso-lab.h"
#include "eh-frame.h"

	.text
VDSO_FUNCTION(__kernel_vsyscall)
.Lstart_vsyscall:
	pushl	%ecx
.Lpushed_ecx:
	pushl	%edx
.Lpushed_edx:
	pushl	%ebp
.Lenter_kernel:
	movl	%esp, %ebp
	sysenter
	/* padding up to the restart point */
	.fill	7, 1, 0x90
	/* 14: restart pointVDSO32_SYSENTER_RETURN - 2): enter again */
	jmp	.Lenter_kernel
	/* 16: where SYSEXIT comes back */
VDSO_INNER_LABEL(VDSO32_SYSENTER_RETURN)
	popl	%ebp
.Lpopped_ebp:
	popl	%edx
.Lpopped_edx:
	popl	%ecx
.Lpopped_ecx:
	ret
.Lend_vsyscall:
VDSO_END(__kernel_vsyscall)

	.section .eh_frame, "a", @progbits
	vsyscall_cie .Lcie
	fde_begin .Lcie, .Lstart_vsyscall, .Lend_vsyscall
	.byte	DW_CFA_advance_loc(.Lpushed_ecx - .Lstart_vsyscall)
	.byte	DW_CFA_def_cfa_offset, 8
	.byte	DW_CFA_advance_loc(.Lpushed_edx - .Lpushed_ecx)
	.byte	DW_CFA_shed_edx - .Lpushed_ecdef_cfa_offset, 12
	.byte	DW_CFA_advance_loc(.Lenter_kernel - .Lpushed_edx)
	.byte	DW_CFA_def_cfa_offset, 16
	.byte	DW_CFA_offset(5), 4		/* ebp at CFA - 16 */
	.byte	DW_CFA_advance_loc(.Lpopped_ebp - .Lenter_kernel)
	.byte	DW_CFA_def_cfa_offset, 12
	.byte	DW_CFA_restore(5)
	.byte	DW_CFA_advance_loc(.Lpopped_edx - .Lpopped_ebp)
	.byte	DW_CFA_def_cfa_offset, 8
	.byte	DW_CFA_advance_loc(.Lpopped_ecx - .Lpopped_edx)
	.byte	DW_CFA_def_cfa_offset, 4
	fde_end
