// Owns the registry of the vDSO stub designs the product ships (their .S sources live in
// vdso/): for each design, the kernel ABI it goes with, the images it is built into per
// kernel kind (and, for legacy, which image the kernel picks at boot for a CPU), the
// symbols the kernel model needs from each image, and the version script. Kept in
// toolchain/ so that the CLI, the emulator and the editor front ends can all import it.

import { KERNEL_ABI_VALUES, KERNEL_KINDS, bootMethod, type CpuModel, type EntryMethod, type KernelAbi, type KernelKind } from './options';

/** One source of an image: a path under vdso/ and the -D options it is preprocessed with. */
export interface DesignSource {
  readonly path: string;
  readonly defines: readonly string[];
}

/** An entry of the auxv design: where AT_SYSINFO points for one method, and its landing pad. */
export interface AuxvEntry {
  readonly method: EntryMethod;
  readonly symbol: string;
  /** Where the kernel sets regs->ip after a fast entry (absent for int80). */
  readonly landingPad?: string;
}

/** One image a design is built into. */
export interface DesignImage {
  /** `int80`, `sysenter`, `syscall` (legacy) or the kernel kind it is built for. */
  readonly name: string;
  readonly sources: readonly DesignSource[];
  /** Where a fast entry returns (regs->ip): int80_landing_pad, vsyscall_after_int80, VDSO32_SYSENTER_RETURN. */
  readonly landingPad?: string;
  /** The entry instruction this image uses, when it has a single one (legacy images). */
  readonly method?: EntryMethod;
}

/** Version nodes as the kernel's vdso32 version script has them. */
export interface DesignVersion {
  readonly name: string;
  readonly globals: readonly string[];
}

export interface Design {
  readonly name: KernelAbi;
  readonly abi: KernelAbi;
  /** One line: what the design models. */
  readonly summary: string;
  /** The image the kernel uses for a CPU model under a kernel kind. */
  image(cpu: CpuModel, kernel: KernelKind): DesignImage;
  /** Every distinct image the design builds (for building and comparing all of them). */
  readonly images: readonly { readonly image: DesignImage; readonly kernel: KernelKind }[];
  readonly versions: readonly DesignVersion[];
  /** auxv only: the entries the kernel chooses between. */
  readonly entries?: readonly AuxvEntry[];
}

export const VDSO_VERSIONS: readonly DesignVersion[] = [
  { name: 'LINUX_2.6', globals: ['__vdso_*'] },
  { name: 'LINUX_2.5', globals: ['__kernel_vsyscall', '__kernel_sigreturn', '__kernel_rt_sigreturn'] },
];

function abiHelp(abi: KernelAbi): string {
  return KERNEL_ABI_VALUES.find((v) => v.value === abi)!.help;
}

/** The -D option for a 64-bit kernel's build of the 32-bit vDSO. */
const X86_64 = 'CONFIG_X86_64';

function src(path: string, ...defines: string[]): DesignSource {
  return { path, defines };
}

function perKernel(build: (kernel: KernelKind) => DesignImage): Pick<Design, 'image' | 'images'> {
  const built = { compat64: build('compat64'), native32: build('native32') };
  return {
    image: (_cpu, kernel) => built[kernel],
    images: KERNEL_KINDS.map((kernel) => ({ image: built[kernel], kernel })),
  };
}

function legacyImage(method: EntryMethod): DesignImage {
  const defines = method === 'syscall' ? ['LEGACY_SYSCALL_IMAGE'] : [];
  return {
    name: method,
    method,
    sources: [src('legacy/sigreturn.S', ...defines), src(`legacy/${method}.S`), src('note.S')],
    ...(method === 'sysenter' ? { landingPad: 'VDSO32_SYSENTER_RETURN' } : {}),
  };
}

const LEGACY_IMAGES = { int80: legacyImage('int80'), sysenter: legacyImage('sysenter'), syscall: legacyImage('syscall') };

const legacy: Design = {
  name: 'legacy',
  abi: 'legacy',
  summary: abiHelp('legacy'),
  image: (cpu, kernel) => LEGACY_IMAGES[bootMethod(cpu, kernel)],
  images: [
    { image: LEGACY_IMAGES.int80, kernel: 'native32' },
    { image: LEGACY_IMAGES.sysenter, kernel: 'native32' },
    { image: LEGACY_IMAGES.syscall, kernel: 'compat64' },
  ],
  versions: VDSO_VERSIONS,
};

const proposal: Design = {
  name: 'proposal',
  abi: 'proposal',
  summary: abiHelp('proposal'),
  ...perKernel((kernel) => ({
    name: kernel,
    sources: [src('proposal.S', ...(kernel === 'compat64' ? [X86_64] : [])), src('sigreturn.S'), src('note.S')],
    landingPad: 'vsyscall_after_int80',
  })),
  versions: VDSO_VERSIONS,
};

const upstream: Design = {
  name: 'upstream',
  abi: 'upstream',
  summary: abiHelp('upstream'),
  ...perKernel((kernel) => ({
    name: kernel,
    sources: [src('upstream.S', ...(kernel === 'compat64' ? [X86_64] : [])), src('sigreturn.S'), src('note.S')],
    landingPad: 'int80_landing_pad',
  })),
  versions: VDSO_VERSIONS,
};

const AUXV_IMAGE: DesignImage = { name: 'image', sources: [src('auxv.S'), src('sigreturn.S'), src('note.S')] };

const auxv: Design = {
  name: 'auxv',
  abi: 'auxv',
  summary: abiHelp('auxv'),
  image: () => AUXV_IMAGE,
  images: [{ image: AUXV_IMAGE, kernel: 'compat64' }],
  versions: VDSO_VERSIONS,
  entries: [
    { method: 'int80', symbol: 'vsyscall_int80' },
    { method: 'sysenter', symbol: 'vsyscall_sysenter', landingPad: 'sysenter_landing_pad' },
    { method: 'syscall', symbol: 'vsyscall_syscall', landingPad: 'syscall_landing_pad' },
  ],
};

const DESIGNS: ReadonlyMap<string, Design> = new Map([legacy, proposal, upstream, auxv].map((d) => [d.name, d]));

/** The design of that name, or undefined. */
export function findDesign(name: string): Design | undefined {
  return DESIGNS.get(name);
}

export function allDesigns(): readonly Design[] {
  return [...DESIGNS.values()];
}

/** The auxv design's entry for a CPU and kernel (what AT_SYSINFO points at). */
export function auxvEntry(cpu: CpuModel, kernel: KernelKind): AuxvEntry {
  const method = bootMethod(cpu, kernel);
  return auxv.entries!.find((e) => e.method === method)!;
}
