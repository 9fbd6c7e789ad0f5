// Owns choosing and performing the return to user mode after a system call (docs/kernel-facts.md
// §3, the seed mail): int $0x80 always IRETs; a fast entry leaves by SYSRETL (64-bit kernel)
// or SYSEXIT (32-bit kernel) only when regs->ip is still where the entry pointed it, cs/ss
// are the user selectors and none of TF, RF, VM is set; otherwise IRET. Which fast exit an
// ABI has on a kernel (none for the proposal on a 32-bit kernel) is fastExitOf's. The
// registers each fast exit clobbers are reproduced.
import type { Cpu } from '../../x86/cpu';
import { CS, IF, RF, SS, TF, userSelectors } from '../../x86/state';
import type { ExitPath, ExitRecord, PtRegs } from '../seams';
import type { KernelAbi, KernelKind } from '../../../toolchain/designs/options';
import { ECX, EDX, iretToUser } from './regs';

const VM = 0x20000;

function hex(n: number): string {
  return '0x' + (n >>> 0).toString(16);
}

/** ExitContext.fastReturn and BuiltEntry.fastReturn of an entry with no fast return (int $0x80). */
export const NO_FAST_RETURN = -1;

export interface ExitContext {
  readonly via: 'int' | 'sysenter' | 'syscall';
  readonly abi: KernelAbi;
  readonly kernel: KernelKind;
  /**
   * Where the fast exit may return (the entry's regs->ip); NO_FAST_RETURN (-1) for int $0x80.
   * A number either way: a field that is sometimes undefined holds its number boxed, made anew per call.
   */
  readonly fastReturn: number;
  /** A fetch from user memory failed at entry (do_fast_syscall_32 returned false). */
  readonly fetchFailed: boolean;
}

const NO_FAST_EXIT_WHY = 'the proposal\'s opportunistic SYSRETL is for compat syscalls only';

/**
 * The fast exit an ABI has for a fast entry on a kernel, the one statement of it (the
 * checker's exit-path check expects what this says; docs/kernel-facts.md §3 and §9):
 * a 64-bit kernel leaves by SYSRETL (a legacy kernel left a sysenter by SYSEXIT), a 32-bit
 * kernel by SYSEXIT; the proposal has none on a 32-bit kernel, where every call returns by
 * IRET (its mail adds opportunistic SYSRETL for compat syscalls only). undefined: IRET always.
 */
export function fastExitOf(abi: KernelAbi, kernel: KernelKind, via: 'sysenter' | 'syscall'): Exclude<ExitPath, 'iret'> | undefined {
  if (kernel === 'native32') return abi === 'proposal' ? undefined : 'sysexit';
  return abi === 'legacy' && via === 'sysenter' ? 'sysexit' : 'sysretl';
}

/** Told each condition of the fast-exit decision as it is checked, and whether it holds (the debugger's kernel phases). */
export type ExitExplain = (condition: string, holds: boolean) => void;

/** The exit path the kernel takes for `regs` and why; `explain` hears each condition checked, in order. */
export function chooseExit(ctx: ExitContext, regs: PtRegs, explain?: ExitExplain): { path: ExitPath; reason: string } {
  if (ctx.via === 'int') {
    explain?.('the entry was SYSENTER or SYSCALL (int $0x80 always returns with IRET)', false);
    return INT80_EXIT;
  }
  explain?.(`the entry was ${ctx.via.toUpperCase()}`, true);
  explain?.('the fetch from the user stack succeeded', !ctx.fetchFailed);
  if (ctx.fetchFailed) return { path: 'iret', reason: 'the fetch from the user stack faulted (-EFAULT): IRET' };
  const fast = fastExitOf(ctx.abi, ctx.kernel, ctx.via);
  if (fast === undefined) {
    explain?.(`this ABI has a fast exit on this kernel (${NO_FAST_EXIT_WHY})`, false);
    return { path: 'iret', reason: `the ${ctx.abi} ABI has no fast exit on this kernel (${NO_FAST_EXIT_WHY})` };
  }
  const target = ctx.abi === 'legacy' ? 'the return point' : 'the landing pad';
  const ipHolds = ctx.fastReturn !== NO_FAST_RETURN && regs.ip >>> 0 === ctx.fastReturn >>> 0;
  explain?.(`regs->ip ${hex(regs.ip)} is ${target} ${ctx.fastReturn === NO_FAST_RETURN ? '(none)' : hex(ctx.fastReturn)}`, ipHolds);
  if (!ipHolds) {
    return { path: 'iret', reason: `regs->ip ${hex(regs.ip)} is not ${target} ${ctx.fastReturn === NO_FAST_RETURN ? '(none)' : hex(ctx.fastReturn)}: IRET` };
  }
  const sel = userSelectors(ctx.kernel);
  const selHolds = regs.cs === sel.code && regs.ss === sel.data;
  explain?.(`cs/ss ${hex(regs.cs)}/${hex(regs.ss)} are the user selectors ${hex(sel.code)}/${hex(sel.data)}`, selHolds);
  if (!selHolds) {
    return { path: 'iret', reason: `cs/ss ${hex(regs.cs)}/${hex(regs.ss)} are not the user selectors ${hex(sel.code)}/${hex(sel.data)}: IRET` };
  }
  const flagsHold = (regs.flags & (TF | RF | VM)) === 0;
  explain?.(`none of TF, RF, VM is set in flags ${hex(regs.flags)}`, flagsHold);
  if (!flagsHold) {
    const bad = [regs.flags & TF ? 'TF' : '', regs.flags & RF ? 'RF' : '', regs.flags & VM ? 'VM' : ''].filter((x) => x);
    return { path: 'iret', reason: `${bad.join(', ')} set in flags: IRET` };
  }
  return fastExit(fast, ctx.abi === 'legacy', regs.ip >>> 0);
}

const INT80_EXIT: { path: ExitPath; reason: string } = Object.freeze({ path: 'iret', reason: 'int $0x80 always returns with IRET' });

/**
 * The fast exit's decision is the same for every call that returns to the same place: made
 * once. The last one is checked first (a loop's calls return alike), without the Map: a key
 * above 2^30 is a heap number, made on every look-up.
 */
const fastExits = new Map<number, { path: ExitPath; reason: string }>();
let lastFast: { path: ExitPath; reason: string } = { path: 'sysexit', reason: '' };
let lastFastIp = -1;
let lastFastLegacy = false;

function fastExit(path: ExitPath, legacy: boolean, ip: number): { path: ExitPath; reason: string } {
  if (ip === lastFastIp && legacy === lastFastLegacy && path === lastFast.path) return lastFast;
  const key = ip * 4 + (path === 'sysretl' ? 2 : 0) + (legacy ? 1 : 0);
  let decision = fastExits.get(key);
  if (!decision) {
    if (fastExits.size > 256) fastExits.clear();
    const where = legacy ? 'the return point' : 'the landing pad';
    decision = { path, reason: `fast path (${path === 'sysretl' ? 'SYSRETL' : 'SYSEXIT'}): ip is ${where} ${hex(ip)}, cs/ss user, no TF/RF/VM` };
    fastExits.set(key, decision);
  }
  lastFast = decision;
  lastFastIp = ip;
  lastFastLegacy = legacy;
  return decision;
}

/** The clobbered list of an exit that leaves every register as pt_regs has it (IRET); shared, never written. */
export const NOTHING_CLOBBERED: ExitRecord['clobbered'] = Object.freeze([]);

/** Performs the exit on the CPU (the registers clobberedBy names differ from pt_regs). */
export function performExit(cpu: Cpu, regs: PtRegs, path: ExitPath, kernel: KernelKind): void {
  iretToUser(cpu, regs);
  const s = cpu.state;
  const sel = userSelectors(kernel);
  if (path === 'sysretl') {
    // rcx = ip and r11 = flags were loaded for SYSRETL; RF is cleared by the instruction.
    s.r[ECX] = regs.ip;
    s.eflags = (regs.flags & ~RF) >>> 0;
    s.seg[CS] = sel.code;
    s.seg[SS] = sel.data;
  } else if (path === 'sysexit') {
    // SYSEXIT jumps to edx with esp = ecx: the kernel loaded them from regs->ip and regs->sp.
    s.r[EDX] = regs.ip;
    s.r[ECX] = regs.sp;
    s.eflags = (regs.flags | IF) >>> 0;
    s.seg[CS] = sel.code;
    s.seg[SS] = sel.data;
  }
}

/** What `path` leaves in registers instead of pt_regs' values: SYSRETL ecx = ip and r11 = flags, SYSEXIT ecx = sp and edx = ip. */
export function clobberedBy(regs: PtRegs, path: ExitPath): ExitRecord['clobbered'] {
  if (path === 'sysretl') return [{ register: 'ecx', value: regs.ip >>> 0 }, { register: 'r11', value: regs.flags >>> 0 }];
  if (path === 'sysexit') return [{ register: 'ecx', value: regs.sp >>> 0 }, { register: 'edx', value: regs.ip >>> 0 }];
  return NOTHING_CLOBBERED;
}

/** True when `list` holds what clobberedBy(regs, path) gives (compared without making it). */
export function clobbersAs(list: ExitRecord['clobbered'], regs: PtRegs, path: ExitPath): boolean {
  if (path === 'sysretl') return list.length === 2 && list[0]!.value === regs.ip >>> 0 && list[1]!.value === regs.flags >>> 0 && list[1]!.register === 'r11';
  if (path === 'sysexit') return list.length === 2 && list[0]!.value === regs.sp >>> 0 && list[1]!.value === regs.ip >>> 0 && list[1]!.register === 'edx';
  return list.length === 0;
}
