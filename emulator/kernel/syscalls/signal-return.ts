// Owns sigreturn and rt_sigreturn: the frame is found from the stack pointer the trampoline
// left (sp - 8 after __kernel_sigreturn's popl, sp - 4 for the rt one), the blocked mask,
// every register, the FIX_EFLAGS bits (TF included) and, for rt, the alternate stack come
// back from it; orig_ax = -1 so that no restart applies, and the call returns the restored
// ax; the x87 state comes back from sigcontext.fpstate. A frame (or fpstate) that cannot be
// read, or bad cs/ss, is a SIGSEGV (badframe).
import type { PtRegs } from '../seams';
import type { Process } from '../process';
import { SIG } from '../linux-abi';
import { userSelectors } from '../../x86/state';
import { FIX_EFLAGS, RT_SIGFRAME, SI, SIGFRAME, UNBLOCKABLE } from '../signals/abi';
import { signalsOf } from '../signals/deliver';
import { frameWord, readSigcontext } from '../signals/frame';
import { MATH_FRAME_SIZE, restoreMathFrame } from '../signals/fpstate';
import { copyIn, row, type SyscallRow } from './table';
import { doSigaltstack } from './signal-altstack';

function badFrame(p: Process, regs: PtRegs): number {
  signalsOf(p).force({ info: { signo: SIG.SIGSEGV, code: SI.KERNEL }, trap: { trapno: 13, err: 0, cr2: 0 } });
  return regs.ax;
}

/** restore_sigcontext: false when the context cannot be returned to (bad cs/ss). */
function restoreSigcontext(p: Process, regs: PtRegs, b: Uint8Array, at: number): boolean {
  const sc = readSigcontext(b, at);
  const sel = userSelectors(p.options.kernel);
  if ((sc.cs | 3) !== sel.code || (sc.ss | 3) !== sel.data) return false;
  regs.gs = sc.gs; regs.fs = sc.fs; regs.es = sc.es; regs.ds = sc.ds;
  regs.di = sc.di; regs.si = sc.si; regs.bp = sc.bp; regs.sp = sc.sp;
  regs.bx = sc.bx; regs.dx = sc.dx; regs.cx = sc.cx; regs.ax = sc.ax | 0;
  regs.ip = sc.ip;
  regs.cs = sc.cs | 3;
  regs.ss = sc.ss | 3;
  regs.flags = ((regs.flags & ~FIX_EFLAGS) | (sc.flags & FIX_EFLAGS)) >>> 0;
  regs.orig_ax = -1;
  return restoreFpstate(p, sc.fpstate);
}

/** fpu__restore_sig: the x87 state from sigcontext.fpstate, or a reset FPU when it is 0. */
function restoreFpstate(p: Process, fpstate: number): boolean {
  const fpu = p.cpu.state.fpu;
  if (fpstate === 0) {
    fpu.init();
    return true;
  }
  const b = copyIn(p, fpstate, MATH_FRAME_SIZE);
  if (!b) return false;
  restoreMathFrame(fpu, b);
  return true;
}

function sigreturn(p: Process, regs: PtRegs): number {
  const frame = (regs.sp - 8) >>> 0;
  const b = copyIn(p, frame, SIGFRAME.SIZE);
  if (!b) return badFrame(p, regs);
  const mask = BigInt(frameWord(b, SIGFRAME.sc + 80)) | (BigInt(frameWord(b, SIGFRAME.extramask)) << 32n);
  if (!restoreSigcontext(p, regs, b, SIGFRAME.sc)) return badFrame(p, regs);
  signalsOf(p).blocked = mask & ~UNBLOCKABLE;
  return regs.ax;
}

function rtSigreturn(p: Process, regs: PtRegs): number {
  const frame = (regs.sp - 4) >>> 0;
  const b = copyIn(p, frame, RT_SIGFRAME.SIZE);
  if (!b) return badFrame(p, regs);
  const mask = BigInt(frameWord(b, RT_SIGFRAME.uc_sigmask)) | (BigInt(frameWord(b, RT_SIGFRAME.uc_sigmask + 4)) << 32n);
  if (!restoreSigcontext(p, regs, b, RT_SIGFRAME.uc_mcontext)) return badFrame(p, regs);
  signalsOf(p).blocked = mask & ~UNBLOCKABLE;
  doSigaltstack(p, (frame + RT_SIGFRAME.uc_stack) >>> 0, 0, regs.sp);
  return regs.ax;
}

export const returnRows: readonly SyscallRow[] = [
  row(119, 'sigreturn', '', sigreturn, true),
  row(173, 'rt_sigreturn', '', rtSigreturn, true),
];
