// Owns running the machine's tasks (tasks.ts: every thread of every guest process) on its one
// CPU: the scheduler picks tasks in creation order, each for a fixed quantum of instructions
// (a turn ends early when the task blocks, exits or yields); a task's CPU runs in slices that
// end exactly where a timer expires or a tick passes; a kernel stop goes through the entry
// path (EntryExit.enter: pt_regs, or #UD/#GP), the system call table, and the exit path
// (EntryExit.exit: restarts, signals, IRET/SYSEXIT/SYSRETL); a call that blocks is parked as
// a continuation (Process.sleep) and finished when it can go on; when no task can run,
// virtual time jumps to the next timeout or timer; faults grow the stack or become signals
// (EntryExit.exception); breakpoints, watchpoints and the instruction budget return to the
// caller (the CLI, the debugger). The run ends when the first process has exited (its
// remaining descendants are killed, as a PID namespace's init takes them with it). What the
// kernel model does goes out as one typed stream of kernel events (entry, exit, return from
// a fault, trap or interrupt, signal delivered) that the trace, the debugger and the checker
// subscribe to. A traced task stops where ptrace/stops.ts says (syscall entry and exit,
// events, signals before delivery, traps) and goes on when its tracer resumes it.
// Everything derives from instruction counts, so the same program and inputs give the same
// trace.
import { KernelEntryExit } from './entry/entry-exit';
import { E, syscallName } from './linux-abi';
import { SLEEPING, type Process } from './process';
import type { EntryExit, EntryRecord, ExitRecord, PhaseSink, PtRegs, SignalDelivery, SyscallRecord, WakeReason } from './seams';
import { SIG } from './linux-abi';
import type { Machine } from './tasks';
import { SYSCALL_TABLE } from './syscalls/index';
import type { SyscallRow } from './syscalls/table';
import { formatArgs, formatResult } from './trace';
import { emitPhase } from './entry/phases';
import { BUDGET_STOP, type Fault, type KernelEntry, type Stop } from '../x86/stop';
import { entryAllowed } from './entry/validity';
import type { Watchpoint } from '../memory/memory';
import { iretToUser, regsFromCpu } from './entry/regs';
import { isStopped, resumeIfReady } from './ptrace/tracee';
import { executeStops, faultStops, handlerEntryStop, handlerStops, signalStops, syscallEntryStops, syscallExitStops, tracedExec, watchStops } from './ptrace/stops';

export type RunResult =
  | { readonly kind: 'exited'; readonly status: number }
  | { readonly kind: 'killed'; readonly signal: number; readonly message: string }
  /** The instruction budget ran out; the process can be resumed. */
  | { readonly kind: 'budget' }
  | { readonly kind: 'breakpoint'; readonly address: number }
  | { readonly kind: 'watchpoint'; readonly watched: number; readonly address: number }
  /** A listener asked for a stop after a kernel event (requestStop); the process can be resumed. */
  | { readonly kind: 'requested' }
  /**
   * A task reached something the model does not emulate (64-bit code after a far transfer to
   * a 64-bit kernel's __USER_CS; a system call whose row is unemulated, stopped at its entry
   * instruction): the run cannot go on, but nothing killed the guest; running
   * again stops at the same instruction. `what` names it, `address` is the instruction.
   */
  | { readonly kind: 'unemulated'; readonly what: string; readonly address: number };

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

/** A system call parked in Process.sleep, finished when the task wakes. */
interface ParkedCall {
  readonly regs: PtRegs;
  readonly entry: EntryRecord;
  readonly nr: number;
  readonly name: string;
  readonly args: readonly number[];
  readonly shown: readonly string[];
  readonly icount: number;
  readonly restoresContext: boolean;
  readonly recording: boolean;
  /** pt_regs->bp to put back after the call, unless it rewrote bp (the pre-4.4 compat SYSCALL path's arg6 in a register). */
  readonly userBp: number | undefined;
  readonly arg6: number | undefined;
  /** Where this call's phases go (a debugger stepping into the kernel), if anywhere. */
  readonly phases: PhaseSink | undefined;
}

/** Largest slice given to Cpu.run at once (keeps timer checks and budgets responsive). */
const SLICE = 1 << 24;
/** Records kept in Process.trace; later ones still reach the listener. */
export const TRACE_KEPT = 100_000;
const NO_ARGS: readonly number[] = [];
/** System call numbers below this are looked up in an array (i386's table ends near 460). */
const ROWS_BY_INDEX = 1024;
const NO_ARGS_SHOWN: readonly string[] = [];

export class RunLoop {
  private readonly listeners: KernelListener[] = [];
  private stopRequested = false;
  /** How many system call records Process.trace keeps (0: none; the events still reach listeners). */
  traceKept = TRACE_KEPT;
  readonly machine: Machine;
  /** The task on the CPU, and what is left of its turn. */
  private current: Process | undefined = undefined;
  private turnLeft = 0;
  private readonly parked = new Map<Process, ParkedCall>();
  /** The call being finished when it neither parks nor waits for a tracer (reused: nothing keeps it past finishCall). */
  private readonly finishing: { -readonly [K in keyof ParkedCall]: ParkedCall[K] } = {
    regs: undefined as unknown as PtRegs, entry: undefined as unknown as EntryRecord, nr: 0, name: '', args: NO_ARGS, shown: NO_ARGS_SHOWN,
    icount: 0, restoresContext: false, recording: false, userBp: undefined, arg6: undefined, phases: undefined,
  };
  /**
   * Set by a debugger that steps into the kernel: the phases of the system calls entered
   * while it is set (kernel/entry/phases.ts). Undefined (the default) costs nothing.
   */
  phases: PhaseSink | undefined = undefined;

  /** The table's rows by number below ROWS_BY_INDEX (an array element instead of a Map look-up per call). */
  private readonly rows: ReadonlyArray<SyscallRow | undefined>;

  /** `table` is read here, once: a row set in it later is not seen. */
  constructor(
    first: Process,
    readonly entryExit: EntryExit = new KernelEntryExit(),
    readonly table: ReadonlyMap<number, SyscallRow> = SYSCALL_TABLE,
  ) {
    this.machine = first.machine;
    let top = 0;
    for (const nr of table.keys()) if (nr >= top && nr < ROWS_BY_INDEX) top = nr + 1;
    this.rows = Array.from({ length: top }, (_, nr) => table.get(nr));
  }

  /** The row of system call `nr`, or undefined. */
  private rowOf(nr: number): SyscallRow | undefined {
    if (nr < 0) return undefined;
    if (nr < this.rows.length) return this.rows[nr];
    return nr < ROWS_BY_INDEX ? undefined : this.table.get(nr);
  }

  /**
   * The CPU's kernel hook (Cpu.kernelHook) for the running task: a system call whose row is
   * `inline` is finished in place, without leaving Cpu.run, when nothing could see the
   * difference: no listener (so no event or stop request between calls), one task on the
   * machine (so no other task's timers or wake-ups are due at the boundary; no tracer), no
   * debugger following the kernel's phases, and an entry the CPU accepts. The call goes through the same entry, table and exit path as any other, so
   * pt_regs, the trace and icount are the same; anything else is handed back to run().
   */
  private readonly inPlace = (stop: Extract<Stop, { kind: 'kernel' }>): Stop | null => {
    const p = this.current;
    if (p === undefined || this.listeners.length !== 0 || this.phases !== undefined || p.ptrace !== undefined || this.machine.tasks.length !== 1) return stop;
    const row = this.rowOf(p.cpu.state.r[0]!);
    if (row === undefined || row.inline !== true || !entryAllowed(stop.entry, p.options.cpu, p.options.kernel)) return stop;
    this.systemCall(p, stop.entry, stop.address);
    // An inline call cannot end, park or signal the task; should one ever, run() takes over.
    return p.exit || p.sleeping || p.cpuRetired || p.signals.hasDeliverable() ? BUDGET_STOP : null;
  };

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

  /** The first process (its leader thread; after an execve, the task that replaced it). */
  get process(): Process {
    return this.machine.init;
  }

  /** The task that ran last (the one a breakpoint or watchpoint stopped). */
  get running(): Process {
    return this.current ?? this.process;
  }

  /** Runs at most `budget` instructions, or until the first process ends or a breakpoint/watchpoint stops a task. */
  run(budget: number): RunResult {
    const m = this.machine;
    const end = m.instructions() + budget;
    this.stopRequested = false;
    for (let guard = 0; ; guard++) {
      const init = this.process;
      if (init.exit && m.threadsOf(init.pid).length === 0) {
        m.killAll();
        this.recordEnded();
        return this.result()!;
      }
      if (this.stopRequested) {
        this.stopRequested = false;
        return { kind: 'requested' };
      }
      const left = end - m.instructions();
      if (left <= 0) return { kind: 'budget' };
      const task = this.pick();
      // A call that was parked may have finished in pick() and a listener asked to stop after it.
      if (this.stopRequested) {
        this.stopRequested = false;
        return { kind: 'requested' };
      }
      if (!task) {
        this.idle();
        continue;
      }
      const p = task;
      const cpu = p.cpu;
      const toTimer = p.instructionsToNextTimer();
      if (toTimer === 0 || ((p.signals.hasDeliverable() || p.ptrace?.pendingTrap) && this.entryExit.returnToUser)) {
        // A timer expired, or a signal came from elsewhere (another task, a timer fired
        // between turns): delivered on the return from the interrupt that ends the slice.
        this.timerInterrupt(p);
        if (guard > 1e7) return { kind: 'budget' };
        continue;
      }
      // A slice ends at the next tick too, where the vvar data the vDSO reads moves on.
      const toTick = p.vvar ? p.clock.instructionsToNextTick() : undefined;
      // A task alone in the machine runs on past its quantum (its turn would end only for it to be
      // picked again): a slice that ends inside a block costs a budget tail on the one-instruction
      // path and a block compiled from the middle of the next (docs/speed-and-exactness.md).
      const turn = m.tasks.length === 1 ? SLICE : this.turnLeft;
      const slice = Math.min(left, turn, SLICE, toTimer ?? SLICE, toTick ?? SLICE);
      p.refreshVvar();
      const before = cpu.state.icount;
      cpu.kernelHook = this.inPlace;
      const stop = cpu.run(slice);
      this.turnLeft -= cpu.state.icount - before;
      switch (stop.kind) {
        case 'budget':
          break;
        case 'kernel': {
          const what = this.unemulatedCall(p, stop.entry);
          if (what !== undefined) {
            // Nothing entered the kernel: the task stays at its entry instruction, as it was.
            cpu.state.eip = stop.address;
            return { kind: 'unemulated', what: `${what} is not emulated (the system call at 0x${stop.address.toString(16)})`, address: stop.address };
          }
          this.systemCall(p, stop.entry, stop.address);
          break;
        }
        case 'fault':
          if (stop.fault.vector === 'PF' && p.mm.growStack(stop.fault.address)) break;
          this.fault(p, stop.fault, stop.address, cpu.state.eip);
          break;
        case 'breakpoint':
          if (!p.cpu.isDebuggerBreakpoint(stop.address) && this.executeTrap(p, stop.address)) break;
          return { kind: 'breakpoint', address: stop.address };
        case 'watchpoint': {
          // A task's debug registers (ptrace) trap the task; the debugger's watchpoint stops the run.
          const hits = p.memory.watchHits;
          const debuggers = p.memory.getWatchpoint();
          const forDebugger = debuggers !== null && hits.has(debuggers);
          this.watchTrap(p, hits, stop.address);
          hits.clear();
          if (forDebugger) return { kind: 'watchpoint', watched: stop.watched, address: stop.address };
          break;
        }
        case 'unemulated':
          return { kind: 'unemulated', what: `${stop.what} is not emulated (the instruction at 0x${stop.address.toString(16)})`, address: stop.address };
      }
    }
  }

  /**
   * Called from a kernel event listener during run(): run() returns
   * { kind: 'requested' } once the current kernel event is finished (the debugger's
   * kernel-event breakpoints: system call entry, exit path chosen, signal delivered).
   */
  requestStop(): void {
    this.stopRequested = true;
  }

  /** How the first process ended, or undefined while it runs. */
  result(): RunResult | undefined {
    const e = this.process.exit;
    if (!e) return undefined;
    return 'status' in e ? { kind: 'exited', status: e.status & 0xff } : { kind: 'killed', signal: e.signal, message: e.message };
  }

  /** sched_yield: the running task's turn ends after this call. */
  endTurn(): void {
    this.turnLeft = 0;
  }

  /**
   * The task to run: the current one while its turn lasts, else the next runnable one after
   * it in creation order (a new turn). Sleeping tasks whose wait can end are resumed first,
   * and due timers of every process fire.
   */
  private pick(): Process | undefined {
    const m = this.machine;
    this.recordEnded();
    for (const t of m.tasks) if (!t.exit) t.fireTimers();
    for (const t of [...m.tasks]) if (!t.exit && isStopped(t)) this.resumeTraced(t);
    for (const t of [...m.tasks]) if (t.sleeping && !t.exit && !isStopped(t)) this.tryWake(t);
    const cur = this.current;
    if (cur && this.turnLeft > 0 && this.runnable(cur)) return cur;
    const tasks = m.tasks;
    const from = cur ? tasks.indexOf(cur) : -1;
    for (let k = 1; k <= tasks.length; k++) {
      const t = tasks[(Math.max(from, -1) + k + tasks.length) % tasks.length]!;
      if (this.runnable(t)) {
        this.current = t;
        this.turnLeft = m.quantum;
        return t;
      }
    }
    return undefined;
  }

  /** Calls parked by tasks that ended meanwhile (killed while they slept) are recorded, without a return. */
  private recordEnded(): void {
    for (const [t, call] of [...this.parked]) {
      if (!t.exit) continue;
      this.parked.delete(t);
      this.finishCall(t, call, -E.EINTR);
    }
  }

  private runnable(t: Process): boolean {
    return !t.exit && !t.sleeping && !t.cpuRetired && !isStopped(t);
  }

  /** A task in a ptrace stop that its tracer resumed (or SIGKILL woke) goes on where it stopped. */
  private resumeTraced(t: Process): void {
    const before = this.current;
    resumeIfReady(t);
    if (this.current === before && before === t && isStopped(t)) this.turnLeft = 0;
  }

  /**
   * An access hit watchpoints: those of `p`'s debug registers (ptrace) give it SIGTRAP after
   * the instruction; another thread's (the same memory) are not `p`'s business.
   */
  private watchTrap(p: Process, hits: ReadonlySet<Watchpoint>, address: number): void {
    if (!p.ptrace || !this.entryExit.returnToUser) return;
    const ip = p.cpu.state.eip >>> 0;
    const regs = regsFromCpu(p.cpu, ip, -1);
    const icount = p.cpu.state.icount;
    watchStops(p, hits, ip, regs, () => {
      const exit = this.entryExit.returnToUser!(p, regs) ?? undefined;
      handlerEntryStop(p, exit);
      this.returned({ kind: 'fault', fault: { vector: 'DB', reason: 'data-breakpoint' }, address, ip, icount, exit }, exit);
    });
  }

  /** The CPU stopped before an instruction breakpoint of `p`'s debug registers: SIGTRAP to it, through its tracer. */
  private executeTrap(p: Process, address: number): boolean {
    if (!p.ptrace || !this.entryExit.returnToUser) return false;
    const regs = regsFromCpu(p.cpu, address, -1);
    const icount = p.cpu.state.icount;
    return executeStops(p, address, regs, () => {
      const exit = p.exit ? undefined : this.entryExit.returnToUser!(p, regs) ?? undefined;
      handlerEntryStop(p, exit);
      this.returned({ kind: 'fault', fault: { vector: 'DB', reason: 'instruction-breakpoint' }, address, ip: address, icount, exit }, exit);
    });
  }

  /** Resumes `t`'s parked call when its condition holds, a signal may end it, or its timeout passed. */
  private tryWake(t: Process): void {
    const s = t.sleeping!;
    let why: WakeReason | undefined;
    if (s.ready?.()) why = 'ready';
    else if (!s.uninterruptible && (t.signals.hasDeliverable() || t.ptrace?.pendingTrap)) why = 'signal';
    else if (s.until !== undefined && t.clock.monotonic() >= s.until) why = 'timeout';
    if (!why) return;
    t.sleeping = undefined;
    const result = s.resume(why);
    if (result === SLEEPING && t.sleeping) return;
    const call = this.parked.get(t);
    this.parked.delete(t);
    if (call) this.finishCall(t, call, result);
  }

  /**
   * No task can run: virtual time jumps to the earliest timeout of a sleeping task or timer
   * of any process. When nothing can ever wake one, the guest waits forever: reported, and
   * every task is killed.
   */
  private idle(): void {
    const m = this.machine;
    const clock = this.process.clock;
    const now = clock.monotonic();
    let target: bigint | undefined;
    for (const t of m.tasks) {
      if (t.exit) continue;
      const candidates = [t.sleeping?.until, t.timers[0].expiry];
      for (const c of candidates) if (c !== undefined && (target === undefined || c < target)) target = c;
    }
    if (target === undefined) {
      // The last task ended as pick() woke it (a signal killed it in its call): nothing waits.
      if (m.tasks.every((t) => t.exit)) return;
      const traced = m.tasks.filter((t) => !t.exit && isStopped(t)).map((t) => `; pid ${t.tid} waits in a ptrace stop for its tracer (pid ${t.ptrace?.tracerPid ?? '?'})`);
      this.process.report(`vdso-lab: the guest waits forever (no timer, signal or input can wake it) at icount ${m.instructions()}${traced.join('')}`);
      for (const t of [...m.tasks]) if (!t.exit) t.terminate({ signal: SIG.SIGKILL, message: 'blocked forever' });
      return;
    }
    clock.advance(target - now);
  }

  /** A timer expired while user code ran: the signal is sent and delivered on the interrupt's return. */
  private timerInterrupt(p: Process): void {
    p.fireTimers();
    if ((!p.signals.hasDeliverable() && !p.ptrace?.pendingTrap) || !this.entryExit.returnToUser) return;
    const address = p.cpu.state.eip >>> 0;
    const icount = p.cpu.state.icount;
    const regs = regsFromCpu(p.cpu, address, -1);
    signalStops(p, regs, () => {
      if (p.exit) return;
      const exit = this.entryExit.returnToUser!(p, regs) ?? undefined;
      handlerEntryStop(p, exit);
      this.returned({ kind: 'timer', address, icount, exit }, exit);
    });
  }

  /** A fault or trap in user mode (`address`: the instruction; `ip`: the stopped eip). */
  private fault(p: Process, fault: Fault, address: number, ip: number): void {
    if (fault.vector === 'PF' && p.mm.pastEnd(fault.address)) fault = { ...fault, pastEnd: true };
    const icount = p.cpu.state.icount;
    let exit: ExitRecord | undefined;
    if (p.ptrace && this.entryExit.returnToUser) {
      // The tracer sees the fault's signal before it is delivered (a signal-delivery-stop).
      const regs = regsFromCpu(p.cpu, ip, -1);
      faultStops(p, fault, ip, regs, () => {
        const back = p.exit ? undefined : this.entryExit.returnToUser!(p, regs) ?? undefined;
        handlerEntryStop(p, back);
        this.returned({ kind: 'fault', fault, address, ip, icount, exit: back }, back);
      });
      return;
    }
    if (this.entryExit.exception) exit = this.entryExit.exception(p, fault, ip) ?? undefined;
    else p.terminate({ signal: 11, message: `fault ${fault.vector} at 0x${address.toString(16)}` });
    this.returned({ kind: 'fault', fault, address, ip, icount, exit }, exit);
  }

  /** What the call in eax needs that the model does not emulate (its row says so), when this entry would reach it. */
  private unemulatedCall(p: Process, entry: KernelEntry): string | undefined {
    const row = this.rowOf(p.cpu.state.r[0]!);
    if (row?.unemulated === undefined || !entryAllowed(entry, p.options.cpu, p.options.kernel)) return undefined;
    return row.unemulated(p);
  }

  private systemCall(p: Process, entry: KernelEntry, address: number): void {
    const phases = this.phases;
    const entered = this.entryExit.enter(p, entry, address, phases);
    if ('fault' in entered) {
      this.fault(p, entered.fault, address, p.cpu.state.eip);
      return;
    }
    const regs = entered.regs;
    if (this.listeners.length) this.emit({ kind: 'entry', entry: entered.record, regs: { ...regs } });
    // A traced task stops at the entry (PTRACE_SYSCALL); a faulted fetch never reaches the call's entry work.
    if (p.ptrace && !entered.record.fetchFailed) this.tracedEntry(p, entered, address, phases);
    else this.dispatch(p, entered, address, phases);
  }

  // The traced paths' continuations are closures made in methods of their own: the functions
  // every call runs (systemCall, dispatch, finishCall) capture nothing, so they allocate no
  // context per call.

  /** The syscall-entry stop of a traced task, then the call. */
  private tracedEntry(p: Process, entered: { readonly regs: PtRegs; readonly record: EntryRecord }, address: number, phases: PhaseSink | undefined): void {
    syscallEntryStops(p, entered.regs, () => this.dispatch(p, entered, address, phases));
  }

  /** A traced task's stops after the call's handler, then the call parks or finishes. */
  private tracedHandler(p: Process, call: ParkedCall, result: number): void {
    handlerStops(p, call.regs, () => this.parkOrFinish(p, call, result));
  }

  /** A traced task's syscall-exit stop (a signal-delivery stop after a faulted fetch), then the exit path. */
  private tracedExit(p: Process, call: ParkedCall, result: number): void {
    if (call.entry.fetchFailed) signalStops(p, call.regs, () => this.leave(p, call, result));
    else syscallExitStops(p, call.regs, () => this.leave(p, call, result));
  }

  /** A traced task that execve replaced: the exec stop and the syscall-exit stop of the new image, which starts by an IRET. */
  private tracedExecStops(next: Process, formerTid: number, nr: number): void {
    const start = regsFromCpu(next.cpu, next.cpu.state.eip, nr);
    start.ax = 0;
    tracedExec(next, formerTid, start, () => syscallExitStops(next, start, () => iretToUser(next.cpu, start)));
  }

  /** Runs the call pt_regs name (orig_ax, as a tracer may have changed it; -1: none) and finishes or parks it. */
  private dispatch(p: Process, entered: { readonly regs: PtRegs; readonly record: EntryRecord }, address: number, phases: PhaseSink | undefined): void {
    const regs = entered.regs;
    const nr = regs.orig_ax;
    const row = this.rowOf(nr);
    const record = entered.record;
    if (row !== undefined && phases === undefined && p.ptrace === undefined && record.fetchFailed === undefined && record.arg6InRegister === undefined &&
      row.restoresContext !== true && this.listeners.length === 0 && p.trace.length >= this.traceKept) {
      // The usual call, which nothing records and no tracer or debugger follows: it runs, and
      // unless it blocked, yielded or ended the task (finished below as any other call), the
      // task leaves by the exit path at once, as finishCall and leave would take it.
      const before = p.cpu.state.icount;
      const done = row.handler(p, regs);
      if (done !== SLEEPING && !p.yielded && !p.exit && !p.cpuRetired) {
        regs.ax = done | 0;
        this.entryExit.exit(p, regs, record, undefined, true);
        return;
      }
      this.afterHandler(p, entered, undefined, row, nr, before, NO_ARGS, NO_ARGS_SHOWN, row.name, false, undefined, done);
      return;
    }
    const icount = p.cpu.state.icount;
    const arg6 = entered.record.arg6InRegister;
    // The record (its arguments, as the trace shows them) is made only when something keeps it.
    const recording = this.listeners.length > 0 || p.trace.length < this.traceKept;
    const all = recording ? [regs.bx, regs.cx, regs.dx, regs.si, regs.di, arg6 ?? regs.bp].map((v) => v >>> 0) : NO_ARGS;
    const args = row && recording ? all.slice(0, row.args.length) : all;
    const shown = this.listeners.length ? formatArgs(p, row ? row.args : 'xxxxxx', args) : NO_ARGS_SHOWN;
    const name = row ? row.name : syscallName(nr);
    let result: number;
    let userBp: number | undefined;
    if (entered.record.fetchFailed) {
      // __do_fast_syscall_32: a fault fetching from the user stack returns -EFAULT without
      // running the call (the entry left it in ax), and the exit is IRET.
      result = regs.ax;
    } else if (row && arg6 !== undefined) {
      // The call sees arg6 as its sixth argument; pt_regs->bp keeps the user's ebp unless
      // the call itself rewrote the registers (a sigreturn).
      userBp = regs.bp;
      regs.bp = arg6;
      result = row.handler(p, regs);
    } else if (row) result = row.handler(p, regs);
    else if (nr === -1) {
      // No call (a tracer set orig_eax to -1, or eax was -1): ax keeps what the entry left.
      result = regs.ax;
    } else {
      result = -E.ENOSYS;
      if (!p.unknownReported.has(nr)) {
        p.unknownReported.add(nr);
        p.report(`vdso-lab: system call ${nr >>> 0} (${syscallName(nr)}) is not implemented: -ENOSYS (at 0x${address.toString(16)})`);
      }
    }
    this.afterHandler(p, entered, phases, row, nr, icount, args, shown, name, recording, userBp, result);
  }

  /** After the call's handler (or instead of it): the call parks, waits for its tracer, or is finished. */
  private afterHandler(
    p: Process, entered: { readonly regs: PtRegs; readonly record: EntryRecord }, phases: PhaseSink | undefined, row: SyscallRow | undefined, nr: number, icount: number,
    args: readonly number[], shown: readonly string[], name: string, recording: boolean, userBp: number | undefined, result: number,
  ): void {
    const regs = entered.regs;
    const arg6 = entered.record.arg6InRegister;
    const restoresContext = row?.restoresContext === true && !entered.record.fetchFailed;
    if (p.yielded) {
      p.yielded = false;
      this.turnLeft = 0;
    }
    const parks = result === SLEEPING && p.sleeping !== undefined && !p.exit;
    if (!p.ptrace && !parks) {
      // The usual case: the call is finished at once, described in the one reused object.
      const c = this.finishing;
      c.regs = regs; c.entry = entered.record; c.nr = nr; c.name = name; c.args = args; c.shown = shown; c.icount = icount;
      c.userBp = userBp; c.arg6 = arg6; c.recording = recording; c.phases = phases; c.restoresContext = restoresContext;
      this.finishCall(p, c, result);
      return;
    }
    const call: ParkedCall = { regs, entry: entered.record, nr, name, args, shown, icount, userBp, arg6, recording, phases, restoresContext };
    if (p.ptrace) this.tracedHandler(p, call, result);
    else this.parkOrFinish(p, call, result);
  }

  /** A call that blocked waits parked; any other is finished. */
  private parkOrFinish(p: Process, call: ParkedCall, result: number): void {
    if (result === SLEEPING && p.sleeping && !p.exit) {
      this.parked.set(p, call);
      this.turnLeft = 0;
      return;
    }
    this.finishCall(p, call, result);
  }

  /** The call's result goes to ax and the task leaves the kernel by the exit path (or it ended). */
  private finishCall(p: Process, call: ParkedCall, result: number): void {
    const { regs, nr, name, args, shown, icount } = call;
    if (call.userBp !== undefined && regs.bp === call.arg6) regs.bp = call.userBp;
    if (call.phases) this.callPhase(p, call, result);
    if (p.exit) {
      if (this.current === p) this.turnLeft = 0;
      if (call.recording) this.record(p, { nr, name, args, result: undefined, entry: call.entry, exit: undefined, icount }, shown, undefined);
      return;
    }
    if (p.cpuRetired) {
      // execve replaced this task: the new image starts at its entry with the registers exec set (an IRET).
      if (this.current === p) this.turnLeft = 0;
      const exit: ExitRecord = { path: 'iret', reason: 'execve: the new program starts at its entry point: IRET', clobbered: [] };
      if (call.recording) this.record(p, { nr, name, args, result, entry: call.entry, exit, icount }, shown, undefined);
      const next = this.machine.byTid(p.tid);
      if (next?.ptrace) this.tracedExecStops(next, p.tid, nr);
      return;
    }
    regs.ax = result | 0;
    if (!p.ptrace) this.leave(p, call, result);
    else this.tracedExit(p, call, result);
  }

  /** The exit path (restarts, signals, IRET/SYSEXIT/SYSRETL) and the call's record. */
  private leave(p: Process, call: ParkedCall, result: number): void {
    const { regs, nr, name, args, shown, icount } = call;
    if (p.exit) {
      if (call.recording) this.record(p, { nr, name, args, result: undefined, entry: call.entry, exit: undefined, icount }, shown, undefined);
      return;
    }
    const exit = this.entryExit.exit(p, regs, call.entry, call.phases);
    if (p.ptrace) handlerEntryStop(p, exit);
    if (!call.recording) return;
    // A sigreturn's "result" is the eax of the context it restored, not a return value.
    const record: SyscallRecord = call.restoresContext
      ? { nr, name, args, result: undefined, restoredAx: result | 0, entry: call.entry, exit, icount }
      : { nr, name, args, result, entry: call.entry, exit, icount };
    this.record(p, record, shown, regs);
  }

  /** The call phase: the system call run with its arguments and its result (or why it did not run, or that it ended the task). */
  private callPhase(p: Process, call: ParkedCall, result: number): void {
    const fn = `sys_${call.name}`;
    const ran = `${call.name}(${call.shown.join(', ')})`;
    let text: string;
    if (call.entry.fetchFailed) text = `${call.name} is not run: the fetch faulted, ax = ${formatResult(result)}`;
    else if (p.exit) text = `${ran}: the task ended (${p.describeExit()})`;
    else if (p.cpuRetired) text = `${ran} = ${formatResult(result)}: execve replaced the program`;
    else if (call.restoresContext) text = `${ran}: the context was restored (eax ${'0x' + (result >>> 0).toString(16)})`;
    else text = `${ran} = ${formatResult(result)}${this.rowOf(call.nr) ? '' : ' (not implemented)'}`;
    emitPhase(call.phases!, 'call', fn, text, { ...call.regs, ax: call.restoresContext || p.exit ? call.regs.ax : result | 0 });
  }

  private record(p: Process, r: SyscallRecord, shownArgs: readonly string[], regs: PtRegs | undefined): void {
    const named: SyscallRecord = this.machine.multitask ? { ...r, tid: p.tid } : r;
    if (p.trace.length < this.traceKept) p.trace.push(named);
    this.returned({ kind: 'exit', record: named, shownArgs, regs: regs && { ...regs } }, r.exit);
  }
}
