/*
 * sigreturn: the signal return trampolines of the upstream, proposal and auxv designs,
 * with their unwind data written as .cfi directives (the form Linux adopted in its 2025
 * rewrite; docs/kernel-facts.md §§1, 5, 9). A handler returns into these through the frame's
 * pretcode; they enter the kernel with int $0x80 (the proposal mail keeps int80 for
 * sigreturn). The CFI marks a signal frame ("S") and describes the interrupted context
 * saved in the frame's struct sigcontext: the CFA is the sigcontext's address and every
 * register is at its offset there.
 *   __kernel_sigreturn: esp points at the frame's sig argument (frame+4); the sigcontext
 *   is at frame+8, i.e. esp+4; after popl %eax it is at esp+0.
 *   __kernel_rt_sigreturn: esp points at frame+4; uc.uc_mcontext is at frame+164.
 */
#include "vdso-lab.h"

/* struct sigcontext_32 offsets (i386) */
#define SC_ES		8
#define SC_DS		12
#define SC_DI		16
#define SC_SI		20
#define SC_BP		24
#define SC_SP		28
#define SC_BX		32
#define SC_DX		36
#define SC_CX		40
#define SC_AX		44
#define SC_IP		56
#define SC_CS		60
#define SC_FLAGS	64
#define SC_SS		72
/* where the sigcontext is in each frame */
#define SIGFRAME_SC	8
#define RT_SIGFRAME_SC	164

#define NR_sigreturn	119
#define NR_rt_sigreturn	173

/* The unwind rules of a signal frame whose sigcontext is at esp + (sc - 4). */
.macro signal_frame_cfi sc
	CFI_STARTPROC simple
	CFI_SIGNAL_FRAME
	CFI_DEF_CFA	esp, \sc - 4
	CFI_OFFSET	eip, SC_IP
	CFI_OFFSET	eax, SC_AX
	CFI_OFFSET	ebx, SC_BX
	CFI_OFFSET	ecx, SC_CX
	CFI_OFFSET	edx, SC_DX
	CFI_OFFSET	esp, SC_SP
	CFI_OFFSET	ebp, SC_BP
	CFI_OFFSET	esi, SC_SI
	CFI_OFFSET	edi, SC_DI
	CFI_OFFSET	es, SC_ES
	CFI_OFFSET	cs, SC_CS
	CFI_OFFSET	ss, SC_SS
	CFI_OFFSET	ds, SC_DS
	CFI_OFFSET	eflags, SC_FLAGS
.endm

	.text
VDSO_FUNCTION(__kernel_sigreturn)
	signal_frame_cfi SIGFRAME_SC
	popl	%eax
	CFI_ADJUST_CFA_OFFSET	-4
	movl	$NR_sigreturn, %eax
	int	$0x80
VDSO_INNER_LABEL(vdso32_sigreturn_landing_pad)
	ud2a
	CFI_ENDPROC
VDSO_END(__kernel_sigreturn)

VDSO_FUNCTION(__kernel_rt_sigreturn)
	signal_frame_cfi RT_SIGFRAME_SC
	movl	$NR_rt_sigreturn, %eax
	int	$0x80
VDSO_INNER_LABEL(vdso32_rt_sigreturn_landing_pad)
	ud2a
	CFI_ENDPROC
VDSO_END(__kernel_rt_sigreturn)
