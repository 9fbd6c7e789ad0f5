// Owns the i386 signal ABI facts (docs/kernel-facts.md §§4-5): sigaction flags, si_code values,
// the byte layouts of struct sigcontext, siginfo, struct sigframe and struct rt_sigframe,
// the trampoline bytes of retcode, the restart errnos, and each signal's default action.
import { SIG } from '../linux-abi';

export const NSIG = 64;
export const SIG_DFL = 0;
export const SIG_IGN = 1;

/** sa_flags (asm-generic/signal-defs.h, i386 values). */
export const SA = {
  NOCLDSTOP: 0x1, NOCLDWAIT: 0x2, SIGINFO: 0x4, RESTORER: 0x04000000, ONSTACK: 0x08000000,
  RESTART: 0x10000000, NODEFER: 0x40000000, RESETHAND: 0x80000000,
} as const;

/** sigaltstack flags and sizes (i386). */
export const SS_ONSTACK = 1;
export const SS_DISABLE = 2;
export const SS_AUTODISARM = 0x80000000;
export const MINSIGSTKSZ = 2048;

/** si_code values. */
export const SI = {
  USER: 0, KERNEL: 0x80, QUEUE: -1, TIMER: -2, TKILL: -6,
  ILL_ILLOPN: 2, FPE_INTDIV: 1, SEGV_MAPERR: 1, SEGV_ACCERR: 2, BUS_ADRALN: 1, BUS_ADRERR: 2,
  TRAP_BRKPT: 1, TRAP_TRACE: 2, TRAP_HWBKPT: 4,
} as const;

/** The kernel-internal restart codes a handler may return (never seen by user mode). */
export const ERESTARTSYS = 512;
export const ERESTARTNOINTR = 513;
export const ERESTARTNOHAND = 514;
export const ERESTART_RESTARTBLOCK = 516;
export const EINTR = 4;

/** x86 trap numbers written to sigcontext.trapno. */
export const TRAPNO = { DE: 0, DB: 1, BP: 3, OF: 4, BR: 5, UD: 6, NP: 11, GP: 13, PF: 14, MF: 16 } as const;

/** struct sigcontext_32 field offsets (88 bytes). */
export const SC = {
  gs: 0, fs: 4, es: 8, ds: 12, di: 16, si: 20, bp: 24, sp: 28, bx: 32, dx: 36, cx: 40, ax: 44,
  trapno: 48, err: 52, ip: 56, cs: 60, flags: 64, sp_at_signal: 68, ss: 72, fpstate: 76,
  oldmask: 80, cr2: 84, SIZE: 88,
} as const;

/** struct sigframe (non-RT, 732 bytes): the extramask offset is kept by the unused fpstate. */
export const SIGFRAME = { pretcode: 0, sig: 4, sc: 8, fpstate_unused: 96, extramask: 720, retcode: 724, SIZE: 732 } as const;

/** struct rt_sigframe (268 bytes): siginfo at 16, ucontext at 144 with the sigcontext at 164. */
export const RT_SIGFRAME = {
  pretcode: 0, sig: 4, pinfo: 8, puc: 12, info: 16, uc: 144, uc_flags: 144, uc_link: 148,
  uc_stack: 152, uc_mcontext: 164, uc_sigmask: 252, retcode: 260, SIZE: 268,
} as const;

export const SIGINFO_SIZE = 128;

/** retcode bytes: `popl %eax; movl $119,%eax; int $0x80` and `movl $173,%eax; int $0x80; (pad)`. */
export const RETCODE_SIGRETURN = [0x58, 0xb8, 0x77, 0x00, 0x00, 0x00, 0xcd, 0x80] as const;
export const RETCODE_RT_SIGRETURN = [0xb8, 0xad, 0x00, 0x00, 0x00, 0xcd, 0x80, 0x00] as const;

/** EFLAGS bits sigreturn takes from the frame (FIX_EFLAGS: AC OF DF TF SF ZF AF PF CF RF). */
export const FIX_EFLAGS = 0x40000 | 0x800 | 0x400 | 0x100 | 0x80 | 0x40 | 0x10 | 0x4 | 0x1 | 0x10000;

export type DefaultAction = 'terminate' | 'core' | 'ignore' | 'stop' | 'continue';

/** What SIG_DFL does for each standard signal (signal(7)); RT signals terminate. */
export function defaultAction(signal: number): DefaultAction {
  switch (signal) {
    case SIG.SIGCHLD: case SIG.SIGURG: case SIG.SIGWINCH: return 'ignore';
    case SIG.SIGCONT: return 'continue';
    case SIG.SIGSTOP: case 20: case 21: case 22: return 'stop';
    case SIG.SIGQUIT: case SIG.SIGILL: case SIG.SIGTRAP: case SIG.SIGABRT: case SIG.SIGBUS:
    case SIG.SIGFPE: case SIG.SIGSEGV: case 24: case 25: case SIG.SIGSYS: return 'core';
    default: return 'terminate';
  }
}

/** Signals the kernel dequeues first (SYNCHRONOUS_MASK): the faults. */
export const SYNCHRONOUS = new Set<number>([SIG.SIGSEGV, SIG.SIGBUS, SIG.SIGILL, SIG.SIGTRAP, SIG.SIGFPE, SIG.SIGSYS]);

/** Bit of `signal` in a 64-bit sigset. */
export function sigbit(signal: number): bigint {
  return 1n << BigInt(signal - 1);
}

/** SIGKILL and SIGSTOP can be neither blocked nor caught. */
export const UNBLOCKABLE = sigbit(SIG.SIGKILL) | sigbit(SIG.SIGSTOP);
