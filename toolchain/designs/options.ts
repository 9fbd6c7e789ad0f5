// Owns the kernel model's options, each fact once: the CPU models, the kernel kinds and the
// kernel entry ABIs (each shipped stub design is named by the ABI it is built for), their
// values, defaults and help text, the rule for which fast entry instruction a CPU model and
// kernel kind accept (docs/kernel-facts.md, "Which entry instruction works where"), and the
// values of --vdso. The CLI, the checker, the debugger's launch configuration, the extension
// and package.json's schema all take them from here. Kept in toolchain/ so that every layer
// can import it.

/** The CPU model: which fast entry instructions exist and which alternatives the kernel patches in. */
export type CpuModel = 'intel' | 'amd' | 'generic';
/** A 64-bit kernel running the 32-bit program in compat mode, or a 32-bit kernel. */
export type KernelKind = 'compat64' | 'native32';
/** The kernel entry ABI a stub design is built for; the shipped designs carry these names. */
export type KernelAbi = 'legacy' | 'proposal' | 'upstream' | 'auxv';
/** How a system call enters the kernel. */
export type EntryMethod = 'int80' | 'sysenter' | 'syscall';

/** One value of an option with the line that explains it. */
export interface OptionValue<T extends string> {
  readonly value: T;
  readonly help: string;
}

export const CPU_MODEL_VALUES: readonly OptionValue<CpuModel>[] = [
  { value: 'intel', help: 'SEP and no 32-bit SYSCALL: SYSENTER everywhere' },
  { value: 'amd', help: 'SYSCALL in compat mode, SYSENTER only under a 32-bit kernel' },
  { value: 'generic', help: 'neither SEP nor SYSCALL: int $0x80 only' },
];
export const KERNEL_KIND_VALUES: readonly OptionValue<KernelKind>[] = [
  { value: 'compat64', help: 'a 64-bit kernel running the program in compat mode' },
  { value: 'native32', help: 'a 32-bit kernel' },
];
export const KERNEL_ABI_VALUES: readonly OptionValue<KernelAbi>[] = [
  { value: 'legacy', help: 'pre-4.4: separate int80, sysenter and syscall images, one picked at boot; hand-written .eh_frame' },
  { value: 'proposal', help: 'the Aug 2015 LKML proposal: one image, alternatives, vsyscall_after_int80; no fast exit on a 32-bit kernel' },
  { value: 'upstream', help: 'Linux 4.4 and later: ALTERNATIVE_2 SYSENTER32/SYSCALL32 (SEP on 32-bit), int $0x80, int80_landing_pad' },
  { value: 'auxv', help: 'one image with an entry per method; the kernel points AT_SYSINFO at one and rewrites or drops __kernel_vsyscall' },
];

/**
 * UMIP (user-mode instruction prevention), a property of the CPU model: on, SGDT, SIDT, SLDT,
 * STR and SMSW fault at CPL 3 and Linux emulates them with dummy values; off, they store
 * the registers the kernel loaded (docs/kernel-facts.md §10).
 */
export type UmipSetting = 'on' | 'off';
export const UMIP_VALUES: readonly OptionValue<UmipSetting>[] = [
  { value: 'on', help: 'SGDT/SIDT/SLDT/STR/SMSW trap and the kernel emulates them (every recent Intel and AMD CPU)' },
  { value: 'off', help: 'they run and store the real GDTR, IDTR, LDTR, TR and CR0 (older CPUs)' },
];
export const UMIP_SETTINGS: readonly UmipSetting[] = UMIP_VALUES.map((v) => v.value);
export const DEFAULT_UMIP: UmipSetting = 'on';
export function isUmipSetting(v: unknown): v is UmipSetting {
  return (UMIP_SETTINGS as readonly unknown[]).includes(v);
}

export const CPU_MODELS: readonly CpuModel[] = CPU_MODEL_VALUES.map((v) => v.value);
export const KERNEL_KINDS: readonly KernelKind[] = KERNEL_KIND_VALUES.map((v) => v.value);
/** The ABIs, which are also the names of the shipped stub designs (vdso/). */
export const KERNEL_ABIS: readonly KernelAbi[] = KERNEL_ABI_VALUES.map((v) => v.value);

/** --vdso values besides a design name or a file. */
export const VDSO_HOST = 'host';
export const VDSO_NONE = 'none';

export const DEFAULT_CPU: CpuModel = 'intel';
export const DEFAULT_KERNEL: KernelKind = 'compat64';
export const DEFAULT_ABI: KernelAbi = 'upstream';
export const DEFAULT_VDSO: KernelAbi = 'upstream';

export function isCpuModel(v: unknown): v is CpuModel {
  return (CPU_MODELS as readonly unknown[]).includes(v);
}
export function isKernelKind(v: unknown): v is KernelKind {
  return (KERNEL_KINDS as readonly unknown[]).includes(v);
}
export function isKernelAbi(v: unknown): v is KernelAbi {
  return (KERNEL_ABIS as readonly unknown[]).includes(v);
}

/** The ABI that goes with a --vdso value: the design's own, else the default. */
export function abiForVdso(vdso: string): KernelAbi {
  return isKernelAbi(vdso) ? vdso : DEFAULT_ABI;
}

/** One line per option for --help and the launch configuration's descriptions. */
export const OPTION_HELP = {
  cpu: `the CPU model: ${CPU_MODELS.join(', ')} (it picks the alternatives and which fast entries fault; default ${DEFAULT_CPU})`,
  kernel: `the kernel kind: ${KERNEL_KINDS.join(', ')} (a 64-bit kernel running the program in compat mode, or a 32-bit kernel; default ${DEFAULT_KERNEL})`,
  umip: `the CPU's UMIP: ${UMIP_SETTINGS.join(' or ')} (on: SGDT, SIDT, SLDT, STR and SMSW trap and Linux emulates them; off: they store the real registers; default ${DEFAULT_UMIP})`,
  abi: `the kernel entry ABI: ${KERNEL_ABIS.join(', ')} (default: the design's own, else ${DEFAULT_ABI})`,
  vdso:
    `the vDSO: a shipped design (${KERNEL_ABIS.join(', ')}), ${VDSO_HOST} (the running kernel's, else the distribution kernel's), ` +
    `${VDSO_NONE} (int $0x80 only), the path of a built vdso32 .so, or a stub's .S (built as the designs are) (default ${DEFAULT_VDSO})`,
} as const;

/**
 * SYSENTER works on Intel everywhere and on AMD only outside long mode (a 32-bit kernel);
 * the generic model has no SEP (docs/kernel-facts.md: AMD's long mode has no SYSENTER).
 */
export function sysenterAllowed(cpu: CpuModel, kernel: KernelKind): boolean {
  return cpu === 'intel' || (cpu === 'amd' && kernel === 'native32');
}

/** 32-bit SYSCALL works only on AMD in compat mode: Intel has none, a 32-bit kernel never enables it. */
export function syscallAllowed(cpu: CpuModel, kernel: KernelKind): boolean {
  return cpu === 'amd' && kernel === 'compat64';
}

/** The entry a kernel picks for a CPU (the legacy boot-time image, the auxv AT_SYSINFO entry): SYSCALL, else SYSENTER, else int $0x80. */
export function bootMethod(cpu: CpuModel, kernel: KernelKind): EntryMethod {
  if (syscallAllowed(cpu, kernel)) return 'syscall';
  if (sysenterAllowed(cpu, kernel)) return 'sysenter';
  return 'int80';
}
