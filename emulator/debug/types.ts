// Owns the debugger runtime's plain types: launch options (from launch-schema.ts), the host effects it is given,
// stop events, breakpoints, stack frames from the CFI unwinder, register sets, pt_regs of
// the last system call, and disassembled lines. No DAP types: the debug adapter converts.
import type { PtRegs } from '../kernel/seams';
import type { HostFs } from '../kernel/vfs/host';
import type { LaunchArguments } from './launch-schema';
import type { SourceLocation } from './source-map';

/** The launch options the runtime takes: the launch configuration's schema, with the program required. */
export type DebugLaunchOptions = LaunchArguments & { readonly program: string };

/** Host effects the runtime needs, injected (Node fs in the adapter, workspace fs elsewhere). */
export interface DebugHost {
  /** The file's bytes; throws (an InputError naming `what`, or any error) when it cannot be read. */
  readFile(path: string, what?: string): Uint8Array;
  /** Resolves a path the user gave (relative to the launch folder). */
  resolvePath(path: string): string;
  /** True for an existing folder (for `root`). */
  isDirectory(path: string): boolean;
  /** The guest file system's host side, for `root`. */
  readonly fs?: HostFs;
}

export type StopReason =
  | 'entry' | 'step' | 'pause' | 'breakpoint' | 'instruction-breakpoint' | 'function-breakpoint'
  | 'data-breakpoint' | 'kernel-event' | 'exception';

/** A system call that ran during the stop's last run: how it entered and how the kernel left. */
export interface SyscallStop {
  readonly nr: number;
  readonly name: string;
  readonly args: readonly number[];
  readonly result: number | undefined;
  readonly via: string;
  /** Address of the entering instruction. */
  readonly entryAddress: number;
  readonly exitPath: string | undefined;
  readonly exitReason: string | undefined;
  /** The user address the kernel returned to. */
  readonly returnedTo: number;
}

export interface StopEvent {
  readonly reason: StopReason;
  /** One line for the user: where and why ("sysenter: write(...) = 3; exit SYSRETL: ..."). */
  readonly description: string;
  /** eip at the stop. */
  readonly address: number;
  /** Breakpoint ids (as the runtime gave them) that caused the stop. */
  readonly breakpointIds: readonly number[];
  /** The system calls that completed during the run that ended in this stop (the last few). */
  readonly syscalls: readonly SyscallStop[];
  /** Data breakpoint stops: the instruction that wrote (eip is the next one). */
  readonly writer?: number;
}

export interface ExitEvent {
  /** Exit status as a shell shows it (128 + signal when killed). */
  readonly status: number;
  readonly description: string;
}

export interface OutputEvent {
  readonly category: 'stdout' | 'stderr' | 'console';
  readonly text: string;
}

/** The runtime's events (delivered on a later tick, in order). */
export interface DebugEvents {
  readonly stopped: StopEvent;
  readonly output: OutputEvent;
  readonly exited: ExitEvent;
}

export interface BreakpointResult {
  readonly id: number;
  readonly verified: boolean;
  readonly address?: number;
  readonly message?: string;
}

/** Kernel-event breakpoints (DAP exception filters in the adapter). */
export interface KernelEventBreakpoints {
  /** Stop after every system call (optionally only those named, comma-separated names or numbers). */
  readonly syscall?: { readonly only?: readonly string[] };
  /** Stop when the exit path is one of these (iret, sysexit, sysretl); empty: any. */
  readonly exitPath?: { readonly paths: readonly string[] };
  /** Stop when a signal handler was entered. */
  readonly signal?: boolean;
}

export interface NamedValue {
  readonly name: string;
  readonly value: number;
}

/** One frame of the stack as the CFI unwinder found it, or the label saying why it stopped. */
export type RuntimeFrame =
  | {
      readonly kind: 'frame';
      readonly level: number;
      readonly pc: number;
      /** symbol+offset ("__kernel_vsyscall+0x5"), or the image+offset, or the hex address. */
      readonly symbol: string;
      /** The image the pc is in ("[vdso]", the program's path), if any. */
      readonly image: string | undefined;
      readonly cfa: number | undefined;
      /** The CFI row that describes this frame ("cfa=esp+16 ebp=c-16 eip=c-4"), if any. */
      readonly row: string | undefined;
      /** This frame's registers as unwound (undefined: not recoverable), with where each came from. */
      readonly registers: ReadonlyArray<{ readonly name: string; readonly value: number | undefined; readonly origin: string }>;
      readonly signalFrame: boolean;
      /** The source line a line table gives for the frame (a caller's at pc - 1, as gdb looks it up). */
      readonly source?: SourceLocation;
      /** A frame inside the kernel model (emulator/debug/kernel-frame.ts): its generated document and the phase's line there. */
      readonly kernel?: { readonly reference: number; readonly line: number };
    }
  | { readonly kind: 'label'; readonly level: number; readonly text: string };

/** The last system call's pt_regs: as the entry path built them, and as the exit path used them. */
export interface LastSyscall {
  readonly record: SyscallStop;
  readonly entryRegs: PtRegs;
  readonly exitRegs: PtRegs | undefined;
  /** What the entry read from user memory ("arg6 (ebp) at 0(%ebp)"). */
  readonly fetched: ReadonlyArray<{ readonly what: string; readonly address: number; readonly value: number }>;
  readonly clobbered: ReadonlyArray<{ readonly register: string; readonly value: number }>;
}

export interface DisassembledLine {
  readonly address: number;
  /** Hex bytes separated by spaces, as objdump prints them. */
  readonly bytes: string;
  /** AT&T text as objdump -d prints it ("(bad)" for undecodable, "??" for unreadable memory). */
  readonly text: string;
  /** The covering symbol+offset, if any. */
  readonly symbol: string | undefined;
  /** True where memory could not be read. */
  readonly unreadable: boolean;
  /** The source line a line table gives for the address, if any. */
  readonly source?: SourceLocation;
}
