/*
 * eh-frame.h: the pieces of hand-written .eh_frame the legacy (pre-4.4) images share,
 * as bytes with their DWARF meaning beside them (shared/KERNEL-FACTS.md §1). Before the
 * 2015 cleanup the vDSO could not rely on the assembler's .cfi support, so every byte of
 * unwind data was written out like this.
 */
#ifndef VDSO_LAB_LEGACY_EH_FRAME_H
#define VDSO_LAB_LEGACY_EH_FRAME_H

#define DW_CFA_nop			0x00
#define DW_CFA_def_cfa			0x0c
#define DW_CFA_def_cfa_offset		0x0e
#define DW_CFA_def_cfa_expression	0x0f
#define DW_CFA_expression		0x10
#define DW_CFA_advance_loc(delta)	(0x40 | (delta))
#define DW_CFA_offset(reg)		(0x80 | (reg))
#define DW_CFA_restore(reg)		(0xc0 | (reg))
#define DW_OP_breg4			0x74	/* esp + offset */
#define DW_OP_deref			0x06
#define DW_EH_PE_pcrel_sdata4		0x1b

/*
 * The CIE every __kernel_vsyscall FDE uses (24 bytes): version 1, augmentation "zR", code
 * alignment 1, data alignment -4, return address column 8 (eip), FDE addresses pc-relative
 * signed 4-byte; initial rules CFA = esp+4 and the return address at CFA-4.
 */
.macro vsyscall_cie label
\label:
	.long	9f - 8f			/* length */
8:	.long	0			/* CIE id */
	.byte	1			/* version */
	.asciz	"zR"
	.uleb128 1			/* code alignment */
	.sleb128 -4			/* data alignment */
	.byte	8			/* return address column: eip */
	.uleb128 1			/* augmentation data length */
	.byte	DW_EH_PE_pcrel_sdata4
	.byte	DW_CFA_def_cfa, 4, 4	/* CFA = esp + 4 */
	.byte	DW_CFA_offset(8), 1	/* eip at CFA - 4 */
	.balign	4, DW_CFA_nop
9:
.endm

/* An FDE header for [start, end) under the CIE at `cie`; the rules follow, then fde_end. */
.macro fde_begin cie, start, end
	.long	7f - 6f			/* length */
6:	.long	6b - \cie		/* distance back to the CIE */
	.long	\start - .		/* pc_begin, pc-relative */
	.long	\end - \start		/* pc_range */
	.uleb128 0			/* no augmentation data */
.endm

.macro fde_end
	.balign	4, DW_CFA_nop
7:
.endm

#endif
