// Owns the record `Cpu.run` returns: why execution stopped (budget, breakpoint, fault,
// kernel entry, watchpoint, something not emulated), and the fault records (#UD with the opcode bytes, #GP, #NP, #PF,
// #DE, #MF, #DB, #BP, #OF) the kernel model turns into signals.
import type { PageFault } from '../memory/memory';

export type Fault =
  | { readonly vector: 'UD'; readonly bytes: readonly number[] }
  | { readonly vector: 'GP'; readonly code: number; readonly reason: string }
  /** A segment load named a not-present descriptor; `code` is the selector's error code. */
  | { readonly vector: 'NP'; readonly code: number }
  | PageFaultVector
  | { readonly vector: 'DE' }
  /** x87 floating-point error (a pending unmasked exception); `code` is Linux's si_code for it. */
  | { readonly vector: 'MF'; readonly code: number }
  /**
   * #DB: TF's single step, a data or instruction breakpoint of the debug registers (the kernel
   * model's ptrace), or int1 (icebp, f1), which sets no DR6 bit.
   */
  | { readonly vector: 'DB'; readonly reason: 'single-step' | 'data-breakpoint' | 'instruction-breakpoint' | 'icebp' }
  | { readonly vector: 'BP' }
  | { readonly vector: 'OF' }
  | { readonly vector: 'BR' };

export interface PageFaultVector extends PageFault {
  readonly vector: 'PF';
  /** Set by the kernel model: the page lies in a file mapping wholly past the end of the file (SIGBUS, not SIGSEGV). */
  readonly pastEnd?: boolean;
}

export type KernelEntry =
  | { readonly via: 'int'; readonly vector: number }
  | { readonly via: 'sysenter' }
  | { readonly via: 'syscall' };

export type Stop =
  /** The budget ran out; `eip` is the next instruction. */
  | { readonly kind: 'budget' }
  /** An armed instruction breakpoint at `eip` (not executed yet). */
  | { readonly kind: 'breakpoint'; readonly address: number }
  /** A fault or trap: `eip` is the faulting instruction (faults) or the next one (traps: #DB, #BP, #OF). */
  | { readonly kind: 'fault'; readonly fault: Fault; readonly address: number }
  /** int n / sysenter / syscall executed: `eip` is the instruction after it. */
  | { readonly kind: 'kernel'; readonly entry: KernelEntry; readonly address: number }
  /** The data breakpoint matched during the instruction at `address`; `eip` is the next one. */
  | { readonly kind: 'watchpoint'; readonly watched: number; readonly address: number }
  /** The instruction at `address` needs what the model does not emulate (`what`: "64-bit code"); nothing committed. */
  | { readonly kind: 'unemulated'; readonly what: string; readonly address: number };

export const BUDGET_STOP: Stop = { kind: 'budget' };
