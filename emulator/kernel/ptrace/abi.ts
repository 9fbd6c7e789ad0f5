// Owns the i386 ptrace ABI facts (docs/kernel-facts.md §12): the request numbers and their
// names, the PTRACE_O_* options and PTRACE_EVENT_* codes, the layout of struct
// user_regs_struct and of struct user up to u_debugreg (what PEEKUSER/POKEUSER address),
// the eflags bits a tracer may write, the debug-register bits, and the wait-status word of a
// ptrace stop. A 32-bit tracer sees the same layout on a 32-bit kernel and in compat mode.
import type { PtRegs } from '../seams';
import { signalName } from '../linux-abi';

export const PTRACE = {
  TRACEME: 0, PEEKTEXT: 1, PEEKDATA: 2, PEEKUSR: 3, POKETEXT: 4, POKEDATA: 5, POKEUSR: 6, CONT: 7, KILL: 8,
  SINGLESTEP: 9, GETREGS: 12, SETREGS: 13, GETFPREGS: 14, SETFPREGS: 15, ATTACH: 16, DETACH: 17,
  GETFPXREGS: 18, SETFPXREGS: 19, SYSCALL: 24, GET_THREAD_AREA: 25, SETOPTIONS: 0x4200, GETEVENTMSG: 0x4201,
  GETSIGINFO: 0x4202, SETSIGINFO: 0x4203, SEIZE: 0x4206, INTERRUPT: 0x4207, LISTEN: 0x4208,
} as const;

const REQUEST_NAMES: ReadonlyMap<number, string> = new Map(Object.entries(PTRACE).map(([name, nr]) => [nr, `PTRACE_${name}`]));

/** "PTRACE_SYSCALL", or the number in hex for a request the model does not know. */
export function requestName(request: number): string {
  return REQUEST_NAMES.get(request >>> 0) ?? `0x${(request >>> 0).toString(16)}`;
}

/** The i386 register names of user_regs_struct's slots as <sys/reg.h> spells them (strace shows 4*ORIG_EAX). */
const REG_NAMES = ['EBX', 'ECX', 'EDX', 'ESI', 'EDI', 'EBP', 'EAX', 'DS', 'ES', 'FS', 'GS', 'ORIG_EAX', 'EIP', 'CS', 'EFL', 'UESP', 'SS'] as const;

/** A ptrace `addr` as the trace shows it: a struct user offset by name for PEEKUSER/POKEUSER, else hex. */
export function ptraceAddrText(request: number, addr: number): string {
  if (request === PTRACE.PEEKUSR || request === PTRACE.POKEUSR) {
    if (addr < USER_REGS_SIZE && (addr & 3) === 0) return `4*${REG_NAMES[addr >> 2]}`;
    if (addr >= USER_DEBUGREG && addr < USER_DEBUGREG + 32 && (addr & 3) === 0) return `u_debugreg[${(addr - USER_DEBUGREG) >> 2}]`;
  }
  return `0x${(addr >>> 0).toString(16)}`;
}

/** A ptrace `data` as the trace shows it: the signal of a resume, the options of SETOPTIONS/SEIZE, else hex. */
export function ptraceDataText(request: number, data: number): string {
  if (request === PTRACE.CONT || request === PTRACE.SYSCALL || request === PTRACE.SINGLESTEP || request === PTRACE.DETACH) {
    return data === 0 ? '0' : signalName(data);
  }
  if ((request === PTRACE.SETOPTIONS || request === PTRACE.SEIZE) && data !== 0) {
    const names = Object.entries(PTRACE_O).filter(([, bit]) => (data & bit) !== 0).map(([name]) => `PTRACE_O_${name}`);
    const rest = data & ~Object.values(PTRACE_O).reduce((a, b) => a | b, 0);
    return [...names, ...(rest ? [`0x${(rest >>> 0).toString(16)}`] : [])].join('|');
  }
  return `0x${(data >>> 0).toString(16)}`;
}

/** PTRACE_SETOPTIONS bits (include/uapi/linux/ptrace.h). */
export const PTRACE_O = {
  TRACESYSGOOD: 1, TRACEFORK: 2, TRACEVFORK: 4, TRACECLONE: 8, TRACEEXEC: 0x10, TRACEVFORKDONE: 0x20,
  TRACEEXIT: 0x40, TRACESECCOMP: 0x80, EXITKILL: 0x100000, SUSPEND_SECCOMP: 0x200000,
} as const;
/** PTRACE_O_MASK: every option a tracer may set (others: EINVAL from SETOPTIONS, EIO from SEIZE). */
export const PTRACE_O_MASK = 0x0ff | PTRACE_O.EXITKILL | PTRACE_O.SUSPEND_SECCOMP;

/** The event a stop reports in bits 16..23 of the wait status (status >> 8 = SIGTRAP | event << 8). */
export const PTRACE_EVENT = { FORK: 1, VFORK: 2, CLONE: 3, EXEC: 4, VFORK_DONE: 5, EXIT: 6, SECCOMP: 7, STOP: 128 } as const;

/** The wait status of a stopped tracee whose exit_code is `code` (signal, SIGTRAP|0x80, SIGTRAP|event<<8). */
export function stoppedStatus(code: number): number {
  return ((code << 8) | 0x7f) >>> 0;
}

/** struct user_regs_struct (i386): 17 longs in this order; offset = 4 * index. */
export const USER_REGS: readonly (keyof PtRegs)[] = [
  'bx', 'cx', 'dx', 'si', 'di', 'bp', 'ax', 'ds', 'es', 'fs', 'gs', 'orig_ax', 'ip', 'cs', 'flags', 'sp', 'ss',
];
export const USER_REGS_SIZE = 68;
/** offsetof(struct user, u_debugreg) on i386 (and in struct user32): DR0 at 252, DR7 at 280. */
export const USER_DEBUGREG = 252;
/** sizeof(struct user) on i386. */
export const USER_SIZE = 284;
/** struct user_i387_struct (the fsave image) and struct user_fxsr_struct (the fxsave image). */
export const USER_I387_SIZE = 108;
export const USER_FXSR_SIZE = 512;

/** FLAG_MASK_32: the eflags bits putreg takes from a tracer (CF PF AF ZF SF TF DF OF RF AC). */
export const FLAG_MASK = 0x00050dd5;

/** DR6 bits: DR_TRAP0..3 and single-step; the reserved bits read as ones (DR6_RESERVED). */
export const DR_TRAP0 = 0x1;
export const DR_STEP = 0x4000;
export const DR6_RESERVED = 0xffff0ff0;
/** DR7 bits that never reach the hardware (DR_CONTROL_RESERVED on i386). */
export const DR_CONTROL_RESERVED = 0x0000fc00;
/**
 * The first address a user breakpoint may not cover: TASK_SIZE (PAGE_OFFSET) on a 32-bit
 * kernel; on a 64-bit one the check is against the 64-bit TASK_SIZE_MAX, so none of 4 GiB.
 */
export const USER_TOP = { native32: 0xc0000000, compat64: 0x100000000 } as const;
