// Owns one emulated i386 Linux task (a thread; a process is its thread group): its Cpu over
// the process's Memory, the memory map, the fd table and guest file system, credentials, the
// TLS entries of the GDT, interval timers and virtual time, sleeping (a blocked system call
// waits as a continuation the run loop resumes), the exit status, and the trace of every
// system call; and creating tasks the way clone does (fork's copy-on-write address space, or
// a thread sharing it). Host effects (files, output, the clock, randomness) come in through
// ProcessHost; a task never reaches the host itself.
import { Memory } from '../memory/memory';
import { Cpu } from '../x86/cpu';
import type { KernelOptions, LoadedVdso, ProcessView, PtRegs, Sleep, SyscallRecord } from './seams';
import { Signals } from './signals/state';
import type { VvarArea, VvarClocks } from './vdso/vvar';
import { FIRST_PID, Machine, OUTSIDE_PPID } from './tasks';
import { futexWake } from './syscalls/futex';
import { RLIM_INFINITY, RLIMIT, SI_KERNEL, SIG, signalName } from './linux-abi';
import { MemoryMap, DEFAULT_MEMORY_LIMIT, STACK_RLIMIT } from './mm';
import { NS_PER_INSTRUCTION, ProcessClock, type HostClock } from './time';
import { FdTable, InputStream, OutputStream, type StreamSource } from './vfs/files';
import type { HostFs } from './vfs/host';
import { GuestPaths } from './vfs/resolve';
import type { Tracee } from './ptrace/tracee';

export interface ProcessHost {
  /**
   * The guest's output, as it writes it: the host may block (backpressure), and returns a
   * negative errno when it cannot take the bytes (-EPIPE: the reader is gone).
   */
  stdout(bytes: Uint8Array): void | number;
  stderr(bytes: Uint8Array): void | number;
  /**
   * stdin's bytes (or a source read as the guest reads); after them EOF, or (thenBlock) a read that waits. Default: empty, EOF.
   * arriveAfterNs: the bytes (and the EOF) arrive only after that much virtual time; reads before wait.
   */
  readonly stdin?: { readonly data: Uint8Array | StreamSource; readonly thenBlock?: boolean; readonly arriveAfterNs?: bigint };
  /** The guest file system: a host directory as "/" (a real path), read-only unless allowWrites. */
  readonly files?: { readonly host: HostFs; readonly root: string; readonly allowWrites: boolean };
  /** Real time instead of virtual time (only when asked for). */
  readonly clock?: HostClock;
  /** Host randomness for AT_RANDOM and getrandom (only when asked for); default deterministic. */
  readonly random?: (length: number) => Uint8Array;
  /** Lines from the kernel model itself ("killed by SIGSEGV at ..."). */
  report?(line: string): void;
}

export interface ProcessConfig {
  readonly options: KernelOptions;
  readonly host: ProcessHost;
  /** Cap on mapped guest memory in bytes (default 256 MiB). */
  readonly memoryLimit?: number;
  /** The timer tick in ns (default DEFAULT_TICK_NS: HZ=250). */
  readonly tickNs?: bigint;
  /** The machine's CPU count (sched_getaffinity, getcpu, sysconf); default 1. */
  readonly cpus?: number;
  /** The kernel release uname reports; default: one of the ABI's era. */
  readonly release?: string;
}

export type Exit = { readonly status: number } | { readonly signal: number; readonly message: string };

export interface IntervalTimer {
  /** Expiry on the timer's clock (ns), or undefined when disarmed. */
  expiry: bigint | undefined;
  interval: bigint;
}

/** A pending restart_syscall continuation (nanosleep's remaining time). */
export type RestartBlock = (p: Process) => number;

/** What a new task shares with the task that creates it (clone's flags). */
export interface CloneShare {
  /** CLONE_VM: the same address space (a thread, vfork); else a copy-on-write copy. */
  readonly vm: boolean;
  /** CLONE_FILES: the same fd table; else a copy. */
  readonly files: boolean;
  /** CLONE_SIGHAND: the same signal actions; else a copy. */
  readonly sighand: boolean;
  /** CLONE_THREAD: a thread of the same process (same pid); else a new process. */
  readonly thread: boolean;
  /** The signal the parent gets when the new process ends (SIGCHLD for fork; 0 for none). */
  readonly exitSignal: number;
}

/** The value a handler returns after Process.sleep: the run loop parks the task (never seen by the guest). */
export const SLEEPING = -0x7ffffff0;

/** Deterministic pids: the guest sees the same values on every run. */
export const GUEST_PID = FIRST_PID;
export const GUEST_PPID = OUTSIDE_PPID;
export const GUEST_UID = 1000;

export class Process implements ProcessView {
  readonly memory: Memory;
  readonly cpu: Cpu;
  readonly options: KernelOptions;
  /** Every task of this emulated machine, the scheduler's order, the pid numbers. */
  readonly machine: Machine;
  vdso: LoadedVdso | undefined = undefined;
  /** The vvar data pages the vDSO's time functions read (vdso/vvar.ts), kept current by refreshVvar. */
  vvar: VvarArea | undefined = undefined;
  private vvarAt = -1n;
  signals: Signals;
  /**
   * CPU time (instructions) of this thread group's tasks that are gone, shared by the group's
   * threads: CLOCK_PROCESS_CPUTIME_ID adds the live ones to it (a fork starts at 0).
   */
  groupCpu: { instructions: number } = { instructions: 0 };
  /** This task's instructions on CPUs before its current one (the images execve replaced). */
  private cpuBase = 0;
  /** This task's pt_regs, filled by each entry (seams' ProcessView.ptRegs). */
  readonly ptRegs: PtRegs = { bx: 0, cx: 0, dx: 0, si: 0, di: 0, bp: 0, ax: 0, ds: 0, es: 0, fs: 0, gs: 0, orig_ax: 0, ip: 0, cs: 0, flags: 0, sp: 0, ss: 0 };
  readonly mm: MemoryMap;
  readonly fds: FdTable;
  readonly paths: GuestPaths | undefined;
  readonly allowWrites: boolean;
  /** The machine's clocks (shared by every task: one CPU's time). */
  readonly clock: ProcessClock;
  /** The process id (thread group id): getpid. */
  readonly pid: number;
  /** The thread id: gettid; equal to pid for the process's first thread. */
  readonly tid: number;
  /** The parent process (getppid); the first process's parent is outside the model. */
  parentPid: number;
  /** The signal the parent gets when this process ends (SIGCHLD; 0: none, a thread). */
  readonly exitSignal: number;
  /** Set once the CPU's instructions were added to the machine's retired count (exit, execve). */
  cpuRetired = false;
  /** The blocked system call this task waits in, resumed by the run loop. */
  sleeping: Sleep | undefined = undefined;
  /** vfork: set when the child released the parent's memory (execve or exit). */
  vforkDone = false;
  /** sched_yield: the run loop ends this task's turn after the call. */
  yielded = false;
  /** The CPUs this task may run on (sched_setaffinity), a bit per CPU. */
  affinity: bigint;
  /** prctl state: the comm name, the parent-death signal, dumpable, no_new_privs. */
  comm = 'program';
  deathSignal = 0;
  dumpable = 1;
  noNewPrivs = false;
  /** Real, effective, saved and fs uid/gid. */
  readonly uid: number[];
  readonly gid: number[];
  /** The working directory as guest components ("/" is []). */
  cwd: string[] = [];
  /** The program's guest path (AT_EXECFN, readlink /proc/self/exe). */
  exePath = '/program';
  /** ITIMER_REAL (CLOCK_MONOTONIC ns), ITIMER_VIRTUAL and ITIMER_PROF (CPU ns); shared by a process's threads. */
  readonly timers: [IntervalTimer, IntervalTimer, IntervalTimer];
  restartBlock: RestartBlock | undefined = undefined;
  /** Resource limits [soft, hard]; absent ones are RLIM_INFINITY. NOFILE follows the fd table. */
  readonly rlimits: Map<number, [bigint, bigint]>;
  clearChildTid = 0;
  robustList = { head: 0, length: 0 };
  /** The GDT TLS entries (set_thread_area): index -> user_desc bytes. */
  readonly tls: Map<number, Uint8Array>;
  exit: Exit | undefined = undefined;
  /** Set while a tracer traces this task (ptrace/tracee.ts). */
  ptrace: Tracee | undefined = undefined;
  readonly trace: SyscallRecord[] = [];
  /** Unknown system call numbers already reported. */
  readonly unknownReported: Set<number>;
  private randomState = 0x9e3779b9;
  readonly host: ProcessHost;
  readonly config: ProcessConfig;

  /**
   * A new machine's first process (no `parent`), a task clone creates from `parent.from`
   * sharing what `share` says (the caller sets its registers), or the task that takes
   * `parent.replaces`' place at execve (same ids, files and ignored signals; a new address
   * space the loader fills).
   */
  constructor(config: ProcessConfig, parent?: { readonly from: Process; readonly share: CloneShare } | { readonly replaces: Process }) {
    this.config = config;
    this.options = config.options;
    this.host = config.host;
    const files = config.host.files;
    this.paths = files ? new GuestPaths(files.host, files.root) : undefined;
    this.allowWrites = files?.allowWrites ?? false;
    if (parent && 'replaces' in parent) {
      const old = parent.replaces;
      this.machine = old.machine;
      this.memory = new Memory();
      this.cpu = new Cpu(this.memory, { model: config.options.cpu, kernel: config.options.kernel, umip: config.options.umip !== 'off' });
      this.mm = new MemoryMap(this.memory, old.mm.stackTop, old.mm.memoryLimit);
      this.fds = old.fds;
      this.signals = old.signals.forExec();
      this.clock = old.clock;
      this.pid = old.pid;
      // A thread other than the leader that execs becomes the leader (de_thread): tid = pid.
      this.tid = old.pid;
      this.parentPid = old.parentPid;
      this.exitSignal = old.exitSignal;
      this.uid = old.uid;
      this.gid = old.gid;
      this.cwd = old.cwd;
      this.timers = old.timers;
      this.rlimits = old.rlimits;
      this.tls = new Map();
      this.unknownReported = old.unknownReported;
      this.affinity = old.affinity;
      this.noNewPrivs = old.noNewPrivs;
      this.ptrace = old.ptrace;
      this.groupCpu = old.groupCpu;
      this.cpuBase = old.cpuBase + old.cpu.state.icount;
      return;
    }
    if (parent) {
      const { from, share } = parent;
      this.machine = from.machine;
      this.memory = share.vm ? from.memory : from.memory.fork();
      this.cpu = from.cpu.clone(this.memory);
      this.cpu.state.icount = 0;
      this.mm = share.vm ? from.mm : from.mm.forkFor(this.memory);
      this.fds = share.files ? from.fds : from.fds.copy();
      this.signals = share.sighand ? from.signals.forThread() : from.signals.forFork();
      this.clock = from.clock;
      this.tid = this.machine.allocateId();
      this.pid = share.thread ? from.pid : this.tid;
      this.parentPid = share.thread ? from.parentPid : from.pid;
      this.exitSignal = share.thread ? -1 : share.exitSignal;
      this.uid = [...from.uid];
      this.gid = [...from.gid];
      this.cwd = [...from.cwd];
      this.exePath = from.exePath;
      this.timers = share.thread ? from.timers : [{ expiry: undefined, interval: 0n }, { expiry: undefined, interval: 0n }, { expiry: undefined, interval: 0n }];
      this.rlimits = share.thread ? from.rlimits : new Map([...from.rlimits].map(([k, v]) => [k, [v[0], v[1]]]));
      this.tls = new Map(from.tls);
      this.unknownReported = from.unknownReported;
      this.vdso = from.vdso;
      this.vvar = share.vm ? from.vvar : from.vvar?.forMemory(this.memory);
      this.randomState = from.randomState ^ this.tid;
      this.affinity = from.affinity;
      this.comm = from.comm;
      this.dumpable = from.dumpable;
      this.noNewPrivs = from.noNewPrivs;
      if (share.thread) this.groupCpu = from.groupCpu;
      this.machine.add(this);
      return;
    }
    this.machine = new Machine(config);
    this.machine.cpus = config.cpus ?? 1;
    this.affinity = (1n << BigInt(this.machine.cpus)) - 1n;
    this.memory = new Memory();
    this.cpu = new Cpu(this.memory, { model: config.options.cpu, kernel: config.options.kernel, umip: config.options.umip !== 'off' });
    const stackTop = config.options.kernel === 'native32' ? 0xc0000000 : 0xffffe000;
    this.mm = new MemoryMap(this.memory, stackTop, config.memoryLimit ?? DEFAULT_MEMORY_LIMIT);
    const machine = this.machine;
    this.clock = new ProcessClock(() => machine.instructions(), config.host.clock, config.tickNs);
    this.fds = new FdTable();
    this.signals = new Signals();
    this.tid = this.pid = machine.allocateId();
    this.parentPid = OUTSIDE_PPID;
    this.exitSignal = 0;
    this.uid = [GUEST_UID, GUEST_UID, GUEST_UID, GUEST_UID];
    this.gid = [GUEST_UID, GUEST_UID, GUEST_UID, GUEST_UID];
    this.timers = [{ expiry: undefined, interval: 0n }, { expiry: undefined, interval: 0n }, { expiry: undefined, interval: 0n }];
    this.rlimits = new Map<number, [bigint, bigint]>([
      [RLIMIT.STACK, [BigInt(STACK_RLIMIT), RLIM_INFINITY]],
      [RLIMIT.CORE, [0n, RLIM_INFINITY]],
      [RLIMIT.NOFILE, [1024n, 4096n]],
      [RLIMIT.NPROC, [1n, 1n]],
    ]);
    this.tls = new Map();
    this.unknownReported = new Set();
    machine.add(this);
    const stdin = config.host.stdin;
    const arrival = stdin?.arriveAfterNs ? { atNs: this.clock.monotonic() + stdin.arriveAfterNs, now: () => this.clock.monotonic() } : undefined;
    this.fds.install(new InputStream('stdin', stdin?.data ?? new Uint8Array(0), stdin?.thenBlock ?? false, arrival));
    this.fds.install(new OutputStream('stdout', (b) => config.host.stdout(b), 2));
    this.fds.install(new OutputStream('stderr', (b) => config.host.stderr(b), 3));
  }

  /** execve succeeded: this image takes `old`'s place (close-on-exec files close, a vfork parent goes on). */
  completeExec(old: Process): void {
    this.fds.closeCloexec();
    old.vforkDone = true;
    this.machine.replace(old, this);
    old.cpu.detach();
    old.releaseMemory(true);
  }

  /**
   * The address space goes (exit_mmap) once no live task uses it: shared file pages written
   * back, every page reference given back. The first process's stays mapped when it exits
   * (its stores written back all the same): the machine ends with it, and the run's caller
   * (a test, the debugger) may still read its memory.
   */
  private releaseMemory(replaced: boolean): void {
    const mm = this.mm;
    if (this.machine.tasks.some((t) => !t.exit && t.mm === mm)) return;
    if (!replaced && this.pid === this.machine.init.pid) mm.sync(0, 2 ** 32, true);
    else mm.release();
  }

  /** The parent process id getppid returns. */
  get ppid(): number {
    return this.parentPid;
  }

  /** The GDT index of the first TLS entry: 6 on a 32-bit kernel, 12 on a 64-bit one. */
  get tlsFirstEntry(): number {
    return this.options.kernel === 'native32' ? 6 : 12;
  }

  /**
   * The whole process ends (exit_group, or a signal's default action): every thread of it,
   * then its parent is told (processExited).
   */
  terminate(how: Exit): void {
    if (this.exit) return;
    for (const t of this.machine.threadsOf(this.pid)) t.finish(how);
    this.finish(how);
    this.groupEnded();
  }

  /** exit(2): this thread ends; the process ends with it when it was the last thread. */
  exitThread(status: number): void {
    if (this.exit) return;
    this.finish({ status });
    if (this.machine.threadsOf(this.pid).length === 0) this.groupEnded();
    // A traced thread stays a zombie until its tracer's wait has collected it (ptrace/tracee.ts).
    else if (this.tid !== this.pid && !this.ptrace) this.machine.reap(this);
  }

  /** One task stops for good: mm_release (clear_child_tid with a futex wake), its CPU retired. */
  private finish(how: Exit): void {
    if (this.exit) return;
    this.exit = how;
    if (!this.cpuRetired) this.groupCpu.instructions += this.threadCpuInstructions();
    this.sleeping = undefined;
    this.vforkDone = true;
    if (this.clearChildTid !== 0 && this.memory.canWrite(this.clearChildTid, 4)) {
      this.memory.poke(this.clearChildTid, new Uint8Array(4));
      futexWake(this.machine, this.memory, this.clearChildTid, 1);
    }
    this.machine.retire(this);
    this.cpu.detach();
    this.releaseMemory(false);
  }

  /** The last thread ended: files close when no live task shares the table; the parent is told. */
  private groupEnded(): void {
    const fds = this.fds;
    if (!this.machine.tasks.some((t) => !t.exit && t.fds === fds)) fds.closeAll();
    this.machine.processExited(this.machine.leaderOf(this.pid) ?? this);
  }

  report(line: string): void {
    if (this.host.report) this.host.report(line);
    else this.host.stderr(new TextEncoder().encode(`${line}\n`));
  }

  reportKilled(line: string): void {
    if (this.pid === this.machine.init.pid) this.report(line);
  }

  /** The exit status a shell shows: the guest's status, or 128 + the signal that killed it. */
  get exitStatus(): number | undefined {
    if (!this.exit) return undefined;
    return 'status' in this.exit ? this.exit.status & 0xff : 128 + this.exit.signal;
  }

  /** Random bytes: deterministic (xorshift32 from a fixed seed) unless the host gives randomness. */
  randomBytes(length: number): Uint8Array {
    if (this.host.random) return this.host.random(length);
    const out = new Uint8Array(length);
    let x = this.randomState;
    for (let k = 0; k < length; k++) {
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
      out[k] = x & 0xff;
    }
    this.randomState = x >>> 0 || 1;
    return out;
  }

  /** Sends a signal from the kernel (timer expiry) through the signal part. */
  sendSignal(signal: number, code = SI_KERNEL): void {
    this.signals.send(signal, code);
  }

  /** The clocks the vvar area publishes: their values at the last tick, as the timekeeper wrote them. */
  vvarClocks(): VvarClocks {
    const monotonic = this.clock.monotonicAtTick();
    const realtime = this.clock.realtimeAtTick();
    return { realtime, monotonic, boottime: monotonic, tai: realtime + 37_000_000_000n };
  }

  /** Rewrites the vvar data when a tick passed since the last write (the run loop ends slices at ticks). */
  refreshVvar(): void {
    if (!this.vvar) return;
    const tick = this.clock.monotonicAtTick();
    if (tick === this.vvarAt) return;
    this.vvarAt = tick;
    this.vvar.refresh(this.vvarClocks());
  }

  // ---- timers and blocking ----

  /** CLOCK_THREAD_CPUTIME_ID in instructions: this task's own, across execve. */
  threadCpuInstructions(): number {
    return this.cpuBase + (this.cpuRetired ? 0 : this.cpu.state.icount);
  }

  /** CLOCK_THREAD_CPUTIME_ID (ns): the instructions this task ran (virtual in both clock modes). */
  threadCpuTime(): bigint {
    return BigInt(this.threadCpuInstructions()) * NS_PER_INSTRUCTION;
  }

  /** CLOCK_PROCESS_CPUTIME_ID (ns): the instructions of every thread of this process, the exited ones included. */
  processCpuTime(): bigint {
    let n = this.groupCpu.instructions;
    for (const t of this.machine.threadsOf(this.pid)) n += t.threadCpuInstructions();
    return BigInt(n) * NS_PER_INSTRUCTION;
  }

  /** The clock each itimer runs on: monotonic for ITIMER_REAL, CPU time for the others. */
  timerNow(which: number): bigint {
    return which === 0 ? this.clock.monotonic() : this.clock.cpuTime();
  }

  /** Fires every timer that is due; returns how many fired. */
  fireTimers(): number {
    let fired = 0;
    const signals = [SIG.SIGALRM, SIG.SIGVTALRM, SIG.SIGPROF];
    for (let which = 0; which < 3; which++) {
      const t = this.timers[which]!;
      const now = this.timerNow(which);
      if (t.expiry === undefined || t.expiry > now) continue;
      fired++;
      if (t.interval > 0n) {
        const missed = (now - t.expiry) / t.interval;
        t.expiry += (missed + 1n) * t.interval;
      } else t.expiry = undefined;
      this.sendSignal(signals[which]!);
    }
    return fired;
  }

  /** Instructions the CPU may run before a timer expires (the run loop's slice), or undefined. */
  instructionsToNextTimer(): number | undefined {
    let best: bigint | undefined;
    for (let which = 0; which < 3; which++) {
      const t = this.timers[which]!;
      if (t.expiry === undefined) continue;
      const left = t.expiry - this.timerNow(which);
      if (best === undefined || left < best) best = left;
    }
    if (best === undefined) return undefined;
    return best <= 0n ? 0 : Number(best > 1n << 50n ? 1n << 50n : best);
  }

  /**
   * Blocks the running system call: the handler returns this value, and the run loop parks
   * the task until `sleep` can end (a deliverable signal, its condition, its timeout), then
   * calls sleep.resume for the call's result.
   */
  sleep(sleep: Sleep): number {
    this.sleeping = sleep;
    return SLEEPING;
  }

  /** A signal that ends every sleep (SIGKILL) arrived: the next scheduling pass resumes it. */
  wakeForSignal(): void {}

  /** One line naming how the process ended. */
  describeExit(): string {
    const e = this.exit;
    if (!e) return 'running';
    return 'status' in e ? `exited with status ${e.status & 0xff}` : `killed by ${signalName(e.signal)}${e.message ? ` (${e.message})` : ''}`;
  }
}
