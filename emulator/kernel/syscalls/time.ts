// Owns the time system calls: clock_gettime (32- and 64-bit time), clock_getres,
// gettimeofday, time, nanosleep and clock_nanosleep (interrupted: -ERESTART_RESTARTBLOCK
// with a restart_syscall continuation, or -ERESTARTNOHAND for absolute sleeps), pause,
// alarm, setitimer/getitimer, pselect6 with a timeout, and restart_syscall. Sleeping makes
// virtual time jump (Process.block), so they are deterministic.
import type { PtRegs } from '../seams';
import { CLOCK, E, le32, readTime32, readTime64, TIMER_ABSTIME, writeItimerval, writeTime32, writeTime64 } from '../linux-abi';
import type { Process } from '../process';
import { InputStream } from '../vfs/files';
import { arg, copyIn, copyOut, inlineRow, row, sarg, writeU32, type SyscallRow } from './table';

const NS = 1_000_000_000n;
const US = 1_000n;

function split(ns: bigint): [bigint, number] {
  let s = ns / NS;
  let rest = ns - s * NS;
  if (rest < 0n) {
    s -= 1n;
    rest += NS;
  }
  return [s, Number(rest)];
}

function putTime(p: Process, address: number, ns: bigint, time64: boolean): boolean {
  const [s, sub] = split(ns);
  return copyOut(p, address, time64 ? writeTime64(s, sub) : writeTime32(s, sub));
}

/** Reads a timespec: nanoseconds, or -errno (EFAULT, EINVAL for a bad tv_nsec). */
function getTimespec(p: Process, address: number, time64: boolean): bigint | number {
  const raw = copyIn(p, address, time64 ? 16 : 8);
  if (!raw) return -E.EFAULT;
  const [s, ns] = time64 ? readTime64(raw) : readTime32(raw);
  if (ns < 0 || ns >= 1e9 || s < 0n) return -E.EINVAL;
  return s * NS + BigInt(ns);
}

/** What clock `id` reads for task `p`: the CPU-time clocks are the task's and its process's own. */
function readClock(p: Process, id: number): bigint | undefined {
  if (id === CLOCK.PROCESS_CPUTIME_ID) return p.processCpuTime();
  if (id === CLOCK.THREAD_CPUTIME_ID) return p.threadCpuTime();
  return p.clock.read(id);
}

function clockGettime(p: Process, regs: PtRegs, time64: boolean): number {
  const t = readClock(p, sarg(regs, 0));
  if (t === undefined) return -E.EINVAL;
  return putTime(p, arg(regs, 1), t, time64) ? 0 : -E.EFAULT;
}

function clockGetres(p: Process, regs: PtRegs, time64: boolean): number {
  const t = p.clock.resolution(sarg(regs, 0));
  if (t === undefined) return -E.EINVAL;
  if (arg(regs, 1) === 0) return 0;
  return putTime(p, arg(regs, 1), t, time64) ? 0 : -E.EFAULT;
}

function gettimeofday(p: Process, regs: PtRegs): number {
  const now = p.clock.realtime();
  if (arg(regs, 0) !== 0) {
    const [s, ns] = split(now);
    if (!copyOut(p, arg(regs, 0), writeTime32(s, Math.floor(ns / 1000)))) return -E.EFAULT;
  }
  if (arg(regs, 1) !== 0 && !copyOut(p, arg(regs, 1), new Uint8Array(8))) return -E.EFAULT;
  return 0;
}

function time(p: Process, regs: PtRegs): number {
  const s = Number(p.clock.realtimeAtTick() / NS) | 0;
  if (arg(regs, 0) !== 0 && !writeU32(p, arg(regs, 0), s)) return -E.EFAULT;
  return s;
}

/**
 * Sleeps until CLOCK_MONOTONIC `until`. Interrupted: the remaining time goes to `rem`
 * (relative sleeps) and restart_syscall continues the same sleep.
 */
function sleepUntil(p: Process, until: bigint, rem: number, time64: boolean, absolute: boolean): number {
  return p.sleep({
    until,
    resume: (why) => {
      if (why !== 'signal') return 0;
      if (absolute) return -E.ERESTARTNOHAND;
      const left = until - p.clock.monotonic();
      if (rem !== 0 && !putTime(p, rem, left > 0n ? left : 0n, time64)) return -E.EFAULT;
      p.restartBlock = (q) => sleepUntil(q, until, rem, time64, false);
      return -E.ERESTART_RESTARTBLOCK;
    },
  });
}

function nanosleep(p: Process, regs: PtRegs, time64: boolean): number {
  const span = getTimespec(p, arg(regs, 0), time64);
  if (typeof span === 'number') return span;
  return sleepUntil(p, p.clock.monotonic() + span, arg(regs, 1), time64, false);
}

function clockNanosleep(p: Process, regs: PtRegs, time64: boolean): number {
  const id = sarg(regs, 0);
  if (id === CLOCK.THREAD_CPUTIME_ID) return -E.EINVAL;
  const now = p.clock.read(id);
  if (now === undefined) return -E.EINVAL;
  const t = getTimespec(p, arg(regs, 2), time64);
  if (typeof t === 'number') return t;
  const absolute = (arg(regs, 1) & TIMER_ABSTIME) !== 0;
  const until = p.clock.monotonic() + (absolute ? t - now : t);
  return sleepUntil(p, until, absolute ? 0 : arg(regs, 3), time64, absolute);
}

function pause(p: Process): number {
  return p.sleep({ resume: () => -E.ERESTARTNOHAND });
}

/** Remaining time of timer `which`, in ns (0 when disarmed). */
function remaining(p: Process, which: number): bigint {
  const t = p.timers[which]!;
  if (t.expiry === undefined) return 0n;
  const left = t.expiry - p.timerNow(which);
  return left > 0n ? left : 1n;
}

function arm(p: Process, which: number, valueNs: bigint, intervalNs: bigint): void {
  const t = p.timers[which]!;
  t.interval = intervalNs;
  t.expiry = valueNs === 0n ? undefined : p.timerNow(which) + valueNs;
}

function alarm(p: Process, regs: PtRegs): number {
  const left = remaining(p, 0);
  let secs = Number(left / NS);
  const usec = Number((left % NS) / US);
  if ((secs === 0 && usec > 0) || usec >= 500_000) secs++;
  arm(p, 0, BigInt(arg(regs, 0)) * NS, 0n);
  return secs;
}

function readItimerval(raw: Uint8Array): [bigint, bigint] | number {
  const f = [0, 4, 8, 12].map((at) => le32(raw, at) | 0);
  if (f[1]! < 0 || f[1]! >= 1_000_000 || f[3]! < 0 || f[3]! >= 1_000_000 || f[0]! < 0 || f[2]! < 0) return -E.EINVAL;
  return [(BigInt(f[0]!) * 1_000_000n + BigInt(f[1]!)) * US, (BigInt(f[2]!) * 1_000_000n + BigInt(f[3]!)) * US];
}

function itimerBytes(p: Process, which: number): Uint8Array {
  return writeItimerval(p.timers[which]!.interval / US, (remaining(p, which) + US - 1n) / US);
}

function setitimer(p: Process, regs: PtRegs): number {
  const which = arg(regs, 0);
  if (which > 2) return -E.EINVAL;
  let next: [bigint, bigint] = [0n, 0n];
  if (arg(regs, 1) !== 0) {
    const raw = copyIn(p, arg(regs, 1), 16);
    if (!raw) return -E.EFAULT;
    const r = readItimerval(raw);
    if (typeof r === 'number') return r;
    next = r;
  }
  if (arg(regs, 2) !== 0 && !copyOut(p, arg(regs, 2), itimerBytes(p, which))) return -E.EFAULT;
  arm(p, which, next[1], next[0]);
  return 0;
}

function getitimer(p: Process, regs: PtRegs): number {
  const which = arg(regs, 0);
  if (which > 2) return -E.EINVAL;
  return copyOut(p, arg(regs, 1), itimerBytes(p, which)) ? 0 : -E.EFAULT;
}

/** pselect6: fds are always ready except a stdin with no data yet; otherwise wait for the timeout. */
function pselect6(p: Process, regs: PtRegs, time64: boolean): number {
  const n = sarg(regs, 0);
  if (n < 0 || n > p.fds.limit) return -E.EINVAL;
  const bytes = Math.ceil(n / 32) * 4;
  const sets = [1, 2, 3].map((i) => (arg(regs, i) === 0 ? undefined : copyIn(p, arg(regs, i), bytes)));
  if ([1, 2, 3].some((i, k) => arg(regs, i) !== 0 && !sets[k])) return -E.EFAULT;
  let timeout: bigint | undefined;
  if (arg(regs, 4) !== 0) {
    const t = getTimespec(p, arg(regs, 4), time64);
    if (typeof t === 'number') return t;
    timeout = t;
  }
  const scan = (): { ready: Uint8Array[]; count: number } | number => {
    const ready = sets.map(() => new Uint8Array(bytes));
    let count = 0;
    for (let fd = 0; fd < n; fd++) {
      for (let k = 0; k < 3; k++) {
        const s = sets[k];
        if (!s || !(s[fd >> 3]! & (1 << (fd & 7)))) continue;
        const f = p.fds.get(fd);
        if (!f) return -E.EBADF;
        const isReady = k === 0 ? f.readable && (f.readReady?.() ?? true) : k === 1 ? f.writable && (f.writeReady?.() ?? true) : false;
        if (isReady) {
          ready[k]![fd >> 3]! |= 1 << (fd & 7);
          count++;
        }
      }
    }
    return { ready, count };
  };
  const finish = (found: { ready: Uint8Array[]; count: number }): number => {
    for (let k = 0; k < 3; k++) if (sets[k] && !copyOut(p, arg(regs, k + 1), found.ready[k]!)) return -E.EFAULT;
    if (arg(regs, 4) !== 0 && found.count === 0 && !putTime(p, arg(regs, 4), 0n, time64)) return -E.EFAULT;
    return found.count;
  };
  const now = scan();
  if (typeof now === 'number') return now;
  if (now.count > 0 || timeout === 0n) return finish(now);
  const stdin = p.fds.get(0);
  return p.sleep({
    until: timeout === undefined ? (stdin instanceof InputStream ? stdin.wakeAt() : undefined) : p.clock.monotonic() + timeout,
    ready: () => {
      const again = scan();
      return typeof again === 'number' || again.count > 0;
    },
    resume: (why) => {
      if (why === 'signal') return -E.ERESTARTNOHAND;
      const again = scan();
      if (typeof again === 'number') return again;
      // No timeout: the wake-up was only stdin's arrival time; wait again if nothing is ready yet.
      return again.count === 0 && timeout === undefined ? pselect6(p, regs, time64) : finish(again);
    },
  });
}

function restartSyscall(p: Process): number {
  const fn = p.restartBlock;
  p.restartBlock = undefined;
  return fn ? fn(p) : -E.EINTR;
}

export const timeRows: readonly SyscallRow[] = [
  row(0, 'restart_syscall', '', restartSyscall),
  inlineRow(13, 'time', 'x', time),
  row(27, 'alarm', 'u', alarm),
  row(29, 'pause', '', pause),
  inlineRow(78, 'gettimeofday', 'xx', gettimeofday),
  row(104, 'setitimer', 'ixx', setitimer),
  row(105, 'getitimer', 'ix', getitimer),
  row(162, 'nanosleep', 'xx', (p, r) => nanosleep(p, r, false)),
  inlineRow(265, 'clock_gettime', 'ix', (p, r) => clockGettime(p, r, false)),
  row(266, 'clock_getres', 'ix', (p, r) => clockGetres(p, r, false)),
  row(267, 'clock_nanosleep', 'ixxx', (p, r) => clockNanosleep(p, r, false)),
  row(308, 'pselect6', 'ixxxxx', (p, r) => pselect6(p, r, false)),
  inlineRow(403, 'clock_gettime64', 'ix', (p, r) => clockGettime(p, r, true)),
  row(406, 'clock_getres_time64', 'ix', (p, r) => clockGetres(p, r, true)),
  row(407, 'clock_nanosleep_time64', 'ixxx', (p, r) => clockNanosleep(p, r, true)),
  row(413, 'pselect6_time64', 'ixxxxx', (p, r) => pselect6(p, r, true)),
];
