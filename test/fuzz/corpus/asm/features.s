	.text
	.macro STEP n
	.byte \n & 0xff
	.p2align 2
	.endm
	.globl	f0
	.type	f0, @function
f0:
	.cfi_startproc
	pushl	%ebp
	.cfi_def_cfa_offset 8
	.cfi_offset 5, -8
	movl	%esp, %ebp
	.cfi_def_cfa_register 5
	subl	$8, %esp
	movl	8(%ebp), %eax
	leal	0(%eax,%ecx,4), %edx
	addl	$0, %edx
	cmpl	$0, %eax
	jle	.Lsmall0
1:	xorl	%ebx, %esi
	roll	$1, %esi
	decl	%eax
	jnz	1b
.Lsmall0:
	testl	%ecx, %ecx
	je	.Ldone0
	call	f0
	movl	%edx, -4(%ebp)
.Ldone0:
	movzbl	(%edi), %eax
	leave
	.cfi_def_cfa 4, 4
	ret
	.cfi_endproc
	.size	f0, .-f0
	.section	.rodata
.Ltable0:
	.long	f0, .Lsmall0, .Ldone0
	.asciz	"function 0"
	.text
	STEP 0
.macro m a, b=2, c:vararg
 .long \a, \b, \c
.endm
 m 1
 m 1, 3, 4, 5
.rept 3
 nop
.endr
.irp r, eax, ebx
 push %\r
.endr
.if 1 < 2
 .byte 1
.else
 .byte 2
.endif
ALTERNATIVE_2 "", "movl %esp, %ebp; sysenter", X86_FEATURE_SYSENTER32, "movl %ecx, %ebp; syscall", X86_FEATURE_SYSCALL32
.uleb128 .Ldone0 - f0
.sleb128 -100
.org . + 4
.fill 3, 2, 0x1234
.p2align 4
.cfi_startproc
.cfi_escape 0x10, 0x05
.cfi_endproc
.section .note.fuzz, "a"
.balign 4
.long 4, 8, 1
.ascii "GNU\0"
.quad 0x123456789
.set sym, 0x10
.equ other, sym * 2 + (3 << 1)
.if other > 20
.byte other
.endif
.section .data
.word 1, 2, 3
.string "x\n\t\"y"
.zero 5
.comm c, 4, 4
.local l
