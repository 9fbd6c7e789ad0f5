// Owns the system calls that send or wait for signals: kill (a process by pid; 0, -pgid and
// -1 name every process of the machine, its one process group, -1 except the caller's),
// tkill and tgkill (one thread), ESRCH when nothing matches, and
// rt_sigsuspend (the mask is swapped until a signal is deliverable, then -ERESTARTNOHAND so
// that the handler runs and the call returns -EINTR; the old mask comes back via the frame).
import type { PtRegs } from '../seams';
import type { Process } from '../process';
import { E } from '../linux-abi';
import { ERESTARTNOHAND, NSIG, SI, UNBLOCKABLE } from '../signals/abi';
import { signalsOf } from '../signals/deliver';
import { arg, copyIn, row, sarg, type SyscallRow } from './table';

/** A signal to one thread (tkill, tgkill). */
function sendToThread(p: Process, target: Process, signal: number): number {
  if (signal < 0 || signal > NSIG) return -E.EINVAL;
  if (signal === 0) return 0;
  signalsOf(target).send(signal, SI.TKILL, { pid: p.pid, uid: p.uid[0] });
  return 0;
}

function kill(p: Process, regs: PtRegs): number {
  const pid = sarg(regs, 0);
  const signal = sarg(regs, 1);
  if (signal < 0 || signal > NSIG) return -E.EINVAL;
  const m = p.machine;
  const from = { pid: p.pid, uid: p.uid[0] };
  if (pid > 0) return m.sendToProcess(pid, signal, SI.USER, from) ? 0 : -E.ESRCH;
  // One process group holds every process: 0, -pgid and -1 (all but the caller) name them.
  const pids = [...new Set(m.tasks.filter((t) => !t.exit && t.tid === t.pid).map((t) => t.pid))].filter((x) => pid !== -1 || x !== p.pid);
  if (pid < -1 && -pid !== m.init.pid) return -E.ESRCH;
  let sent = false;
  for (const x of pids) sent = m.sendToProcess(x, signal, SI.USER, from) || sent;
  return sent ? 0 : -E.ESRCH;
}

function tkill(p: Process, regs: PtRegs): number {
  const tid = sarg(regs, 0);
  if (tid <= 0) return -E.EINVAL;
  const target = p.machine.byTid(tid);
  return target ? sendToThread(p, target, sarg(regs, 1)) : -E.ESRCH;
}

function tgkill(p: Process, regs: PtRegs): number {
  const tgid = sarg(regs, 0);
  const tid = sarg(regs, 1);
  if (tgid <= 0 || tid <= 0) return -E.EINVAL;
  const target = p.machine.byTid(tid);
  return target && target.pid === tgid ? sendToThread(p, target, sarg(regs, 2)) : -E.ESRCH;
}

function rtSigsuspend(p: Process, regs: PtRegs): number {
  if (arg(regs, 1) !== 8) return -E.EINVAL;
  const b = copyIn(p, arg(regs, 0), 8);
  if (!b) return -E.EFAULT;
  const set = BigInt(new DataView(b.buffer, b.byteOffset).getUint32(0, true)) | (BigInt(new DataView(b.buffer, b.byteOffset).getUint32(4, true)) << 32n);
  const sig = signalsOf(p);
  sig.savedMask = sig.blocked;
  sig.blocked = set & ~UNBLOCKABLE;
  return p.sleep({ resume: () => -ERESTARTNOHAND });
}

export const sendRows: readonly SyscallRow[] = [
  row(37, 'kill', 'ii', kill),
  row(179, 'rt_sigsuspend', 'xu', rtSigsuspend),
  row(238, 'tkill', 'ii', tkill),
  row(270, 'tgkill', 'iii', tgkill),
];
