// Owns the process system calls: exit and exit_group, the ids (getpid, getppid, gettid,
// the 16- and 32-bit uid/gid getters and setters), set_thread_area/get_thread_area (the
// GDT TLS entries behind %gs, through Cpu.defineSegment), set_tid_address,
// set_robust_list, the resource limits (prlimit64, ugetrlimit, setrlimit), uname, sysinfo,
// and getrandom (deterministic unless host randomness was given).
import type { PtRegs } from '../seams';
import {
  E, readUserDesc, RLIM_INFINITY, RLIMIT, StructWriter, USER_DESC_SIZE, writeRlimit64, writeSysinfo,
  writeUserDesc, writeUtsname, le64,
} from '../linux-abi';
import type { Process } from '../process';
import { futex } from './futex';
import { descriptor } from './ldt';
import { arg, copyIn, copyOut, inlineRow, readU32, row, sarg, type SyscallRow } from './table';

const MAX_RANDOM = 1 << 20;

/** exit: this thread ends (the process with its last thread). */
function exit(p: Process, regs: PtRegs): number {
  p.exitThread(arg(regs, 0) & 0xff);
  return 0;
}

/** exit_group: every thread of the process ends. */
function exitGroup(p: Process, regs: PtRegs): number {
  p.terminate({ status: arg(regs, 0) & 0xff });
  return 0;
}

/** The release uname reports: a kernel of the chosen ABI's era. */
function release(p: Process): string {
  if (p.config.release !== undefined) return p.config.release;
  switch (p.options.abi) {
    case 'legacy': return '4.1.0-vdso-lab';
    case 'proposal': return '4.2.0-vdso-lab';
    default: return '6.1.0-vdso-lab';
  }
}

function uname(p: Process, regs: PtRegs): number {
  const bytes = writeUtsname({
    sysname: 'Linux',
    nodename: 'vdso-lab',
    release: release(p),
    version: '#1 SMP vdso-lab',
    machine: p.options.kernel === 'native32' ? 'i686' : 'x86_64',
    domainname: '(none)',
  });
  return copyOut(p, arg(regs, 0), bytes) ? 0 : -E.EFAULT;
}

function setThreadArea(p: Process, regs: PtRegs): number {
  return installTls(p, arg(regs, 0), true);
}

/**
 * do_set_thread_area: the user_desc at `ptr` (in `p`'s memory) becomes one of `p`'s GDT TLS
 * entries; entry_number -1 picks a free one and writes it back, when `canAllocate` (not for
 * clone's CLONE_SETTLS, which names the entry).
 */
export function installTls(p: Process, ptr: number, canAllocate: boolean): number {
  const raw = copyIn(p, ptr, USER_DESC_SIZE);
  if (!raw) return -E.EFAULT;
  const d = readUserDesc(raw);
  const first = p.tlsFirstEntry;
  let entry = d.entryNumber;
  if (entry === -1 && !canAllocate) return -E.EINVAL;
  if (entry === -1) {
    entry = [first, first + 1, first + 2].find((i) => !p.tls.has(i)) ?? -1;
    if (entry < 0) return -E.ESRCH;
    const back = new StructWriter(4).u32(0, entry).bytes;
    if (!copyOut(p, ptr, back)) return -E.EFAULT;
  }
  if (entry < first || entry > first + 2) return -E.EINVAL;
  const empty = d.baseAddr === 0 && d.limit === 0 && d.contents === 0 && d.readExecOnly && !d.seg32bit && !d.limitInPages && d.segNotPresent && !d.useable;
  if (empty) {
    p.tls.delete(entry);
    p.cpu.setDescriptor((entry << 3) | 3, null);
    return 0;
  }
  if (!d.seg32bit || d.contents > 1) return -E.EINVAL;
  p.tls.set(entry, writeUserDesc({ ...d, entryNumber: entry }));
  p.cpu.defineSegment((entry << 3) | 3, d.baseAddr);
  p.cpu.setDescriptor((entry << 3) | 3, descriptor(d));
  return 0;
}

/** do_get_thread_area: the user_desc of TLS entry `entry` (an empty one reads as not present), or undefined outside the TLS entries. */
export function tlsUserDesc(p: Process, entry: number): Uint8Array | undefined {
  const first = p.tlsFirstEntry;
  if (entry < first || entry > first + 2) return undefined;
  return p.tls.get(entry) ?? writeUserDesc({ entryNumber: entry, baseAddr: 0, limit: 0, seg32bit: false, contents: 0, readExecOnly: true, limitInPages: false, segNotPresent: true, useable: false });
}

function getThreadArea(p: Process, regs: PtRegs): number {
  const ptr = arg(regs, 0);
  const entry = readU32(p, ptr);
  if (entry === undefined) return -E.EFAULT;
  const stored = tlsUserDesc(p, entry);
  if (!stored) return -E.EINVAL;
  return copyOut(p, ptr, stored) ? 0 : -E.EFAULT;
}

function getLimit(p: Process, resource: number): [bigint, bigint] {
  return p.rlimits.get(resource) ?? [RLIM_INFINITY, RLIM_INFINITY];
}

function setLimit(p: Process, resource: number, cur: bigint, max: bigint): number {
  const [, oldMax] = getLimit(p, resource);
  if (cur > max || max > oldMax) return -E.EPERM;
  if (resource === RLIMIT.NOFILE) {
    if (cur > 4096n) return -E.EPERM;
    p.fds.limit = Number(cur);
  }
  p.rlimits.set(resource, [cur, max]);
  return 0;
}

function prlimit64(p: Process, regs: PtRegs): number {
  const pid = sarg(regs, 0);
  const resource = arg(regs, 1);
  if (pid !== 0 && pid !== p.pid) return -E.ESRCH;
  if (resource >= 16) return -E.EINVAL;
  const [cur, max] = getLimit(p, resource);
  let pendingNew: [bigint, bigint] | undefined;
  if (arg(regs, 2) !== 0) {
    const b = copyIn(p, arg(regs, 2), 16);
    if (!b) return -E.EFAULT;
    pendingNew = [le64(b, 0), le64(b, 8)];
  }
  if (arg(regs, 3) !== 0 && !copyOut(p, arg(regs, 3), writeRlimit64(cur, max))) return -E.EFAULT;
  return pendingNew ? setLimit(p, resource, pendingNew[0], pendingNew[1]) : 0;
}

function clamp32(v: bigint): number {
  return v >= 0xffffffffn ? 0xffffffff : Number(v);
}

function ugetrlimit(p: Process, regs: PtRegs): number {
  const resource = arg(regs, 0);
  if (resource >= 16) return -E.EINVAL;
  const [cur, max] = getLimit(p, resource);
  return copyOut(p, arg(regs, 1), new StructWriter(8).u32(0, clamp32(cur)).u32(4, clamp32(max)).bytes) ? 0 : -E.EFAULT;
}

function setrlimit(p: Process, regs: PtRegs): number {
  const b = copyIn(p, arg(regs, 1), 8);
  if (!b) return -E.EFAULT;
  const w = (at: number) => {
    const v = BigInt(new DataView(b.buffer, b.byteOffset).getUint32(at, true));
    return v === 0xffffffffn ? RLIM_INFINITY : v;
  };
  return arg(regs, 0) >= 16 ? -E.EINVAL : setLimit(p, arg(regs, 0), w(0), w(4));
}

function sysinfo(p: Process, regs: PtRegs): number {
  const bytes = writeSysinfo({
    uptime: Number(p.clock.monotonic() / 1_000_000_000n),
    totalram: p.mm.memoryLimit,
    freeram: p.mm.memoryLimit - p.mm.mapped,
    procs: 1,
  });
  return copyOut(p, arg(regs, 0), bytes) ? 0 : -E.EFAULT;
}

function getrandom(p: Process, regs: PtRegs): number {
  if (arg(regs, 2) & ~7) return -E.EINVAL;
  const n = Math.min(arg(regs, 1), MAX_RANDOM);
  if (!p.memory.canWrite(arg(regs, 0), n)) return -E.EFAULT;
  return copyOut(p, arg(regs, 0), p.randomBytes(n)) ? n : -E.EFAULT;
}

function ids(which: number[], regs: PtRegs, p: Process): number {
  const ok = [0, 1, 2].every((i) => copyOut(p, arg(regs, i), new StructWriter(4).u32(0, which[i]!).bytes));
  return ok ? 0 : -E.EFAULT;
}

/** Setting ids: only to values the process already has (an unprivileged process). */
function setIds(which: number[], values: number[]): number {
  for (const v of values) if (v !== 0xffffffff && v !== 0xffff && !which.includes(v)) return -E.EPERM;
  values.forEach((v, i) => {
    if (v !== 0xffffffff && v !== 0xffff) which[i] = v;
  });
  return 0;
}

const low16 = (v: number) => (v > 0xffff ? 65534 : v);

export const procRows: readonly SyscallRow[] = [
  row(1, 'exit', 'i', exit),
  inlineRow(20, 'getpid', '', (p) => p.pid),
  row(23, 'setuid', 'u', (p, r) => setIds(p.uid, [arg(r, 0) & 0xffff])),
  inlineRow(24, 'getuid', '', (p) => low16(p.uid[0]!)),
  row(46, 'setgid', 'u', (p, r) => setIds(p.gid, [arg(r, 0) & 0xffff])),
  inlineRow(47, 'getgid', '', (p) => low16(p.gid[0]!)),
  inlineRow(49, 'geteuid', '', (p) => low16(p.uid[1]!)),
  inlineRow(50, 'getegid', '', (p) => low16(p.gid[1]!)),
  inlineRow(64, 'getppid', '', (p) => p.ppid),
  row(75, 'setrlimit', 'ux', setrlimit),
  row(116, 'sysinfo', 'x', sysinfo),
  row(122, 'uname', 'x', uname),
  row(191, 'ugetrlimit', 'ux', ugetrlimit),
  inlineRow(199, 'getuid32', '', (p) => p.uid[0]!),
  inlineRow(200, 'getgid32', '', (p) => p.gid[0]!),
  inlineRow(201, 'geteuid32', '', (p) => p.uid[1]!),
  inlineRow(202, 'getegid32', '', (p) => p.gid[1]!),
  row(203, 'setreuid32', 'uu', (p, r) => setIds(p.uid, [arg(r, 0), arg(r, 1)])),
  row(204, 'setregid32', 'uu', (p, r) => setIds(p.gid, [arg(r, 0), arg(r, 1)])),
  row(208, 'setresuid32', 'uuu', (p, r) => setIds(p.uid, [arg(r, 0), arg(r, 1), arg(r, 2)])),
  row(209, 'getresuid32', 'xxx', (p, r) => ids(p.uid, r, p)),
  row(210, 'setresgid32', 'uuu', (p, r) => setIds(p.gid, [arg(r, 0), arg(r, 1), arg(r, 2)])),
  row(211, 'getresgid32', 'xxx', (p, r) => ids(p.gid, r, p)),
  row(213, 'setuid32', 'u', (p, r) => setIds(p.uid, [arg(r, 0)])),
  row(214, 'setgid32', 'u', (p, r) => setIds(p.gid, [arg(r, 0)])),
  inlineRow(224, 'gettid', '', (p) => p.tid),
  row(240, 'futex', 'xiixxi', (p, r) => futex(p, r, false)),
  row(243, 'set_thread_area', 'x', setThreadArea),
  row(244, 'get_thread_area', 'x', getThreadArea),
  row(252, 'exit_group', 'i', exitGroup),
  row(258, 'set_tid_address', 'x', (p, r) => {
    p.clearChildTid = arg(r, 0);
    return p.tid;
  }),
  row(311, 'set_robust_list', 'xu', (p, r) => {
    if (arg(r, 1) !== 12) return -E.EINVAL;
    p.robustList = { head: arg(r, 0), length: 12 };
    return 0;
  }),
  row(340, 'prlimit64', 'iuxx', prlimit64),
  row(355, 'getrandom', 'xux', getrandom),
  // The model has no restartable sequences: -ENOSYS as a kernel without CONFIG_RSEQ says (glibc copes).
  row(386, 'rseq', 'xuix', () => -E.ENOSYS),
  row(422, 'futex_time64', 'xiixxi', (p, r) => futex(p, r, true)),
];
