// Test data: .s sources whose CFI the writer tests assemble with GNU as and re-emit:
// every directive, every encoding choice GAS makes (advance sizes, _sf/_extended forms,
// restore_extended, personality/LSDA encodings, S augmentation, CIE sharing), and a
// fixed-seed random corpus of procedures.

export const CFI_CASES: Record<string, string> = {
  basic: `
	.text
	.globl f
f:
	.cfi_startproc
	nop
	.cfi_def_cfa_offset 8
	.cfi_offset %ebp, -8
	nop
	nop
	.cfi_def_cfa_register %ebp
	.fill 5,1,0x90
	nop
	.cfi_def_cfa %esp, 4
	nop
	.cfi_endproc
h:
	.cfi_startproc
	.cfi_def_cfa_offset 8
	nop
	.cfi_endproc
`,
  encodings: `
	.text
p1:
	.cfi_startproc
	.cfi_personality 0x9b, pers
	.cfi_lsda 0x1b, lsda1
	nop
	.cfi_def_cfa_offset -8
	.cfi_offset 70, 8
	.cfi_offset 3, -12
	.cfi_offset 70, -12
	.cfi_restore 70
	.cfi_restore 3
	.cfi_val_offset 5, -8
	.cfi_val_offset 5, 8
	.cfi_def_cfa 5, -8
	.cfi_def_cfa 4, -6
	.cfi_def_cfa_offset -6
	.cfi_def_cfa_offset 0x10000000
	.cfi_register 3, 200
	.cfi_undefined 130
	.cfi_same_value 2
	.cfi_remember_state
	.cfi_restore_state
	.cfi_escape 0x2e, 0x10
	.fill 63,1,0x90
	.cfi_def_cfa_register 4
	.fill 64,1,0x90
	.cfi_def_cfa_register 5
	.fill 255,1,0x90
	.cfi_def_cfa_register 4
	.fill 256,1,0x90
	.cfi_def_cfa_register 5
	.fill 65535,1,0x90
	.cfi_def_cfa_offset 200
	.fill 65536,1,0x90
	.cfi_def_cfa_offset 12
	.fill 70000,1,0x90
	.cfi_def_cfa_offset 16
	.cfi_endproc
p2:
	.cfi_startproc simple
	.cfi_signal_frame
	.cfi_return_column 9
	.cfi_personality 0x0, pers
	.cfi_lsda 0x3, lsda1
	nop
	.cfi_endproc
p3:
	.cfi_startproc
	.cfi_personality 0x10, pers
	.cfi_lsda 0x12, lsdaloc
	nop
	.cfi_endproc
p4:
	.cfi_startproc
	.cfi_personality 0x2, pers
	.cfi_lsda 0x0, lsdaloc
	nop
	.cfi_endproc
p4b:
	.cfi_startproc
	.cfi_personality 0x1a, locpers
	.cfi_lsda 0x0b, lsdaloc
	nop
	.cfi_endproc
p4c:
	.cfi_startproc
	.cfi_personality 0x80, pers
	.cfi_lsda 0x13, lsda1
	nop
	.cfi_endproc
	.section .text.x,"ax"
p5:
	.cfi_startproc
	nop
	.cfi_endproc
locpers:
	nop
	.section .gcc_except_table,"a"
lsdaloc: .long 0
`,
  sharing: `
	.text
p1:	.cfi_startproc
	.cfi_def_cfa_offset 8
	nop
	.cfi_endproc
p2:	.cfi_startproc
	nop
	.cfi_endproc
p3:	.cfi_startproc simple
	nop
	.cfi_endproc
p4:	.cfi_startproc simple
	.cfi_def_cfa 4, 4
	.cfi_offset 8, -4
	nop
	.cfi_endproc
p5:	.cfi_startproc
	.cfi_remember_state
	nop
	.cfi_restore_state
	.cfi_endproc
p6:	.cfi_startproc
	.cfi_escape 0x0
	nop
	.cfi_endproc
p7:	.cfi_startproc simple
	.cfi_escape 0x0
	nop
	.cfi_endproc
p8:	.cfi_startproc
	.cfi_def_cfa_offset 8
	.cfi_offset 5, -8
	.cfi_endproc
`,
  mergeable: `
	.text
p1:	.cfi_startproc
	.cfi_val_offset 3, -8
	.cfi_register 3, 5
	.cfi_undefined 2
	.cfi_same_value 6
	.cfi_restore 7
	.cfi_def_cfa_register 5
	nop
	.cfi_endproc
p2:	.cfi_startproc
	.cfi_val_offset 3, -8
	.cfi_register 3, 5
	.cfi_undefined 2
	.cfi_same_value 6
	.cfi_restore 7
	.cfi_def_cfa_register 5
	.cfi_remember_state
	nop
	.cfi_restore_state
	.cfi_endproc
p3:	.cfi_startproc
	.cfi_val_offset 3, -8
	.cfi_register 3, 6
	nop
	.cfi_endproc
`,
  adjust: `
	.text
	.globl __kernel_vsyscall
__kernel_vsyscall:
	.cfi_startproc
	nop
	.cfi_adjust_cfa_offset 4
	.cfi_rel_offset %ecx, 0
	nop
	.cfi_adjust_cfa_offset 4
	.cfi_rel_offset %edx, 0
	nop
	.cfi_adjust_cfa_offset 4
	.cfi_rel_offset %ebp, 0
	.cfi_remember_state
	.fill 7,1,0x90
	.cfi_adjust_cfa_offset -4
	.cfi_restore %ebp
	.cfi_restore_state
	nop
	.cfi_adjust_cfa_offset -4
	.cfi_restore %ebp
	nop
	.cfi_adjust_cfa_offset -4
	.cfi_restore %edx
	nop
	.cfi_adjust_cfa_offset -4
	.cfi_restore %ecx
	nop
	.cfi_endproc
`,
  'debug-only': `
	.cfi_sections .debug_frame
	.text
p1:
	.cfi_startproc
	nop
	.cfi_endproc
	.section .text.x,"ax"
p5:
	.cfi_startproc
	nop
	.cfi_def_cfa_offset 8
	.cfi_endproc
	.section .text.c,"axG",@progbits,cc,comdat
p6:
	.cfi_startproc
	.cfi_signal_frame
	nop
	.cfi_endproc
	.text
p7:
	.cfi_startproc
	.cfi_offset 3, -8
	nop
	.cfi_personality 0x0, pers
	.cfi_endproc
`,
  'eh-and-debug': `
	.cfi_sections .eh_frame, .debug_frame
	.text
p1:
	.cfi_startproc
	.cfi_personality 0x9b, pers
	.cfi_lsda 0x1b, lsda1
	nop
	.cfi_def_cfa_offset 8
	.cfi_endproc
	.section .text.c,"axG",@progbits,cc,comdat
p6:
	.cfi_startproc
	.cfi_signal_frame
	.cfi_return_column 5
	nop
	.cfi_endproc
	.text
p7:
	.cfi_startproc simple
	.cfi_def_cfa 4, 8
	.cfi_offset 3, -8
	.fill 300,1,0x90
	.cfi_escape 0x2e, 0x10
	nop
	.cfi_endproc
`,
};

/** A fixed-seed generator (xorshift32) so the random corpus is the same on every run. */
function rng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x;
  };
}

/** `files` random sources, each with a few procedures of random directives and gaps. */
export function randomCfiSources(files: number, seed = 0x5eed): string[] {
  const next = rng(seed);
  const pick = <T>(a: readonly T[]): T => a[next() % a.length]!;
  const out: string[] = [];
  for (let f = 0; f < files; f++) {
    const lines = ['\t.text'];
    if (next() % 4 === 0) lines.unshift('\t.cfi_sections .eh_frame, .debug_frame');
    const procs = 1 + (next() % 5);
    for (let p = 0; p < procs; p++) {
      if (next() % 5 === 0) lines.push(`\t.section .text.s${p},"ax"`);
      lines.push(`f${f}_${p}:`);
      lines.push(next() % 4 === 0 ? '\t.cfi_startproc simple' : '\t.cfi_startproc');
      if (next() % 6 === 0) lines.push('\t.cfi_signal_frame');
      if (next() % 8 === 0) lines.push(`\t.cfi_personality ${pick(['0x0', '0x9b', '0x10', '0x3'])}, ${pick(['pa', 'pb'])}`);
      if (next() % 8 === 0) lines.push(`\t.cfi_lsda ${pick(['0x0', '0x1b', '0x3'])}, ${pick(['la', 'lb'])}`);
      let depth = 0;
      const count = next() % 12;
      for (let i = 0; i < count; i++) {
        const gap = next() % 5;
        if (gap === 1) lines.push('\tnop');
        else if (gap === 2) lines.push(`\t.fill ${pick([2, 63, 64, 200, 300, 70000])},1,0x90`);
        const reg = pick([0, 1, 2, 3, 5, 6, 7, 8, 9, 40, 63, 64, 100]);
        const off = 4 * (next() % 40) - 40;
        switch (next() % 13) {
          case 0: lines.push(`\t.cfi_def_cfa ${pick([4, 5])}, ${off}`); break;
          case 1: lines.push(`\t.cfi_def_cfa_register ${pick([4, 5, 70])}`); break;
          case 2: lines.push(`\t.cfi_def_cfa_offset ${off}`); break;
          case 3: lines.push(`\t.cfi_offset ${reg}, ${off}`); break;
          case 4: lines.push(`\t.cfi_val_offset ${reg}, ${off}`); break;
          case 5: lines.push(`\t.cfi_register ${reg}, ${pick([1, 2, 200])}`); break;
          case 6: lines.push(`\t.cfi_restore ${reg}`); break;
          case 7: lines.push(`\t.cfi_undefined ${reg}`); break;
          case 8: lines.push(`\t.cfi_same_value ${reg}`); break;
          case 9: lines.push('\t.cfi_remember_state'); depth++; break;
          case 10: if (depth > 0) { lines.push('\t.cfi_restore_state'); depth--; } break;
          case 11: lines.push(`\t.cfi_escape 0x2e, ${next() % 100}`); break;
          default: lines.push(`\t.cfi_adjust_cfa_offset ${pick([4, -4, 8])}`);
        }
      }
      if (next() % 3 !== 0) lines.push('\tnop');
      lines.push('\t.cfi_endproc');
    }
    out.push(lines.join('\n') + '\n');
  }
  return out;
}
