// Owns what ptrace adds to a task (docs/kernel-facts.md §12): who traces it (the tracer's
// thread and process), how it was attached (TRACEME/ATTACH, or SEIZE), its options, how the
// tracer last resumed it (PTRACE_SYSCALL: syscall stops; PTRACE_SINGLESTEP: TF forced), the
// event message, its debug registers, and the ptrace stop it is in: the kind, the exit_code
// wait reports, the registers the tracer reads and writes (pt_regs of the system call, or
// the user registers a trap saved), the siginfo GETSIGINFO copies, and the continuation
// that finishes what the task was doing once the tracer resumes it. A stop tells the
// tracer's process by SIGCHLD (CLD_TRAPPED) unless it ignores SIGCHLD or set SA_NOCLDSTOP.
import type { PtRegs } from '../seams';
import type { Process } from '../process';
import type { SigInfo } from '../signals/state';
import { SIG } from '../linux-abi';
import { SA, SIG_IGN, SI } from '../signals/abi';
import { PTRACE_O } from './abi';
import { CLD_EXITED, CLD_KILLED } from '../tasks';
import { DebugRegisters } from './debugregs';
import { sideTable } from '../side-tables';

/** CLD_TRAPPED: SIGCHLD's si_code for a ptrace stop. */
export const CLD_TRAPPED = 4;

export type StopKind = 'signal' | 'syscall-entry' | 'syscall-exit' | 'event' | 'group' | 'trap';

export interface PtraceStop {
  readonly kind: StopKind;
  /** exit_code: the wait status is code << 8 | 0x7f. */
  readonly code: number;
  /** The registers the tracer sees and changes (GETREGS/SETREGS, PEEKUSER/POKEUSER). */
  readonly regs: PtRegs;
  /** last_siginfo (GETSIGINFO/SETSIGINFO); undefined in a group-stop (EINVAL). */
  siginfo: SigInfo | undefined;
  /** wait has reported this stop (it is reported once). */
  reported: boolean;
  /** PTRACE_LISTEN: stays stopped, not reported again. */
  listening: boolean;
  /** The tracer resumed the task with `data` (a signal number or 0); the run loop runs `then`. */
  resumed: boolean;
  data: number;
  readonly then: (data: number) => void;
}

/** A trap the task takes before it runs on (a new seized child's PTRACE_EVENT_STOP, INTERRUPT, the exec event). */
export interface PendingTrap {
  readonly code: number;
  readonly message?: number;
}

export class Tracee {
  options: number;
  stop: PtraceStop | undefined = undefined;
  /** PTRACE_SYSCALL: stop at system call entry and exit (TIF_SYSCALL_TRACE). */
  syscallTrace = false;
  /** PTRACE_SINGLESTEP (TIF_SINGLESTEP): a trap after each instruction and after each system call. */
  singleStep = false;
  /** TF was set by the tracer, not the program (TIF_FORCED_TF): hidden from GETREGS, cleared on CONT. */
  forcedTF = false;
  /** PTRACE_GETEVENTMSG: the new task's id, the exit status, the former thread id at exec. */
  eventMsg = 0;
  pendingTrap: PendingTrap | undefined = undefined;
  /** An event stop to take when the current system call's handler has returned (fork, clone, vfork). */
  pendingEvent: PendingTrap | undefined = undefined;
  readonly debug: DebugRegisters;

  constructor(
    /** The tracing thread: only it may make requests. */
    readonly tracerTid: number,
    /** Its process: it waits for this task's stops, and its end detaches it. */
    readonly tracerPid: number,
    /** PTRACE_SEIZE (new-style: no SIGSTOP on attach, group-stops are PTRACE_EVENT_STOP, INTERRUPT/LISTEN work). */
    readonly seized: boolean,
    options: number,
    tracee: Process,
  ) {
    this.options = options;
    this.debug = new DebugRegisters(tracee.options.kernel);
    tracee.signals.traced = true;
  }

  has(option: number): boolean {
    return (this.options & option) !== 0;
  }
}

/**
 * Stops `p` (ptrace_stop) with `message` for GETEVENTMSG: it does not run until its tracer
 * resumes it (or SIGKILL ends the stop); then the run loop calls `then` with the signal the
 * tracer gave.
 */
export function enterStop(p: Process, kind: StopKind, code: number, regs: PtRegs, siginfo: SigInfo | undefined, message: number, then: (data: number) => void): void {
  const t = p.ptrace!;
  // Every stop sets ptrace_message (GETEVENTMSG): the event's, 1/2 at syscall entry/exit, else 0.
  t.eventMsg = message;
  t.stop = { kind, code, regs, siginfo, reported: false, listening: false, resumed: false, data: 0, then };
  const tracer = p.machine.threadsOf(t.tracerPid);
  if (tracer.length === 0) return;
  const a = tracer[0]!.signals.actions[SIG.SIGCHLD]!;
  if (a.handler === SIG_IGN || (a.flags & SA.NOCLDSTOP) !== 0) return;
  p.machine.sendToProcess(t.tracerPid, SIG.SIGCHLD, CLD_TRAPPED, { pid: p.tid, uid: p.uid[0] });
}

/** The siginfo of a stop the kernel reports itself (ptrace_do_notify): SIGTRAP, si_code = exit_code, the tracee's pid. */
export function notifyInfo(p: Process, code: number): SigInfo {
  return { signo: SIG.SIGTRAP, code, pid: p.tid, uid: p.uid[0] };
}

/** True when SIGKILL is pending: a stopped task wakes and dies, a stop is not entered. */
export function fatalPending(p: Process): boolean {
  return p.signals.pending.some((q) => q.info.signo === SIG.SIGKILL);
}

/** Stops a detached task was left in: it goes on once the run loop picks it up. */
const detachedStops = sideTable<Process, PtraceStop>();

/** True while `p` is in a ptrace stop (it does not run). */
export function isStopped(p: Process): boolean {
  return p.ptrace?.stop !== undefined || detachedStops.has(p);
}

/**
 * The run loop's part: a stopped task the tracer resumed (or detached), or one SIGKILL woke,
 * goes on with what it was doing. True when it did.
 */
export function resumeIfReady(p: Process): boolean {
  const detached = detachedStops.get(p);
  const s = detached ?? p.ptrace?.stop;
  if (!s || (!s.resumed && !fatalPending(p))) return false;
  if (detached) detachedStops.delete(p);
  else p.ptrace!.stop = undefined;
  s.then(s.resumed ? s.data : 0);
  return true;
}

/**
 * Ends the link (DETACH with `data`, the tracer's end with 0): the registers lose a forced
 * TF, the debug registers are flushed, and a stopped task goes on untraced.
 */
export function unlink(p: Process, data = 0): void {
  const t = p.ptrace;
  if (!t) return;
  const s = t.stop;
  if (s) {
    if (t.forcedTF) s.regs.flags = (s.regs.flags & ~0x100) >>> 0;
    s.resumed = true;
    s.data = s.kind === 'signal' || s.kind === 'syscall-entry' || s.kind === 'syscall-exit' ? data : 0;
    detachedStops.set(p, s);
  }
  t.debug.clear();
  p.signals.traced = false;
  p.ptrace = undefined;
}

/** The tasks `tracer`'s process traces that wait's `pid` selects (-1: any; else that task id). */
export function traceesOf(tracer: Process, pid: number): Process[] {
  return tracer.machine.tasks.filter((t) => t.ptrace?.tracerPid === tracer.pid && (pid <= 0 || t.tid === pid));
}

/** A tracee whose stop wait has not reported yet (creation order), or undefined. */
export function stoppedTracee(tracer: Process, pid: number): Process | undefined {
  return traceesOf(tracer, pid).find((t) => !t.exit && t.ptrace!.stop !== undefined && !t.ptrace!.stop.reported);
}

/**
 * exit_notify for a traced process whose tracer is not its parent: the tracer gets SIGCHLD
 * now and reports the end to its wait first; the parent is told when the tracer has (or
 * when the tracer goes). False when the parent is to be told now.
 */
export function tracerHearsFirst(leader: Process): boolean {
  const link = leader.ptrace;
  if (!link || link.tracerPid === leader.parentPid || leader.machine.threadsOf(link.tracerPid).length === 0) return false;
  const killed = leader.exit !== undefined && 'signal' in leader.exit;
  leader.machine.sendToProcess(link.tracerPid, SIG.SIGCHLD, killed ? CLD_KILLED : CLD_EXITED, { pid: leader.pid, uid: leader.uid[0] });
  return true;
}

/**
 * The tracer collected (or left) an ended tracee that is not its child: untraced, and its
 * parent is told now; a thread (not its process's leader) is simply gone.
 */
export function releaseZombie(task: Process): void {
  unlink(task);
  if (task.tid === task.pid) {
    task.machine.notifyParent(task);
    return;
  }
  const at = task.machine.tasks.indexOf(task);
  task.machine.retire(task);
  if (at >= 0) task.machine.tasks.splice(at, 1);
}

/**
 * A process's tracer ended (exit_ptrace): its tracees go on untraced; with PTRACE_O_EXITKILL
 * they get SIGKILL; an ended one it had not collected goes to its parent.
 */
export function tracerGone(p: Process): void {
  for (const t of [...p.machine.tasks]) {
    const link = t.ptrace;
    if (!link || link.tracerPid !== p.pid) continue;
    if (t.exit) {
      if (t.tid !== t.pid || (t.parentPid !== p.pid && p.machine.threadsOf(t.pid).length === 0)) releaseZombie(t);
      else unlink(t);
      continue;
    }
    if (link.has(PTRACE_O.EXITKILL)) t.signals.send(SIG.SIGKILL, SI.KERNEL);
    if (!link.stop && link.forcedTF) t.cpu.state.eflags = (t.cpu.state.eflags & ~0x100) >>> 0;
    unlink(t, 0);
  }
}
