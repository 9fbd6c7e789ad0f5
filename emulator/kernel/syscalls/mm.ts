// Owns the memory system calls: brk, mmap2 (and old_mmap's struct form), munmap, mprotect,
// mremap, msync, madvise, mincore. Placement and bookkeeping are mm.ts's; this file checks arguments as
// Linux does (alignment, lengths, flags, advice). A file mapping names the file's backing
// object (vfs/page-cache.ts): a MAP_SHARED one maps its pages (shared with every process
// mapping them, written back to the file), a private one copies them; docs/kernel-facts.md
// section 14.
import type { PtRegs } from '../seams';
import { PAGE_SIZE } from '../../memory/memory';
import { E, le32, MADV, MAP, MREMAP_FIXED, MREMAP_MAYMOVE, MS_ASYNC, MS_INVALIDATE, MS_SYNC } from '../linux-abi';
import { pageUp, pagesAt, type Backing } from '../mm';
import type { Process } from '../process';
import { HostFile } from '../vfs/files';
import { arg, copyIn, copyOut, row, sarg, type SyscallRow } from './table';

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
  let backing: Backing | undefined;
  if (file || type === MAP.SHARED) {
    const object = file ? p.machine.pageCache.forFile(file) : p.machine.pageCache.anonymous();
    if (typeof object === 'number') return object;
    backing = type === MAP.SHARED ? { shared: { object, index: pgoff } } : { file: { object, index: pgoff } };
  }
  const mapped = p.mm.add(start, len, prot & PROT_MASK, 'mmap', file ? file.name : anonymous ? '' : '[anon]', backing);
  if (mapped < 0) {
    // An object no mapping took lets its file go again.
    if (backing) ('shared' in backing ? backing.shared : backing.file).object.settle();
    return mapped;
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
  // The backing pages at `at` in the area: the same object's, so a moved or grown shared mapping stays shared and a private file mapping maps the file on.
  const backingAt = (at: number): Backing | undefined =>
    area.shared ? { shared: pagesAt(area, area.shared, at) } : area.file ? { file: pagesAt(area, area.file, at) } : undefined;
  if (!(flags & MREMAP_FIXED) && p.mm.free(old + oldLen, newLen - oldLen)) {
    const r = p.mm.add(old + oldLen, newLen - oldLen, area.prot, area.kind, area.name, backingAt(old + oldLen));
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
    const r = p.mm.add(target, newLen, area.prot, area.kind, area.name, backingAt(old));
    if (r < 0) return r;
    p.mm.remove(old, oldLen);
    return target;
  }
  // A private mapping's pages move with their bytes (a file mapping's pages past the end of the file stay unmapped).
  const r = p.mm.add(target, newLen, area.prot, area.kind, area.name, backingAt(old));
  if (r < 0) return r;
  p.memory.move(old, target, oldLen);
  p.mm.remove(old, oldLen);
  return target;
}

/**
 * mincore (mm/mincore.c): a byte per page of [start, start+len), 1 when the page is resident:
 * accessed since it was mapped (an anonymous page nobody touched is not: it is the zero
 * page's, or not there at all), or a file's or shared mapping's page (the page cache's); the
 * vDSO's and vvar's areas say 1 for every page (can_do_mincore). An unaligned start is EINVAL,
 * a range past the user address space ENOMEM, a vec past it EFAULT; the areas are walked a
 * page of vec at a time (do_mincore), each chunk copied out before the next, and a hole is
 * ENOMEM (the chunks before it written).
 */
function mincore(p: Process, regs: PtRegs): number {
  const start = arg(regs, 0);
  const len = arg(regs, 1);
  let vec = arg(regs, 2);
  if (start % PAGE_SIZE !== 0) return -E.EINVAL;
  if (start + len > p.mm.stackTop) return -E.ENOMEM;
  let pages = Math.ceil(len / PAGE_SIZE);
  if (vec + pages > p.mm.stackTop) return -E.EFAULT;
  let at = start;
  while (pages > 0) {
    const area = p.mm.areaAt(at);
    if (!area) return -E.ENOMEM;
    const chunk = new Uint8Array(Math.min(pages, PAGE_SIZE, (area.end - at) / PAGE_SIZE));
    for (let k = 0; k < chunk.length; k++) chunk[k] = p.mm.resident(area, at + k * PAGE_SIZE) ? 1 : 0;
    if (!copyOut(p, vec, chunk)) return -E.EFAULT;
    pages -= chunk.length;
    vec += chunk.length;
    at += chunk.length * PAGE_SIZE;
  }
  return 0;
}

function msync(p: Process, regs: PtRegs): number {
  const addr = arg(regs, 0);
  const flags = arg(regs, 2);
  if (addr % PAGE_SIZE !== 0 || (flags & ~(MS_ASYNC | MS_INVALIDATE | MS_SYNC)) || ((flags & MS_ASYNC) && (flags & MS_SYNC))) return -E.EINVAL;
  const len = pageUp(arg(regs, 1));
  if (addr + len > 2 ** 32) return -E.ENOMEM;
  return len === 0 ? 0 : p.mm.sync(addr, len);
}

/** The advice whose effect the model does not have (the run stops at such a call rather than pretend). */
const UNEMULATED_ADVICE = new Map<number, string>(
  (['REMOVE', 'DONTFORK', 'WIPEONFORK', 'HWPOISON', 'SOFT_OFFLINE', 'GUARD_INSTALL', 'GUARD_REMOVE'] as const).map((n) => [MADV[n], `MADV_${n}`]),
);
const KNOWN_ADVICE = new Set<number>(Object.values(MADV));

/**
 * madvise (do_madvise): EINVAL for an unknown advice, an unaligned start or a length that
 * wraps; then the range's areas are walked (madvise_walk_vmas: -ENOMEM for a hole, the rest
 * advised all the same). MADV_DONTNEED (and _LOCKED: the model locks nothing) drops the
 * private pages, which read as zeros or the file's bytes again; the other advice the model
 * takes is a hint without an effect it can show.
 */
function madvise(p: Process, regs: PtRegs): number {
  const start = arg(regs, 0);
  const lengthIn = arg(regs, 1);
  const advice = arg(regs, 2) | 0;
  if (!KNOWN_ADVICE.has(advice) || start % PAGE_SIZE !== 0) return -E.EINVAL;
  const len = pageUp(lengthIn);
  if (start + len > 2 ** 32 || (lengthIn !== 0 && len === 0)) return -E.EINVAL;
  if (len === 0) return 0;
  if (advice === MADV.DONTNEED || advice === MADV.DONTNEED_LOCKED) return p.mm.discard(start, len);
  return p.mm.covered(start, len) ? 0 : -E.ENOMEM;
}

export const mmRows: readonly SyscallRow[] = [
  row(45, 'brk', 'x', (p, r) => p.mm.setBrk(arg(r, 0))),
  row(90, 'mmap', 'x', oldMmap),
  row(91, 'munmap', 'xu', munmap),
  row(125, 'mprotect', 'xux', mprotect),
  row(144, 'msync', 'xux', msync),
  row(163, 'mremap', 'xuuxx', mremap),
  row(192, 'mmap2', 'xuxxfx', (p, r) => mmap(p, arg(r, 0), arg(r, 1), arg(r, 2), arg(r, 3), sarg(r, 4), arg(r, 5))),
  row(218, 'mincore', 'xux', mincore),
  {
    ...row(219, 'madvise', 'xui', madvise),
    unemulated: (p) => {
      const name = UNEMULATED_ADVICE.get(p.cpu.state.r[2]! | 0);
      return name && `madvise ${name}`;
    },
  },
];
