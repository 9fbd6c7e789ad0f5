/* The guest the DAP fuzz seeds launch: a short loop, getpid, exit. */
	.text
	.globl _start
_start:
	movl $3, %ecx
1:	decl %ecx
	jnz 1b
	movl $20, %eax
	int $0x80
	movl $1, %eax
	xorl %ebx, %ebx
	int $0x80
