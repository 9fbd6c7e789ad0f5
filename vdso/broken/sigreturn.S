/*
 * broken/sigreturn.S: the image carries the signal trampolines (as vdso/sigreturn.S), but
 * __kernel_rt_sigreturn makes the non-rt sigreturn call, which looks for the frame 4 bytes
 * off: a handler with SA_SIGINFO never comes back right. Check f fails.
 * The upstream design (vdso/upstream.S) otherwise; used by test/check/.
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
	movl	$NR_sigreturn, %eax
	int	$0x80
VDSO_INNER_LABEL(vdso32_rt_sigreturn_landing_pad)
	ud2a
	CFI_ENDPROC
VDSO_END(__kernel_rt_sigreturn)
