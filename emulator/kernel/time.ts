// Owns the process's time: virtual by default, so that the same program and inputs give the
// same trace. One retired guest instruction is NS_PER_INSTRUCTION (1 ns) of virtual time,
// matching the CPU's rdtsc (the instruction count: a 1 GHz time-stamp counter). Blocking
// calls (nanosleep, pause, a read that waits) add the time they slept on top, so
//   monotonic = icount * NS_PER_INSTRUCTION + slept,   realtime = VIRTUAL_EPOCH + monotonic,
// and the CPU-time clocks count instructions only. With a host clock injected (real time
// asked for) the clocks read the host instead and sleeps really wait.
//
// The coarse clocks (CLOCK_REALTIME_COARSE, CLOCK_MONOTONIC_COARSE), time() and the vvar
// data the vDSO reads all hold the time of the last tick, as the kernel's timekeeper updates
// them once per tick: a tick is tickNs of CLOCK_MONOTONIC (DEFAULT_TICK_NS, a HZ=250
// kernel), so the system call and the vDSO agree to the nanosecond.

export const NS_PER_INSTRUCTION = 1n;
/** CLOCK_REALTIME at instruction 0 in virtual time: 2015-08-01T00:00:00Z (the seed mail's month). */
export const VIRTUAL_EPOCH_NS = 1_438_387_200n * 1_000_000_000n;
/** Boot time of the virtual machine before the process started (sysinfo uptime, CLOCK_BOOTTIME). */
export const VIRTUAL_UPTIME_NS = 1_000n * 1_000_000_000n;
/** The timer tick (1/HZ) by default: 4 ms, a HZ=250 kernel. */
export const DEFAULT_TICK_NS = 4_000_000n;
/** The HZ values a kernel can be configured with (CONFIG_HZ), for the tick setting. */
export const KERNEL_HZ: readonly number[] = [100, 250, 300, 1000];

/** The host clock, injected only when real time is asked for. */
export interface HostClock {
  realtimeNs(): bigint;
  monotonicNs(): bigint;
  /** Blocks the host thread for `ns` (bounded by the caller). */
  sleep(ns: bigint): void;
}

export class ProcessClock {
  /** Virtual nanoseconds spent blocked (sleeps, waits), added to the instruction time. */
  private slept = 0n;
  private readonly hostStart: bigint;

  constructor(
    private readonly icount: () => number,
    readonly host: HostClock | undefined,
    /** The timer tick in ns: the coarse clocks' granularity. */
    readonly tickNs: bigint = DEFAULT_TICK_NS,
  ) {
    this.hostStart = host ? host.monotonicNs() : 0n;
  }

  get virtual(): boolean {
    return this.host === undefined;
  }

  /** CLOCK_MONOTONIC since the process started (virtual or host). */
  monotonic(): bigint {
    if (this.host) return VIRTUAL_UPTIME_NS + this.host.monotonicNs() - this.hostStart;
    return VIRTUAL_UPTIME_NS + BigInt(this.icount()) * NS_PER_INSTRUCTION + this.slept;
  }

  realtime(): bigint {
    if (this.host) return this.host.realtimeNs();
    return VIRTUAL_EPOCH_NS + this.monotonic() - VIRTUAL_UPTIME_NS;
  }

  /** CPU time: instructions only (virtual in both modes, so that it stays deterministic). */
  cpuTime(): bigint {
    return BigInt(this.icount()) * NS_PER_INSTRUCTION;
  }

  /** CLOCK_MONOTONIC at the last tick: what the coarse clocks and the vvar data hold. */
  monotonicAtTick(): bigint {
    const now = this.monotonic();
    return now - (now % this.tickNs);
  }

  /** CLOCK_REALTIME at the last tick (time(), CLOCK_REALTIME_COARSE). */
  realtimeAtTick(): bigint {
    const now = this.monotonic();
    return this.realtime() - (now % this.tickNs);
  }

  /** Instructions until the next tick (virtual time only; undefined with a host clock). */
  instructionsToNextTick(): number | undefined {
    if (this.host) return undefined;
    const left = this.tickNs - (this.monotonic() % this.tickNs);
    return Number((left + NS_PER_INSTRUCTION - 1n) / NS_PER_INSTRUCTION);
  }

  /** The clock `id` reads, or undefined for an unknown id (EINVAL). */
  read(id: number): bigint | undefined {
    switch (id) {
      case 0: case 8: return this.realtime();
      case 5: return this.realtimeAtTick();
      case 6: return this.monotonicAtTick();
      case 11: return this.realtime() + 37_000_000_000n;
      case 1: case 4: case 7: case 9: return this.monotonic();
      case 2: case 3: return this.cpuTime();
      default: return undefined;
    }
  }

  /** Resolution reported by clock_getres (1 ns; the coarse clocks one tick). */
  resolution(id: number): bigint | undefined {
    if (this.read(id) === undefined) return undefined;
    return id === 5 || id === 6 ? this.tickNs : 1n;
  }

  /** Time passes while the process is blocked: virtual time jumps, real time waits. */
  advance(ns: bigint): void {
    if (ns <= 0n) return;
    if (this.host) this.host.sleep(ns);
    else this.slept += ns;
  }
}
