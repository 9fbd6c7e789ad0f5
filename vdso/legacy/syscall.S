/*
 * legacy syscall: the pre-4.4 image a 64-bit kernel chose at boot on AMD (SYSCALL32), in
 * its ~v3.16-4.1 form. Kernel ABI: "legacy". Written for vdso-lab from
 * docs/kernel-facts.md §1.
 *
 * SYSCALL puts the return address in ecx, so arg2 travels in ebp (saved first; the
 * kernel reads arg6, the caller's ebp, from 0(%esp)) and comes back to ecx afterwards.
 * SYSRET returns to the instruction after syscall.
 */
#include "vdso-lab.h"
#include "eh-frame.h"

	.text
VDSO_FUNCTION(__kernel_vsyscall)
.Lstart_vsyscall:
	pushl	%ebp
.Lpushed_ebp:
	movl	%ecx, %ebp
	syscall
	movl	%ebp, %ecx
	popl	%ebp
.Lpopped_ebp:
	ret
.Lend_vsyscall:
VDSO_END(__kernel_vsyscall)

	.section .eh_frame, "a", @progbits
	vsyscall_cie .Lcie
	fde_begin .Lcie, .Lstart_vsyscall, .Lend_vsyscall
	.byte	DW_CFA_advance_loc(.Lpushed_ebp - .Lstart_vsyscall)
	.byte	DW_CFA_def_cfa_offset, 8
	.byte	DW_CFA_offset(5), 2		/* ebp at CFA - 8 */
	.byte	DW_CFA_advance_loc(.Lpopped_ebp - .Lpushed_ebp)
	.byte	DW_CFA_restore(5)
	.byte	DW_CFA_def_cfa_offset, 4
	fde_end
