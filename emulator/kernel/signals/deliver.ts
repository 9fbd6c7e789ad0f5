// Owns what happens to signals on every return to user mode (arch_do_signal_or_restart):
// dequeue, default actions (ignore, stop, terminate with the one-line "killed by" report),
// the restart rules for -ERESTARTSYS/-ERESTARTNOINTR/-ERESTARTNOHAND/-ERESTART_RESTARTBLOCK
// (ip -= 2), building the handler's frame on the user stack and pointing pt_regs at the
// handler, the blocked mask the handler runs with, and rt_sigsuspend's saved mask.
import type { ProcessView, PtRegs } from '../seams';
import { signalName, SIG } from '../linux-abi';
import { userSelectors } from '../../x86/state';
import {
  EINTR, ERESTART_RESTARTBLOCK, ERESTARTNOHAND, ERESTARTNOINTR, ERESTARTSYS, SA, SIG_DFL, SIG_IGN, SI, UNBLOCKABLE, defaultAction, sigbit,
} from './abi';
import { buildRtSigframe, buildSigframe, type BuiltFrame } from './frame';
import { MXCSR_DEFAULT } from '../../x86/fpu/state';
import { Signals, type QueuedSignal } from './state';
import { copyToUser } from './user-memory';

const DF = 0x400, TF = 0x100, RF = 0x10000;

/** What one return to user mode did with signals, for the trace and the debugger. */
export interface DeliveryLog {
  /** Handlers entered, in order (a later one runs first: its frame is on top). */
  readonly delivered: Array<{ readonly signal: number; readonly handler: number; readonly frame: BuiltFrame; readonly rt: boolean }>;
  /** Signals dropped by their default action (ignore, stop, continue). */
  readonly ignored: number[];
  /** The restart applied to the interrupted system call, if any. */
  restart: { readonly code: number; readonly action: 'eintr' | 'ip-2' | 'restart_syscall' } | undefined;
  /** Set when a default action ended the process. */
  killed: { readonly signal: number; readonly message: string } | undefined;
}

/** The per-process signal state behind the seam (the process creates a `Signals`). */
export function signalsOf(process: ProcessView): Signals {
  const s = process.signals;
  if (!(s instanceof Signals)) throw new Error('the process signal state is not signals/state.ts Signals');
  return s;
}

const CODE_NAMES: Readonly<Record<number, Readonly<Record<number, string>>>> = {
  [SIG.SIGSEGV]: { 1: 'SEGV_MAPERR', 2: 'SEGV_ACCERR' },
  [SIG.SIGBUS]: { 1: 'BUS_ADRALN', 2: 'BUS_ADRERR' },
  [SIG.SIGILL]: { 2: 'ILL_ILLOPN' },
  [SIG.SIGFPE]: { 1: 'FPE_INTDIV', 3: 'FPE_FLTDIV', 4: 'FPE_FLTOVF', 5: 'FPE_FLTUND', 6: 'FPE_FLTRES', 7: 'FPE_FLTINV' },
  [SIG.SIGTRAP]: { 1: 'TRAP_BRKPT', 2: 'TRAP_TRACE', 4: 'TRAP_HWBKPT' },
};

function hex8(n: number): string {
  return '0x' + (n >>> 0).toString(16).padStart(8, '0');
}

/** A siginfo's code and address as reports and the trace show them: "si_addr 0x..., SEGV_MAPERR". */
export function siginfoText(q: QueuedSignal): string {
  const code = q.info.code === SI.KERNEL ? 'SI_KERNEL' : q.info.code === SI.USER ? 'SI_USER' : q.info.code === SI.TKILL ? 'SI_TKILL' : CODE_NAMES[q.info.signo]?.[q.info.code];
  return q.info.addr !== undefined ? `si_addr ${hex8(q.info.addr)}, ${code ?? q.info.code}` : code ?? String(q.info.code);
}

/** The one-line report of a death by signal: "killed by SIGSEGV at 0x... (si_addr 0x..., SEGV_MAPERR)". */
export function killMessage(q: QueuedSignal, ip: number): string {
  return `killed by ${signalName(q.info.signo)} at ${hex8(ip)} (${siginfoText(q)})`;
}

/** The log of a return to user mode that delivered nothing (shared: never written). */
const NOTHING_DONE: DeliveryLog = Object.freeze({ delivered: Object.freeze([]) as unknown as DeliveryLog['delivered'], ignored: Object.freeze([]) as unknown as number[], restart: undefined, killed: undefined });

function isRestartCode(code: number): boolean {
  return code === ERESTARTSYS || code === ERESTARTNOINTR || code === ERESTARTNOHAND || code === ERESTART_RESTARTBLOCK;
}

/** handle_signal's restart rules when a handler is about to run. */
function restartForHandler(regs: PtRegs, flags: number, log: DeliveryLog): void {
  const code = -regs.ax;
  if (code === ERESTART_RESTARTBLOCK || code === ERESTARTNOHAND || (code === ERESTARTSYS && !(flags & SA.RESTART))) {
    regs.ax = -EINTR;
    log.restart = { code, action: 'eintr' };
  } else if (code === ERESTARTSYS || code === ERESTARTNOINTR) {
    regs.ax = regs.orig_ax;
    regs.ip = (regs.ip - 2) >>> 0;
    log.restart = { code, action: 'ip-2' };
  }
}

/** The restart rules when no handler runs: the call is repeated at ip - 2 (restart_syscall for RESTARTBLOCK). */
function restartWithoutHandler(regs: PtRegs, log: DeliveryLog): void {
  const code = -regs.ax;
  if (code === ERESTARTNOHAND || code === ERESTARTSYS || code === ERESTARTNOINTR) {
    regs.ax = regs.orig_ax;
    regs.ip = (regs.ip - 2) >>> 0;
    log.restart = { code, action: 'ip-2' };
  } else if (code === ERESTART_RESTARTBLOCK) {
    regs.ax = 0;
    regs.ip = (regs.ip - 2) >>> 0;
    log.restart = { code, action: 'restart_syscall' };
  }
}

/**
 * Delivers the deliverable signals before a return to user mode, changing `regs` (the
 * handler's entry state, or the restarted call). `fromSyscall` is true when regs come from a
 * system call (orig_ax >= 0): only then do the restart rules apply.
 */
export function deliverSignals(process: ProcessView, regs: PtRegs, fromSyscall: boolean): DeliveryLog {
  const sig = signalsOf(process);
  // Nothing pending, no restart code in ax, no mask to put back: the usual return, with nothing to log.
  if (sig.pending.length === 0 && sig.savedMask === undefined && !(fromSyscall && regs.orig_ax >= 0 && isRestartCode(-regs.ax))) return NOTHING_DONE;
  const log: DeliveryLog = { delivered: [], ignored: [], restart: undefined, killed: undefined };
  let syscall = fromSyscall && regs.orig_ax >= 0;
  for (let guard = 0; guard < 128; guard++) {
    const q = sig.dequeue();
    if (!q) break;
    const signo = q.info.signo;
    const action = sig.actions[signo]!;
    if (action.handler === SIG_IGN && signo !== SIG.SIGKILL) {
      log.ignored.push(signo);
      continue;
    }
    if (action.handler === SIG_DFL || signo === SIG.SIGKILL) {
      const what = defaultAction(signo);
      if (what === 'ignore' || what === 'continue' || what === 'stop') {
        log.ignored.push(signo);
        continue;
      }
      const message = killMessage(q, regs.ip);
      log.killed = { signal: signo, message };
      process.reportKilled(message);
      process.terminate({ signal: signo, message });
      return log;
    }
    if (syscall) restartForHandler(regs, action.flags, log);
    syscall = false;
    if (!enterHandler(process, sig, regs, q, log)) return log;
  }
  if (syscall) restartWithoutHandler(regs, log);
  if (log.delivered.length === 0 && sig.savedMask !== undefined) {
    sig.blocked = sig.savedMask;
    sig.savedMask = undefined;
  }
  return log;
}

/** setup_rt_frame + signal_setup_done: the frame, the handler's registers and mask. False when the process died. */
function enterHandler(process: ProcessView, sig: Signals, regs: PtRegs, q: QueuedSignal, log: DeliveryLog): boolean {
  const signo = q.info.signo;
  const action = sig.actions[signo]!;
  const rt = (action.flags & SA.SIGINFO) !== 0;
  const oldMask = sig.savedMask ?? sig.blocked;
  const vdso = process.vdso?.symbols;
  const input = {
    regs, info: q.info, trap: q.trap, action, oldMask, altstack: sig.altstack, onAltStack: sig.onAltStack(regs.sp),
    vdsoRestorer: rt ? vdso?.rtSigreturn : vdso?.sigreturn, fpu: process.cpu.state.fpu,
  };
  const frame = rt ? buildRtSigframe(input) : buildSigframe(input);
  const bad = copyToUser(process.memory, frame.address, frame.bytes) ??
    (frame.math ? copyToUser(process.memory, frame.math.address, frame.math.bytes) : undefined);
  if (bad !== undefined) {
    // force_sigsegv: the frame could not be written; SIGSEGV with its default action.
    sig.actions[SIG.SIGSEGV] = { handler: SIG_DFL, flags: 0, restorer: 0, mask: 0n };
    const message = killMessage({ info: { signo: SIG.SIGSEGV, code: SI.KERNEL } }, regs.ip) + ` (signal frame for ${signalName(signo)} at ${hex8(frame.address)} not writable)`;
    log.killed = { signal: SIG.SIGSEGV, message };
    process.reportKilled(message);
    process.terminate({ signal: SIG.SIGSEGV, message });
    return false;
  }
  // fpu__clear_user_states: the handler starts with a freshly initialised FPU.
  process.cpu.state.fpu.init();
  process.cpu.state.fpu.mxcsr = MXCSR_DEFAULT;
  const sel = userSelectors(process.options.kernel);
  regs.sp = frame.address;
  regs.ip = action.handler >>> 0;
  regs.ax = frame.eax;
  regs.dx = frame.edx;
  regs.cx = frame.ecx;
  regs.ds = regs.es = regs.ss = sel.data;
  regs.cs = sel.code;
  regs.flags = (regs.flags & ~(DF | RF | TF)) >>> 0;
  sig.savedMask = undefined;
  sig.blocked = (oldMask | action.mask | (action.flags & SA.NODEFER ? 0n : sigbit(signo))) & ~UNBLOCKABLE;
  if (action.flags & SA.RESETHAND) sig.actions[signo] = { handler: SIG_DFL, flags: 0, restorer: 0, mask: 0n };
  log.delivered.push({ signal: signo, handler: action.handler >>> 0, frame, rt });
  return true;
}
