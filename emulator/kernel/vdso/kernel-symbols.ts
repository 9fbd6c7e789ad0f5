// Owns finding, in a vDSO image, the symbols the kernel takes from it (vdso2c's
// required_syms): __kernel_vsyscall, __kernel_sigreturn, __kernel_rt_sigreturn, the landing
// pad regs->ip is set to after a fast entry (int80_landing_pad upstream,
// vsyscall_after_int80 in the proposal, VDSO32_SYSENTER_RETURN / SYSENTER_RETURN in legacy
// images), and the layout of the data pages below it (vvar.ts: from vdso_u_data /
// vdso_u_time_data or vvar_start / vvar_page, else from the Linux version note). .dynsym is
// searched, then .symtab. A stripped image (a distribution's vdso32.so has no .symtab) gets
// the landing pad derived as the byte after the last int $0x80 inside __kernel_vsyscall, and,
// when it has time functions (__vdso_*), the data-page layout its version note implies.
import type { ElfFile, ElfSymbol } from '../../../toolchain/elf/types';
import { chooseVvarLayout, type VvarLayout } from './vvar';
import { PT_LOAD } from '../../../toolchain/elf/sections';

const LANDING_PAD_NAMES = ['int80_landing_pad', 'vsyscall_after_int80', 'VDSO32_SYSENTER_RETURN', 'SYSENTER_RETURN'] as const;

export interface KernelSymbols {
  /** Image-relative values (add the base for process addresses). */
  readonly kernelVsyscall: number | undefined;
  readonly sigreturn: number | undefined;
  readonly rtSigreturn: number | undefined;
  readonly landingPad: { readonly value: number; readonly name: string; readonly from: 'symbol' | 'derived' } | undefined;
  readonly vvar: VvarLayout | undefined;
  /** Every defined symbol by name (.dynsym first), for the auxv entries and display. */
  readonly byName: ReadonlyMap<string, ElfSymbol>;
}

/** The bytes at image virtual address `vaddr` (through the PT_LOAD segments), or undefined. */
export function imageBytes(elf: ElfFile, image: Uint8Array, vaddr: number, length: number): Uint8Array | undefined {
  for (const p of elf.programHeaders) {
    if (p.type !== PT_LOAD || vaddr < p.vaddr || vaddr + length > p.vaddr + p.filesz) continue;
    const at = p.offset + (vaddr - p.vaddr);
    return image.subarray(at, at + length);
  }
  return undefined;
}

function derivedLandingPad(elf: ElfFile, vsyscall: ElfSymbol | undefined): number | undefined {
  if (!vsyscall || vsyscall.size === 0 || vsyscall.size > 256) return undefined;
  const code = imageBytes(elf, elf.bytes, vsyscall.value, vsyscall.size);
  if (!code) return undefined;
  let after: number | undefined;
  for (let i = 0; i + 1 < code.length; i++) if (code[i] === 0xcd && code[i + 1] === 0x80) after = vsyscall.value + i + 2;
  return after;
}

/** NT_VERSION = 0 in a "Linux" note (the vDSO's note.S): its 4-byte LINUX_VERSION_CODE. */
const NT_LINUX_VERSION = 0;

/** The LINUX_VERSION_CODE the image's Linux note carries, or undefined without one. */
export function linuxVersionCode(elf: ElfFile): number | undefined {
  const note = elf.notes.find((n) => n.name === 'Linux' && n.type === NT_LINUX_VERSION && n.desc.length === 4);
  return note ? new DataView(note.desc.buffer, note.desc.byteOffset, 4).getUint32(0, true) : undefined;
}

export function resolveKernelSymbols(elf: ElfFile, _fileName: string): KernelSymbols {
  const byName = new Map<string, ElfSymbol>();
  for (const s of [...elf.dynamicSymbols, ...elf.symbols]) {
    if (s.name && s.shndx !== 0 && !byName.has(s.name)) byName.set(s.name, s);
  }
  const value = (name: string): number | undefined => byName.get(name)?.value;
  let landingPad: KernelSymbols['landingPad'];
  for (const name of LANDING_PAD_NAMES) {
    const v = value(name);
    if (v !== undefined) {
      landingPad = { value: v, name, from: 'symbol' };
      break;
    }
  }
  if (!landingPad) {
    const v = derivedLandingPad(elf, byName.get('__kernel_vsyscall'));
    if (v !== undefined) landingPad = { value: v, name: 'after int $0x80 in __kernel_vsyscall', from: 'derived' };
  }
  const vvar = chooseVvarLayout({ symbol: value, version: linuxVersionCode(elf), hasTimeFunctions: [...byName.keys()].some((n) => n.startsWith('__vdso_')) });
  return {
    kernelVsyscall: value('__kernel_vsyscall'),
    sigreturn: value('__kernel_sigreturn'),
    rtSigreturn: value('__kernel_rt_sigreturn'),
    landingPad,
    vvar,
    byName,
  };
}
