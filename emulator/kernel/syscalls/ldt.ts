// Owns modify_ldt (arch/x86/kernel/ldt.c): a process's local descriptor table as 8-byte
// descriptors built from struct user_desc as fill_ldt builds them, written with the old
// (func 1: the useable bit dropped, an all-zero user_desc clears) or the new layout (0x11: an
// "empty" user_desc clears), read back raw (func 0: the table's bytes, zero-filled up to the
// count asked), and the default LDT (func 2: zeros, 40 bytes on a 32-bit kernel, 128 on a
// 64-bit one). A present entry becomes loadable into a segment register with its base
// (selector index << 3 | TI | RPL 3); a cleared or not-present one stops being so. The LDT is
// the address space's (mm->context.ldt): threads share it, and a write reaches every CPU
// running that mm at once (install_ldt, refresh_ldt_segments); fork copies it (ldt_dup_context).
import type { PtRegs } from '../seams';
import { E, readUserDesc, USER_DESC_SIZE, type UserDesc } from '../linux-abi';
import type { Process } from '../process';
import { arg, copyIn, copyOut, row, type SyscallRow } from './table';
import { sideTable } from '../side-tables';

/** LDT_ENTRIES and LDT_ENTRY_SIZE. */
const LDT_ENTRIES = 8192;
const ENTRY_SIZE = 8;

/** One address space's LDT: descriptors by index (the table's size is the highest index written + 1). */
interface Ldt {
  readonly entries: Map<number, Uint8Array>;
  size: number;
}

const LDTS = sideTable<Process['mm'], Ldt>();

/** The LDT of a task's address space (empty until modify_ldt writes it). */
export function ldtOf(p: Process): Ldt {
  let l = LDTS.get(p.mm);
  if (!l) LDTS.set(p.mm, (l = { entries: new Map(), size: 0 }));
  return l;
}

/** fork without CLONE_VM: the child's address space starts with a copy of the parent's LDT (its CPU copied the descriptors). */
export function forkLdt(parent: Process, child: Process): void {
  const l = LDTS.get(parent.mm);
  if (l && child.mm !== parent.mm) LDTS.set(child.mm, { entries: new Map(l.entries), size: l.size });
}

/** Every live task running `p`'s address space (the CPUs install_ldt reaches). */
function cpusOfMm(p: Process): Process['cpu'][] {
  return p.machine.tasks.filter((t) => t.mm === p.mm && !t.exit && !t.cpuRetired).map((t) => t.cpu);
}

/** fill_ldt: the descriptor for a user_desc. */
export function descriptor(d: UserDesc): Uint8Array {
  const b = new Uint8Array(ENTRY_SIZE);
  const type = ((d.readExecOnly ? 0 : 1) << 1) | (d.contents << 2) | 1;
  b[0] = d.limit & 0xff;
  b[1] = (d.limit >>> 8) & 0xff;
  b[2] = d.baseAddr & 0xff;
  b[3] = (d.baseAddr >>> 8) & 0xff;
  b[4] = (d.baseAddr >>> 16) & 0xff;
  // type, S = 1, DPL = 3, P = !seg_not_present
  b[5] = type | 0x10 | 0x60 | (d.segNotPresent ? 0 : 0x80);
  b[6] = ((d.limit >>> 16) & 0x0f) | (d.useable ? 0x10 : 0) | (d.seg32bit ? 0x40 : 0) | (d.limitInPages ? 0x80 : 0);
  b[7] = (d.baseAddr >>> 24) & 0xff;
  return b;
}

function isEmpty(d: UserDesc): boolean {
  return d.baseAddr === 0 && d.limit === 0 && d.contents === 0 && d.readExecOnly && !d.seg32bit && !d.limitInPages &&
    d.segNotPresent && !d.useable;
}

function isZero(d: UserDesc): boolean {
  return d.baseAddr === 0 && d.limit === 0 && d.contents === 0 && !d.readExecOnly && !d.seg32bit && !d.limitInPages &&
    !d.segNotPresent && !d.useable;
}

function writeLdt(p: Process, ptr: number, count: number, oldMode: boolean): number {
  if (count !== USER_DESC_SIZE) return -E.EINVAL;
  const raw = copyIn(p, ptr, USER_DESC_SIZE);
  if (!raw) return -E.EFAULT;
  const d = readUserDesc(raw);
  const index = d.entryNumber >>> 0;
  if (index >= LDT_ENTRIES) return -E.EINVAL;
  if (d.contents === 3 && (oldMode || !d.segNotPresent)) return -E.EINVAL;
  const clear = isEmpty(d) || (oldMode && isZero(d));
  const ldt = ldtOf(p);
  const selector = (index << 3) | 7;
  ldt.size = Math.max(ldt.size, index + 1);
  if (clear) {
    ldt.entries.delete(index);
    for (const cpu of cpusOfMm(p)) {
      cpu.undefineSegment(selector);
      cpu.setDescriptor(selector, null);
    }
    return 0;
  }
  const desc = descriptor(oldMode ? { ...d, useable: false } : d);
  ldt.entries.set(index, desc);
  for (const cpu of cpusOfMm(p)) {
    cpu.setDescriptor(selector, desc);
    if (d.segNotPresent) cpu.undefineSegment(selector);
    else cpu.defineSegment(selector, d.baseAddr);
  }
  return 0;
}

function readLdt(p: Process, ptr: number, count: number): number {
  const ldt = ldtOf(p);
  if (ldt.size === 0) return 0;
  const n = Math.min(count, LDT_ENTRY_BYTES);
  const out = new Uint8Array(n);
  for (const [index, desc] of ldt.entries) if (index * ENTRY_SIZE < n) out.set(desc.subarray(0, n - index * ENTRY_SIZE), index * ENTRY_SIZE);
  return copyOut(p, ptr, out) ? n : -E.EFAULT;
}

const LDT_ENTRY_BYTES = LDT_ENTRIES * ENTRY_SIZE;

function readDefaultLdt(p: Process, ptr: number, count: number): number {
  const n = Math.min(count, p.options.kernel === 'native32' ? 5 * ENTRY_SIZE : 128);
  return copyOut(p, ptr, new Uint8Array(n)) ? n : -E.EFAULT;
}

function modifyLdt(p: Process, regs: PtRegs): number {
  const func = arg(regs, 0);
  const ptr = arg(regs, 1);
  const count = arg(regs, 2);
  switch (func) {
    case 0: return readLdt(p, ptr, count);
    case 1: return writeLdt(p, ptr, count, true);
    case 2: return readDefaultLdt(p, ptr, count);
    case 0x11: return writeLdt(p, ptr, count, false);
    default: return -E.ENOSYS;
  }
}

export const ldtRows: readonly SyscallRow[] = [row(123, 'modify_ldt', 'ixu', modifyLdt)];
