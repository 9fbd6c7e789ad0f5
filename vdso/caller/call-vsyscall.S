/*
 * call-vsyscall.S: the static i386 program the editor's "Debug" lens runs a stub .S under
 * (the stub is the vDSO; the debug type `vdso` assembles and links this file on the fly).
 * It does what a libc does at startup: finds AT_SYSINFO (32) in its aux vector, then calls
 * __kernel_vsyscall through it with eax = the system call number: getpid (20), write (4) of
 * one line to stdout, exit_group (252). Without AT_SYSINFO (no vDSO) it enters with
 * int $0x80 itself.
 */
	.data
sysinfo:
	.long	int80
message:
	.ascii	"call-vsyscall: __kernel_vsyscall came back\n"
message_end:

	.text
	.globl	_start
	.type	_start, @function
_start:
	.cfi_startproc
	.cfi_undefined eip
	movl	%esp, %esi
	movl	(%esi), %eax		/* argc */
	leal	8(%esi,%eax,4), %esi	/* envp */
1:	lodsl
	testl	%eax, %eax
	jnz	1b			/* past envp's NULL: the aux vector */
2:	lodsl				/* a_type */
	movl	%eax, %edx
	lodsl				/* a_val */
	testl	%edx, %edx
	jz	3f			/* AT_NULL: no AT_SYSINFO */
	cmpl	$32, %edx
	jne	2b
	movl	%eax, sysinfo
3:	movl	$20, %eax		/* getpid */
	call	*sysinfo
	movl	$4, %eax		/* write(1, message, length) */
	movl	$1, %ebx
	movl	$message, %ecx
	movl	$(message_end - message), %edx
	call	*sysinfo
	movl	$252, %eax		/* exit_group(0) */
	xorl	%ebx, %ebx
	call	*sysinfo
	hlt
	.cfi_endproc
	.size	_start, .-_start

	.type	int80, @function
int80:
	.cfi_startproc
	int	$0x80
	ret
	.cfi_endproc
	.size	int80, .-int80
