// Owns the system calls that send or wait for signals: kill, tkill, tgkill (the only
// process and thread is this one: its pid, 0 and -1 name it, anything else is ESRCH) and
// rt_sigsuspend (the mask is swapped until a signal is deliverable, then -ERESTARTNOHAND so
// that the handler runs and the call returns -EINTR; the old mask comes back via the frame).
import type { PtRegs } from '../seams';
import type { Process } from '../process';
import { E } from '../linux-abi';
import { ERESTARTNOHAND, NSIG, SI, UNBLOCKABLE } from '../signals/abi';
import { signalsOf } from '../signals/deliver';
import { arg, copyIn, row, sarg, type SyscallRow } from './table';

function send(p: Process, signal: number, code: number): number {
  if (signal < 0 || signal > NSIG) return -E.EINVAL;
  if (signal === 0) return 0;
  signalsOf(p).send(signal, code, { pid: p.pid, uid: p.uid[0] });
  return 0;
}

function kill(p: Process, regs: PtRegs): number {
  const pid = sarg(regs, 0);
  if (pid !== p.pid && pid !== 0 && pid !== -1 && pid !== -p.pid) return -E.ESRCH;
  return send(p, sarg(regs, 1), SI.USER);
}

function tkill(p: Process, regs: PtRegs): number {
  const tid = sarg(regs, 0);
  if (tid <= 0) return -E.EINVAL;
  if (tid !== p.tid) return -E.ESRCH;
  return send(p, sarg(regs, 1), SI.TKILL);
}

function tgkill(p: Process, regs: PtRegs): number {
  const tgid = sarg(regs, 0);
  const tid = sarg(regs, 1);
  if (tgid <= 0 || tid <= 0) return -E.EINVAL;
  if (tgid !== p.pid || tid !== p.tid) return -E.ESRCH;
  return send(p, sarg(regs, 2), SI.TKILL);
}

function rtSigsuspend(p: Process, regs: PtRegs): number {
  if (arg(regs, 1) !== 8) return -E.EINVAL;
  const b = copyIn(p, arg(regs, 0), 8);
  if (!b) return -E.EFAULT;
  const set = BigInt(new DataView(b.buffer, b.byteOffset).getUint32(0, true)) | (BigInt(new DataView(b.buffer, b.byteOffset).getUint32(4, true)) << 32n);
  const sig = signalsOf(p);
  sig.savedMask = sig.blocked;
  sig.blocked = set & ~UNBLOCKABLE;
  p.block(undefined);
  return -ERESTARTNOHAND;
}

export const sendRows: readonly SyscallRow[] = [
  row(37, 'kill', 'ii', kill),
  row(179, 'rt_sigsuspend', 'xu', rtSigsuspend),
  row(238, 'tkill', 'ii', tkill),
  row(270, 'tgkill', 'iii', tgkill),
];
