// Shared by the test/dwarf suites: hand-written .eh_frame/.debug_frame assembly (CIEs
// and FDEs built byte by byte to exercise every DW_CFA op, many DW_OPs, remember/restore
// state, advance_loc1/2/4, set_loc, the S, P, L, R and "eh" augmentations, CIE versions
// 1/3/4 and 64-bit DWARF), and running `vdso-lab frames` in memory.
import { runCli } from '../../cli/run-cli';

export interface CliResult {
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `vdso-lab ARGS...` in memory. */
export async function vdsoLab(args: readonly string[]): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const io = { cwd: process.cwd(), out(t: string) { stdout += t; }, err(t: string) { stderr += t; } };
  const status = await runCli(args, io);
  return { status, stdout, stderr };
}

/** First differing line of two texts, for assertion messages. */
export function firstDifference(expected: string, actual: string): string {
  const e = expected.split('\n');
  const a = actual.split('\n');
  for (let i = 0; i < Math.max(e.length, a.length); i++) {
    if (e[i] !== a[i]) return `line ${i + 1}:\n  readelf:   ${JSON.stringify(e[i])}\n  vdso-lab:  ${JSON.stringify(a[i])}`;
  }
  return 'no difference';
}

/**
 * A hand-written .eh_frame: a "zPLR" CIE (indirect pcrel personality, pcrel LSDA and FDE
 * pointers) and an FDE that uses nearly every DW_CFA op, including registers readelf
 * calls bad (> 101), an unbalanced DW_CFA_restore_state and unnamed registers.
 */
export const HAND_EH_FRAME_1 = String.raw`
	.text
	.globl f1
f1:	.fill 64,1,0x90
f2:	.fill 64,1,0x90
	.section .gcc_except_table,"a",@progbits
lsda1:	.byte 0xff,0xff,0x01,0x00
	.data
pers:	.long 0
	.section .eh_frame,"a",@progbits
cieA:	.long cieA_end - cieA_start
cieA_start:
	.long 0
	.byte 1
	.string "zPLR"
	.uleb128 1
	.sleb128 -4
	.byte 8
	.uleb128 cieA_aug_end - cieA_aug
cieA_aug:
	.byte 0x9b
	.long pers - .
	.byte 0x1b
	.byte 0x1b
cieA_aug_end:
	.byte 0x0c, 4, 4      # def_cfa esp 4
	.byte 0x88, 1         # offset eip cfa-4
	.byte 0, 0
cieA_end:
fdeA:	.long fdeA_end - fdeA_start
fdeA_start:
	.long fdeA_start - cieA
	.long f1 - .
	.long 64
	.uleb128 4
	.long lsda1 - .
	.byte 0x41            # advance_loc 1
	.byte 0x0e, 8         # def_cfa_offset 8
	.byte 0x85, 2         # offset ebp cfa-8
	.byte 0x02, 3         # advance_loc1 3
	.byte 0x0d, 5         # def_cfa_register ebp
	.byte 0x03; .short 2  # advance_loc2 2
	.byte 0x0a            # remember_state
	.byte 0x05, 3, 3      # offset_extended ebx 3
	.byte 0x11, 6, 0x7c   # offset_extended_sf esi -4 -> cfa+16
	.byte 0x04; .long 1   # advance_loc4 1
	.byte 0x07, 6         # undefined esi
	.byte 0x08, 7         # same_value edi
	.byte 0x09, 1, 2      # register ecx in edx
	.byte 0x14, 2, 5      # val_offset edx 5
	.byte 0x15, 0, 0x7e   # val_offset_sf eax -2
	.byte 0x2e, 16        # GNU_args_size 16
	.byte 0x2f, 9, 2      # GNU_negative_offset_extended eflags 2
	.byte 0x41
	.byte 0x0b            # restore_state
	.byte 0x06, 5         # restore_extended ebp
	.byte 0xc3            # restore ebx
	.byte 0x41
	.byte 0x12, 4, 0x7e   # def_cfa_sf esp -2 -> 8
	.byte 0x41
	.byte 0x13, 0x7d      # def_cfa_offset_sf -3 -> 12
	.byte 0x01; .long f1+20-. # set_loc (pcrel sdata4)
	.byte 0x0f, 3, 0x74, 8, 0x06   # def_cfa_expression breg4 8 deref
	.byte 0x10, 3, 2, 0x75, 0x04   # expression ebx: breg5 4
	.byte 0x16, 8, 3, 0x92, 5, 0x7c # val_expression eip: bregx 5 -4
	.byte 0x2d            # GNU_window_save
	.byte 0x41
	.byte 0x05, 120, 2     # offset_extended r120 bad
	.byte 0x0b            # mismatched restore_state
	.byte 0x41
	.byte 0x05, 101, 2
	.byte 0x05, 102, 2
	.byte 0x05, 15, 2
	.byte 0x05, 50, 2
	.byte 0x41
	.byte 0x0c, 10, 0      # def_cfa r10 0
	.byte 0x41
	.byte 0x0c, 19, 0      # def_cfa r19 0
	.byte 0, 0
fdeA_end:
	.long 0
`;

/**
 * A second hand-written file: CIE version 3 "zPLRS" (udata2 personality, datarel LSDA,
 * udata4 FDE pointers), advance_loc1/2/4, remember/restore, ~90 DW_OP kinds inside
 * DW_CFA_expression / val_expression / def_cfa_expression, a vendor DW_CFA op; an "eh"
 * CIE with set_loc, GNU_args_size and GNU_window_save; "zPR" and "zLR" CIEs with sdata2
 * FDE pointers and def_cfa_sf / def_cfa_offset_sf; a ZERO terminator; then .debug_frame
 * with a 64-bit DWARF version-4 CIE and FDE and a version-4 "zR" CIE whose 26 bytes of
 * augmentation data wrap readelf's line.
 */
export const HAND_EH_FRAME_2 = String.raw`
	.text
f1:	.fill 96,1,0x90
	.data
	.p2align 3
pers:	.long 0
	.section .gcc_except_table,"a",@progbits
lsda:	.long 0
	.section .eh_frame,"a",@progbits
cie1:	.long cie1_end - cie1_start
cie1_start:
	.long 0
	.byte 3
	.string "zPLRS"
	.uleb128 4
	.sleb128 -4
	.uleb128 8
	.uleb128 cie1_aug_end - cie1_aug
cie1_aug:
	.byte 0x02
	.short 0x1234
	.byte 0x30
	.byte 0x03
cie1_aug_end:
	.byte 0x0c, 4, 4, 0x88, 1
	.p2align 2
cie1_end:
fde1:	.long fde1_end - fde1_start
fde1_start:
	.long fde1_start - cie1
	.long f1
	.long 0x20
	.uleb128 4
	.long 0x100
	.byte 0x41, 0x0e, 8, 0x85, 2
	.byte 0x02, 2
	.byte 0x03; .short 1
	.byte 0x04; .long 1
	.byte 0x0a, 0x0e, 16, 0x83, 3, 0x41, 0x0b, 0x41
	.byte 0x0f
	.uleb128 9f-8f
8:	.byte 0x75, 0x08, 0x06, 0x23, 0x04, 0x94, 0x04, 0x12, 0x30, 0x2e, 0x28, 0x00, 0x00
9:
	.byte 0x41
	.byte 0x10, 3
	.uleb128 9f-8f
8:	.byte 0x0c, 0x78, 0x56, 0x34, 0x12, 0x06, 0x9f, 0x96, 0x1f
9:
	.byte 0x41
	.byte 0x16, 9
	.uleb128 9f-8f
8:	.byte 0x0b, 0xfe, 0xff, 0x0a, 0x01, 0x01, 0x22, 0x1c, 0x2f, 0x00, 0x00
9:
	.byte 0x41
	.byte 0x10, 5
	.uleb128 9f-8f
8:	.byte 0x09, 0xf9, 0x0d, 0xfe, 0xff, 0xff, 0xff, 0x11, 0x7f, 0x10, 0x80, 0x01, 0x15, 0x00, 0x14, 0x16, 0x17, 0x18, 0x19, 0x1a, 0x1b, 0x1d, 0x1e, 0x20, 0x21
9:
	.byte 0x41
	.byte 0x10, 6
	.uleb128 9f-8f
8:	.byte 0x24, 0x25, 0x26, 0x27, 0x29, 0x2a, 0x2b, 0x2c, 0x2d, 0x2e, 0x3f, 0x4f, 0x50, 0x57, 0x6f, 0x90, 0x05, 0x91, 0x7c, 0x93, 0x04, 0x95, 0x02
9:
	.byte 0x41
	.byte 0x10, 7
	.uleb128 9f-8f
8:	.byte 0x9c, 0x9d, 0x08, 0x10, 0x9e, 0x02, 0xaa, 0xbb, 0x97, 0x9b, 0x98, 0x10, 0x00, 0x99, 0x20, 0x00, 0x00, 0x00
9:
	.byte 0x41
	.byte 0x10, 1
	.uleb128 9f-8f
8:	.byte 0xa3, 0x02, 0x50, 0x9f, 0xf3, 0x01, 0x51, 0xe0, 0xf0, 0xa1, 0x03, 0xa8, 0x10, 0xa9, 0x00
9:
	.byte 0x41
	.byte 0x10, 2
	.uleb128 9f-8f
8:	.byte 0xa5, 0x05, 0x20, 0xa6, 0x04, 0x10, 0xa4, 0x10, 0x02, 0x01, 0x02, 0xfa, 1, 2, 3, 4
9:
	.byte 0x41
	.byte 0x10, 0
	.uleb128 9f-8f
8:	.byte 0xf5, 0x05, 0x20, 0xf6, 0x04, 0x10, 0xf7, 0x10, 0xf9, 0x00, 0xfb, 0x01
9:
	.byte 0x41
	.byte 0x10, 9
	.uleb128 9f-8f
8:	.byte 0xfc, 0x01, 0xf4, 0x10, 0x01, 0x07, 0xf8, 0xe2, 0xe3, 0xe1
9:
	.byte 0x41
	.byte 0x10, 11
	.uleb128 9f-8f
8:	.byte 0xe4, 0xe5, 0xe6
9:
	.byte 0x41
	.byte 0x10, 12
	.uleb128 9f-8f
8:	.byte 0x08, 0xff
9:
	.byte 0x41
	.byte 0x10, 13
	.uleb128 9f-8f
8:	.byte 0x0e, 1, 2, 3, 4, 5, 6, 7, 8
9:
	.byte 0x41
	.byte 0x10, 16
	.uleb128 9f-8f
8:	.byte 0x0e, 1,2,3,4,5,6,7,0x88
9:
	.byte 0x41
	.byte 0x10, 17
	.uleb128 9f-8f
8:	.byte 0x0f, 1,2,3,4,5,6,7,0x88
9:
	.byte 0x41
	.byte 0x10, 18
	.uleb128 9f-8f
8:	.byte 0x03, 1,2,3,0x84
9:
	.byte 0x41
	.byte 0x10, 19
	.uleb128 9f-8f
8:	.byte 0xf1, 0x1b, 0x10, 0, 0, 0
9:
	.byte 0x41
	.byte 0x10, 20
	.uleb128 9f-8f
8:	.byte 0x08, 0x01, 0xfd
9:
	.byte 0x41
	.byte 0x10, 21
	.uleb128 9f-8f
8:	.byte 0x08, 0x01, 0xa0
9:
	.byte 0x41
	.byte 0x10, 22
	.uleb128 9f-8f
8:	.byte 0x9a
9:
	.byte 0x41
	.byte 0x10, 23
	.uleb128 9f-8f
8:	.byte 0xa2, 0x00
9:
	.byte 0x41
	.byte 0x10, 24
	.uleb128 9f-8f
8:	.byte 0x30, 0xff
9:
	.byte 0x41
	.p2align 2
fde1_end:
cie2:	.long cie2_end - cie2_start
cie2_start:
	.long 0
	.byte 1
	.string "eh"
	.long 0x11223344
	.uleb128 1
	.sleb128 -4
	.byte 8
	.byte 0x0c, 4, 4, 0x88, 1, 0x07, 6, 0x08, 3
cie2_end:
fde2:	.long fde2_end - fde2_start
fde2_start:
	.long fde2_start - cie2
	.long f1 + 0x20
	.long 0x10
	.byte 0x41, 0x0e, 8, 0xc6, 0x06, 3, 0x41
	.byte 0x2e, 8, 0x2d, 0x01
	.long f1 + 0x2c
fde2_end:
cie3:	.long cie3_end - cie3_start
cie3_start:
	.long 0
	.byte 1
	.string "zPR"
	.uleb128 1
	.sleb128 -4
	.byte 8
	.uleb128 cie3_aug_end - cie3_aug
cie3_aug:
	.byte 0x00
	.long pers
	.byte 0x1b
cie3_aug_end:
	.byte 0x0c, 4, 4, 0x88, 1
cie3_end:
fde3:	.long fde3_end - fde3_start
fde3_start:
	.long fde3_start - cie3
	.long f1 + 0x30 - .
	.long 0x10
	.uleb128 0
	.byte 0x41, 0x0e, 8, 0
fde3_end:
cie4:	.long cie4_end - cie4_start
cie4_start:
	.long 0
	.byte 1
	.string "zLR"
	.uleb128 1
	.sleb128 -4
	.byte 8
	.uleb128 2
	.byte 0xff
	.byte 0x0a
cie4_end:
fde4:	.long fde4_end - fde4_start
fde4_start:
	.long fde4_start - cie4
	.short 0x40
	.short 0x10
	.uleb128 0
	.byte 0x12, 5, 0x7e, 0x13, 0x7c, 0x41, 0x0d, 4, 0x0e, 20, 0x41, 0x0f, 2, 0x74, 0x00, 0x0e, 12
fde4_end:
	.long 0
	.section .debug_frame,"",@progbits
dcie:	.long 0xffffffff
	.quad dcie_end - dcie_start
dcie_start:
	.quad 0xffffffffffffffff
	.byte 4
	.string ""
	.byte 4, 0
	.uleb128 1
	.sleb128 -4
	.uleb128 8
	.byte 0x0c, 4, 4, 0x88, 1
dcie_end:
dfde:	.long 0xffffffff
	.quad dfde_end - dfde_start
dfde_start:
	.quad 0
	.long f1 + 0x50
	.long 0x10
	.byte 0x41, 0x0e, 8, 0x85, 2, 0x42, 0x0d, 5
dfde_end:
dcie2:	.long dcie2_end - dcie2_start
dcie2_start:
	.long 0xffffffff
	.byte 4
	.string "zR"
	.byte 4, 0
	.uleb128 1
	.sleb128 -4
	.uleb128 8
	.uleb128 26
	.byte 0x03
	.fill 25,1,0xab
	.byte 0x0c, 4, 4
dcie2_end:
dfde2:	.long dfde2_end - dfde2_start
dfde2_start:
	.long dcie2
	.long f1 + 0x58
	.long 0x8
	.uleb128 20
	.fill 20,1,0xcd
	.byte 0x45, 0x0c, 5, 8
dfde2_end:
`;

/** Assembly using .cfi directives with `.cfi_sections .debug_frame` (and .eh_frame). */
export const CFI_DIRECTIVES = String.raw`
	.cfi_sections .eh_frame, .debug_frame
	.text
	.globl stub
stub:
	.cfi_startproc
	pushl %ecx
	.cfi_adjust_cfa_offset 4
	.cfi_rel_offset ecx, 0
	pushl %edx
	.cfi_adjust_cfa_offset 4
	.cfi_rel_offset edx, 0
	pushl %ebp
	.cfi_adjust_cfa_offset 4
	.cfi_rel_offset ebp, 0
	movl %esp, %ebp
	.cfi_remember_state
	.cfi_def_cfa_register ebp
	int $0x80
	.cfi_restore_state
	popl %ebp
	.cfi_adjust_cfa_offset -4
	.cfi_restore ebp
	popl %edx
	.cfi_adjust_cfa_offset -4
	.cfi_restore edx
	popl %ecx
	.cfi_adjust_cfa_offset -4
	.cfi_restore ecx
	ret
	.cfi_endproc
	.globl sig
	.cfi_startproc simple
	.cfi_signal_frame
	.cfi_def_cfa esp, 4
	nop
sig:
	.cfi_escape 0x0f, 0x03, 0x74, 0x20, 0x06
	.cfi_escape 0x10, 0x08, 0x02, 0x74, 0x3c
	.cfi_undefined eax
	.cfi_same_value ebx
	.cfi_register esi, edi
	.cfi_val_offset edi, -8
	movl $119, %eax
	int $0x80
	.cfi_endproc
`;
