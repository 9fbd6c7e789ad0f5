// Owns mapping a vDSO image into a process (seams' LoadedVdso): the ELF checks vdso2c
// makes (ET_DYN, EM_386, PT_LOAD segments from address 0), alternatives applied for the
// chosen CPU model and kernel kind (applyAlternatives), the image mapped read+execute at
// the base, the kernel's symbols resolved (kernel-symbols.ts), the vvar area mapped below
// it (vvar.ts), and for the auxv design the AT_SYSINFO choice and the __kernel_vsyscall
// dynamic symbol rewritten to the chosen entry or dropped (auxv.ts).
import { InputError, hex } from '../../../toolchain/errors';
import { parseElf32 } from '../../../toolchain/elf/reader';
import { EM_386, ET_DYN, type ElfFile } from '../../../toolchain/elf/types';
import type { Memory } from '../../memory/memory';
import { PROT_EXEC, PROT_READ } from '../../memory/memory';
import type { CpuModel, KernelKind } from '../../../toolchain/designs/options';
import type { LoadedVdso } from '../seams';
import type { KernelAbi } from '../../../toolchain/designs/options';
import { applyAlternatives, lostOriginalsWarning } from './alternatives';
import { makeSymbolizer } from '../../../toolchain/isa/symbolizer';
import { chooseAuxvEntry, type AuxvChoice, type AuxvSymbolPolicy } from './auxv';
import { resolveKernelSymbols, type KernelSymbols } from './kernel-symbols';
import { mapVvar, PAGE, type VvarArea, type VvarClocks } from './vvar';
import { PT_LOAD } from '../../../toolchain/elf/sections';

/** A vDSO larger than this is not plausible (the real ones are 2-3 pages). */
const MAX_IMAGE = 1 << 20;

export interface VdsoLoadOptions {
  /** Where the image goes (AT_SYSINFO_EHDR); page aligned, with room below for the vvar pages. */
  readonly base: number;
  readonly cpu: CpuModel;
  readonly kernel: KernelKind;
  readonly abi: KernelAbi;
  /** The name errors use. */
  readonly fileName: string;
  /** False: map the bytes as they are (no alternatives). Default true. */
  readonly applyAlternatives?: boolean;
  /** auxv design: rewrite __kernel_vsyscall to the chosen entry (default) or drop it. */
  readonly auxvSymbol?: AuxvSymbolPolicy;
  /** The clocks the vvar area starts with (the process's clocks at load). */
  readonly clocks: VvarClocks;
}

/** The mapped vDSO with what the kernel model and the tools need beyond seams' LoadedVdso. */
export interface MappedVdso extends LoadedVdso {
  readonly elf: ElfFile;
  /** The image bytes as mapped (alternatives applied, auxv symbol edits made). */
  readonly image: Uint8Array;
  readonly kernelSymbols: KernelSymbols;
  readonly vvar: VvarArea | undefined;
  readonly auxv: AuxvChoice | undefined;
  /** One line when the image was captured from a running kernel and this model needs originals it lost. */
  readonly warning: string | undefined;
}

function checkImage(elf: ElfFile, fileName: string): number {
  if (elf.header.type !== ET_DYN) throw new InputError(fileName, 'ELF header', `e_type ${elf.header.type} is not ET_DYN: a vDSO is a shared object`);
  if (elf.header.machine !== EM_386) throw new InputError(fileName, 'ELF header', `e_machine ${elf.header.machine} is not EM_386`);
  const loads = elf.programHeaders.filter((p) => p.type === PT_LOAD);
  if (loads.length === 0) throw new InputError(fileName, 'program headers', 'no PT_LOAD segment');
  let end = 0;
  for (const p of loads) {
    if (p.filesz > p.memsz || p.offset + p.filesz > elf.bytes.length) {
      throw new InputError(fileName, `program header ${p.index}`, 'PT_LOAD segment extends past the file or filesz > memsz');
    }
    end = Math.max(end, p.vaddr + p.memsz);
  }
  if (loads[0]!.vaddr !== 0) throw new InputError(fileName, `program header ${loads[0]!.index}`, `the first PT_LOAD starts at ${hex(loads[0]!.vaddr)}, not 0 (a vDSO is linked at 0)`);
  if (end > MAX_IMAGE) throw new InputError(fileName, 'program headers', `image of ${end} bytes is too large for a vDSO`);
  return Math.ceil(end / PAGE) * PAGE;
}

/** Maps `bytes` (a built vDSO .so) into `memory` and resolves what the kernel needs from it. */
export function loadVdso(memory: Memory, bytes: Uint8Array, options: VdsoLoadOptions): MappedVdso {
  const { fileName, base } = options;
  if (base % PAGE !== 0) throw new InputError(fileName, '', `vDSO base ${hex(base)} is not page aligned`);
  const elf = parseElf32(bytes, fileName);
  const size = checkImage(elf, fileName);
  const patchedResult = options.applyAlternatives === false ? undefined : applyAlternatives(elf, { cpu: options.cpu, kernel: options.kernel, fileName });
  const image = new Uint8Array(patchedResult ? patchedResult.bytes : elf.bytes);
  const patchedElf = patchedResult ? parseElf32(image, fileName) : elf;
  const symbols = resolveKernelSymbols(patchedElf, fileName);
  const auxv = options.abi === 'auxv' ? chooseAuxvEntry(patchedElf, image, symbols, options.cpu, options.kernel, options.auxvSymbol ?? 'rewrite', fileName) : undefined;

  memory.map(base, size, PROT_READ | PROT_EXEC);
  for (const p of patchedElf.programHeaders) {
    if (p.type !== PT_LOAD) continue;
    memory.poke((base + p.vaddr) >>> 0, image.subarray(p.offset, p.offset + p.filesz));
  }
  const vvar = symbols.vvar ? mapVvar(memory, base, symbols.vvar, options.clocks) : undefined;

  const abs = (v: number | undefined): number | undefined => (v === undefined ? undefined : (base + v) >>> 0);
  const landing = auxv ? auxv.landingPad : symbols.landingPad?.value;
  const vsyscall = auxv ? auxv.sysinfo : symbols.kernelVsyscall;
  if (vsyscall === undefined) throw new InputError(fileName, '.dynsym', 'no __kernel_vsyscall: not an i386 vDSO');
  return {
    base: base >>> 0,
    size,
    sysinfo: (base + vsyscall) >>> 0,
    symbols: {
      kernelVsyscall: auxv ? abs(auxv.dynamicSymbol) : abs(symbols.kernelVsyscall),
      sigreturn: abs(symbols.sigreturn),
      rtSigreturn: abs(symbols.rtSigreturn),
      landingPad: abs(landing),
    },
    patches: (patchedResult?.patches ?? []).map((p) => ({ address: (base + p.address) >>> 0, before: p.before, after: p.after, feature: p.feature })),
    elf: patchedElf,
    image,
    kernelSymbols: symbols,
    vvar,
    auxv,
    warning: patchedResult && lostOriginalsWarning(fileName, patchedResult.held, (a) => {
      const name = makeSymbolizer(elf.symbols, elf.dynamicSymbols)(a);
      return name ? `${hex(a)} <${name}>` : hex(a);
    }),
  };
}
