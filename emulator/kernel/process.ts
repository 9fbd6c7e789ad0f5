// Owns one emulated i386 Linux process: its Memory and Cpu, the memory map, the fd table
// and guest file system, credentials, the TLS entries of the GDT, interval timers and
// virtual time, blocking (time jumps to the next timer; a wait nothing can end is reported),
// the exit status, and the trace of every system call. Host effects (files, output, the
// clock, randomness) come in through ProcessHost; the process never reaches the host itself.
import { Memory } from '../memory/memory';
import { Cpu } from '../x86/cpu';
import type { KernelOptions, LoadedVdso, ProcessView, SyscallRecord } from './seams';
import { Signals } from './signals/state';
import type { VvarClocks } from './vdso/vvar';
import { RLIM_INFINITY, RLIMIT, SI_KERNEL, SIG, signalName } from './linux-abi';
import { MemoryMap, DEFAULT_MEMORY_LIMIT, STACK_RLIMIT } from './mm';
import { ProcessClock, type HostClock } from './time';
import { FdTable, InputStream, OutputStream } from './vfs/files';
import type { HostFs } from './vfs/host';
import { GuestPaths } from './vfs/resolve';

export interface ProcessHost {
  /**
   * The guest's output, as it writes it: the host may block (backpressure), and returns a
   * negative errno when it cannot take the bytes (-EPIPE: the reader is gone).
   */
  stdout(bytes: Uint8Array): void | number;
  stderr(bytes: Uint8Array): void | number;
  /**
   * stdin's bytes; after them EOF, or (thenBlock) a read that waits. Default: empty, EOF.
   * arriveAfterNs: the bytes (and the EOF) arrive only after that much virtual time; reads before wait.
   */
  readonly stdin?: { readonly data: Uint8Array; readonly thenBlock?: boolean; readonly arriveAfterNs?: bigint };
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
}

export type Exit = { readonly status: number } | { readonly signal: number; readonly message: string };

export interface IntervalTimer {
  /** Expiry on the timer's clock (ns), or undefined when disarmed. */
  expiry: bigint | undefined;
  interval: bigint;
}

/** A pending restart_syscall continuation (nanosleep's remaining time). */
export type RestartBlock = (p: Process) => number;

/** Deterministic pids: the guest sees the same values on every run. */
export const GUEST_PID = 1000;
export const GUEST_PPID = 999;
export const GUEST_UID = 1000;

export class Process implements ProcessView {
  readonly memory = new Memory();
  readonly cpu: Cpu;
  readonly options: KernelOptions;
  vdso: LoadedVdso | undefined = undefined;
  /** The vvar data pages the vDSO's time functions read (vdso/vvar.ts), kept current by refreshVvar. */
  vvar: { refresh(clocks: VvarClocks): void } | undefined = undefined;
  private vvarAt = -1n;
  signals: Signals = new Signals();
  readonly mm: MemoryMap;
  readonly fds = new FdTable();
  readonly paths: GuestPaths | undefined;
  readonly allowWrites: boolean;
  readonly clock: ProcessClock;
  readonly pid = GUEST_PID;
  readonly ppid = GUEST_PPID;
  /** Real, effective, saved and fs uid/gid. */
  readonly uid = [GUEST_UID, GUEST_UID, GUEST_UID, GUEST_UID];
  readonly gid = [GUEST_UID, GUEST_UID, GUEST_UID, GUEST_UID];
  /** The working directory as guest components ("/" is []). */
  cwd: string[] = [];
  /** The program's guest path (AT_EXECFN, readlink /proc/self/exe). */
  exePath = '/program';
  /** ITIMER_REAL (CLOCK_MONOTONIC ns), ITIMER_VIRTUAL and ITIMER_PROF (CPU ns). */
  readonly timers: [IntervalTimer, IntervalTimer, IntervalTimer] = [
    { expiry: undefined, interval: 0n },
    { expiry: undefined, interval: 0n },
    { expiry: undefined, interval: 0n },
  ];
  restartBlock: RestartBlock | undefined = undefined;
  /** Resource limits [soft, hard]; absent ones are RLIM_INFINITY. NOFILE follows the fd table. */
  readonly rlimits = new Map<number, [bigint, bigint]>([
    [RLIMIT.STACK, [BigInt(STACK_RLIMIT), RLIM_INFINITY]],
    [RLIMIT.CORE, [0n, RLIM_INFINITY]],
    [RLIMIT.NOFILE, [1024n, 4096n]],
    [RLIMIT.NPROC, [1n, 1n]],
  ]);
  clearChildTid = 0;
  robustList = { head: 0, length: 0 };
  /** The GDT TLS entries (set_thread_area): index -> user_desc bytes. */
  readonly tls = new Map<number, Uint8Array>();
  exit: Exit | undefined = undefined;
  readonly trace: SyscallRecord[] = [];
  /** Unknown system call numbers already reported. */
  readonly unknownReported = new Set<number>();
  private randomState = 0x9e3779b9;
  readonly host: ProcessHost;

  constructor(config: ProcessConfig) {
    this.options = config.options;
    this.host = config.host;
    this.cpu = new Cpu(this.memory, { model: config.options.cpu, kernel: config.options.kernel });
    const stackTop = config.options.kernel === 'native32' ? 0xc0000000 : 0xffffe000;
    this.mm = new MemoryMap(this.memory, stackTop, config.memoryLimit ?? DEFAULT_MEMORY_LIMIT);
    this.clock = new ProcessClock(() => this.cpu.state.icount, config.host.clock, config.tickNs);
    const files = config.host.files;
    this.paths = files ? new GuestPaths(files.host, files.root) : undefined;
    this.allowWrites = files?.allowWrites ?? false;
    const stdin = config.host.stdin;
    const arrival = stdin?.arriveAfterNs ? { atNs: this.clock.monotonic() + stdin.arriveAfterNs, now: () => this.clock.monotonic() } : undefined;
    this.fds.install(new InputStream('stdin', stdin?.data ?? new Uint8Array(0), stdin?.thenBlock ?? false, arrival));
    this.fds.install(new OutputStream('stdout', (b) => config.host.stdout(b), 2));
    this.fds.install(new OutputStream('stderr', (b) => config.host.stderr(b), 3));
  }

  get tid(): number {
    return this.pid;
  }

  /** The GDT index of the first TLS entry: 6 on a 32-bit kernel, 12 on a 64-bit one. */
  get tlsFirstEntry(): number {
    return this.options.kernel === 'native32' ? 6 : 12;
  }

  terminate(how: Exit): void {
    if (this.exit) return;
    this.exit = how;
    this.fds.closeAll();
  }

  report(line: string): void {
    if (this.host.report) this.host.report(line);
    else this.host.stderr(new TextEncoder().encode(`${line}\n`));
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

  block(untilNs: bigint | undefined): 'signal' | 'timeout' | 'dead' {
    for (let round = 0; round < 1_000_000; round++) {
      if (this.exit) return 'dead';
      if (this.signals.hasDeliverable()) return 'signal';
      const now = this.clock.monotonic();
      if (untilNs !== undefined && now >= untilNs) return 'timeout';
      const real = this.timers[0].expiry;
      let target = untilNs;
      if (real !== undefined && (target === undefined || real < target)) target = real;
      if (target === undefined) break;
      this.clock.advance(target - now);
      this.fireTimers();
    }
    if (this.exit) return 'dead';
    this.report(`vdso-lab: the guest waits forever (no timer, signal or input can wake it) at icount ${this.cpu.state.icount}`);
    this.terminate({ signal: SIG.SIGKILL, message: 'blocked forever' });
    return 'dead';
  }

  /** One line naming how the process ended. */
  describeExit(): string {
    const e = this.exit;
    if (!e) return 'running';
    return 'status' in e ? `exited with status ${e.status & 0xff}` : `killed by ${signalName(e.signal)}${e.message ? ` (${e.message})` : ''}`;
  }
}
