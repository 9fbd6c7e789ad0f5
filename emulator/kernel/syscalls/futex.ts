// Owns futex: the wait queues of the machine (keyed by address space and address: the model
// has no memory shared between processes, so every futex is private to its address space),
// FUTEX_WAIT/WAIT_BITSET (with a relative or, for the bitset form, absolute timeout on
// CLOCK_MONOTONIC or CLOCK_REALTIME), WAKE/WAKE_BITSET, REQUEUE and CMP_REQUEUE, in FIFO
// order; and the wake clear_child_tid does when a thread exits (what pthread_join waits on).
// The PI operations and WAKE_OP are ENOSYS.
import type { Memory } from '../../memory/memory';
import type { PtRegs } from '../seams';
import { E, FUTEX, readTime32, readTime64 } from '../linux-abi';
import type { Process } from '../process';
import type { Machine } from '../tasks';
import { arg, copyIn, readU32 } from './table';
import { sideTable } from '../side-tables';

const BITSET_MATCH_ANY = 0xffffffff;

interface Waiter {
  readonly task: Process;
  memory: Memory;
  address: number;
  readonly bitset: number;
  woken: boolean;
}

const queues = sideTable<Machine, Waiter[]>();

function queueOf(machine: Machine): Waiter[] {
  let q = queues.get(machine);
  if (!q) queues.set(machine, (q = []));
  return q;
}

/** Wakes up to `count` waiters on `address` of `memory` whose bitset meets `bitset`; returns how many. */
export function futexWake(machine: Machine, memory: Memory, address: number, count: number, bitset = BITSET_MATCH_ANY): number {
  const q = queueOf(machine);
  let woken = 0;
  for (let i = 0; i < q.length && woken < count; ) {
    const w = q[i]!;
    if (w.memory === memory && w.address === address && (w.bitset & bitset) !== 0 && !w.task.exit) {
      w.woken = true;
      q.splice(i, 1);
      woken++;
    } else i++;
  }
  return woken;
}

/** Moves up to `count` waiters from `from` to `to` (after waking some); returns how many moved. */
function requeue(machine: Machine, memory: Memory, from: number, to: number, count: number): number {
  let moved = 0;
  for (const w of queueOf(machine)) {
    if (moved >= count) break;
    if (w.memory === memory && w.address === from) {
      w.address = to;
      moved++;
    }
  }
  return moved;
}

function wait(p: Process, regs: PtRegs, time64: boolean, op: number): number {
  const uaddr = arg(regs, 0);
  if (uaddr % 4 !== 0) return -E.EINVAL;
  const bitset = op === FUTEX.WAIT_BITSET ? arg(regs, 5) : BITSET_MATCH_ANY;
  if (bitset === 0) return -E.EINVAL;
  let until: bigint | undefined;
  if (arg(regs, 3) !== 0) {
    const raw = copyIn(p, arg(regs, 3), time64 ? 16 : 8);
    if (!raw) return -E.EFAULT;
    const [s, ns] = time64 ? readTime64(raw) : readTime32(raw);
    if (s < 0n || ns < 0 || ns >= 1e9) return -E.EINVAL;
    const span = s * 1_000_000_000n + BigInt(ns);
    if (op === FUTEX.WAIT_BITSET) {
      const now = arg(regs, 1) & FUTEX.CLOCK_REALTIME ? p.clock.realtime() : p.clock.monotonic();
      until = p.clock.monotonic() + (span - now);
    } else until = p.clock.monotonic() + span;
  }
  const value = readU32(p, uaddr);
  if (value === undefined) return -E.EFAULT;
  if (value !== arg(regs, 2)) return -E.EAGAIN;
  const w: Waiter = { task: p, memory: p.memory, address: uaddr, bitset, woken: false };
  queueOf(p.machine).push(w);
  return p.sleep({
    until,
    ready: () => w.woken,
    resume: (why) => {
      if (w.woken) return 0;
      const q = queueOf(p.machine);
      const at = q.indexOf(w);
      if (at >= 0) q.splice(at, 1);
      return why === 'timeout' ? -E.ETIMEDOUT : -E.ERESTARTSYS;
    },
  });
}

/** futex(uaddr, op, val, timeout|val2, uaddr2, val3). */
export function futex(p: Process, regs: PtRegs, time64: boolean): number {
  const op = arg(regs, 1) & ~(FUTEX.PRIVATE_FLAG | FUTEX.CLOCK_REALTIME);
  const uaddr = arg(regs, 0);
  switch (op) {
    case FUTEX.WAIT:
    case FUTEX.WAIT_BITSET:
      return wait(p, regs, time64, op);
    case FUTEX.WAKE:
    case FUTEX.WAKE_BITSET: {
      if (uaddr % 4 !== 0) return -E.EINVAL;
      const bitset = op === FUTEX.WAKE_BITSET ? arg(regs, 5) : BITSET_MATCH_ANY;
      if (bitset === 0) return -E.EINVAL;
      return futexWake(p.machine, p.memory, uaddr, arg(regs, 2) | 0, bitset);
    }
    case FUTEX.REQUEUE:
    case FUTEX.CMP_REQUEUE: {
      const uaddr2 = arg(regs, 4);
      if (uaddr % 4 !== 0 || uaddr2 % 4 !== 0) return -E.EINVAL;
      const wakeCount = arg(regs, 2) | 0;
      const moveCount = arg(regs, 3) | 0;
      if (wakeCount < 0 || moveCount < 0) return -E.EINVAL;
      if (op === FUTEX.CMP_REQUEUE) {
        const value = readU32(p, uaddr);
        if (value === undefined) return -E.EFAULT;
        if (value !== arg(regs, 5)) return -E.EAGAIN;
      }
      const woken = futexWake(p.machine, p.memory, uaddr, wakeCount);
      const moved = requeue(p.machine, p.memory, uaddr, uaddr2, moveCount);
      return op === FUTEX.CMP_REQUEUE ? woken + moved : woken;
    }
    default:
      return -E.ENOSYS;
  }
}
