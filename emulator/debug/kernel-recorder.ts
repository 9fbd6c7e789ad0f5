// Owns what the debugger sees of the kernel model: it wraps the entry/exit part (seams'
// EntryExit) to keep a copy of pt_regs as the entry path built them and as the exit path
// used them, and the signals each return to user mode delivered, then asks the run loop to
// stop when a kernel-event breakpoint matches (system call, exit path, signal delivered).
import { KernelEntryExit, type ReturnLog } from '../kernel/entry/entry-exit';
import type { EntryExit, EntryRecord, ExitRecord, ProcessView, PtRegs } from '../kernel/seams';
import type { Fault, KernelEntry } from '../x86/stop';

export interface KernelEvent {
  readonly kind: 'exit' | 'exception' | 'return';
  readonly exit: ExitRecord;
  readonly signalsDelivered: ReadonlyArray<{ readonly signal: number; readonly handler: number }>;
}

export class KernelRecorder implements EntryExit {
  readonly inner = new KernelEntryExit();
  /** pt_regs of the last system call at entry (a copy), and at exit. */
  lastEntryRegs: PtRegs | undefined;
  lastExitRegs: PtRegs | undefined;
  /** Called after each return to user mode (the runtime decides whether to stop). */
  onEvent: ((event: KernelEvent) => void) | undefined;

  enter(process: ProcessView, entry: KernelEntry, address: number): { readonly regs: PtRegs; readonly record: EntryRecord } | { readonly fault: Fault } {
    const r = this.inner.enter(process, entry, address);
    if ('regs' in r) {
      this.lastEntryRegs = { ...r.regs };
      this.lastExitRegs = undefined;
    }
    return r;
  }

  exit(process: ProcessView, regs: PtRegs, entry: EntryRecord): ExitRecord {
    const exit = this.inner.exit(process, regs, entry);
    this.lastExitRegs = { ...regs };
    this.report('exit', this.inner.last);
    return exit;
  }

  exception(process: ProcessView, fault: Fault, address: number): void {
    this.report('exception', this.inner.exception(process, fault, address));
  }

  returnToUser(process: ProcessView): void {
    this.report('return', this.inner.returnToUser(process));
  }

  private report(kind: KernelEvent['kind'], log: ReturnLog | undefined): void {
    if (!log || !this.onEvent) return;
    this.onEvent({ kind, exit: log.exit, signalsDelivered: log.signals.delivered.map((d) => ({ signal: d.signal, handler: d.handler })) });
  }
}
