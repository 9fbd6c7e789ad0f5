// Owns the auxv design's boot-time choice (the 2015 thread, Brian Gerst): the image holds
// one entry per method (vsyscall_int80 = __kernel_vsyscall, vsyscall_sysenter,
// vsyscall_syscall, each with its landing pad); the kernel points AT_SYSINFO at the entry
// the CPU and kernel support (64-bit kernel: SYSCALL32 on AMD, SYSENTER32 on Intel;
// 32-bit kernel: SEP; else int $0x80) and either rewrites the __kernel_vsyscall dynamic
// symbol's value to that entry or drops the symbol (st_shndx = SHN_UNDEF, value 0), so that
// callers who look it up find the chosen entry or nothing (and fall back to int $0x80).
import { InputError } from '../../../toolchain/errors';
import type { ElfFile } from '../../../toolchain/elf/types';
import { bootMethod, type CpuModel, type KernelKind } from '../../../toolchain/designs/options';
import type { KernelSymbols } from './kernel-symbols';

export type AuxvSymbolPolicy = 'rewrite' | 'drop';

export interface AuxvChoice {
  readonly method: 'int80' | 'sysenter' | 'syscall';
  /** Image-relative AT_SYSINFO. */
  readonly sysinfo: number;
  readonly landingPad: number | undefined;
  readonly policy: AuxvSymbolPolicy;
  /** __kernel_vsyscall's value after the edit (undefined when dropped). */
  readonly dynamicSymbol: number | undefined;
}

const ENTRIES = {
  int80: { entry: '__kernel_vsyscall', pad: undefined },
  sysenter: { entry: 'vsyscall_sysenter', pad: 'sysenter_landing_pad' },
  syscall: { entry: 'vsyscall_syscall', pad: 'syscall_landing_pad' },
} as const;

/** Chooses the entry and edits `image`'s .dynsym in place as the policy says. */
export function chooseAuxvEntry(elf: ElfFile, image: Uint8Array, symbols: KernelSymbols, cpu: CpuModel, kernel: KernelKind, policy: AuxvSymbolPolicy, fileName: string): AuxvChoice {
  const method = bootMethod(cpu, kernel);
  const { entry, pad } = ENTRIES[method];
  const sym = symbols.byName.get(entry);
  if (!sym) throw new InputError(fileName, '.dynsym/.symtab', `the auxv design needs the entry ${entry}`);
  const landingPad = pad ? symbols.byName.get(pad)?.value : undefined;
  if (pad && landingPad === undefined) throw new InputError(fileName, '.dynsym/.symtab', `the auxv design needs the landing pad ${pad}`);
  const dynsym = elf.sections.find((s) => s.name === '.dynsym');
  const index = elf.dynamicSymbols.findIndex((s) => s.name === '__kernel_vsyscall');
  let dynamicSymbol: number | undefined = symbols.kernelVsyscall;
  if (dynsym && index >= 0) {
    const at = dynsym.offset + index * 16;
    const view = new DataView(image.buffer, image.byteOffset);
    if (policy === 'rewrite') {
      view.setUint32(at + 4, sym.value >>> 0, true);
      dynamicSymbol = sym.value;
    } else {
      view.setUint32(at + 4, 0, true);
      view.setUint16(at + 14, 0, true);
      dynamicSymbol = undefined;
    }
  }
  return { method, sysinfo: sym.value, landingPad, policy, dynamicSymbol };
}
