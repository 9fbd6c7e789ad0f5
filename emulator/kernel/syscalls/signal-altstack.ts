// Owns do_sigaltstack: reading and setting the alternate signal stack (stack_t {ss_sp,
// ss_flags, ss_size}), refused with EPERM while running on it; used by sigaltstack and by
// rt_sigreturn, which restores uc_stack.
import type { Process } from '../process';
import { E } from '../linux-abi';
import { MINSIGSTKSZ, SS_AUTODISARM, SS_DISABLE, SS_ONSTACK } from '../signals/abi';
import { signalsOf } from '../signals/deliver';
import { copyIn, copyOut } from './table';

function u32(b: Uint8Array, at: number): number {
  return (b[at]! | (b[at + 1]! << 8) | (b[at + 2]! << 16) | (b[at + 3]! << 24)) >>> 0;
}

/** do_sigaltstack, shared with rt_sigreturn (which restores uc_stack and ignores failure). */
export function doSigaltstack(p: Process, uss: number, uoss: number, sp: number): number {
  const sig = signalsOf(p);
  const on = sig.onAltStack(sp);
  const a = sig.altstack;
  const oldBytes = new Uint8Array(12);
  const view = new DataView(oldBytes.buffer);
  view.setUint32(0, a.sp >>> 0, true);
  view.setUint32(4, (a.flags & SS_DISABLE || a.size === 0 ? SS_DISABLE : (on ? SS_ONSTACK : 0) | (a.flags & SS_AUTODISARM)) >>> 0, true);
  view.setUint32(8, a.size >>> 0, true);
  if (uss !== 0) {
    const b = copyIn(p, uss, 12);
    if (!b) return -E.EFAULT;
    if (on) return -E.EPERM;
    const flags = u32(b, 4);
    const mode = flags & ~SS_AUTODISARM;
    if (mode !== SS_DISABLE && mode !== SS_ONSTACK && mode !== 0) return -E.EINVAL;
    if (mode === SS_DISABLE) sig.altstack = { sp: 0, size: 0, flags: SS_DISABLE };
    else {
      if (u32(b, 8) < MINSIGSTKSZ) return -E.ENOMEM;
      sig.altstack = { sp: u32(b, 0), size: u32(b, 8), flags: flags & SS_AUTODISARM };
    }
  }
  if (uoss !== 0 && !copyOut(p, uoss, oldBytes)) return -E.EFAULT;
  return 0;
}

