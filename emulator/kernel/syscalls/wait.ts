// Owns waiting for children: wait4, waitpid and waitid. A child is waitable when its
// process has ended (a zombie); collecting it writes the status word (exit code << 8, or the
// signal number) or the siginfo (CLD_EXITED/CLD_KILLED), and reaps it unless WNOWAIT. With
// no child that matches: ECHILD; with WNOHANG: 0; else the call sleeps until one ends.
// "Clone" children (whose exit signal is not SIGCHLD) match only with __WCLONE or __WALL.
// A tracer also waits for its tracees (any of them, clone or not, child or not): a ptrace
// stop is reported once, as status sig << 8 | 0x7f (waitid: CLD_TRAPPED), without WUNTRACED;
// a tracee that is not its child is reported at its end, then left for its parent to reap
// (who is told only then).
import { E, SIG } from '../linux-abi';
import type { Process } from '../process';
import type { PtRegs } from '../seams';
import { CLD_EXITED, CLD_KILLED } from '../tasks';
import { stoppedStatus } from '../ptrace/abi';
import { CLD_TRAPPED } from '../ptrace/tracee';
import { releaseZombie, stoppedTracee, traceesOf } from '../ptrace/tracee';
import { arg, copyOut, row, sarg, writeU32, type SyscallRow } from './table';

export const WAIT = {
  NOHANG: 1, UNTRACED: 2, STOPPED: 2, EXITED: 4, CONTINUED: 8, NOWAIT: 0x01000000,
  NOTHREAD: 0x20000000, ALL: 0x40000000, CLONE: 0x80000000,
} as const;
const P_ALL = 0, P_PID = 1, P_PGID = 2;
/** struct rusage on i386: 2 timevals and 14 longs. */
const RUSAGE_SIZE = 72;
const SIGINFO_SIZE = 128;

/** The status word wait4 reports for an ended process. */
export function waitStatus(child: Process): number {
  const e = child.exit!;
  return 'status' in e ? (e.status & 0xff) << 8 : e.signal & 0x7f;
}

/** The children of `p`'s process that `pid` (wait4's sense) and the clone options select. */
function candidates(p: Process, pid: number, options: number): Process[] {
  return p.machine.childrenOf(p.pid).filter((c) => {
    if (pid > 0 && c.pid !== pid) return false;
    if (options & WAIT.ALL) return true;
    const cloneChild = c.exitSignal !== SIG.SIGCHLD;
    return (options & WAIT.CLONE) !== 0 ? cloneChild : !cloneChild;
  });
}

/**
 * An ended child among the candidates (the first in creation order), or undefined. A child
 * another process traces is its tracer's to report first (it is untraced then).
 */
function zombie(p: Process, found: readonly Process[]): Process | undefined {
  return found.find((c) => c.exit !== undefined && p.machine.threadsOf(c.pid).length === 0 && (!c.ptrace || c.ptrace.tracerPid === p.pid));
}

/** A tracee that has ended and is not one of `p`'s children to reap (a thread, or another's child): its tracer hears of it first. */
function tracedZombie(p: Process, pid: number): Process | undefined {
  return traceesOf(p, pid).find((t) => t.exit !== undefined && (t.tid !== t.pid || (t.parentPid !== p.pid && p.machine.threadsOf(t.pid).length === 0)));
}

/** What a wait reports: a ptrace stop, or an ended child (reaped unless only traced by the caller, or WNOWAIT). */
type Found = { readonly stopped: Process } | { readonly ended: Process; readonly reap: boolean };

/**
 * The common part: `collect` writes what the caller reports and returns the call's result;
 * `none` is the WNOHANG result.
 */
function waitFor(p: Process, pid: number, options: number, collect: (found: Found) => number, none: () => number): number {
  const found = candidates(p, pid, options);
  if (found.length === 0 && traceesOf(p, pid).length === 0) return -E.ECHILD;
  const stopped = stoppedTracee(p, pid);
  if (stopped) return collect({ stopped });
  const z = zombie(p, found);
  if (z) return collect({ ended: z, reap: true });
  const traced = tracedZombie(p, pid);
  if (traced) return collect({ ended: traced, reap: false });
  if (options & WAIT.NOHANG) return none();
  return p.sleep({
    ready: () => {
      const again = candidates(p, pid, options);
      if (again.length === 0 && traceesOf(p, pid).length === 0) return true;
      return stoppedTracee(p, pid) !== undefined || zombie(p, again) !== undefined || tracedZombie(p, pid) !== undefined;
    },
    resume: (why) => (why === 'signal' ? -E.ERESTARTSYS : waitFor(p, pid, options, collect, none)),
  });
}

/** A stop is reported once (unless WNOWAIT); an ended tracee that is not a child is only untraced. */
function consume(p: Process, f: Found, options: number): void {
  if (options & WAIT.NOWAIT) return;
  if ('stopped' in f) f.stopped.ptrace!.stop!.reported = true;
  else if (f.reap) p.machine.reap(f.ended);
  else releaseZombie(f.ended);
}

function wait4(p: Process, pid: number, statusPtr: number, options: number, rusagePtr: number): number {
  if (options & ~(WAIT.NOHANG | WAIT.UNTRACED | WAIT.CONTINUED | WAIT.NOTHREAD | WAIT.ALL | WAIT.CLONE)) return -E.EINVAL;
  return waitFor(p, pid === 0 || pid < -1 ? -1 : pid, options, (f) => {
    const status = 'stopped' in f ? stoppedStatus(f.stopped.ptrace!.stop!.code) : waitStatus(f.ended);
    if (statusPtr !== 0 && !writeU32(p, statusPtr, status)) return -E.EFAULT;
    if (rusagePtr !== 0 && !copyOut(p, rusagePtr, new Uint8Array(RUSAGE_SIZE))) return -E.EFAULT;
    consume(p, f, options);
    // A leader's tid is its pid; a traced thread is reported by its own id.
    return 'stopped' in f ? f.stopped.tid : f.ended.tid;
  }, () => 0);
}

function waitid(p: Process, regs: PtRegs): number {
  const idtype = arg(regs, 0);
  const id = sarg(regs, 1);
  const infop = arg(regs, 2);
  const options = arg(regs, 3);
  if (options & ~(WAIT.NOHANG | WAIT.STOPPED | WAIT.EXITED | WAIT.CONTINUED | WAIT.NOWAIT | WAIT.NOTHREAD | WAIT.ALL | WAIT.CLONE)) return -E.EINVAL;
  if (!(options & (WAIT.EXITED | WAIT.STOPPED | WAIT.CONTINUED))) return -E.EINVAL;
  let pid: number;
  if (idtype === P_ALL || idtype === P_PGID) pid = -1;
  else if (idtype === P_PID) {
    if (id <= 0) return -E.EINVAL;
    pid = id;
  } else return -E.EINVAL;
  const info = (f: Found | undefined): Uint8Array => {
    const b = new Uint8Array(SIGINFO_SIZE);
    if (!f) return b;
    const v = new DataView(b.buffer);
    const child = 'stopped' in f ? f.stopped : f.ended;
    v.setInt32(0, SIG.SIGCHLD, true);
    if ('stopped' in f) {
      v.setInt32(8, CLD_TRAPPED, true);
      v.setInt32(20, f.stopped.ptrace!.stop!.code, true);
    } else {
      const e = child.exit!;
      v.setInt32(8, 'status' in e ? CLD_EXITED : CLD_KILLED, true);
      v.setInt32(20, 'status' in e ? e.status & 0xff : e.signal, true);
    }
    v.setInt32(12, child.tid, true);
    v.setUint32(16, child.uid[0]!, true);
    return b;
  };
  if (!(options & WAIT.EXITED) && traceesOf(p, pid).length === 0) return options & WAIT.NOHANG ? 0 : -E.ECHILD;
  return waitFor(p, pid, options, (f) => {
    if (infop !== 0 && !copyOut(p, infop, info(f))) return -E.EFAULT;
    if (arg(regs, 4) !== 0 && !copyOut(p, arg(regs, 4), new Uint8Array(RUSAGE_SIZE))) return -E.EFAULT;
    consume(p, f, options);
    return 0;
  }, () => (infop !== 0 && !copyOut(p, infop, info(undefined)) ? -E.EFAULT : 0));
}

export const waitRows: readonly SyscallRow[] = [
  row(7, 'waitpid', 'ixx', (p, r) => wait4(p, sarg(r, 0), arg(r, 1), arg(r, 2), 0)),
  row(114, 'wait4', 'ixxx', (p, r) => wait4(p, sarg(r, 0), arg(r, 1), arg(r, 2), arg(r, 3))),
  row(284, 'waitid', 'iixxx', waitid),
];
