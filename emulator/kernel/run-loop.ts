// Owns running a process: the CPU runs in slices that end exactly where a timer expires;
// a kernel stop goes through the entry path (EntryExit.enter: pt_regs, or #UD/#GP), the
// system call table, and the exit path (EntryExit.exit: restarts, signals, IRET/SYSEXIT/
// SYSRETL); faults grow the stack or become signals (EntryExit.exception); breakpoints,
// watchpoints and the instruction budget return to the caller (the CLI, the debugger).
// What the kernel model does goes out as one typed stream of kernel events (entry, exit,
// return from a fault, trap or interrupt, signal delivered) that the trace, the debugger and
// the checker subscribe to. Everything derives from the instruction count, so the same
// program and inputs give the same trace.
import { KernelEntryExit } from './entry/entry-exit';
import { E, syscallName } from './linux-abi';
import type { Process } from './process';
import type { EntryExit, EntryRecord, ExitRecord, PtRegs, SignalDelivery, SyscallRecord } from './seams';
import { SYSCALL_TABLE } from './syscalls/index';
import type { SyscallRow } from './syscalls/table';
import { formatArgs } from './trace';
import type { Fault, KernelEntry } from '../x86/stop';

export type RunResult =
  | { readonly kind: 'exited'; readonly status: number }
  | { readonly kind: 'killed'; readonly signal: number; readonly message: string }
  /** The instruction budget ran out; the process can be resumed. */
  | { readonly kind: 'budget' }
  | { readonly kind: 'breakpoint'; readonly address: number }
  | { readonly kind: 'watchpoint'; readonly watched: number; readonly address: number }
  /** A listener asked for a stop after a kernel event (requestStop); the process can be resumed. */
  | { readonly kind: 'requested' };

/** The kernel model's events, in the order it does them. */
export type KernelEvent =
  /** A system call entered: pt_regs as the entry path built them (a copy). */
  | { readonly kind: 'entry'; readonly entry: EntryRecord; readonly regs: Readonly<PtRegs> }
  /**
   * A system call is finished: its record, its arguments as the trace shows them (strings
   * read from guest memory at entry), and pt_regs as the exit path used them (a copy;
   * undefined when the call ended the process).
   */
  | { readonly kind: 'exit'; readonly record: SyscallRecord; readonly shownArgs: readonly string[]; readonly regs: Readonly<PtRegs> | undefined }
  /**
   * A fault or trap in user mode (the signal it forced and any pending one were delivered,
   * or the process died). `address`: the instruction; `ip`: where the CPU stopped (the next
   * instruction for traps); `exit`: the return to user mode (undefined: the process died
   * without the kernel model's exception path).
   */
  | { readonly kind: 'fault'; readonly fault: Fault; readonly address: number; readonly ip: number; readonly icount: number; readonly exit: ExitRecord | undefined }
  /** A timer interrupt whose return to user mode delivered signals. */
  | { readonly kind: 'timer'; readonly address: number; readonly icount: number; readonly exit: ExitRecord | undefined }
  /** A signal handler entered on the return to user mode just reported (after its exit, fault or timer event). */
  | { readonly kind: 'signal'; readonly delivery: SignalDelivery };

export type KernelListener = (event: KernelEvent) => void;

/** Largest slice given to Cpu.run at once (keeps timer checks and budgets responsive). */
const SLICE = 1 << 24;
/** Records kept in Process.trace; later ones still reach the listener. */
export const TRACE_KEPT = 100_000;
const NO_ARGS: readonly number[] = [];
const NO_ARGS_SHOWN: readonly string[] = [];

export class RunLoop {
  private readonly listeners: KernelListener[] = [];
  private stopRequested = false;
  /** How many system call records Process.trace keeps (0: none; the events still reach listeners). */
  traceKept = TRACE_KEPT;

  constructor(
    readonly process: Process,
    readonly entryExit: EntryExit = new KernelEntryExit(),
    readonly table: ReadonlyMap<number, SyscallRow> = SYSCALL_TABLE,
  ) {}

  /** Adds a listener of the kernel events; returns the function that removes it. */
  subscribe(listener: KernelListener): () => void {
    this.listeners.push(listener);
    return () => {
      const at = this.listeners.indexOf(listener);
      if (at >= 0) this.listeners.splice(at, 1);
    };
  }

  private emit(event: KernelEvent): void {
    for (const l of this.listeners) l(event);
  }

  /** The events of a return to user mode: its own, then one per signal handler it entered. */
  private returned(event: KernelEvent, exit: ExitRecord | undefined): void {
    if (!this.listeners.length) return;
    this.emit(event);
    for (const delivery of exit?.delivered ?? []) this.emit({ kind: 'signal', delivery });
  }

  /** Runs at most `budget` instructions, or until the process ends or a breakpoint/watchpoint stops it. */
  run(budget: number): RunResult {
    const p = this.process;
    const cpu = p.cpu;
    const end = cpu.state.icount + budget;
    this.stopRequested = false;
    for (let guard = 0; !p.exit; guard++) {
      if (this.stopRequested) {
        this.stopRequested = false;
        return { kind: 'requested' };
      }
      const left = end - cpu.state.icount;
      if (left <= 0) return { kind: 'budget' };
      const toTimer = p.instructionsToNextTimer();
      if (toTimer === 0) {
        this.timerInterrupt();
        if (guard > 1e7) return { kind: 'budget' };
        continue;
      }
      // A slice ends at the next tick too, where the vvar data the vDSO reads moves on.
      const toTick = p.vvar ? p.clock.instructionsToNextTick() : undefined;
      const slice = Math.min(left, SLICE, toTimer ?? SLICE, toTick ?? SLICE);
      p.refreshVvar();
      const stop = cpu.run(slice);
      switch (stop.kind) {
        case 'budget':
          break;
        case 'kernel':
          this.systemCall(stop.entry, stop.address);
          break;
        case 'fault':
          if (stop.fault.vector === 'PF' && p.mm.growStack(stop.fault.address)) break;
          this.fault(stop.fault, stop.address, cpu.state.eip);
          break;
        case 'breakpoint':
          return { kind: 'breakpoint', address: stop.address };
        case 'watchpoint':
          return { kind: 'watchpoint', watched: stop.watched, address: stop.address };
      }
    }
    return this.result()!;
  }

  /**
   * Called from a kernel event listener during run(): run() returns
   * { kind: 'requested' } once the current kernel event is finished (the debugger's
   * kernel-event breakpoints: system call entry, exit path chosen, signal delivered).
   */
  requestStop(): void {
    this.stopRequested = true;
  }

  /** How the process ended, or undefined while it runs. */
  result(): RunResult | undefined {
    const e = this.process.exit;
    if (!e) return undefined;
    return 'status' in e ? { kind: 'exited', status: e.status & 0xff } : { kind: 'killed', signal: e.signal, message: e.message };
  }

  /** A timer expired while user code ran: the signal is sent and delivered on the interrupt's return. */
  private timerInterrupt(): void {
    const p = this.process;
    p.fireTimers();
    if (!p.signals.hasDeliverable() || !this.entryExit.returnToUser) return;
    const address = p.cpu.state.eip >>> 0;
    const icount = p.cpu.state.icount;
    const exit = this.entryExit.returnToUser(p) ?? undefined;
    this.returned({ kind: 'timer', address, icount, exit }, exit);
  }

  /** A fault or trap in user mode (`address`: the instruction; `ip`: the stopped eip). */
  private fault(fault: Fault, address: number, ip: number): void {
    const p = this.process;
    const icount = p.cpu.state.icount;
    let exit: ExitRecord | undefined;
    if (this.entryExit.exception) exit = this.entryExit.exception(p, fault, ip) ?? undefined;
    else p.terminate({ signal: 11, message: `fault ${fault.vector} at 0x${address.toString(16)}` });
    this.returned({ kind: 'fault', fault, address, ip, icount, exit }, exit);
  }

  private systemCall(entry: KernelEntry, address: number): void {
    const p = this.process;
    const entered = this.entryExit.enter(p, entry, address);
    if ('fault' in entered) {
      this.fault(entered.fault, address, p.cpu.state.eip);
      return;
    }
    const regs = entered.regs;
    if (this.listeners.length) this.emit({ kind: 'entry', entry: entered.record, regs: { ...regs } });
    const nr = regs.orig_ax;
    const row = nr >= 0 ? this.table.get(nr) : undefined;
    const icount = p.cpu.state.icount;
    const arg6 = entered.record.arg6InRegister;
    // The record (its arguments, as the trace shows them) is made only when something keeps it.
    const recording = this.listeners.length > 0 || p.trace.length < this.traceKept;
    const all = recording ? [regs.bx, regs.cx, regs.dx, regs.si, regs.di, arg6 ?? regs.bp].map((v) => v >>> 0) : NO_ARGS;
    const args = row && recording ? all.slice(0, row.args.length) : all;
    const shown = this.listeners.length ? formatArgs(p, row ? row.args : 'xxxxxx', args) : NO_ARGS_SHOWN;
    let result: number;
    if (entered.record.fetchFailed) {
      // __do_fast_syscall_32: a fault fetching from the user stack returns -EFAULT without
      // running the call (the entry left it in ax), and the exit is IRET.
      result = regs.ax;
    } else if (row && arg6 !== undefined) {
      // The call sees arg6 as its sixth argument; pt_regs->bp keeps the user's ebp unless
      // the call itself rewrote the registers (a sigreturn).
      const userBp = regs.bp;
      regs.bp = arg6;
      result = row.handler(p, regs);
      if (regs.bp === arg6) regs.bp = userBp;
    } else if (row) result = row.handler(p, regs);
    else {
      result = -E.ENOSYS;
      if (!p.unknownReported.has(nr)) {
        p.unknownReported.add(nr);
        p.report(`vdso-lab: system call ${nr >>> 0} (${syscallName(nr)}) is not implemented: -ENOSYS (at 0x${address.toString(16)})`);
      }
    }
    const name = row ? row.name : syscallName(nr);
    if (p.exit) {
      if (!recording) return;
      this.record({ nr, name, args, result: undefined, entry: entered.record, exit: undefined, icount }, shown, undefined);
      return;
    }
    regs.ax = result | 0;
    const exit = this.entryExit.exit(p, regs, entered.record);
    if (!recording) return;
    // A sigreturn's "result" is the eax of the context it restored, not a return value.
    const restored = row?.restoresContext === true && !entered.record.fetchFailed;
    const record: SyscallRecord = restored
      ? { nr, name, args, result: undefined, restoredAx: result | 0, entry: entered.record, exit, icount }
      : { nr, name, args, result, entry: entered.record, exit, icount };
    this.record(record, shown, regs);
  }

  private record(r: SyscallRecord, shownArgs: readonly string[], regs: PtRegs | undefined): void {
    const p = this.process;
    if (p.trace.length < this.traceKept) p.trace.push(r);
    this.returned({ kind: 'exit', record: r, shownArgs, regs: regs && { ...regs } }, r.exit);
  }
}
