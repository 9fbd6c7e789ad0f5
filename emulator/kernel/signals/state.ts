// Owns one process's signal state: the 64 sigactions, the blocked mask, the pending queue
// (standard signals coalesce, real-time ones queue), the alternate stack, the mask saved by
// rt_sigsuspend, and the choice of the next signal to deliver (faults first, then the
// lowest number), as the kernel's dequeue_signal does. It implements seams' SignalState.
import type { SignalState } from '../seams';
import { SIG } from '../linux-abi';
import { NSIG, SIG_DFL, SIG_IGN, SI, SS_DISABLE, SYNCHRONOUS, UNBLOCKABLE, defaultAction, sigbit } from './abi';

export interface SigAction {
  /** SIG_DFL (0), SIG_IGN (1) or the handler's address. */
  handler: number;
  flags: number;
  restorer: number;
  mask: bigint;
}

/** The siginfo fields the model fills (the union member is chosen by the signal and code). */
export interface SigInfo {
  readonly signo: number;
  readonly code: number;
  readonly errno?: number;
  /** Fault signals: si_addr. */
  readonly addr?: number;
  /** kill/tkill senders: si_pid, si_uid. */
  readonly pid?: number;
  readonly uid?: number;
}

/** What the CPU exception left in thread state for the sigcontext (trapno, err, cr2). */
export interface TrapInfo {
  readonly trapno: number;
  readonly err: number;
  readonly cr2: number;
}

export interface QueuedSignal {
  readonly info: SigInfo;
  readonly trap?: TrapInfo;
}

export interface AltStack {
  sp: number;
  size: number;
  /** SS_DISABLE, or 0 / SS_AUTODISARM when set up. */
  flags: number;
}

function defaultActionRecord(): SigAction {
  return { handler: SIG_DFL, flags: 0, restorer: 0, mask: 0n };
}

export class Signals implements SignalState {
  blocked = 0n;
  readonly pending: QueuedSignal[] = [];
  altstack: AltStack = { sp: 0, size: 0, flags: SS_DISABLE };
  /** The mask rt_sigsuspend replaced, restored after the handler's frame saved it. */
  savedMask: bigint | undefined = undefined;
  /** The task is traced: an ignored signal is still queued, for its tracer to see (sig_ignored). */
  traced = false;

  constructor(
    /** Index = signal number (1..64); index 0 unused. Shared by the threads of a process (CLONE_SIGHAND). */
    readonly actions: SigAction[] = Array.from({ length: NSIG + 1 }, defaultActionRecord),
  ) {}

  /** fork: a copy of the actions, the same blocked mask and alternate stack, nothing pending. */
  forFork(): Signals {
    const s = new Signals(this.actions.map((a) => ({ ...a })));
    s.blocked = this.blocked;
    s.altstack = { ...this.altstack };
    return s;
  }

  /** A new thread (CLONE_SIGHAND): the same actions, the creator's blocked mask, no alternate stack (CLONE_VM clears it). */
  forThread(): Signals {
    const s = new Signals(this.actions);
    s.blocked = this.blocked;
    return s;
  }

  /** execve: handled signals go back to SIG_DFL (ignored ones stay ignored); the mask and pending signals stay. */
  forExec(): Signals {
    const s = new Signals(this.actions.map((a) => (a.handler === SIG_IGN ? { ...a } : defaultActionRecord())));
    s.blocked = this.blocked;
    s.pending.push(...this.pending);
    s.traced = this.traced;
    return s;
  }

  /** True when a pending signal is not blocked (SIGKILL and SIGSTOP never are). */
  hasDeliverable(): boolean {
    // A loop, not some(): every system call's return asks, and a closure per ask is garbage.
    const pending = this.pending;
    for (let k = 0; k < pending.length; k++) if (!this.isBlocked(pending[k]!.info.signo)) return true;
    return false;
  }

  isBlocked(signal: number): boolean {
    return (this.blocked & sigbit(signal) & ~UNBLOCKABLE) !== 0n;
  }

  /** True when SIG_IGN, or SIG_DFL whose default is to ignore: the kernel drops such a signal at once. */
  isIgnored(signal: number): boolean {
    const a = this.actions[signal]!;
    if (a.handler === SIG_IGN) return signal !== SIG.SIGKILL && signal !== SIG.SIGSTOP;
    return a.handler === SIG_DFL && defaultAction(signal) === 'ignore';
  }

  /** Queues a signal sent to the process (kill, alarm, timers). Ignored signals are dropped unless blocked. */
  send(signal: number, code: number = SI.KERNEL, from: { pid?: number; uid?: number } = {}): void {
    this.queue({ info: { signo: signal, code, ...from } });
  }

  /** Queues a fully described signal; standard signals already pending are not queued twice. */
  queue(q: QueuedSignal): void {
    const s = q.info.signo;
    if (s < 1 || s > NSIG) return;
    if (this.isIgnored(s) && !this.isBlocked(s) && !this.traced) return;
    if (s < 32 && this.pending.some((p) => p.info.signo === s)) return;
    this.pending.push(q);
  }

  /**
   * force_sig_fault: a signal caused by the instruction that just ran. If it is blocked or
   * ignored it is unblocked and its action reset to SIG_DFL, so that it cannot be lost.
   */
  force(q: QueuedSignal): void {
    const s = q.info.signo;
    const a = this.actions[s]!;
    if (this.isBlocked(s) || a.handler === SIG_IGN) {
      this.blocked &= ~sigbit(s);
      if (a.handler === SIG_IGN) this.actions[s] = defaultActionRecord();
    }
    const existing = this.pending.findIndex((p) => p.info.signo === s);
    if (existing >= 0 && s < 32) this.pending.splice(existing, 1);
    this.pending.push(q);
  }

  /** Removes and returns the next signal to deliver: a synchronous (fault) signal first, else the lowest number. */
  dequeue(): QueuedSignal | undefined {
    let best = -1;
    for (let i = 0; i < this.pending.length; i++) {
      const s = this.pending[i]!.info.signo;
      if (this.isBlocked(s)) continue;
      if (best < 0) {
        best = i;
        continue;
      }
      const b = this.pending[best]!.info.signo;
      const sync = SYNCHRONOUS.has(s), bsync = SYNCHRONOUS.has(b);
      if ((sync && !bsync) || (sync === bsync && s < b)) best = i;
    }
    if (best < 0) return undefined;
    return this.pending.splice(best, 1)[0];
  }

  /** Drops pending instances of `signal` (the action became SIG_IGN, or default-ignore). */
  discard(signal: number): void {
    for (let i = this.pending.length - 1; i >= 0; i--) if (this.pending[i]!.info.signo === signal) this.pending.splice(i, 1);
  }

  /** The pending set as a sigset (rt_sigpending, display). */
  pendingSet(): bigint {
    let set = 0n;
    for (const q of this.pending) set |= sigbit(q.info.signo);
    return set;
  }

  /** True when `sp` lies on the alternate stack (on_sig_stack: ss_sp < sp <= ss_sp + ss_size). */
  onAltStack(sp: number): boolean {
    const a = this.altstack;
    if (a.flags & SS_DISABLE || a.size === 0) return false;
    const base = a.sp >>> 0;
    const at = sp >>> 0;
    return at > base && at - base <= a.size;
  }
}
