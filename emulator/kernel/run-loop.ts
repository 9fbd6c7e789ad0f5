// Owns running a process: the CPU runs in slices that end exactly where a timer expires;
// a kernel stop goes through the entry path (EntryExit.enter: pt_regs, or #UD/#GP), the
// system call table, and the exit path (EntryExit.exit: restarts, signals, IRET/SYSEXIT/
// SYSRETL); faults grow the stack or become signals (EntryExit.exception); breakpoints,
// watchpoints and the instruction budget return to the caller (the CLI, the debugger).
// Everything derives from the instruction count, so the same program and inputs give the
// same trace.
import { KernelEntryExit } from './entry/entry-exit';
import { E, syscallName } from './linux-abi';
import type { Process } from './process';
import type { EntryExit, SyscallRecord } from './seams';
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

/** Called for every system call with its arguments as the trace shows them. */
export type SyscallListener = (record: SyscallRecord, shownArgs: readonly string[]) => void;

/**
 * A return to user mode outside a system call: a fault or trap (the signal it forced and any
 * pending one were delivered, or the process died), or a timer interrupt that delivered signals.
 */
export type InterruptEvent =
  /** `address`: the instruction; `ip`: where the CPU stopped (the next instruction for traps). */
  | { readonly kind: 'fault'; readonly fault: Fault; readonly address: number; readonly ip: number; readonly icount: number }
  | { readonly kind: 'timer'; readonly address: number; readonly icount: number };
export type InterruptListener = (event: InterruptEvent) => void;

/** Largest slice given to Cpu.run at once (keeps timer checks and budgets responsive). */
const SLICE = 1 << 24;
/** Records kept in Process.trace; later ones still reach the listener. */
export const TRACE_KEPT = 100_000;

export class RunLoop {
  /** Called after every system call (the CLI's --trace, the debugger's events). */
  onSyscall: SyscallListener | undefined = undefined;
  /** Called after every fault, trap or timer interrupt that returned to user mode (the trace's signal lines). */
  onInterrupt: InterruptListener | undefined = undefined;
  private stopRequested = false;

  constructor(
    readonly process: Process,
    readonly entryExit: EntryExit = new KernelEntryExit(),
    readonly table: ReadonlyMap<number, SyscallRow> = SYSCALL_TABLE,
  ) {}

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
   * Called from a listener (onSyscall, an EntryExit wrapper) during run(): run() returns
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
    const event: InterruptEvent = { kind: 'timer', address: p.cpu.state.eip >>> 0, icount: p.cpu.state.icount };
    this.entryExit.returnToUser(p);
    if (this.onInterrupt) this.onInterrupt(event);
  }

  /** A fault or trap in user mode (`address`: the instruction; `ip`: the stopped eip). */
  private fault(fault: Fault, address: number, ip: number): void {
    const p = this.process;
    const event: InterruptEvent = { kind: 'fault', fault, address, ip, icount: p.cpu.state.icount };
    if (this.entryExit.exception) this.entryExit.exception(p, fault, ip);
    else p.terminate({ signal: 11, message: `fault ${fault.vector} at 0x${address.toString(16)}` });
    if (this.onInterrupt) this.onInterrupt(event);
  }

  private systemCall(entry: KernelEntry, address: number): void {
    const p = this.process;
    const entered = this.entryExit.enter(p, entry, address);
    if ('fault' in entered) {
      this.fault(entered.fault, address, p.cpu.state.eip);
      return;
    }
    const regs = entered.regs;
    const nr = regs.orig_ax;
    const row = nr >= 0 ? this.table.get(nr) : undefined;
    const icount = p.cpu.state.icount;
    const arg6 = entered.record.arg6InRegister;
    const all = [regs.bx, regs.cx, regs.dx, regs.si, regs.di, arg6 ?? regs.bp].map((v) => v >>> 0);
    const args = row ? all.slice(0, row.args.length) : all;
    const shown = this.onSyscall ? formatArgs(p, row ? row.args : 'xxxxxx', args) : [];
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
      this.record({ nr, name, args, result: undefined, entry: entered.record, exit: undefined, icount }, shown);
      return;
    }
    regs.ax = result | 0;
    const exit = this.entryExit.exit(p, regs, entered.record);
    // A sigreturn's "result" is the eax of the context it restored, not a return value.
    const restored = row?.restoresContext === true && !entered.record.fetchFailed;
    const record: SyscallRecord = restored
      ? { nr, name, args, result: undefined, restoredAx: result | 0, entry: entered.record, exit, icount }
      : { nr, name, args, result, entry: entered.record, exit, icount };
    this.record(record, shown);
  }

  private record(r: SyscallRecord, shown: readonly string[]): void {
    const p = this.process;
    if (p.trace.length < TRACE_KEPT) p.trace.push(r);
    if (this.onSyscall) this.onSyscall(r, shown);
  }
}
