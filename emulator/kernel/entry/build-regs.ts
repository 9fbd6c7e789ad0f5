// Owns building pt_regs as each kernel entry path builds it (docs/kernel-facts.md §§2-3; the
// ABI table in docs/architecture.md): int $0x80 saves everything; sysenter saves nothing, so the kernel takes the
// user sp from ebp (legacy, upstream, auxv) or edx (proposal) and fetches arg6 (ebp) from
// 0(sp), or regs->dx and regs->cx from 0(sp) and 4(sp) (proposal), and sets regs->ip to the
// landing pad; syscall (AMD compat) has the return address in ecx and arg2 in ebp. Every
// fetch from user memory is recorded; a faulting fetch leaves ax = -EFAULT.
import type { Cpu } from '../../x86/cpu';
import { IF } from '../../x86/state';
import type { EntryRecord, PtRegs } from '../seams';
import type { KernelAbi } from '../../../toolchain/designs/options';
import { EAX, EBP, ECX, EDX, ESP, regsFromCpu } from './regs';
import { NO_FAST_RETURN } from './exit-path';

export const ENOSYS = 38;
export const EFAULT = 14;

/** `into`, where a builder takes it: the task's pt_regs to fill instead of a new object. */
export interface BuiltEntry {
  readonly regs: PtRegs;
  readonly record: EntryRecord;
  /** Where the fast exit returns to (the landing pad, or legacy's return point); NO_FAST_RETURN for int $0x80. */
  readonly fastReturn: number;
}

type Fetched = Array<{ what: string; address: number; value: number }>;

/** Told pt_regs as the entry built them, before any fetch from user memory, and how sp and ip were filled (for the debugger's kernel phases). */
export type Built = (regs: PtRegs, how: string) => void;

const hex = (n: number): string => '0x' + (n >>> 0).toString(16);

/** A 32-bit get_user into pt_regs' `field`; on a fault ax = -EFAULT and the failed fetch is returned. */
function fetch(cpu: Cpu, regs: PtRegs, fetched: Fetched, field: 'bp' | 'dx' | 'cx', what: string, address: number): { what: string; address: number } | undefined {
  const value = cpu.memory.peekU32(address >>> 0);
  if (value < 0) {
    regs.ax = -EFAULT;
    return { what, address: address >>> 0 };
  }
  fetched.push({ what, address: address >>> 0, value });
  regs[field] = value;
  return undefined;
}

// Records are never written, so a loop's calls share one: `previous` is taken again when this
// entry is the same as it (the same instruction, pt_regs in the same place, the same fast
// return, no failure) with the same fetches (none, or arg6 from the same place with the same
// value). Compared field by field: numbers passed to a function that is not inlined are boxed.

function sameEntry(previous: BuiltEntry, regs: PtRegs, via: EntryRecord['via'], address: number, fastReturn: number): boolean {
  if (previous.regs !== regs || previous.fastReturn !== fastReturn) return false;
  const r = previous.record;
  return r.via === via && r.address === address && r.fetchFailed === undefined && r.arg6InRegister === undefined;
}

/** The previous entry's only fetch read `value` from `address`. */
function sameFetch(previous: BuiltEntry, address: number, value: number): boolean {
  const f = previous.record.fetched;
  return f.length === 1 && f[0]!.address === address && f[0]!.value === value;
}

/**
 * The previous entry again, with arg6 (ebp) fetched from `sp`, when this call entered the same
 * way and the word at `sp` is the one fetched then; undefined when anything differs.
 */
function sameArg6Entry(cpu: Cpu, previous: BuiltEntry | undefined, regs: PtRegs, via: EntryRecord['via'], address: number, ip: number, sp: number): BuiltEntry | undefined {
  if (previous === undefined || !sameEntry(previous, regs, via, address, ip)) return undefined;
  const value = cpu.memory.peekU32(sp);
  if (value < 0 || !sameFetch(previous, sp, value)) return undefined;
  regs.bp = value;
  return previous;
}

export function buildInt80(cpu: Cpu, address: number, built?: Built, into?: PtRegs, previous?: BuiltEntry): BuiltEntry {
  const regs = regsFromCpu(cpu, cpu.state.eip, cpu.state.r[EAX]!, into);
  regs.ax = -ENOSYS;
  built?.(regs, `every register saved as it was: sp = esp ${hex(regs.sp)}, ip = ${hex(regs.ip)} (after the int $0x80)`);
  if (previous !== undefined && sameEntry(previous, regs, 'int', address, NO_FAST_RETURN) && previous.record.fetched.length === 0) return previous;
  return { regs, record: { via: 'int', address, fetched: [] }, fastReturn: NO_FAST_RETURN };
}

/**
 * sysenter: `landingPad` is regs->ip after the entry (int80_landing_pad, vsyscall_after_int80,
 * SYSENTER_RETURN); without one (no vDSO) the model returns after the instruction.
 */
export function buildSysenter(cpu: Cpu, address: number, abi: KernelAbi, landingPad: number | undefined, built?: Built, into?: PtRegs, previous?: BuiltEntry): BuiltEntry {
  const s = cpu.state;
  const ip = landingPad ?? s.eip;
  const regs = regsFromCpu(cpu, ip, s.r[EAX]!, into);
  regs.ax = -ENOSYS;
  regs.flags = (regs.flags | IF) >>> 0;
  // The list of fetches is made only for a record that is not the previous one again.
  let fetched: Fetched;
  let failed: { what: string; address: number } | undefined;
  const sp = s.r[abi === 'proposal' ? EDX : EBP]! >>> 0;
  regs.sp = sp;
  built?.(regs, `SYSENTER saves no user sp or ip: sp = ${abi === 'proposal' ? 'edx' : 'ebp'} ${hex(regs.sp)}, ip = ${landingPad === undefined ? 'after the instruction' : 'the landing pad'} ${hex(ip)}, IF set in flags`);
  if (abi === 'proposal') {
    fetched = [];
    failed = fetch(cpu, regs, fetched, 'dx', 'dx at 0(%edx)', regs.sp) ?? fetch(cpu, regs, fetched, 'cx', 'cx at 4(%edx)', regs.sp + 4);
  } else {
    const again = sameArg6Entry(cpu, previous, regs, 'sysenter', address, ip, sp);
    if (again !== undefined) return again;
    fetched = [];
    failed = fetch(cpu, regs, fetched, 'bp', 'arg6 (ebp) at 0(%ebp)', sp);
  }
  const record: EntryRecord = failed ? { via: 'sysenter', address, fetched, fetchFailed: failed } : { via: 'sysenter', address, fetched };
  return { regs, record, fastReturn: ip };
}

/**
 * syscall in compat mode (AMD): the instruction itself put the return address in ecx (and
 * eflags in r11; the kernel's MSR mask cleared TF, IF, DF...). arg2 comes from ebp and arg6
 * from 0(%esp); the proposal loads sp from edx and fetches dx and cx instead. Legacy kernels
 * return after the instruction; the others set regs->ip to the landing pad.
 */
export function buildSyscall(cpu: Cpu, address: number, abi: KernelAbi, landingPad: number | undefined, built?: Built, into?: PtRegs, previous?: BuiltEntry): BuiltEntry {
  const s = cpu.state;
  const returnAddress = s.eip >>> 0;
  s.r[ECX] = returnAddress;
  const ip = abi === 'legacy' ? returnAddress : landingPad ?? returnAddress;
  const regs = regsFromCpu(cpu, ip, s.r[EAX]!, into);
  regs.ax = -ENOSYS;
  let fetched: Fetched;
  let failed: { what: string; address: number } | undefined;
  const sp = s.r[abi === 'proposal' ? EDX : ESP]! >>> 0;
  regs.sp = sp;
  if (abi !== 'proposal') regs.cx = s.r[EBP]! >>> 0;
  const where = ip === returnAddress ? 'the return address' : 'the landing pad';
  built?.(regs, `SYSCALL put the return address ${hex(returnAddress)} in ecx: ${abi === 'proposal' ? `sp = edx ${hex(regs.sp)}` : `cx = ebp ${hex(regs.cx)} (arg2), sp = esp ${hex(regs.sp)}`}, ip = ${where} ${hex(ip)}`);
  if (abi === 'proposal') {
    fetched = [];
    failed = fetch(cpu, regs, fetched, 'dx', 'dx at 0(%edx)', regs.sp) ?? fetch(cpu, regs, fetched, 'cx', 'cx at 4(%edx)', regs.sp + 4);
  } else {
    const again = abi === 'legacy' ? undefined : sameArg6Entry(cpu, previous, regs, 'syscall', address, ip, sp);
    if (again !== undefined) return again;
    fetched = [];
    failed = fetch(cpu, regs, fetched, 'bp', 'arg6 (ebp) at 0(%esp)', sp);
  }
  let arg6InRegister: number | undefined;
  if (abi === 'legacy' && !failed) {
    // Before 4.4 the compat SYSCALL entry loaded arg6 into r9 for the call and left
    // pt_regs->bp holding the user's ebp (arg2), which the legacy stub moves back to ecx.
    arg6InRegister = regs.bp;
    regs.bp = s.r[EBP]! >>> 0;
  }
  const record: EntryRecord = failed
    ? { via: 'syscall', address, fetched, fetchFailed: failed }
    : arg6InRegister !== undefined ? { via: 'syscall', address, fetched, arg6InRegister } : { via: 'syscall', address, fetched };
  return { regs, record, fastReturn: ip };
}
