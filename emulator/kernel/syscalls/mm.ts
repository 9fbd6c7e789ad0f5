// Owns the memory system calls: brk, mmap2 (and old_mmap's struct form), munmap, mprotect,
// mremap, msync, madvise. Placement and bookkeeping are mm.ts's; this file checks arguments as
// Linux does (alignment, lengths, flags) and copies file contents into a private mapping; a
// MAP_SHARED one maps its backing object's pages (vfs/page-cache.ts: shared with every
// process mapping them, written back to the file; docs/kernel-facts.md section 14).
import type { PtRegs } from '../seams';
import { PAGE_SIZE } from '../../memory/memory';
import { E, le32, MAP, MREMAP_FIXED, MREMAP_MAYMOVE } from '../linux-abi';
import { pageUp, type SharedPages } from '../mm';
import type { Process } from '../process';
import { HostFile } from '../vfs/files';
import { arg, copyIn, row, sarg, type SyscallRow } from './table';

const PROT_MASK = 7;

export function mmap(p: Process, addr: number, length: number, prot: number, flags: number, fd: number, pgoff: number): number {
  if (length === 0) return -E.EINVAL;
  const len = pageUp(length);
  if (len === 0 || len > 0xfffff000) return -E.ENOMEM;
  const type = flags & 3;
  if (type !== MAP.PRIVATE && type !== MAP.SHARED) return -E.EINVAL;
  const anonymous = (flags & MAP.ANONYMOUS) !== 0;
  let file: HostFile | undefined;
  if (!anonymous) {
    const f = p.fds.get(fd);
    if (!f) return -E.EBADF;
    if (!(f instanceof HostFile) || !f.readable) return -E.EACCES;
    if (type === MAP.SHARED && (prot & 2) && !f.writable) return -E.EACCES;
    file = f;
  }
  let start: number;
  if (flags & (MAP.FIXED | MAP.FIXED_NOREPLACE)) {
    if (addr % PAGE_SIZE !== 0) return -E.EINVAL;
    if (addr + len > p.mm.stackTop || addr < PAGE_SIZE) return -E.ENOMEM;
    if ((flags & MAP.FIXED_NOREPLACE) && !(flags & MAP.FIXED) && !p.mm.free(addr, len)) return -E.EEXIST;
    start = addr;
  } else if (addr !== 0 && addr % PAGE_SIZE === 0 && p.mm.free(addr, len)) {
    start = addr;
  } else {
    start = p.mm.findFree(len);
    if (start < 0) return start;
  }
  let shared: SharedPages | undefined;
  if (type === MAP.SHARED) {
    const object = file ? p.machine.pageCache.forFile(file) : p.machine.pageCache.anonymous();
    if (typeof object === 'number') return object;
    shared = { object, index: pgoff };
  }
  const mapped = p.mm.add(start, len, prot & PROT_MASK, 'mmap', file ? file.name : anonymous ? '' : '[anon]', shared);
  if (mapped < 0) return mapped;
  if (file && !shared) {
    const data = file.readAt(pgoff * PAGE_SIZE, Math.min(length, len));
    if (typeof data === 'number') {
      p.mm.remove(start, len);
      return data;
    }
    p.memory.poke(start, data);
  }
  return start;
}

function oldMmap(p: Process, regs: PtRegs): number {
  const a = copyIn(p, arg(regs, 0), 24);
  if (!a) return -E.EFAULT;
  const offset = le32(a, 20);
  if (offset % PAGE_SIZE !== 0) return -E.EINVAL;
  return mmap(p, le32(a, 0), le32(a, 4), le32(a, 8), le32(a, 12), le32(a, 16) | 0, offset / PAGE_SIZE);
}

function munmap(p: Process, regs: PtRegs): number {
  const addr = arg(regs, 0);
  const len = pageUp(arg(regs, 1));
  if (addr % PAGE_SIZE !== 0 || len === 0 || addr + len > 2 ** 32) return -E.EINVAL;
  p.mm.remove(addr, len);
  return 0;
}

function mprotect(p: Process, regs: PtRegs): number {
  const addr = arg(regs, 0);
  const len = pageUp(arg(regs, 1));
  if (addr % PAGE_SIZE !== 0) return -E.EINVAL;
  if (len === 0) return 0;
  return p.mm.protect(addr, len, arg(regs, 2) & PROT_MASK);
}

function mremap(p: Process, regs: PtRegs): number {
  const old = arg(regs, 0);
  const oldLen = pageUp(arg(regs, 1));
  const newLen = pageUp(arg(regs, 2));
  const flags = arg(regs, 3);
  if (old % PAGE_SIZE !== 0 || newLen === 0 || (flags & ~(MREMAP_MAYMOVE | MREMAP_FIXED))) return -E.EINVAL;
  if ((flags & MREMAP_FIXED) && !(flags & MREMAP_MAYMOVE)) return -E.EINVAL;
  const area = p.mm.areaAt(old);
  // The old range must lie in one area (Linux: one VMA), else EFAULT.
  if (!area || area.end < old + oldLen) return -E.EFAULT;
  if (newLen <= oldLen) {
    if (newLen < oldLen) p.mm.remove(old + newLen, oldLen - newLen);
    return old;
  }
  // The shared pages at `at` in the area: the same backing object's, so a moved or grown shared mapping stays shared.
  const sharedAt = (at: number): SharedPages | undefined => area.shared && { object: area.shared.object, index: area.shared.index + (at - area.start) / PAGE_SIZE };
  if (!(flags & MREMAP_FIXED) && p.mm.free(old + oldLen, newLen - oldLen)) {
    const r = p.mm.add(old + oldLen, newLen - oldLen, area.prot, area.kind, area.name, sharedAt(old + oldLen));
    return r < 0 ? r : old;
  }
  if (!(flags & MREMAP_MAYMOVE)) return -E.ENOMEM;
  const target = flags & MREMAP_FIXED ? arg(regs, 4) : p.mm.findFree(newLen);
  if (target < 0) return target;
  if (target % PAGE_SIZE !== 0) return -E.EINVAL;
  // The new range may not overlap the old one (mremap_to).
  if (target < old + oldLen && old < target + newLen) return -E.EINVAL;
  if (area.shared) {
    // The new range maps the same pages (and the object's next ones) before the old range lets them go.
    const r = p.mm.add(target, newLen, area.prot, area.kind, area.name, sharedAt(old));
    if (r < 0) return r;
    p.mm.remove(old, oldLen);
    return target;
  }
  const bytes = new Uint8Array(oldLen);
  for (let at = 0; at < oldLen; at += PAGE_SIZE) {
    const prot = p.memory.protection(old + at);
    const page = prot > 0 ? p.memory.read(old + at, PAGE_SIZE, prot) : undefined;
    if (page instanceof Uint8Array) bytes.set(page, at);
  }
  const r = p.mm.add(target, newLen, area.prot, area.kind, area.name);
  if (r < 0) return r;
  p.memory.poke(target, bytes);
  p.mm.remove(old, oldLen);
  return target;
}

const MS_ASYNC = 1, MS_INVALIDATE = 2, MS_SYNC = 4;

function msync(p: Process, regs: PtRegs): number {
  const addr = arg(regs, 0);
  const flags = arg(regs, 2);
  if (addr % PAGE_SIZE !== 0 || (flags & ~(MS_ASYNC | MS_INVALIDATE | MS_SYNC)) || ((flags & MS_ASYNC) && (flags & MS_SYNC))) return -E.EINVAL;
  const len = pageUp(arg(regs, 1));
  if (addr + len > 2 ** 32) return -E.ENOMEM;
  return len === 0 ? 0 : p.mm.sync(addr, len);
}

export const mmRows: readonly SyscallRow[] = [
  row(45, 'brk', 'x', (p, r) => p.mm.setBrk(arg(r, 0))),
  row(90, 'mmap', 'x', oldMmap),
  row(91, 'munmap', 'xu', munmap),
  row(125, 'mprotect', 'xux', mprotect),
  row(144, 'msync', 'xux', msync),
  row(163, 'mremap', 'xuuxx', mremap),
  row(192, 'mmap2', 'xuxxfx', (p, r) => mmap(p, arg(r, 0), arg(r, 1), arg(r, 2), arg(r, 3), sarg(r, 4), arg(r, 5))),
  row(219, 'madvise', 'xui', () => 0),
];
