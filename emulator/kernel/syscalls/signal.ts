// Owns the signal-disposition system calls: rt_sigaction and sigaction (struct sigaction
// and struct old_sigaction, i386 layouts), rt_sigprocmask and sigprocmask, rt_sigpending,
// sigaltstack; and `signalRows`, every signal system call row the table imports
// (this file's, signal-send.ts's and signal-return.ts's).
import type { PtRegs } from '../seams';
import type { Process } from '../process';
import { E, SIG } from '../linux-abi';
import { NSIG, UNBLOCKABLE } from '../signals/abi';
import { signalsOf } from '../signals/deliver';
import type { SigAction } from '../signals/state';
import { arg, copyIn, copyOut, row, sarg, type SyscallRow } from './table';
import { sendRows } from './signal-send';
import { returnRows } from './signal-return';
import { doSigaltstack } from './signal-altstack';

const SIGSET_SIZE = 8;
const SIG_BLOCK = 0, SIG_UNBLOCK = 1, SIG_SETMASK = 2;

function u32(b: Uint8Array, at: number): number {
  return (b[at]! | (b[at + 1]! << 8) | (b[at + 2]! << 16) | (b[at + 3]! << 24)) >>> 0;
}

function put32(b: Uint8Array, at: number, v: number): void {
  new DataView(b.buffer, b.byteOffset).setUint32(at, v >>> 0, true);
}

export function readSigset(b: Uint8Array, at: number): bigint {
  return BigInt(u32(b, at)) | (BigInt(u32(b, at + 4)) << 32n);
}

function sigsetBytes(set: bigint): Uint8Array {
  const b = new Uint8Array(8);
  put32(b, 0, Number(set & 0xffffffffn));
  put32(b, 4, Number((set >> 32n) & 0xffffffffn));
  return b;
}

/** do_sigaction: installs `next` (when given) and returns the previous action, or an errno. */
function doSigaction(p: Process, signal: number, next: SigAction | undefined): SigAction | number {
  if (signal < 1 || signal > NSIG) return -E.EINVAL;
  const sig = signalsOf(p);
  const old = { ...sig.actions[signal]! };
  if (next) {
    if (signal === SIG.SIGKILL || signal === SIG.SIGSTOP) return -E.EINVAL;
    sig.actions[signal] = { ...next, mask: next.mask & ~UNBLOCKABLE };
    if (sig.isIgnored(signal)) sig.discard(signal);
  }
  return old;
}

/** rt_sigaction(sig, act, oact, sigsetsize): struct sigaction {handler, flags, restorer, mask[2]}. */
function rtSigaction(p: Process, regs: PtRegs): number {
  if (arg(regs, 3) !== SIGSET_SIZE) return -E.EINVAL;
  let next: SigAction | undefined;
  if (arg(regs, 1) !== 0) {
    const b = copyIn(p, arg(regs, 1), 20);
    if (!b) return -E.EFAULT;
    next = { handler: u32(b, 0), flags: u32(b, 4), restorer: u32(b, 8), mask: readSigset(b, 12) };
  }
  const old = doSigaction(p, sarg(regs, 0), next);
  if (typeof old === 'number') return old;
  if (arg(regs, 2) !== 0) {
    const b = new Uint8Array(20);
    put32(b, 0, old.handler);
    put32(b, 4, old.flags);
    put32(b, 8, old.restorer);
    b.set(sigsetBytes(old.mask), 12);
    if (!copyOut(p, arg(regs, 2), b)) return -E.EFAULT;
  }
  return 0;
}

/** sigaction(sig, act, oact): struct old_sigaction {handler, mask (32 bits), flags, restorer}. */
function oldSigaction(p: Process, regs: PtRegs): number {
  let next: SigAction | undefined;
  if (arg(regs, 1) !== 0) {
    const b = copyIn(p, arg(regs, 1), 16);
    if (!b) return -E.EFAULT;
    next = { handler: u32(b, 0), mask: BigInt(u32(b, 4)), flags: u32(b, 8), restorer: u32(b, 12) };
  }
  const old = doSigaction(p, sarg(regs, 0), next);
  if (typeof old === 'number') return old;
  if (arg(regs, 2) !== 0) {
    const b = new Uint8Array(16);
    put32(b, 0, old.handler);
    put32(b, 4, Number(old.mask & 0xffffffffn));
    put32(b, 8, old.flags);
    put32(b, 12, old.restorer);
    if (!copyOut(p, arg(regs, 2), b)) return -E.EFAULT;
  }
  return 0;
}

/** Applies SIG_BLOCK/SIG_UNBLOCK/SIG_SETMASK to the bits `width` covers; false for a bad `how`. */
function changeMask(p: Process, how: number, set: bigint, width: bigint): boolean {
  const sig = signalsOf(p);
  let next: bigint;
  if (how === SIG_BLOCK) next = sig.blocked | set;
  else if (how === SIG_UNBLOCK) next = sig.blocked & ~set;
  else if (how === SIG_SETMASK) next = (sig.blocked & ~width) | (set & width);
  else return false;
  sig.blocked = next & ~UNBLOCKABLE;
  return true;
}

/** rt_sigprocmask(how, set, oset, sigsetsize). */
function rtSigprocmask(p: Process, regs: PtRegs): number {
  if (arg(regs, 3) !== SIGSET_SIZE) return -E.EINVAL;
  const old = signalsOf(p).blocked;
  if (arg(regs, 1) !== 0) {
    const b = copyIn(p, arg(regs, 1), 8);
    if (!b) return -E.EFAULT;
    if (!changeMask(p, sarg(regs, 0), readSigset(b, 0), 0xffffffffffffffffn)) return -E.EINVAL;
  }
  if (arg(regs, 2) !== 0 && !copyOut(p, arg(regs, 2), sigsetBytes(old))) return -E.EFAULT;
  return 0;
}

/** sigprocmask(how, set, oset) with 32-bit old_sigset_t. */
function oldSigprocmask(p: Process, regs: PtRegs): number {
  const old = signalsOf(p).blocked;
  if (arg(regs, 1) !== 0) {
    const b = copyIn(p, arg(regs, 1), 4);
    if (!b) return -E.EFAULT;
    if (!changeMask(p, sarg(regs, 0), BigInt(u32(b, 0)), 0xffffffffn)) return -E.EINVAL;
  }
  if (arg(regs, 2) !== 0 && !copyOut(p, arg(regs, 2), sigsetBytes(old).subarray(0, 4))) return -E.EFAULT;
  return 0;
}

/** rt_sigpending(set, sigsetsize): pending signals that are blocked. */
function rtSigpending(p: Process, regs: PtRegs): number {
  if (arg(regs, 1) > SIGSET_SIZE) return -E.EINVAL;
  const sig = signalsOf(p);
  const set = sig.pendingSet() & sig.blocked;
  return copyOut(p, arg(regs, 0), sigsetBytes(set).subarray(0, arg(regs, 1))) ? 0 : -E.EFAULT;
}

/** sigaltstack(uss, uoss): stack_t {ss_sp, ss_flags, ss_size}. */
function sigaltstack(p: Process, regs: PtRegs): number {
  return doSigaltstack(p, arg(regs, 0), arg(regs, 1), p.cpu.state.r[4]! >>> 0);
}

export const signalRows: readonly SyscallRow[] = [
  row(67, 'sigaction', 'ixx', oldSigaction),
  row(126, 'sigprocmask', 'ixx', oldSigprocmask),
  row(174, 'rt_sigaction', 'ixxu', rtSigaction),
  row(175, 'rt_sigprocmask', 'ixxu', rtSigprocmask),
  row(176, 'rt_sigpending', 'xu', rtSigpending),
  row(186, 'sigaltstack', 'xx', sigaltstack),
  ...sendRows,
  ...returnRows,
];

