// Owns the fault a refused kernel entry raises and why, in words: the rule for which fast
// entry a CPU model and kernel kind accept is toolchain/designs/options.ts's (the CPU's
// decoder uses the same one). int $0x80 always works; another int n is refused by its DPL 0
// gate (#GP), int $3 and int $4 are the breakpoint and overflow traps.
import { sysenterAllowed, syscallAllowed, type CpuModel, type KernelKind } from '../../../toolchain/designs/options';
import type { Fault, KernelEntry } from '../../x86/stop';

/** Whether the CPU and kernel accept the entry (entryFault gives none): the same rule, with nothing made. */
export function entryAllowed(entry: KernelEntry, cpu: CpuModel, kernel: KernelKind): boolean {
  if (entry.via === 'int') return entry.vector === 0x80;
  return entry.via === 'sysenter' ? sysenterAllowed(cpu, kernel) : syscallAllowed(cpu, kernel);
}

/** Why an entry is refused, with the fault the CPU raises; undefined when it is accepted. */
export function entryFault(entry: KernelEntry, cpu: CpuModel, kernel: KernelKind, instructionBytes: () => readonly number[]): { fault: Fault; why: string } | undefined {
  if (entry.via === 'sysenter' && !sysenterAllowed(cpu, kernel)) {
    const why = cpu === 'amd' ? 'AMD CPUs do not allow SYSENTER in long mode (compat mode under a 64-bit kernel)' : 'this CPU has no SEP: SYSENTER is undefined';
    return { fault: { vector: 'UD', bytes: instructionBytes() }, why };
  }
  if (entry.via === 'syscall' && !syscallAllowed(cpu, kernel)) {
    const why = kernel === 'native32' ? 'a 32-bit kernel never enables SYSCALL' : cpu === 'intel' ? 'Intel CPUs do not support SYSCALL in compat mode' : 'this CPU has no SYSCALL';
    return { fault: { vector: 'UD', bytes: instructionBytes() }, why };
  }
  if (entry.via === 'int' && entry.vector !== 0x80) {
    if (entry.vector === 3) return { fault: { vector: 'BP' }, why: 'int $3 is a breakpoint' };
    if (entry.vector === 4) return { fault: { vector: 'OF' }, why: 'int $4 is the overflow trap' };
    return { fault: { vector: 'GP', code: ((entry.vector << 3) | 2) >>> 0, reason: `int $${entry.vector}: gate DPL 0` }, why: `int $0x${entry.vector.toString(16)} goes through a DPL 0 gate: #GP` };
  }
  return undefined;
}

/** Why an entry entryFault accepts is allowed on this CPU and kernel, in words (the same rule). */
export function entryAccepted(via: KernelEntry['via'], cpu: CpuModel, kernel: KernelKind): string {
  if (via === 'int') return 'int $0x80 works on every CPU and kernel: its IDT gate has DPL 3';
  if (via === 'sysenter') {
    return kernel === 'compat64' ? 'Intel CPUs accept SYSENTER in compat mode under a 64-bit kernel' : `${cpu === 'amd' ? 'an AMD' : 'an Intel'} CPU with SEP accepts SYSENTER outside long mode (32-bit kernel)`;
  }
  return 'AMD CPUs accept SYSCALL in compat mode under a 64-bit kernel (32-bit SYSCALL)';
}
