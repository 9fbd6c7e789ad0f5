/*
 * legacy sigreturn: the signal return trampolines of the pre-4.4 images with their
 * hand-written signal-frame unwind data (docs/kernel-facts.md §§1, 5), linked first in
 * each legacy image. Kernel ABI: "legacy". Written for vdso-lab.
 *
 * The images enter the kernel with int $0x80, except the syscall image, built with
 * LEGACY_SYSCALL_IMAGE, which uses syscall. The CIE has augmentation "zRS" (a signal
 * frame) and no initial rules. Each FDE starts one byte before its trampoline and is one
 * byte longer, for unwinders that look up ip-1 (a nop, then the alignment padding, comes
 * before each trampoline).
 * The rules are DWARF expressions on esp: the CFA is the saved esp read from the
 * sigcontext, and each register is saved at its sigcontext slot.
 */
#include "vdso-lab.h"
#include "eh-frame.h"

#ifdef LEGACY_SYSCALL_IMAGE
#define ENTER_KERNEL	syscall
#else
#define ENTER_KERNEL	int $0x80
#endif

/* struct sigcontext_32 offsets and where the sigcontext is in each frame */
#define SC_DI		16
#define SC_SI		20
#define SC_BP		24
#define SC_SP		28
#define SC_BX		32
#define SC_DX		36
#define SC_CX		40
#define SC_AX		44
#define SC_IP		56
#define SIGFRAME_SC	8
#define RT_SIGFRAME_SC	164

	.text
	nop
VDSO_FUNCTION(__kernel_sigreturn)
.Lstart_sigreturn:
	popl	%eax		/* drop the signal number */
	movl	$119, %eax	/* __NR_sigreturn */
	ENTER_KERNEL
.Lend_sigreturn:
VDSO_END(__kernel_sigreturn)

	nop
VDSO_FUNCTION(__kernel_rt_sigreturn)
.Lstart_rt_sigreturn:
	movl	$173, %eax	/* __NR_rt_sigreturn */
	ENTER_KERNEL
.Lend_rt_sigreturn:
VDSO_END(__kernel_rt_sigreturn)

/* CFA = *(esp + off): the saved esp (DW_CFA_def_cfa_expression: breg4 off; deref). */
.macro cfa_from_saved_sp off
	.byte	DW_CFA_def_cfa_expression
	.uleb128 3f - 2f
2:	.byte	DW_OP_breg4
	.sleb128 \off
	.byte	DW_OP_deref
3:
.endm

/* register `reg` saved at esp + off (DW_CFA_expression: breg4 off). */
.macro saved_at reg, off
	.byte	DW_CFA_expression, \reg
	.uleb128 3f - 2f
2:	.byte	DW_OP_breg4
	.sleb128 \off
3:
.endm

/* every register of the interrupted context, from a sigcontext at esp + sc */
.macro sigcontext_rules sc
	cfa_from_saved_sp (\sc+SC_SP)
	saved_at 0, (\sc+SC_AX)
	saved_at 1, (\sc+SC_CX)
	saved_at 2, (\sc+SC_DX)
	saved_at 3, (\sc+SC_BX)
	saved_at 5, (\sc+SC_BP)
	saved_at 6, (\sc+SC_SI)
	saved_at 7, (\sc+SC_DI)
	saved_at 8, (\sc+SC_IP)
.endm

	.section .eh_frame, "a", @progbits
.Lsignal_cie:
	.long	9f - 8f			/* length */
8:	.long	0			/* CIE id */
	.byte	1			/* version */
	.asciz	"zRS"			/* S: these are signal frames */
	.uleb128 1			/* code alignment */
	.sleb128 -4			/* data alignment */
	.byte	8			/* return address column: eip */
	.uleb128 1			/* augmentation data length */
	.byte	DW_EH_PE_pcrel_sdata4
	.byte	DW_CFA_nop		/* no initial rules */
	.balign	4, DW_CFA_nop
9:
	/* __kernel_sigreturn: the sigcontext is at esp+4 until popl %eax, then at esp+0 */
	fde_begin .Lsignal_cie, (.Lstart_sigreturn-1), .Lend_sigreturn
	sigcontext_rules (SIGFRAME_SC-4)
	.byte	DW_CFA_advance_loc(2)	/* past the nop and the popl */
	sigcontext_rules (SIGFRAME_SC-8)
	fde_end
	/* __kernel_rt_sigreturn: esp does not move; uc_mcontext is at esp + 160 */
	fde_begin .Lsignal_cie, (.Lstart_rt_sigreturn-1), .Lend_rt_sigreturn
	sigcontext_rules (RT_SIGFRAME_SC-4)
	fde_end
