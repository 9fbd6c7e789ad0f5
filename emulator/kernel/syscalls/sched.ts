// Owns scheduling and identity calls: sched_yield (the caller's turn ends), sched_setaffinity
// and sched_getaffinity over the machine's CPUs (a setting, 1 by default), getcpu (the lowest
// CPU the task may run on: the model has one CPU that runs every task; IA32_TSC_AUX follows
// it), the prctl options
// static glibc and test programs use (name, parent-death signal, dumpable, no_new_privs,
// seccomp mode, Yama's ptracer), and vm86/vm86old: ENOSYS under a 64-bit kernel (as Linux,
// which has no vm86 in compat mode), a clear "not emulated" stop under a 32-bit one.
import { E } from '../linux-abi';
import type { Process } from '../process';
import type { PtRegs } from '../seams';
import { arg, copyIn, copyOut, readCString, row, sarg, writeU32, type SyscallRow } from './table';

export const PR = {
  SET_PDEATHSIG: 1, GET_PDEATHSIG: 2, GET_DUMPABLE: 3, SET_DUMPABLE: 4, SET_NAME: 15, GET_NAME: 16,
  GET_SECCOMP: 21, CAPBSET_READ: 23, SET_NO_NEW_PRIVS: 38, GET_NO_NEW_PRIVS: 39, SET_PTRACER: 0x59616d61,
} as const;
/** The comm name's size (TASK_COMM_LEN). */
const COMM_LEN = 16;
/** The highest capability number (CAP_LAST_CAP in 6.1). */
const CAP_LAST_CAP = 40;

/** The cpumask size the kernel copies: whole longs covering the machine's CPUs. */
function maskBytes(p: Process): number {
  return Math.ceil(p.machine.cpus / 32) * 4;
}

function target(p: Process, pid: number): Process | undefined {
  return pid === 0 ? p : p.machine.byTid(pid);
}

function getAffinity(p: Process, regs: PtRegs): number {
  const t = target(p, sarg(regs, 0));
  if (!t) return -E.ESRCH;
  const len = arg(regs, 1);
  const size = maskBytes(p);
  if (len < size || len % 4 !== 0) return -E.EINVAL;
  const out = new Uint8Array(size);
  for (let cpu = 0; cpu < p.machine.cpus; cpu++) if (t.affinity & (1n << BigInt(cpu))) out[cpu >> 3]! |= 1 << (cpu & 7);
  return copyOut(p, arg(regs, 2), out) ? size : -E.EFAULT;
}

function setAffinity(p: Process, regs: PtRegs): number {
  const t = target(p, sarg(regs, 0));
  if (!t) return -E.ESRCH;
  const len = Math.min(arg(regs, 1), 128);
  const raw = copyIn(p, arg(regs, 2), len);
  if (!raw) return -E.EFAULT;
  let mask = 0n;
  for (let cpu = 0; cpu < Math.min(p.machine.cpus, len * 8); cpu++) if (raw[cpu >> 3]! & (1 << (cpu & 7))) mask |= 1n << BigInt(cpu);
  if (mask === 0n) return -E.EINVAL;
  t.affinity = mask;
  migrate(t);
  return 0;
}

/** The CPU a task runs on: the lowest one its affinity allows. */
function currentCpu(t: Process): number {
  let cpu = 0;
  while (cpu < t.machine.cpus - 1 && !(t.affinity & (1n << BigInt(cpu)))) cpu++;
  return cpu;
}

/**
 * Moves a task to the CPU its new affinity gives: IA32_TSC_AUX (rdtscp's ecx, rdpid, the
 * limit of the GDT's CPUNODE descriptor) holds (node << 12) | cpu there, as Linux writes it
 * on each CPU (docs/kernel-facts.md §10); the model has one node.
 */
function migrate(t: Process): void {
  t.cpu.state.tscAux = currentCpu(t);
}

function getcpu(p: Process, regs: PtRegs): number {
  const cpu = currentCpu(p);
  if (arg(regs, 0) !== 0 && !writeU32(p, arg(regs, 0), cpu)) return -E.EFAULT;
  if (arg(regs, 1) !== 0 && !writeU32(p, arg(regs, 1), 0)) return -E.EFAULT;
  return 0;
}

function prctl(p: Process, regs: PtRegs): number {
  const option = arg(regs, 0);
  const value = arg(regs, 1);
  switch (option) {
    case PR.SET_PDEATHSIG:
      if (value > 64) return -E.EINVAL;
      p.deathSignal = value;
      return 0;
    case PR.GET_PDEATHSIG:
      return writeU32(p, value, p.deathSignal) ? 0 : -E.EFAULT;
    case PR.GET_DUMPABLE:
      return p.dumpable;
    case PR.SET_DUMPABLE:
      if (value > 1) return -E.EINVAL;
      p.dumpable = value;
      return 0;
    case PR.SET_NAME: {
      const name = readCString(p, value, COMM_LEN);
      if (typeof name === 'number' && name !== -E.ENAMETOOLONG) return name;
      const bytes = copyIn(p, value, COMM_LEN);
      if (!bytes) return -E.EFAULT;
      const end = bytes.indexOf(0);
      p.comm = new TextDecoder().decode(bytes.subarray(0, end < 0 ? COMM_LEN - 1 : Math.min(end, COMM_LEN - 1)));
      return 0;
    }
    case PR.GET_NAME: {
      const out = new Uint8Array(COMM_LEN);
      out.set(new TextEncoder().encode(p.comm).subarray(0, COMM_LEN - 1));
      return copyOut(p, value, out) ? 0 : -E.EFAULT;
    }
    case PR.GET_SECCOMP:
      return 0;
    case PR.CAPBSET_READ:
      return value > CAP_LAST_CAP ? -E.EINVAL : 1;
    case PR.SET_NO_NEW_PRIVS:
      if (value !== 1 || arg(regs, 2) || arg(regs, 3) || arg(regs, 4)) return -E.EINVAL;
      p.noNewPrivs = true;
      return 0;
    case PR.GET_NO_NEW_PRIVS:
      return p.noNewPrivs ? 1 : 0;
    case PR.SET_PTRACER:
      return 0;
    default:
      return -E.EINVAL;
  }
}

/** vm86/vm86old: ENOSYS under a 64-bit kernel (no vm86 in compat mode); under a 32-bit one the row is unemulated. */
function vm86Row(nr: number, name: string, args: string): SyscallRow {
  return {
    ...row(nr, name, args, () => -E.ENOSYS),
    unemulated: (p) => (p.options.kernel === 'compat64' ? undefined : `${name} (virtual-8086 mode)`),
  };
}

export const schedRows: readonly SyscallRow[] = [
  vm86Row(113, 'vm86old', 'x'),
  row(158, 'sched_yield', '', (p) => {
    p.yielded = true;
    return 0;
  }),
  vm86Row(166, 'vm86', 'xx'),
  row(172, 'prctl', 'ixxxx', prctl),
  row(241, 'sched_setaffinity', 'iux', setAffinity),
  row(242, 'sched_getaffinity', 'iux', getAffinity),
  row(318, 'getcpu', 'xxx', getcpu),
];
