// Owns futex: the wait queues of the machine, keyed as Linux keys them: a futex in a shared
// mapping (MAP_SHARED) without FUTEX_PRIVATE_FLAG by its page and offset, so processes that
// share the page wait and wake each other; any other by address space and address (docs/kernel-facts.md);
// FUTEX_WAIT/WAIT_BITSET (with a relative or, for the bitset form, absolute timeout on
// CLOCK_MONOTONIC or CLOCK_REALTIME), WAKE/WAKE_BITSET, REQUEUE and CMP_REQUEUE, in FIFO
// order; and the wake clear_child_tid does when a thread exits (what pthread_join waits on).
// The PI operations and WAKE_OP are ENOSYS.
import { PAGE_SIZE, type Memory } from '../../memory/memory';
import type { PtRegs } from '../seams';
import { E, FUTEX, readTime32, readTime64 } from '../linux-abi';
import type { Process } from '../process';
import type { Machine } from '../tasks';
import { arg, copyIn, readU32 } from './table';
import { sideTable } from '../side-tables';

const BITSET_MATCH_ANY = 0xffffffff;

/** A futex's key: the shared page and the offset in it, or the address space and the address. */
interface FutexKey {
  readonly space: object;
  readonly offset: number;
}

/** The key of `address` in `memory`: shared (the page) unless the call is private or the page is not a shared mapping's. */
function keyOf(memory: Memory, address: number, privately: boolean): FutexKey {
  const page = privately ? undefined : memory.sharedPage(address);
  return page ? { space: page, offset: address & (PAGE_SIZE - 1) } : { space: memory, offset: address };
}

interface Waiter {
  readonly task: Process;
  key: FutexKey;
  readonly bitset: number;
  woken: boolean;
}

const queues = sideTable<Machine, Waiter[]>();

function queueOf(machine: Machine): Waiter[] {
  let q = queues.get(machine);
  if (!q) queues.set(machine, (q = []));
  return q;
}

/**
 * Wakes up to `count` waiters on `address` of `memory` whose bitset meets `bitset`; returns
 * how many. `privately`: FUTEX_PRIVATE_FLAG (clear_child_tid's wake is not private).
 */
export function futexWake(machine: Machine, memory: Memory, address: number, count: number, bitset = BITSET_MATCH_ANY, privately = false): number {
  return wakeKey(machine, keyOf(memory, address, privately), count, bitset);
}

function wakeKey(machine: Machine, key: FutexKey, count: number, bitset = BITSET_MATCH_ANY): number {
  const q = queueOf(machine);
  let woken = 0;
  for (let i = 0; i < q.length && woken < count; ) {
    const w = q[i]!;
    if (w.key.space === key.space && w.key.offset === key.offset && (w.bitset & bitset) !== 0 && !w.task.exit) {
      w.woken = true;
      q.splice(i, 1);
      woken++;
    } else i++;
  }
  return woken;
}

/** Moves up to `count` waiters from `from` to `to` (after waking some); returns how many moved. */
function requeue(machine: Machine, from: FutexKey, to: FutexKey, count: number): number {
  let moved = 0;
  for (const w of queueOf(machine)) {
    if (moved >= count) break;
    if (w.key.space === from.space && w.key.offset === from.offset) {
      w.key = to;
      moved++;
    }
  }
  return moved;
}

function wait(p: Process, regs: PtRegs, time64: boolean, op: number, privately: boolean): number {
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
  const w: Waiter = { task: p, key: keyOf(p.memory, uaddr, privately), bitset, woken: false };
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
  const privately = (arg(regs, 1) & FUTEX.PRIVATE_FLAG) !== 0;
  const uaddr = arg(regs, 0);
  switch (op) {
    case FUTEX.WAIT:
    case FUTEX.WAIT_BITSET:
      return wait(p, regs, time64, op, privately);
    case FUTEX.WAKE:
    case FUTEX.WAKE_BITSET: {
      if (uaddr % 4 !== 0) return -E.EINVAL;
      const bitset = op === FUTEX.WAKE_BITSET ? arg(regs, 5) : BITSET_MATCH_ANY;
      if (bitset === 0) return -E.EINVAL;
      return futexWake(p.machine, p.memory, uaddr, arg(regs, 2) | 0, bitset, privately);
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
      const from = keyOf(p.memory, uaddr, privately);
      const woken = wakeKey(p.machine, from, wakeCount);
      const moved = requeue(p.machine, from, keyOf(p.memory, uaddr2, privately), moveCount);
      return op === FUTEX.CMP_REQUEUE ? woken + moved : woken;
    }
    default:
      return -E.ENOSYS;
  }
}
