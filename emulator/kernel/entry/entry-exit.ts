// Owns the kernel's entry and exit paths as the run loop sees them (seams' EntryExit): on a
// kernel stop it checks that the CPU and kernel accept the entry instruction, builds pt_regs
// as that ABI's entry path does, and on the way out applies the single-step report, signal
// delivery with the restart rules, then the exit path (IRET, SYSEXIT, SYSRETL) chosen by
// the kernel's conditions. CPU exceptions come back through `exception` (signals, IRET).
//
// TF across a system call, as Linux (5.10 and later) does it: the entering instruction gets
// no SIGTRAP of its own. INT and SYSCALL clear TF on the way in; SYSENTER keeps it, and the
// #DB the first kernel instruction takes is dropped (is_sysenter_singlestep). TF stays set in
// pt_regs->flags, which forces the IRET exit; IRET restores it, and the CPU traps after the
// next user instruction. (Kernels before 5.10 turned that SYSENTER #DB into TIF_SINGLESTEP
// and reported a SIGTRAP on the way out; a ptrace single-step reports one for every entry.)
import type { KernelEntry, Fault } from '../../x86/stop';
import type { EntryExit, EntryRecord, ExitPath, ExitRecord, PhaseSink, ProcessView, PtRegs, SignalDelivery } from '../seams';
import { deliverSignals, signalsOf, type DeliveryLog } from '../signals/deliver';
import { signalForFault } from '../signals/faults';
import { signalName } from '../linux-abi';
import { buildInt80, buildSysenter, buildSyscall, type Built, type BuiltEntry } from './build-regs';
import { dispatchFunction, emitPhase, entryFunction, entryText, exitText, fetchText, ptRegsText } from './phases';
import { chooseExit, clobberedBy, clobbersAs, NO_FAST_RETURN, NOTHING_CLOBBERED, performExit, type ExitContext } from './exit-path';
import { regsFromCpu, iretToUser } from './regs';
import { entryAllowed, entryFault } from './validity';

type EntryContext = ExitContext;

/** Entries without an exit yet that keep their context (calls in flight at once). */
const PENDING_KEPT = 64;
/** Exit records kept for reuse. */
const SHARED_EXITS = 16;

/** The exit record of a return to user mode, with the handlers it entered. */
function exitRecord(exit: Omit<ExitRecord, 'delivered'>, signals: DeliveryLog): ExitRecord {
  if (signals.delivered.length === 0) return exit;
  const delivered: SignalDelivery[] = signals.delivered.map((d) => ({
    signal: d.signal, handler: d.handler, rt: d.rt, frame: { address: d.frame.address, pretcode: d.frame.pretcode, restorerFrom: d.frame.restorerFrom },
  }));
  return { ...exit, delivered };
}

/** The exit-work line, when the return to user mode did any: a restart (ip moved back), signal handlers entered, the process killed. */
function exitWork(phases: PhaseSink, fn: string, ipBefore: number, regs: PtRegs, signals: DeliveryLog): void {
  const hex = (n: number): string => '0x' + (n >>> 0).toString(16);
  const parts: string[] = [];
  if (signals.delivered.length === 0 && regs.ip >>> 0 !== ipBefore >>> 0) parts.push(`restart: ip ${hex(ipBefore)} -> ${hex(regs.ip)}, ax = orig_ax ${regs.ax}`);
  for (const d of signals.delivered) parts.push(`${signalName(d.signal)} delivered to the handler at ${hex(d.handler)} (${d.rt ? 'rt_sigframe' : 'sigframe'} at ${hex(d.frame.address)})`);
  if (signals.killed) parts.push(`no return: ${signals.killed.message}`);
  if (parts.length) emitPhase(phases, 'exit-work', fn, `exit work: ${parts.join('; ')}`, regs);
}

/** The fault a refused entry raises (#UD, #GP; #BP/#OF for int $3/int $4); eip is put back on the instruction for faults. */
function refuse(process: ProcessView, entry: KernelEntry, address: number): { readonly fault: Fault } {
  const { options } = process;
  const refused = entryFault(entry, options.cpu, options.kernel, () => {
    const bytes = process.memory.read(address, 2);
    return bytes instanceof Uint8Array ? [...bytes] : [];
  })!;
  // #UD and #GP are faults: ip stays on the instruction. #BP/#OF (int $3/int $4) are traps.
  if (refused.fault.vector === 'UD' || refused.fault.vector === 'GP') process.cpu.state.eip = address >>> 0;
  return { fault: refused.fault };
}

/** The entry phase told to `phases`; returns what tells it pt_regs as the entry builds them. */
function tellEntry(phases: PhaseSink, process: ProcessView, entry: KernelEntry, address: number): Built {
  const { cpu, options } = process;
  const fn = entryFunction(entry.via, options.kernel);
  emitPhase(phases, 'entry', fn, entryText(entry.via, address, options.cpu, options.kernel), regsFromCpu(cpu, cpu.state.eip, cpu.state.r[0]!));
  return (regs, how) => emitPhase(phases, 'pt_regs', fn, ptRegsText(regs, how), regs);
}

/** Tells `phases` each condition of the exit decision as it is checked. */
function explainExit(phases: PhaseSink, decider: string, regs: PtRegs): (text: string, holds: boolean) => void {
  return (text, holds) => emitPhase(phases, 'exit-condition', decider, `fast exit: ${text}: ${holds ? 'yes' : 'no'}`, regs);
}

export class KernelEntryExit implements EntryExit {
  /** The entries not yet exited (one, unless calls interleave), newest last, with the ABI and kernel they entered under. */
  private readonly pending: BuiltEntry[] = [];
  private readonly pendingAbi: ProcessView['options']['abi'][] = [];
  private readonly pendingKernel: ProcessView['options']['kernel'][] = [];
  /** The last entry built into a task's own pt_regs (the next may share its record). */
  private lastBuilt: BuiltEntry | undefined = undefined;
  /**
   * Recent exit records without deliveries, newest first, reused while one has the same
   * path, reason and clobbered values (a loop's calls return alike; the caller's arithmetic
   * leaves a few flags values: PF, AF, ZF, SF). Scanned: measured faster than a Map or a
   * hashed table of slots.
   */
  private readonly exits: ExitRecord[] = [];
  /** The last record decisionOnly gave. */
  private lastUnkept: ExitRecord = { path: 'iret', reason: '', clobbered: NOTHING_CLOBBERED };
  /** The exit context `exit` fills for the decision (reused: the decision keeps nothing of it). */
  private readonly context: { -readonly [K in keyof EntryContext]: EntryContext[K] } = { via: 'int', abi: 'upstream', kernel: 'compat64', fastReturn: NO_FAST_RETURN, fetchFailed: false };

  // enter and exit make no closure themselves (the refusal's and the phases' are made in
  // methods of their own): a function whose variables a closure captures allocates a
  // context for them on every call, closure made or not.
  enter(process: ProcessView, entry: KernelEntry, address: number, phases?: PhaseSink): { readonly regs: PtRegs; readonly record: EntryRecord } | { readonly fault: Fault } {
    const { cpu, options } = process;
    if (!entryAllowed(entry, options.cpu, options.kernel)) return refuse(process, entry, address);
    const landingPad = process.vdso?.symbols.landingPad;
    const told = phases ? tellEntry(phases, process, entry, address) : undefined;
    let built: BuiltEntry;
    const into = process.ptRegs;
    const previous = this.lastBuilt;
    if (entry.via === 'int') built = buildInt80(cpu, address, told, into, previous);
    else if (entry.via === 'sysenter') built = buildSysenter(cpu, address, options.abi, landingPad, told, into, previous);
    else built = buildSyscall(cpu, address, options.abi, landingPad, told, into, previous);
    if (into !== undefined) this.lastBuilt = built;
    if (phases) emitPhase(phases, 'fetch', dispatchFunction(entry.via), fetchText(built.record, built.regs), built.regs);
    this.pending.push(built);
    this.pendingAbi.push(options.abi);
    this.pendingKernel.push(options.kernel);
    // An entry whose exit never comes (the call ended the process) is forgotten eventually.
    if (this.pending.length > PENDING_KEPT) {
      this.pending.shift();
      this.pendingAbi.shift();
      this.pendingKernel.shift();
    }
    return built;
  }

  exit(process: ProcessView, regs: PtRegs, entry: EntryRecord, phases?: PhaseSink, unkept = false): ExitRecord {
    const ctx = this.takeContext(entry, process);
    const ip = regs.ip;
    const signals = deliverSignals(process, regs, true);
    const decider = dispatchFunction(ctx.via);
    if (phases) exitWork(phases, decider, ip, regs, signals);
    if (signals.killed) return exitRecord({ path: 'iret', reason: `no return: ${signals.killed.message}`, clobbered: [] }, signals);
    const { path, reason } = chooseExit(ctx, regs, phases && explainExit(phases, decider, regs));
    performExit(process.cpu, regs, path, ctx.kernel);
    const exit = signals.delivered.length !== 0 ? exitRecord({ path, reason, clobbered: clobberedBy(regs, path) }, signals)
      : unkept && phases === undefined ? this.decisionOnly(path, reason) : this.sharedExit(path, reason, regs);
    if (phases) emitPhase(phases, 'exit', entryFunction(ctx.via, ctx.kernel), exitText(exit, regs), regs);
    return exit;
  }

  /** The record of an exit nobody keeps (exit's `unkept`): its path and reason, the last one again while they repeat. */
  private decisionOnly(path: ExitPath, reason: string): ExitRecord {
    const last = this.lastUnkept;
    if (last.path === path && last.reason === reason) return last;
    return (this.lastUnkept = { path, reason, clobbered: NOTHING_CLOBBERED });
  }

  /** An exit record without deliveries for `path`, `reason` and what it clobbered (records are never written: alike ones share one). */
  private sharedExit(path: ExitPath, reason: string, regs: PtRegs): ExitRecord {
    const exits = this.exits;
    for (let k = 0; k < exits.length; k++) {
      const e = exits[k]!;
      if (e.reason === reason && e.path === path && clobbersAs(e.clobbered, regs, path)) return e;
    }
    const made: ExitRecord = { path, reason, clobbered: clobberedBy(regs, path) };
    if (exits.length >= SHARED_EXITS) exits.pop();
    exits.unshift(made);
    return made;
  }

  /** The exit context of the entry that made `record` (forgotten as it is returned); an unknown one: no fast return. */
  private takeContext(record: EntryRecord, process: ProcessView): EntryContext {
    const ctx = this.context;
    ctx.via = record.via;
    ctx.fetchFailed = false;
    ctx.abi = process.options.abi;
    ctx.kernel = process.options.kernel;
    ctx.fastReturn = NO_FAST_RETURN;
    const last = this.pending.length - 1;
    for (let k = last; k >= 0; k--) {
      if (this.pending[k]!.record !== record) continue;
      ctx.fastReturn = this.pending[k]!.fastReturn;
      ctx.fetchFailed = record.fetchFailed !== undefined;
      ctx.abi = this.pendingAbi[k]!;
      ctx.kernel = this.pendingKernel[k]!;
      if (k === last) {
        this.pending.pop();
        this.pendingAbi.pop();
        this.pendingKernel.pop();
      } else {
        this.pending.splice(k, 1);
        this.pendingAbi.splice(k, 1);
        this.pendingKernel.splice(k, 1);
      }
      break;
    }
    return ctx;
  }

  /**
   * A CPU exception in user mode (a fault stop, or a refused entry): the signal it raises is
   * forced, pending signals are delivered, and the process returns by IRET (or dies).
   * `ip` is the stopped eip (the faulting instruction, or the next one for traps).
   */
  exception(process: ProcessView, fault: Fault, ip: number): ExitRecord {
    const regs = regsFromCpu(process.cpu, ip, -1);
    signalsOf(process).force(signalForFault(fault, ip));
    return this.returnToUser(process, regs);
  }

  /** A return to user mode outside a system call (after an exception, or to deliver a signal sent meanwhile). */
  returnToUser(process: ProcessView, regs: PtRegs = regsFromCpu(process.cpu, process.cpu.state.eip, -1)): ExitRecord {
    const signals = deliverSignals(process, regs, false);
    if (signals.killed) return exitRecord({ path: 'iret', reason: `no return: ${signals.killed.message}`, clobbered: [] }, signals);
    iretToUser(process.cpu, regs);
    return exitRecord({ path: 'iret', reason: 'return from an exception or interrupt: IRET', clobbered: [] }, signals);
  }
}
