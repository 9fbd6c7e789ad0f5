/*
 * note: the ELF note every design's image carries, as the kernel's vDSO does: name
 * "Linux", type 0, the kernel version it claims (LINUX_VERSION_CODE of 6.1.0 here, the
 * release of the captured Debian image the tests compare with).
 */
	.section .note.Linux, "a", @note
	.balign 4
	.long	2f - 1f		/* namesz */
	.long	4f - 3f		/* descsz */
	.long	0		/* type */
1:	.asciz	"Linux"
2:	.balign 4
3:	.long	0x060100	/* version 6.1.0 */
4:	.balign 4
