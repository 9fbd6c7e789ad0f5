// Test support: a kernel-style .S for the language server's analysis by regions
// (ENTRY/END-style functions with CFI_* macros, ALTERNATIVE and ALTERNATIVE_2 sites, numeric
// and .L labels, an #ifdef block, a call from one function to another, a .rodata table), with
// the local header t.h it includes.

/** t.h: the project's vdso-lab.h and an ENTRY-style macro. */
export const HEADER = '#ifndef T_H\n#define T_H\n#include "vdso-lab.h"\n#define T_ENTRY(name) VDSO_FUNCTION(name)\n#endif\n';

export function kernelStyle(functions: number): string[] {
  const out = ['/* kernel-style entry stubs */', '#include "t.h"', '\t.text', ''];
  for (let i = 0; i < functions; i++) {
    out.push(`T_ENTRY(stub_${i})`, '\tCFI_STARTPROC', '\tpushl\t%ecx', '\tCFI_ADJUST_CFA_OFFSET\t4', '\tCFI_REL_OFFSET\t\tecx, 0');
    if (i % 3 === 0) out.push('\tALTERNATIVE_2 "", "movl %esp, %ecx; sysenter", X86_FEATURE_SYSENTER32, "movl %ecx, %ecx; syscall", X86_FEATURE_SYSCALL32');
    else out.push('\tALTERNATIVE "", "movl %esp, %ecx; sysenter", X86_FEATURE_SEP');
    out.push('1:\ttestl\t%eax, %eax', '\tjnz\t1b', `\tjz\t.Lout_${i}`, '\tint\t$0x80');
    if (i % 7 === 3) out.push('#ifdef CONFIG_X86_64', '\tnop', '#else', '\tnop; nop', '#endif');
    if (i % 11 === 5) out.push(`\tcall\tstub_${i - 1}`);
    if (i % 13 === 6) out.push('\t.pushsection .rodata', `\t.long\t.Lout_${i}, ${i}`, '\t.popsection');
    out.push(`.Lout_${i}:`, '\tpopl\t%ecx', '\tCFI_RESTORE\t\tecx', '\tCFI_ADJUST_CFA_OFFSET\t-4', '\tret', '\tCFI_ENDPROC', `VDSO_END(stub_${i})`, '');
  }
  return out;
}
