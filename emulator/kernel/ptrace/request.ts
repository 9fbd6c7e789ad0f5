// Owns the ptrace system call (i386 number 26; docs/kernel-facts.md §12): TRACEME (the parent
// traces the caller), ATTACH (and a SIGSTOP) and SEIZE (options, no SIGSTOP), and the
// requests on a task the caller traces, which must be in a ptrace stop (else ESRCH; KILL
// and INTERRUPT need not): PEEK/POKE TEXT/DATA/USER, GET/SET REGS, FPREGS, FPXREGS,
// GET_THREAD_AREA, SETOPTIONS, GETEVENTMSG, GET/SET SIGINFO, CONT/SYSCALL/SINGLESTEP (with a signal to
// inject), KILL (SIGKILL), DETACH, INTERRUPT and LISTEN (seized tracees only). PEEK
// requests store the word at `data`, as the system call does (glibc returns it).
import { E, SIG } from '../linux-abi';
import type { Process } from '../process';
import type { PtRegs } from '../seams';
import { SI } from '../signals/abi';
import { siginfoBytes } from '../signals/frame';
import type { SigInfo } from '../signals/state';
import { PROT_READ, PROT_WRITE, arg, copyIn, copyOut, row, sarg, writeU32, type SyscallRow } from '../syscalls/table';
import { PTRACE, PTRACE_EVENT, PTRACE_O_MASK, USER_FXSR_SIZE, USER_I387_SIZE, USER_REGS_SIZE } from './abi';
import { Tracee, unlink, type PtraceStop } from './tracee';
import { fxsrImage, peekUser, pokeUser, setUserRegs, userRegs } from './user-area';
import { tlsUserDesc } from '../syscalls/proc';

const TF = 0x100;
const PROT_EXEC = 4;
/** _NSIG: the largest signal a resume may inject. */
const NSIG = 64;
const SIGINFO_SIZE = 128;

function traceme(p: Process): number {
  if (p.ptrace) return -E.EPERM;
  // The first process's parent is outside the model: it is traced, and its stops wait forever, as a shell would leave them.
  const parent = p.machine.leaderOf(p.parentPid);
  p.ptrace = new Tracee(parent?.tid ?? p.parentPid, p.parentPid, false, 0, p);
  return 0;
}

function attach(p: Process, child: Process, seize: boolean, addr: number, data: number): number {
  if (seize && (addr !== 0 || (data & ~PTRACE_O_MASK) !== 0)) return -E.EIO;
  if (child.pid === p.pid || child.ptrace) return -E.EPERM;
  child.ptrace = new Tracee(p.tid, p.pid, seize, seize ? data : 0, child);
  if (!seize) child.signals.queue({ info: { signo: SIG.SIGSTOP, code: SI.KERNEL } });
  return 0;
}

/** CONT, SYSCALL, SINGLESTEP: how the task runs on, and the signal it takes. */
function resume(t: Tracee, s: PtraceStop, request: number, data: number): number {
  if (data > NSIG) return -E.EIO;
  t.syscallTrace = request === PTRACE.SYSCALL;
  t.singleStep = request === PTRACE.SINGLESTEP;
  if (t.singleStep && !(s.regs.flags & TF)) {
    s.regs.flags = (s.regs.flags | TF) >>> 0;
    t.forcedTF = true;
  } else if (!t.singleStep && t.forcedTF) {
    s.regs.flags = (s.regs.flags & ~TF) >>> 0;
    t.forcedTF = false;
  }
  s.resumed = true;
  s.data = data;
  return 0;
}

/** The bytes of a word for POKE requests. */
function word(value: number): Uint8Array {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, value >>> 0, true);
  return b;
}

/** SETSIGINFO: the fields the model keeps, read back as the union member the code implies. */
function parseSiginfo(b: Uint8Array): SigInfo {
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const signo = v.getInt32(0, true), errno = v.getInt32(4, true), code = v.getInt32(8, true);
  return code > 0 && code < SI.KERNEL
    ? { signo, errno, code, addr: v.getUint32(12, true) }
    : { signo, errno, code, pid: v.getInt32(12, true), uid: v.getUint32(16, true) };
}

/** The requests on a stopped tracee. */
function onStopped(p: Process, child: Process, t: Tracee, s: PtraceStop, request: number, addr: number, data: number): number {
  const regs = s.regs;
  switch (request) {
    case PTRACE.PEEKTEXT:
    case PTRACE.PEEKDATA: {
      const b = child.memory.read(addr, 4, PROT_READ | PROT_WRITE | PROT_EXEC);
      if (!(b instanceof Uint8Array)) return -E.EIO;
      return writeU32(p, data, new DataView(b.buffer, b.byteOffset).getUint32(0, true)) ? 0 : -E.EFAULT;
    }
    case PTRACE.POKETEXT:
    case PTRACE.POKEDATA:
      return child.memory.poke(addr, word(data)) === null ? 0 : -E.EIO;
    case PTRACE.PEEKUSR: {
      const r = peekUser(child, t, regs, addr);
      if ('error' in r) return r.error;
      return writeU32(p, data, r.value) ? 0 : -E.EFAULT;
    }
    case PTRACE.POKEUSR:
      return pokeUser(child, t, regs, addr, data);
    case PTRACE.GETREGS:
      return copyOut(p, data, userRegs(t, regs)) ? 0 : -E.EFAULT;
    case PTRACE.SETREGS: {
      const b = copyIn(p, data, USER_REGS_SIZE);
      return b ? setUserRegs(t, regs, b) : -E.EFAULT;
    }
    case PTRACE.GETFPREGS:
      return copyOut(p, data, child.cpu.state.fpu.saveArea(4)) ? 0 : -E.EFAULT;
    case PTRACE.SETFPREGS: {
      const b = copyIn(p, data, USER_I387_SIZE);
      if (!b) return -E.EFAULT;
      child.cpu.state.fpu.loadSaveArea(b, 4);
      return 0;
    }
    case PTRACE.GETFPXREGS:
      return copyOut(p, data, fxsrImage(child)) ? 0 : -E.EFAULT;
    case PTRACE.SETFPXREGS: {
      const b = copyIn(p, data, USER_FXSR_SIZE);
      if (!b) return -E.EFAULT;
      child.cpu.state.fpu.loadFxsaveArea(b);
      // The kernel drops mxcsr bits the CPU does not have (mxcsr_feature_mask).
      child.cpu.state.fpu.mxcsr &= 0xffff;
      return 0;
    }
    case PTRACE.GET_THREAD_AREA: {
      // addr: the GDT entry; the tracee's user_desc goes to the tracer's `data`.
      const desc = tlsUserDesc(child, addr);
      if (!desc) return -E.EINVAL;
      return copyOut(p, data, desc) ? 0 : -E.EFAULT;
    }
    case PTRACE.SETOPTIONS:
      if ((data & ~PTRACE_O_MASK) !== 0) return -E.EINVAL;
      t.options = data;
      return 0;
    case PTRACE.GETEVENTMSG:
      return writeU32(p, data, t.eventMsg) ? 0 : -E.EFAULT;
    case PTRACE.GETSIGINFO:
      if (!s.siginfo) return -E.EINVAL;
      return copyOut(p, data, siginfoBytes(s.siginfo)) ? 0 : -E.EFAULT;
    case PTRACE.SETSIGINFO: {
      if (!s.siginfo) return -E.EINVAL;
      const b = copyIn(p, data, SIGINFO_SIZE);
      if (!b) return -E.EFAULT;
      s.siginfo = parseSiginfo(b);
      return 0;
    }
    case PTRACE.CONT:
    case PTRACE.SYSCALL:
    case PTRACE.SINGLESTEP:
      return resume(t, s, request, data);
    case PTRACE.DETACH:
      if (data > NSIG) return -E.EIO;
      unlink(child, data);
      return 0;
    case PTRACE.LISTEN:
      // Only in a stop that reported PTRACE_EVENT_STOP (a seized tracee's group-stop or trap).
      if (!t.seized || !s.siginfo || s.siginfo.code >> 8 !== PTRACE_EVENT.STOP) return -E.EIO;
      s.listening = true;
      s.reported = true;
      return 0;
    default:
      return -E.EIO;
  }
}

function ptrace(p: Process, regs: PtRegs): number {
  const request = arg(regs, 0);
  const pid = sarg(regs, 1);
  const addr = arg(regs, 2);
  const data = arg(regs, 3);
  if (request === PTRACE.TRACEME) return traceme(p);
  const child = pid > 0 ? p.machine.byTid(pid) : undefined;
  if (!child) return -E.ESRCH;
  if (request === PTRACE.ATTACH || request === PTRACE.SEIZE) return attach(p, child, request === PTRACE.SEIZE, addr, data);
  const t = child.ptrace;
  if (!t || t.tracerTid !== p.tid) return -E.ESRCH;
  if (request === PTRACE.KILL) {
    child.signals.send(SIG.SIGKILL, SI.USER, { pid: p.pid, uid: p.uid[0] });
    return 0;
  }
  if (request === PTRACE.INTERRUPT) {
    if (!t.seized) return -E.EIO;
    if (!t.stop) t.pendingTrap ??= { code: SIG.SIGTRAP | (PTRACE_EVENT.STOP << 8) };
    return 0;
  }
  const s = t.stop;
  if (!s || s.listening) return -E.ESRCH;
  return onStopped(p, child, t, s, request, addr, data);
}

export const ptraceRows: readonly SyscallRow[] = [row(26, 'ptrace', 'PiAD', ptrace)];
