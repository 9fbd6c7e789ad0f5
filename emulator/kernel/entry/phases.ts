// Owns the phases of one system call as the kernel model reports them to a debugger that
// steps through the kernel (seams' KernelPhase; docs/kernel-facts.md §3): the kernel
// functions each phase happens in (the entry path, do_fast_syscall_32 or
// do_int80_syscall_32, the call's sys_ function) and the text of each line, made from what
// the model did on this call. Nothing here runs unless a sink listens.
import type { CpuModel, KernelKind } from '../../../toolchain/designs/options';
import type { KernelEntry } from '../../x86/stop';
import type { EntryRecord, ExitRecord, KernelPhase, PhaseSink, PtRegs } from '../seams';
import { entryAccepted } from './validity';

const hex = (n: number): string => '0x' + (n >>> 0).toString(16);

/** The kernel's entry path for an accepted entry (a 32-bit kernel never accepts SYSCALL). */
export function entryFunction(via: KernelEntry['via'], kernel: KernelKind): string {
  if (kernel === 'compat64') return via === 'int' ? 'entry_INT80_compat' : via === 'sysenter' ? 'entry_SYSENTER_compat' : 'entry_SYSCALL_compat';
  return via === 'int' ? 'entry_INT80_32' : 'entry_SYSENTER_32';
}

/** The C function that fetches, runs the call and decides the exit. */
export function dispatchFunction(via: KernelEntry['via']): string {
  return via === 'int' ? 'do_int80_syscall_32' : 'do_fast_syscall_32';
}

export function emitPhase(sink: PhaseSink, kind: KernelPhase['kind'], fn: string, text: string, regs: PtRegs): void {
  sink({ kind, function: fn, text, regs: { ...regs } });
}

const VIA_TEXT: Readonly<Record<KernelEntry['via'], string>> = { int: 'int $0x80', sysenter: 'sysenter', syscall: 'syscall' };

/** "sysenter at 0x...: entry_SYSENTER_compat (Intel CPUs accept SYSENTER in compat mode ...)". */
export function entryText(via: KernelEntry['via'], address: number, cpu: CpuModel, kernel: KernelKind): string {
  return `${VIA_TEXT[via]} at ${hex(address)}: ${entryFunction(via, kernel)}, because ${entryAccepted(via, cpu, kernel)}`;
}

/** The pt_regs line: the system call number, and how sp and ip were filled (`how`, from the entry's builder). */
export function ptRegsText(regs: PtRegs, how: string): string {
  return `pt_regs built: orig_ax = eax = ${regs.orig_ax}, ax = -ENOSYS, bx cx dx si di = ${[regs.bx, regs.cx, regs.dx, regs.si, regs.di].map(hex).join(' ')}; ${how}`;
}

/** The fetch line: what was read from user memory for arg6 (or dx/cx), what faulted, or that nothing is fetched. */
export function fetchText(record: EntryRecord, regs: PtRegs): string {
  if (record.via === 'int') return `no fetch: int $0x80 passes arg6 in ebp (pt_regs->bp = ${hex(regs.bp)})`;
  const parts = record.fetched.map((f) => `fetched ${f.what} = ${hex(f.value)} from ${hex(f.address)}`);
  if (record.fetchFailed) parts.push(`${record.fetchFailed.what} from ${hex(record.fetchFailed.address)} faulted: ax = -EFAULT, the system call is not run`);
  if (record.arg6InRegister !== undefined) parts.push(`arg6 goes to the call in r9; pt_regs->bp keeps the user's ebp ${hex(regs.bp)} (arg2)`);
  return parts.join('; ');
}

/** The exit line: the instruction, where it returns, and the registers it leaves different from pt_regs. */
export function exitText(exit: ExitRecord, regs: PtRegs): string {
  const clobbered = exit.clobbered.length ? ` (${exit.clobbered.map((c) => `${c.register} = ${hex(c.value)}`).join(', ')})` : '';
  return `${exit.path.toUpperCase()} to ${hex(regs.ip)} with esp ${hex(regs.sp)}${clobbered}: ${exit.path}: ${exit.reason}`;
}
