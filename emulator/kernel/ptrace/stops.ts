// Owns where a traced task stops on its way through the kernel model (docs/kernel-facts.md
// §12), each a step that calls its continuation at once when there is nothing to stop for:
// the syscall-entry stop (PTRACE_SYSCALL; the tracer may change orig_eax, -1 skips the call)
// and the PTRACE_EVENT_EXIT stop before exit/exit_group; the event stop after fork, vfork or
// clone created a task (TRACEFORK/VFORK/CLONE); the syscall-exit stop, or under
// PTRACE_SINGLESTEP the SIGTRAP (TRAP_BRKPT) a system call reports on its way out; then, on
// every return to user mode, the pending trap (a seized child's PTRACE_EVENT_STOP, INTERRUPT,
// the exec event) and one signal-delivery-stop per signal to deliver: the tracer sees the
// signal before it is delivered and resumes with it, another one (SI_USER from the tracer)
// or none; a stop signal it lets through puts the task in a group-stop. A signal that has
// passed the tracer is delivered without a second stop; a single step into a handler stops
// at its first instruction. Faults (#DB of a single step: DR6 = DR_STEP) and debug-register
// hits (DR6 = DR_TRAPn, SIGTRAP TRAP_HWBKPT: after the access for a data breakpoint, before
// the instruction for an execute one) come here too.
import type { Fault } from '../../x86/stop';
import type { Watchpoint } from '../../memory/memory';
import { SIG } from '../linux-abi';
import type { Process } from '../process';
import type { ExitRecord, PtRegs } from '../seams';
import { iretToUser, regsFromCpu } from '../entry/regs';
import { SI, SIG_DFL, TRAPNO, defaultAction } from '../signals/abi';
import { signalsOf } from '../signals/deliver';
import { signalForFault } from '../signals/faults';
import type { QueuedSignal, Signals } from '../signals/state';
import { CLONE } from '../syscalls/clone';
import { DR_STEP, PTRACE_EVENT, PTRACE_O } from './abi';
import { Tracee, enterStop, fatalPending, notifyInfo } from './tracee';
import { sideTable } from '../side-tables';

const TF = 0x100, RF = 0x10000;
const NR_EXIT = 1, NR_EXIT_GROUP = 252;

/** Signals that have been through a signal-delivery-stop: delivered without another. */
const passed = sideTable<QueuedSignal, true>();

/** SIGTRAP, or SIGTRAP | 0x80 under PTRACE_O_TRACESYSGOOD: the exit_code of a syscall stop. */
function syscallCode(t: Tracee): number {
  return SIG.SIGTRAP | (t.has(PTRACE_O.TRACESYSGOOD) ? 0x80 : 0);
}

/** A signal the tracer gave when resuming a syscall stop is sent, not injected (ptrace_report_syscall). */
function sendResumeSignal(p: Process, data: number): void {
  if (data > 0) signalsOf(p).queue({ info: { signo: data, code: SI.KERNEL } });
}

function eventStop(p: Process, regs: PtRegs, event: number, message: number, then: () => void): void {
  const code = SIG.SIGTRAP | (event << 8);
  enterStop(p, 'event', code, regs, notifyInfo(p, code), message, () => then());
}

/** ptrace_message at a syscall stop (PTRACE_EVENTMSG_SYSCALL_ENTRY/EXIT, since 5.3). */
const EVENTMSG_SYSCALL_ENTRY = 1, EVENTMSG_SYSCALL_EXIT = 2;

/** At system call entry, after pt_regs are built: the syscall-entry stop, then the exit event. */
export function syscallEntryStops(p: Process, regs: PtRegs, then: () => void): void {
  const t = p.ptrace;
  if (!t || p.exit || !t.syscallTrace) {
    exitEvent(p, regs, then);
    return;
  }
  const code = syscallCode(t);
  enterStop(p, 'syscall-entry', code, regs, notifyInfo(p, code), EVENTMSG_SYSCALL_ENTRY, (data) => {
    sendResumeSignal(p, data);
    // syscall_trace_enter: a fatal signal pending after the stop skips the call.
    if (fatalPending(p)) regs.orig_ax = -1;
    exitEvent(p, regs, then);
  });
}

/** PTRACE_EVENT_EXIT before exit/exit_group runs (the message is the wait status it will have). */
function exitEvent(p: Process, regs: PtRegs, then: () => void): void {
  const t = p.ptrace;
  const nr = regs.orig_ax;
  if (!t || p.exit || (nr !== NR_EXIT && nr !== NR_EXIT_GROUP) || !t.has(PTRACE_O.TRACEEXIT)) {
    then();
    return;
  }
  eventStop(p, regs, PTRACE_EVENT.EXIT, (regs.bx & 0xff) << 8, then);
}

/** After the handler returned (before a blocked call parks): the fork/vfork/clone event stop. */
export function handlerStops(p: Process, regs: PtRegs, then: () => void): void {
  const t = p.ptrace;
  const e = t?.pendingEvent;
  if (!t || !e || p.exit) {
    then();
    return;
  }
  t.pendingEvent = undefined;
  enterStop(p, 'event', e.code, regs, notifyInfo(p, e.code), e.message ?? 0, () => then());
}

/** After the result is in ax: the syscall-exit stop (or a single step's SIGTRAP), then the signal stops. */
export function syscallExitStops(p: Process, regs: PtRegs, then: () => void): void {
  const t = p.ptrace;
  if (!t || p.exit) {
    then();
    return;
  }
  if (t.singleStep) {
    // user_single_step_report: send_sigtrap(regs, 0, TRAP_BRKPT) at the return address.
    signalsOf(p).force({ info: { signo: SIG.SIGTRAP, code: SI.TRAP_BRKPT, addr: regs.ip >>> 0 }, trap: { trapno: TRAPNO.DB, err: 0, cr2: 0 } });
  } else if (t.syscallTrace) {
    const code = syscallCode(t);
    enterStop(p, 'syscall-exit', code, regs, notifyInfo(p, code), EVENTMSG_SYSCALL_EXIT, (data) => {
      sendResumeSignal(p, data);
      signalStops(p, regs, then);
    });
    return;
  }
  signalStops(p, regs, then);
}

/** A fault or trap in user mode: its signal is forced, then the stops of the return to user mode. */
export function faultStops(p: Process, fault: Fault, ip: number, regs: PtRegs, then: () => void): void {
  // exc_debug_user clears virtual_dr6; int1 (icebp) adds no bit to it, a single step DR_STEP.
  if (fault.vector === 'DB') p.ptrace!.debug.dr6 = fault.reason === 'icebp' ? 0 : DR_STEP;
  signalsOf(p).force(signalForFault(fault, ip));
  signalStops(p, regs, then);
}

/**
 * An access hit watchpoints: those of this task's debug registers give it SIGTRAP
 * (TRAP_HWBKPT, or TRAP_TRACE when a single step ended too) at the next instruction. False
 * when none of the hits is this task's.
 */
export function watchStops(p: Process, hits: ReadonlySet<Watchpoint>, ip: number, regs: PtRegs, then: () => void): boolean {
  const t = p.ptrace;
  const bits = t ? t.debug.trapBits(hits) : 0;
  if (!t || bits === 0) return false;
  const step = (regs.flags & TF) !== 0;
  t.debug.dr6 = bits | (step ? DR_STEP : 0);
  signalsOf(p).force({ info: { signo: SIG.SIGTRAP, code: step ? SI.TRAP_TRACE : SI.TRAP_HWBKPT, addr: ip >>> 0 }, trap: { trapno: TRAPNO.DB, err: 0, cr2: 0 } });
  signalStops(p, regs, then);
  return true;
}

/**
 * The CPU stopped before an instruction breakpoint of this task's debug registers: SIGTRAP
 * (TRAP_HWBKPT, DR6 = DR_TRAPn) at the instruction, which has not run; RF in the registers
 * lets it run when the task returns there. False when `address` is none of its breakpoints.
 */
export function executeStops(p: Process, address: number, regs: PtRegs, then: () => void): boolean {
  const slot = p.ptrace?.debug.executes.get(address >>> 0);
  if (slot === undefined) return false;
  p.ptrace!.debug.dr6 = 1 << slot;
  regs.flags = (regs.flags | RF) >>> 0;
  signalsOf(p).force({ info: { signo: SIG.SIGTRAP, code: SI.TRAP_HWBKPT, addr: address >>> 0 }, trap: { trapno: TRAPNO.DB, err: 0, cr2: 0 } });
  signalStops(p, regs, then);
  return true;
}

/**
 * A return to user mode entered a signal handler while the tracer single-steps the task
 * (handle_signal → signal_setup_done): the step is switched off and the task stops at the
 * handler's first instruction, reporting SIGTRAP (ptrace_notify).
 */
export function handlerEntryStop(p: Process, exit: ExitRecord | undefined): void {
  const t = p.ptrace;
  if (!t || !t.singleStep || p.exit || !exit?.delivered?.length) return;
  t.singleStep = false;
  t.forcedTF = false;
  const regs = regsFromCpu(p.cpu, p.cpu.state.eip, -1);
  enterStop(p, 'event', SIG.SIGTRAP, regs, notifyInfo(p, SIG.SIGTRAP), 0, () => iretToUser(p.cpu, regs));
}

/** The next deliverable signal that has not been through a stop (removed from the queue), or undefined. */
function nextUnpassed(sig: Signals): QueuedSignal | undefined {
  const held: QueuedSignal[] = [];
  let q: QueuedSignal | undefined;
  while ((q = sig.dequeue()) && passed.has(q)) held.push(q);
  sig.pending.unshift(...held);
  return q;
}

/**
 * On a return to user mode (after a system call, a fault, an interrupt): the pending trap,
 * then a signal-delivery-stop for each signal about to be delivered; `then` delivers what
 * passed and returns to user mode with `regs`.
 */
export function signalStops(p: Process, regs: PtRegs, then: () => void): void {
  const t = p.ptrace;
  if (!t || p.exit) {
    then();
    return;
  }
  const trap = t.pendingTrap;
  if (trap && !fatalPending(p)) {
    t.pendingTrap = undefined;
    enterStop(p, 'trap', trap.code, regs, notifyInfo(p, trap.code), trap.message ?? 0, () => signalStops(p, regs, then));
    return;
  }
  const sig = signalsOf(p);
  const q = nextUnpassed(sig);
  if (!q) {
    then();
    return;
  }
  if (q.info.signo === SIG.SIGKILL) {
    sig.pending.unshift(q);
    then();
    return;
  }
  enterStop(p, 'signal', q.info.signo, regs, q.info, 0, (data) => {
    const info = p.ptrace?.stop?.siginfo ?? q.info;
    inject(p, regs, q, info, data, then);
  });
}

/** ptrace_signal after the stop: the tracer's choice is dropped, delivered, replaced, or (a stop signal) a group-stop. */
function inject(p: Process, regs: PtRegs, q: QueuedSignal, info: QueuedSignal['info'], data: number, then: () => void): void {
  if (data === 0) {
    signalStops(p, regs, then);
    return;
  }
  const sig = signalsOf(p);
  const tracerPid = p.ptrace?.tracerPid ?? p.parentPid;
  const given: QueuedSignal = data === info.signo
    ? (info === q.info ? q : { info, ...(q.trap ? { trap: q.trap } : {}) })
    : { info: { signo: data, code: SI.USER, pid: tracerPid, uid: p.uid[0] } };
  if (sig.isBlocked(data)) {
    // Blocked now: queued again, and stopped for when it is unblocked.
    sig.pending.push(given);
    signalStops(p, regs, then);
    return;
  }
  const t = p.ptrace;
  if (t && sig.actions[data]!.handler === SIG_DFL && defaultAction(data) === 'stop') {
    // A seized tracee reports PTRACE_EVENT_STOP with a siginfo (ptrace_do_notify); an attached one neither.
    const code = data | (t.seized ? PTRACE_EVENT.STOP << 8 : 0);
    enterStop(p, 'group', code, regs, t.seized ? { signo: data, code, pid: p.tid, uid: p.uid[0] } : undefined, 0, () => signalStops(p, regs, then));
    return;
  }
  passed.set(given, true);
  sig.pending.unshift(given);
  signalStops(p, regs, then);
}

/**
 * copy_process for a traced creator: with the matching option (or CLONE_PTRACE) the new task
 * is traced by the same tracer, stopping first (SIGSTOP, or PTRACE_EVENT_STOP when seized),
 * and the creator takes the fork/vfork/clone event stop once the handler has returned.
 */
export function traceNewTask(parent: Process, child: Process, flags: number, exitSignal: number): void {
  const t = parent.ptrace;
  if (!t || (flags & CLONE.UNTRACED) !== 0) return;
  const event = flags & CLONE.VFORK ? PTRACE_EVENT.VFORK : exitSignal !== SIG.SIGCHLD ? PTRACE_EVENT.CLONE : PTRACE_EVENT.FORK;
  const option = event === PTRACE_EVENT.VFORK ? PTRACE_O.TRACEVFORK : event === PTRACE_EVENT.CLONE ? PTRACE_O.TRACECLONE : PTRACE_O.TRACEFORK;
  const reported = t.has(option);
  if (!reported && (flags & CLONE.PTRACE) === 0) return;
  const link = new Tracee(t.tracerTid, t.tracerPid, t.seized, t.options, child);
  child.ptrace = link;
  if (t.seized) link.pendingTrap = { code: SIG.SIGTRAP | (PTRACE_EVENT.STOP << 8) };
  else child.signals.queue({ info: { signo: SIG.SIGSTOP, code: SI.USER, pid: 0, uid: 0 } });
  if (reported) t.pendingEvent = { code: SIG.SIGTRAP | (event << 8), message: child.tid };
}

/**
 * A traced task's execve succeeded (`regs`: the new image's, eax 0): the debug registers are
 * flushed; then the exec event stop (TRACEEXEC; message: the former thread id), or for a
 * task not seized a SIGTRAP; `then` goes on to the syscall-exit stop.
 */
export function tracedExec(next: Process, formerTid: number, regs: PtRegs, then: () => void): void {
  const t = next.ptrace!;
  t.debug.clear();
  if (t.has(PTRACE_O.TRACEEXEC)) {
    eventStop(next, regs, PTRACE_EVENT.EXEC, formerTid, then);
    return;
  }
  if (!t.seized) next.signals.queue({ info: { signo: SIG.SIGTRAP, code: SI.USER, pid: next.pid, uid: next.uid[0] } });
  then();
}
