// Owns the built-in X86_FEATURE_* numbers (word*32+bit) the assembler knows when a file
// uses the names without defining them (vDSO and entry code gets them from cpufeatures.h
// through cpp). Numbered as in the kernel release noted on each row; bits move between
// releases (see docs/kernel-facts.md §6), so a file that needs another release's
// numbering defines its own.

export interface FeatureNumber {
  readonly value: number;
  /** The kernel release whose arch/x86/include/asm/cpufeatures.h gives this number. */
  readonly release: string;
  /** What the bit says (cpufeatures.h's comment, shortened). */
  readonly meaning: string;
}

const V6_8 = 'v6.8 (cpufeatures.h @baf8361e)';

function row(word: number, bit: number, meaning: string, release = V6_8): FeatureNumber {
  return { value: word * 32 + bit, release, meaning };
}

/** The built-in numbers by name; every name starts with X86_FEATURE_ (the assembler asks only about those). */
export const X86_FEATURES: ReadonlyMap<string, FeatureNumber> = new Map([
  ['X86_FEATURE_SEP', row(0, 11, 'SYSENTER/SYSEXIT (CPUID leaf 1 EDX)')],
  ['X86_FEATURE_SYSCALL', row(1, 11, 'SYSCALL/SYSRET (CPUID 0x80000001 EDX)')],
  ['X86_FEATURE_RDTSCP', row(1, 27, 'RDTSCP')],
  ['X86_FEATURE_SYSCALL32', row(3, 14, 'syscall in IA32 userspace (set by a 64-bit kernel on AMD)')],
  ['X86_FEATURE_SYSENTER32', row(3, 15, 'sysenter in IA32 userspace (set by a 64-bit kernel on Intel)')],
  // The 2026 rename of SYSENTER32 (tip x86/entry, commit 36d83c249e03): same bit.
  ['X86_FEATURE_SYSFAST32', row(3, 15, 'SYSENTER or SYSCALL usable from IA32 userspace', 'tip x86/entry 2026 (36d83c249e03), renamed from SYSENTER32')],
  ['X86_FEATURE_NOPL', row(3, 20, 'the NOPL (0F 1F) instructions')],
  ['X86_FEATURE_ALWAYS', row(3, 21, 'always-present feature')],
  ['X86_FEATURE_PTI', row(7, 11, 'kernel page table isolation enabled')],
  ['X86_FEATURE_XENPV', row(8, 16, 'Xen paravirtual guest')],
  ['X86_FEATURE_SMAP', row(9, 20, 'supervisor mode access prevention')],
  ['X86_FEATURE_RETPOLINE', row(11, 12, 'generic retpoline mitigation for Spectre variant 2')],
  ['X86_FEATURE_RETPOLINE_LFENCE', row(11, 13, 'use LFENCE for Spectre variant 2')],
  ['X86_FEATURE_RETHUNK', row(11, 14, 'use REturn THUNK')],
  ['X86_FEATURE_RDPID', row(16, 22, 'RDPID instruction')],
  ['X86_FEATURE_LFENCE_RDTSC', row(20, 2, 'LFENCE always serializing / synchronizes RDTSC')],
]);
