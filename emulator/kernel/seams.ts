// Owns the seams between the kernel model's parts, so that each part can be written and
// tested on its own: the process (memory, CPU, files, the run loop: process.ts, loader.ts,
// syscalls/), the entry and exit paths with pt_regs and the vDSO (entry/, vdso/), and
// signals (signals/). Each part implements its side of these interfaces.
import type { Memory } from '../memory/memory';
import type { Cpu } from '../x86/cpu';
import type { CpuModel, KernelAbi, KernelKind, UmipSetting } from '../../toolchain/designs/options';
import type { Fault, KernelEntry } from '../x86/stop';


export interface KernelOptions {
  readonly cpu: CpuModel;
  readonly kernel: KernelKind;
  readonly abi: KernelAbi;
  /** The CPU model's UMIP (default on). */
  readonly umip?: UmipSetting;
}

/**
 * The registers the kernel saved on entry, named as in the i386 struct pt_regs. On a
 * 64-bit kernel the model keeps the same names for the 32-bit view (bx is rbx's low half).
 * Values are unsigned 32-bit numbers except orig_ax and ax, which are signed (-ENOSYS, -1).
 */
export interface PtRegs {
  bx: number;
  cx: number;
  dx: number;
  si: number;
  di: number;
  bp: number;
  ax: number;
  ds: number;
  es: number;
  fs: number;
  gs: number;
  orig_ax: number;
  ip: number;
  cs: number;
  flags: number;
  sp: number;
  ss: number;
}

/** How a system call entered and left: recorded for every call (the trace, the checker). */
export interface EntryRecord {
  /** The instruction that entered: int $0x80, sysenter or syscall (or a fault's vector). */
  readonly via: KernelEntry['via'];
  /** Address of the entering instruction. */
  readonly address: number;
  /** What the entry path read from user memory (sysenter/syscall fetches), for display. */
  readonly fetched: ReadonlyArray<{ readonly what: string; readonly address: number; readonly value: number }>;
  /**
   * Arg6 when the entry passed it to the system call in a register instead of pt_regs->bp:
   * the pre-4.4 compat SYSCALL path read it into r9 and left pt_regs->bp = the user's ebp
   * (which the legacy stub needs back, since it holds arg2 there).
   */
  readonly arg6InRegister?: number;
  /**
   * Set when a fetch from user memory faulted: the entry already put -EFAULT in ax and the
   * system call must not run (the run loop skips the dispatch and goes on to exit()).
   */
  readonly fetchFailed?: { readonly what: string; readonly address: number };
}

export type ExitPath = 'iret' | 'sysexit' | 'sysretl';

/**
 * One phase of a system call as the kernel model did it, for a debugger that steps
 * through the kernel (emulator/kernel/entry/phases.ts makes them): the entry path taken,
 * pt_regs built, the user-memory fetch, the call, exit work (signals, restart), each
 * condition of the fast-exit decision, the exit instruction. Made only when a sink listens.
 */
export interface KernelPhase {
  readonly kind: 'entry' | 'pt_regs' | 'fetch' | 'call' | 'exit-work' | 'exit-condition' | 'exit';
  /** The kernel function the phase happens in (entry_SYSENTER_compat, do_fast_syscall_32, sys_write). */
  readonly function: string;
  /** One line: what the kernel did and why. */
  readonly text: string;
  /** pt_regs as this phase left them (a copy). */
  readonly regs: Readonly<PtRegs>;
}

/** Receives the phases of a system call (RunLoop.phases). */
export type PhaseSink = (phase: KernelPhase) => void;

export interface ExitRecord {
  readonly path: ExitPath;
  /** Why this path: "fast path: ip is the landing pad, cs/ss user, no TF/RF/VM" or why not. */
  readonly reason: string;
  /** Registers the exit path left different from pt_regs (SYSRETL: ecx; SYSEXIT: ecx, edx). */
  readonly clobbered: ReadonlyArray<{ readonly register: string; readonly value: number }>;
  /** The signal handlers this return to user mode entered, in order (absent: none). */
  readonly delivered?: readonly SignalDelivery[];
}

/** One signal delivered to a handler on a return to user mode: the frame the kernel built for it. */
export interface SignalDelivery {
  readonly signal: number;
  readonly handler: number;
  /** rt_sigframe (SA_SIGINFO) or sigframe. */
  readonly rt: boolean;
  readonly frame: {
    /** The frame's address: the handler's esp. */
    readonly address: number;
    /** The return address at the frame's start, and where it came from. */
    readonly pretcode: number;
    readonly restorerFrom: 'SA_RESTORER' | 'vdso' | 'retcode';
  };
}

/** One system call as the trace shows it. */
export interface SyscallRecord {
  readonly nr: number;
  readonly name: string;
  readonly args: readonly number[];
  /** The result in ax (negative errno), or undefined for a call that does not return (exit, sigreturn's restore). */
  readonly result: number | undefined;
  /** sigreturn and rt_sigreturn: the eax of the context they restored (no return value, no errno). */
  readonly restoredAx?: number;
  readonly entry: EntryRecord;
  readonly exit: ExitRecord | undefined;
  /** Instruction count at entry: the trace is deterministic. */
  readonly icount: number;
  /** The task that made the call, once the machine has more than one (the trace names it). */
  readonly tid?: number;
}

/** The vDSO as mapped into a process, after alternatives were applied. */
export interface LoadedVdso {
  /** Where AT_SYSINFO_EHDR points. */
  readonly base: number;
  readonly size: number;
  /** AT_SYSINFO: the entry glibc calls (__kernel_vsyscall, or the auxv design's chosen entry). */
  readonly sysinfo: number;
  /** Absolute addresses of the image's symbols the kernel uses (undefined when absent). */
  readonly symbols: {
    readonly kernelVsyscall?: number;
    readonly sigreturn?: number;
    readonly rtSigreturn?: number;
    /** Where the kernel points regs->ip after a fast entry: int80_landing_pad, vsyscall_after_int80, SYSENTER_RETURN. */
    readonly landingPad?: number;
  };
  /** The bytes the alternatives changed, for display. */
  readonly patches: ReadonlyArray<{ readonly address: number; readonly before: Uint8Array; readonly after: Uint8Array; readonly feature: string }>;
}

/** The process as the entry/exit and signal parts see it (implemented by process.ts). */
export interface ProcessView {
  readonly memory: Memory;
  readonly cpu: Cpu;
  readonly options: KernelOptions;
  readonly vdso: LoadedVdso | undefined;
  readonly signals: SignalState;
  /** This task's pt_regs, which the entry path fills on each entry instead of making new ones (one call at a time per task); optional. */
  readonly ptRegs?: PtRegs;
  /** Ends the process: exit status, or killed by a signal (the caller has written the core message). */
  terminate(how: { readonly status: number } | { readonly signal: number; readonly message: string }): void;
  /** Output the user sees from the kernel model itself ("vdso-lab: system call ... is not implemented"), not the guest's. */
  report(line: string): void;
  /**
   * The one line saying a signal killed the process ("killed by SIGSEGV at 0x..."): shown for
   * the first process only, as a shell shows its child's end; another process's parent learns
   * it from wait.
   */
  reportKilled(line: string): void;
  /** The process id getpid returns (deterministic). */
  readonly pid: number;
  /**
   * Blocks the running system call (pause, rt_sigsuspend, nanosleep, wait4, a read that
   * waits...): the handler returns what this returns, the run loop parks the task and lets
   * others run; virtual time jumps when none can. See Sleep for how the call ends.
   */
  sleep(sleep: Sleep): number;
}

/** Why a sleeping system call goes on. */
export type WakeReason = 'ready' | 'signal' | 'timeout';

/** A blocked system call as a continuation (Process.sleep). */
export interface Sleep {
  /** CLOCK_MONOTONIC time (ns) when it ends by itself; undefined: no timeout. */
  readonly until?: bigint;
  /** True once what the call waits for happened (checked each time the scheduler looks). */
  readonly ready?: () => boolean;
  /** Not ended by signals (vfork's parent waits for the child uninterruptibly). */
  readonly uninterruptible?: boolean;
  /** Finishes the call: its result (or the value of another sleep). */
  readonly resume: (why: WakeReason) => number;
}

/** Per-process signal state (implemented by signals/). */
export interface SignalState {
  /** True when a signal is pending and not blocked: the exit path must deliver it. */
  hasDeliverable(): boolean;
  /**
   * Queues a signal the kernel sends (timer expiry: SIGALRM, SIGVTALRM, SIGPROF with si_code
   * SI_KERNEL), dropped when its action is to ignore it, as Linux drops it. The process model
   * calls it; optional until signals/ implements it (the model then applies default actions).
   */
  send?(signal: number, code: number): void;
}

/** The entry/exit part (entry/): what the run loop calls. */
export interface EntryExit {
  /**
   * The CPU stopped at a kernel entry: decide whether this CPU and kernel allow the entry
   * instruction (else the fault to raise: #UD -> SIGILL), and build pt_regs as this ABI's
   * kernel entry path does (fetching from user memory where it does).
   */
  enter(process: ProcessView, entry: KernelEntry, address: number, phases?: PhaseSink): { readonly regs: PtRegs; readonly record: EntryRecord } | { readonly fault: Fault };
  /**
   * Returns to user mode: restart rules and signal delivery first, then the exit path chosen
   * as the kernel chooses it. `unkept`: the caller keeps nothing of the record but its path
   * and reason (no trace, listener or tracer sees the call); the exit is the same, and the
   * record may leave its clobbered list empty (that list is made for records that are kept).
   */
  exit(process: ProcessView, regs: PtRegs, entry: EntryRecord, phases?: PhaseSink, unkept?: boolean): ExitRecord;
  /**
   * A fault or trap in user mode: build pt_regs from the CPU with orig_ax = -1, force the
   * fault's signal (SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGTRAP with si_code and si_addr),
   * deliver what is deliverable and return to user mode with IRET. `address`: the stopped eip.
   */
  exception?(process: ProcessView, fault: Fault, address: number): ExitRecord | void;
  /**
   * An interrupt return (a timer fired while user code ran): deliver pending signals, IRET.
   * `regs`: the user registers to return with (default: the CPU's; a tracer may have changed them).
   */
  returnToUser?(process: ProcessView, regs?: PtRegs): ExitRecord | void;
}

/** A system call handler: reads arguments from pt_regs (bx cx dx si di bp), returns the value for ax. */
export type SyscallHandler = (process: ProcessView, regs: PtRegs) => number;
