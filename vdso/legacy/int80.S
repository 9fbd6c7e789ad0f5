/*
 * legacy int80: the pre-4.4 image for CPUs with no usable fast entry (the kernel chose it
 * at boot when neither SYSENTER nor SYSCALL could be used): __kernel_vsyscall is just
 * int $0x80; ret. Its FDE has no rules: the CIE's CFA = esp+4 holds for both instructions.
 * Kernel ABI: "legacy". Written for vdso-lab from docs/kernel-facts.md §1.
 */
#include "vdso-lab.h"
#include "eh-frame.h"

	.text
VDSO_FUNCTION(__kernel_vsyscall)
.Lstart_vsyscall:
	int	$0x80
	ret
.Lend_vsyscall:
VDSO_END(__kernel_vsyscall)

	.section .eh_frame, "a", @progbits
	vsyscall_cie .Lcie
	fde_begin .Lcie, .Lstart_vsyscall, .Lend_vsyscall
	fde_end
