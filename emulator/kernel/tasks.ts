// Owns the set of tasks of one emulated machine: every thread of every guest process (a
// Process object each, in creation order), the pid/tid numbers (deterministic: 1000 first,
// then 1001, 1002...), the instruction count all CPUs retired (the clock of a one-CPU
// machine), thread groups, parents and children, zombies and reaping, the scheduling order
// and its fixed quantum, and sending signals to a process or a thread.
//
// Scheduling (docs: the same program and inputs give the same trace): one CPU; tasks run in
// creation order, round robin, each for at most `quantum` instructions per turn; a task's
// turn also ends when it blocks, exits or calls sched_yield. When no task can run, virtual
// time jumps to the earliest timeout or timer of any task.
import { SIG } from './linux-abi';
import { SA, SIG_IGN } from './signals/abi';
import type { Process, ProcessConfig } from './process';
import type { LoadedVdso } from './seams';
import { tracerGone, tracerHearsFirst } from './ptrace/tracee';
import { PageCache } from './vfs/page-cache';

/** Instructions a task runs per turn before the next runnable task gets the CPU. */
export const DEFAULT_QUANTUM = 100_000;
/** The first pid (the program's process): deterministic on every run. */
export const FIRST_PID = 1000;
/** The parent pid the first process sees (the shell that started it, outside the model). */
export const OUTSIDE_PPID = 999;
/** SIGCHLD's si_code: the child exited, or was killed by a signal. */
export const CLD_EXITED = 1;
export const CLD_KILLED = 2;

export class Machine {
  /** Every task not yet reaped (threads and zombies included), in creation order. */
  readonly tasks: Process[] = [];
  private nextId = FIRST_PID;
  /** Instructions retired by CPUs of tasks that are gone (exited or replaced by execve). */
  private retired = 0;
  /** True once a second task existed: the trace then names the task of every line. */
  multitask = false;
  quantum = DEFAULT_QUANTUM;
  /** The number of CPUs the machine has (sched_getaffinity, getcpu). */
  cpus = 1;
  /** The next pipe's inode number (pipe:[N]): per machine, so that runs are reproducible. */
  nextPipeIno = 4000;
  /** The pages of shared mappings, by backing object (vfs/page-cache.ts). */
  readonly pageCache = new PageCache();
  /** Maps the vDSO into a program execve loads (the one the first program got). */
  vdsoMapper: ((p: Process) => LoadedVdso) | undefined = undefined;

  constructor(
    /** The configuration every program of this machine is loaded with (execve). */
    readonly config: ProcessConfig,
  ) {}

  /** The first process (its thread group leader): the run ends when its group has exited. */
  get init(): Process {
    return this.tasks.find((t) => t.pid === FIRST_PID && t.tid === FIRST_PID) ?? this.tasks[0]!;
  }

  allocateId(): number {
    return this.nextId++;
  }

  add(task: Process): void {
    this.tasks.push(task);
    if (this.tasks.length > 1) this.multitask = true;
  }

  /** execve: `next` takes `old`'s place (and its tid) in the order. */
  replace(old: Process, next: Process): void {
    const at = this.tasks.indexOf(old);
    this.retire(old);
    if (at >= 0) this.tasks[at] = next;
    else this.tasks.push(next);
  }

  /** A task stopped running for good: its instructions move to the retired count. */
  retire(task: Process): void {
    if (task.cpuRetired) return;
    task.cpuRetired = true;
    this.retired += task.cpu.state.icount;
  }

  /** Instructions every CPU retired: one CPU runs them all, so this is the machine's time. */
  instructions(): number {
    let n = this.retired;
    for (const t of this.tasks) if (!t.cpuRetired) n += t.cpu.state.icount;
    return n;
  }

  byTid(tid: number): Process | undefined {
    return this.tasks.find((t) => t.tid === tid && !t.exit);
  }

  /** The live threads of process `pid`. */
  threadsOf(pid: number): Process[] {
    return this.tasks.filter((t) => t.pid === pid && !t.exit);
  }

  /** The leader of process `pid` (live or zombie). */
  leaderOf(pid: number): Process | undefined {
    return this.tasks.find((t) => t.pid === pid && t.tid === pid);
  }

  /** The children of process `pid` (their leaders), live or zombie. */
  childrenOf(pid: number): Process[] {
    return this.tasks.filter((t) => t.tid === t.pid && t.parentPid === pid);
  }

  /**
   * A signal to a whole process: queued on the first thread that does not block it (else the
   * leader), as complete_signal picks a thread. False when no such process lives.
   */
  sendToProcess(pid: number, signal: number, code: number, from: { pid?: number; uid?: number } = {}): boolean {
    const threads = this.threadsOf(pid);
    if (threads.length === 0) return false;
    if (signal === 0) return true;
    const target = threads.find((t) => !t.signals.isBlocked(signal)) ?? threads[0]!;
    target.signals.send(signal, code, from);
    if (signal === SIG.SIGKILL || signal === SIG.SIGCONT) for (const t of threads) t.wakeForSignal();
    return true;
  }

  /**
   * A process ended (its last thread exited, or it was killed): it becomes a zombie for its
   * parent to reap, and the parent gets its exit signal (SIGCHLD, si_code CLD_EXITED or
   * CLD_KILLED) - or, when the parent ignores SIGCHLD or set SA_NOCLDWAIT, or is gone, the
   * zombie is reaped at once. Its own children go to the first process (the machine's init).
   */
  processExited(leader: Process): void {
    tracerGone(leader);
    if (leader.pid === FIRST_PID) return;
    for (const child of this.childrenOf(leader.pid)) child.parentPid = FIRST_PID;
    // A tracer that is not the parent hears of the end first; the parent when it has reaped (ptrace/tracee.ts).
    if (tracerHearsFirst(leader)) return;
    this.notifyParent(leader);
  }

  /** The parent of an ended process gets its exit signal, or (ignoring SIGCHLD, SA_NOCLDWAIT, gone) it is reaped at once. */
  notifyParent(leader: Process): void {
    const parent = this.threadsOf(leader.parentPid);
    if (parent.length === 0) {
      this.reap(leader);
      return;
    }
    const a = parent[0]!.signals.actions[SIG.SIGCHLD]!;
    if (leader.exitSignal === SIG.SIGCHLD && (a.handler === SIG_IGN || (a.flags & SA.NOCLDWAIT) !== 0)) {
      this.reap(leader);
      return;
    }
    const killed = leader.exit !== undefined && 'signal' in leader.exit;
    if (leader.exitSignal > 0) this.sendToProcess(leader.parentPid, leader.exitSignal, killed ? CLD_KILLED : CLD_EXITED, { pid: leader.pid, uid: leader.uid[0] });
  }

  /** Removes a zombie (and its dead threads) for good: wait4 collected it. */
  reap(leader: Process): void {
    for (let i = this.tasks.length - 1; i >= 0; i--) {
      const t = this.tasks[i]!;
      if (t.pid === leader.pid && t.exit) {
        this.retire(t);
        this.tasks.splice(i, 1);
      }
    }
  }

  /** Ends every task (the first process exited: as a PID namespace's init, its end ends them all). */
  killAll(): void {
    for (const t of [...this.tasks]) if (!t.exit) t.terminate({ signal: SIG.SIGKILL, message: 'the first process exited' });
  }
}
