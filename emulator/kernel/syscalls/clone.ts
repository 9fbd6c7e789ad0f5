// Owns creating tasks and replacing programs: fork, vfork, clone (i386 argument order:
// flags, newsp, parent_tid, tls, child_tid), clone3 (struct clone_args), and execve of
// another static i386 program inside the guest root. A new task starts with its creator's
// pt_regs and ax = 0 and leaves the kernel by IRET (ret_from_fork); a fork gets a
// copy-on-write copy of the address space, a thread shares it (CLONE_VM|CLONE_THREAD...).
import { InputError } from '../../../toolchain/errors';
import { iretToUser } from '../entry/regs';
import { E, le32, SIG } from '../linux-abi';
import { loadProgram } from '../loader';
import { MAX_ARG_BYTES } from '../loader';
import { Process } from '../process';
import type { PtRegs } from '../seams';
import { lookup } from './fs';
import { installTls } from './proc';
import { forkLdt } from './ldt';
import { traceNewTask } from '../ptrace/stops';
import { arg, copyIn, readCString, readU32, row, writeU32, type SyscallRow } from './table';

export const CLONE = {
  VM: 0x100, FS: 0x200, FILES: 0x400, SIGHAND: 0x800, PIDFD: 0x1000, PTRACE: 0x2000, VFORK: 0x4000,
  PARENT: 0x8000, THREAD: 0x10000, NEWNS: 0x20000, SYSVSEM: 0x40000, SETTLS: 0x80000,
  PARENT_SETTID: 0x100000, CHILD_CLEARTID: 0x200000, DETACHED: 0x400000, UNTRACED: 0x800000,
  CHILD_SETTID: 0x1000000, NEWCGROUP: 0x2000000, NEWUTS: 0x4000000, NEWIPC: 0x8000000,
  NEWUSER: 0x10000000, NEWPID: 0x20000000, NEWNET: 0x40000000, IO: 0x80000000,
} as const;
/** The low byte of clone's flags: the signal the parent gets at the child's end. */
const CSIGNAL = 0xff;
/** Namespaces and the other flags the model does not do: EINVAL (an unprivileged process gets EPERM for most). */
const UNSUPPORTED = CLONE.NEWNS | CLONE.NEWCGROUP | CLONE.NEWUTS | CLONE.NEWIPC | CLONE.NEWUSER | CLONE.NEWPID | CLONE.NEWNET | CLONE.PIDFD;
/** struct clone_args as clone3 reads it (CLONE_ARGS_SIZE_VER0 = 64 bytes; later versions add set_tid and cgroup). */
const CLONE_ARGS_SIZE_VER0 = 64;

interface CloneRequest {
  readonly flags: number;
  readonly stack: number;
  readonly parentTid: number;
  readonly tls: number;
  readonly childTid: number;
  readonly exitSignal: number;
}

/** copy_process as the model does it: the new task's id, or -errno. */
function doClone(p: Process, regs: PtRegs, c: CloneRequest): number {
  const f = c.flags;
  if (f & UNSUPPORTED) return -E.EINVAL;
  if ((f & CLONE.THREAD) && !(f & CLONE.SIGHAND)) return -E.EINVAL;
  if ((f & CLONE.SIGHAND) && !(f & CLONE.VM)) return -E.EINVAL;
  if (c.exitSignal < 0 || c.exitSignal > 64) return -E.EINVAL;
  const child = new Process(p.config, {
    from: p,
    share: { vm: (f & CLONE.VM) !== 0, files: (f & CLONE.FILES) !== 0, sighand: (f & CLONE.SIGHAND) !== 0, thread: (f & CLONE.THREAD) !== 0, exitSignal: c.exitSignal },
  });
  if (f & CLONE.PARENT) child.parentPid = p.parentPid;
  if (!(f & CLONE.VM)) forkLdt(p, child);
  // ret_from_fork: the creator's pt_regs, ax = 0, the new stack if one was given; IRET.
  iretToUser(child.cpu, { ...regs, ax: 0, sp: c.stack !== 0 ? c.stack : regs.sp });
  if (f & CLONE.SETTLS) {
    const r = installTls(child, c.tls, false);
    if (r < 0) {
      child.terminate({ signal: SIG.SIGKILL, message: 'clone: bad TLS' });
      p.machine.reap(child);
      return r;
    }
  }
  if (f & CLONE.PARENT_SETTID) writeU32(p, c.parentTid, child.tid);
  if (f & CLONE.CHILD_SETTID) writeU32(child, c.childTid, child.tid);
  if (f & CLONE.CHILD_CLEARTID) child.clearChildTid = c.childTid;
  traceNewTask(p, child, f, c.exitSignal);
  if (f & CLONE.VFORK) {
    // The parent sleeps until the child releases the address space (execve or exit).
    return p.sleep({ ready: () => child.vforkDone, uninterruptible: true, resume: () => child.tid });
  }
  return child.tid;
}

function clone(p: Process, regs: PtRegs): number {
  const flags = arg(regs, 0);
  return doClone(p, regs, { flags: flags & ~CSIGNAL, stack: arg(regs, 1), parentTid: arg(regs, 2), tls: arg(regs, 3), childTid: arg(regs, 4), exitSignal: flags & CSIGNAL });
}

function clone3(p: Process, regs: PtRegs): number {
  const size = arg(regs, 1);
  if (size < CLONE_ARGS_SIZE_VER0 || size > 4096) return -E.EINVAL;
  const raw = copyIn(p, arg(regs, 0), size);
  if (!raw) return -E.EFAULT;
  const u64 = (at: number): number => (le32(raw, at + 4) !== 0 ? -1 : le32(raw, at));
  for (let at = CLONE_ARGS_SIZE_VER0; at < size; at++) if (raw[at] !== 0 && at >= 88) return -E.E2BIG;
  const flags = u64(0);
  const exitSignal = u64(32);
  const stack = u64(40);
  const stackSize = u64(48);
  if (flags < 0 || exitSignal < 0 || stack < 0 || stackSize < 0) return -E.EINVAL;
  if (flags & CSIGNAL) return -E.EINVAL;
  if ((stack === 0) !== (stackSize === 0)) return -E.EINVAL;
  return doClone(p, regs, { flags, stack: stack === 0 ? 0 : (stack + stackSize) >>> 0, parentTid: u64(24), tls: u64(56), childTid: u64(16), exitSignal });
}

/** A NULL-terminated array of string pointers (argv, envp): the strings, or -errno (E2BIG past MAX_ARG_BYTES). */
function stringArray(p: Process, at: number): string[] | number {
  const out: string[] = [];
  if (at === 0) return out;
  let total = 0;
  for (let k = 0; ; k++) {
    const ptr = readU32(p, (at + 4 * k) >>> 0);
    if (ptr === undefined) return -E.EFAULT;
    if (ptr === 0) return out;
    const s = readCString(p, ptr, MAX_ARG_BYTES);
    if (typeof s === 'number') return s === -E.ENAMETOOLONG ? -E.E2BIG : s;
    total += s.length + 1 + 4;
    if (total > MAX_ARG_BYTES) return -E.E2BIG;
    out.push(s);
  }
}

/** execve(path, argv, envp): a static i386 ELF from the guest root replaces the program. */
function execve(p: Process, regs: PtRegs): number {
  const found = lookup(p, -100, arg(regs, 0), true);
  if (typeof found === 'number') return found;
  const argv = stringArray(p, arg(regs, 1));
  if (typeof argv === 'number') return argv;
  const envp = stringArray(p, arg(regs, 2));
  if (typeof envp === 'number') return envp;
  const { resolved } = found;
  if (!resolved.stat) return -E.ENOENT;
  if (resolved.stat.kind === 'dir') return -E.EACCES;
  if (resolved.stat.kind !== 'file') return -E.EACCES;
  if ((resolved.stat.mode & 0o111) === 0) return -E.EACCES;
  const handle = p.paths!.host.open(resolved.hostPath, { read: true, write: false, create: false, exclusive: false, truncate: false, directory: false }, 0);
  if (typeof handle === 'number') return handle;
  const size = Math.min(resolved.stat.size, p.mm.memoryLimit);
  const bytes = new Uint8Array(size);
  let got = 0;
  while (got < size) {
    const n = handle.read(bytes.subarray(got), BigInt(got));
    if (n <= 0) break;
    got += n;
  }
  handle.close();
  let next: Process;
  try {
    next = loadProgram(bytes.subarray(0, got), resolved.guestPath, p.config, { argv, envp, execPath: resolved.guestPath, mapVdso: p.machine.vdsoMapper }, p).process;
  } catch (e) {
    if (e instanceof InputError) return -E.ENOEXEC;
    throw e;
  }
  // de_thread (fs/exec.c), past the point of no return: the group's other threads die without
  // telling anyone, and the new image runs as the group's leader (its tid is the pid, which
  // the Process made for an execve takes), whichever thread called execve.
  for (const t of p.machine.threadsOf(p.pid)) if (t !== next) t.exitThread(0);
  p.machine.reap(next);
  return 0;
}

export const cloneRows: readonly SyscallRow[] = [
  row(2, 'fork', '', (p, r) => doClone(p, r, { flags: 0, stack: 0, parentTid: 0, tls: 0, childTid: 0, exitSignal: SIG.SIGCHLD })),
  row(11, 'execve', 'sxx', execve),
  row(120, 'clone', 'xxxxx', clone),
  row(190, 'vfork', '', (p, r) => doClone(p, r, { flags: CLONE.VM | CLONE.VFORK, stack: 0, parentTid: 0, tls: 0, childTid: 0, exitSignal: SIG.SIGCHLD })),
  row(435, 'clone3', 'xu', clone3),
];
