// Owns the process's memory map: named areas (program segments, heap, mmap areas, stack,
// vdso, vvar) over the CPU's Memory pages; brk; mmap2 placement top-down below mmap_base;
// munmap, mprotect and mremap with area splitting; the stack that grows down on faults
// within its rlimit with a guard gap below it that nothing else may use; madvise's
// MADV_DONTNEED; and a cap on the guest's total mapped memory so that a hostile guest cannot
// exhaust the host. A file mapping's area names its backing object (vfs/page-cache.ts): a
// shared one maps the object's pages, which it takes and gives back as it is mapped, split,
// copied by fork and unmapped; a private one copies the file's bytes. Pages wholly past the
// end of the file are left unmapped (an access gives SIGBUS) and follow the file's size;
// release() gives back everything when the last task using the map ends.
import { Memory, PAGE_SIZE, PROT_EXEC, PROT_READ, PROT_WRITE } from '../memory/memory';
import { E } from './linux-abi';
import type { ObjectMapper, SharedObject } from './vfs/page-cache';

export type AreaKind = 'program' | 'heap' | 'mmap' | 'stack' | 'vdso' | 'vvar';

export interface Area {
  start: number;
  end: number;
  prot: number;
  readonly kind: AreaKind;
  readonly name: string;
  /** A shared mapping (MAP_SHARED): its backing object and the object's page index at `start`. */
  readonly shared?: SharedPages;
  /** A private mapping of a file (MAP_PRIVATE): the file's object and its page index at `start`, what a page's bytes are fetched from. */
  readonly file?: SharedPages;
}

/** What a new area maps: a backing object's pages (shared), or copies of a file's (private). */
export type Backing = { readonly shared: SharedPages } | { readonly file: SharedPages };

export interface SharedPages {
  readonly object: SharedObject;
  readonly index: number;
}

/** `pages` moved along to the page at `at` of area `a`. */
export function pagesAt(a: Area, pages: SharedPages, at: number): SharedPages {
  return { object: pages.object, index: pages.index + (at - a.start) / PAGE_SIZE };
}

/** The part [start, end) of area `a`, its backing pages' index moved along. */
function part(a: Area, start: number, end: number, prot = a.prot): Area {
  const shared = a.shared && pagesAt(a, a.shared, start);
  const file = a.file && pagesAt(a, a.file, start);
  return { ...a, start, end, prot, shared, file };
}

/** The backing object's pages of area `a`, shared or private. */
function backingOf(a: Area): SharedPages | undefined {
  return a.shared ?? a.file;
}

/** True when backing pages `b` continue `a`'s pages of area `left` (both absent counts too): the two areas may merge. */
function follows(left: Area, a: SharedPages | undefined, b: SharedPages | undefined): boolean {
  if (!a || !b) return a === b;
  return a.object === b.object && a.index + (left.end - left.start) / PAGE_SIZE === b.index;
}

export const STACK_RLIMIT = 8 << 20;
/** Linux's stack_guard_gap: 256 pages. */
export const STACK_GUARD_GAP = 256 * PAGE_SIZE;
/** The smallest gap Linux leaves between the stack top and mmap_base (mmap_base()). */
const MIN_MMAP_GAP = 128 << 20;
/** Default cap on mapped guest memory (pages are host memory). */
export const DEFAULT_MEMORY_LIMIT = 256 << 20;

export function pageUp(n: number): number {
  return Math.ceil(n / PAGE_SIZE) * PAGE_SIZE;
}
export function pageDown(n: number): number {
  return Math.floor(n / PAGE_SIZE) * PAGE_SIZE;
}

export class MemoryMap implements ObjectMapper {
  /** The areas in address order, never overlapping; found by binary search. */
  readonly areas: Area[] = [];
  brkStart = 0;
  brk = 0;
  /** Highest address (exclusive) mmap places areas below. */
  readonly mmapBase: number;
  /** Lowest address the stack may grow down to; the guard gap lies below it. */
  readonly stackLimit: number;
  private mappedBytes = 0;
  /**
   * Where the last top-down search below mmap_base ended, and the largest hole it passed
   * above that (Linux's free_area_cache and cached_hole_size): a request longer than that
   * hole starts there, so that a run of mmaps does not walk every area each time.
   */
  private searchHint: number;
  private holeAboveHint = 0;
  /** The last search's answer, taken as the hint once an area is really mapped there. */
  private lastSearch: { found: number; top: number; largestHole: number } | undefined;

  constructor(
    readonly memory: Memory,
    /** One past the stack's highest byte (TASK_SIZE-like). */
    readonly stackTop: number,
    readonly memoryLimit = DEFAULT_MEMORY_LIMIT,
  ) {
    this.stackLimit = stackTop - STACK_RLIMIT;
    this.mmapBase = pageDown(stackTop - Math.max(MIN_MMAP_GAP, STACK_RLIMIT + STACK_GUARD_GAP));
    this.searchHint = this.mmapBase;
  }

  get mapped(): number {
    return this.mappedBytes;
  }

  /** The index of the first area that ends above `address` (areas.length when none). */
  private firstEndingAbove(address: number): number {
    let lo = 0;
    let hi = this.areas.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.areas[mid]!.end > address) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }

  /** The area holding `address`, if any. */
  areaAt(address: number): Area | undefined {
    const a = this.areas[this.firstEndingAbove(address)];
    return a && a.start <= address ? a : undefined;
  }

  private insert(area: Area): void {
    this.areas.splice(this.firstEndingAbove(area.start), 0, area);
    const search = this.lastSearch;
    this.lastSearch = undefined;
    if (search && area.start === search.found && area.end <= search.top) {
      this.searchHint = area.start;
      this.holeAboveHint = Math.max(search.largestHole, search.top - area.end);
    }
  }

  /** fork's copy of the map over the child's address space (`memory`, a copy-on-write copy of this one's). */
  forkFor(memory: Memory): MemoryMap {
    const m = new MemoryMap(memory, this.stackTop, this.memoryLimit);
    for (const a of this.areas) {
      m.areas.push({ ...a });
      const backing = backingOf(a);
      if (!backing) continue;
      backing.object.attach((a.end - a.start) / PAGE_SIZE);
      backing.object.addMapper(m);
      if (a.shared) for (let at = a.start; at < a.end; at += PAGE_SIZE) if (this.memory.protection(at) >= 0) a.shared.object.hold(pagesAt(a, a.shared, at).index);
    }
    m.brkStart = this.brkStart;
    m.brk = this.brk;
    m.mappedBytes = this.mappedBytes;
    m.searchHint = this.searchHint;
    m.holeAboveHint = this.holeAboveHint;
    return m;
  }

  /**
   * Maps a new area (page-rounded) after checking the limit; returns -ENOMEM when over it.
   * `backing`: a file's or shared memory's pages (those wholly past the end of the file stay unmapped).
   */
  add(start: number, length: number, prot: number, kind: AreaKind, name: string, backing?: Backing): number {
    const s = pageDown(start);
    const e = pageUp(start + length);
    if (e <= s || e > 2 ** 32) return -E.ENOMEM;
    const area: Area = { start: s, end: e, prot, kind, name, ...backing };
    const pages = backingOf(area);
    // Counted first: unmapping what was there may end the object's last other mapping.
    pages?.object.attach((e - s) / PAGE_SIZE);
    this.remove(s, e - s);
    if (this.mappedBytes + (e - s) > this.memoryLimit) {
      pages?.object.detach((e - s) / PAGE_SIZE);
      return -E.ENOMEM;
    }
    this.mappedBytes += e - s;
    this.insert(area);
    if (pages) {
      pages.object.addMapper(this);
      this.follow(area, s, e, pages.object.pagesInFile());
    } else {
      this.memory.map(s, e - s, prot);
    }
    return s;
  }

  /**
   * Maps the pages of [from, to) in backed area `a` that lie inside the file (`inFile`: its
   * size in pages) and are not mapped, and unmaps those wholly past its end.
   */
  private follow(a: Area, from: number, to: number, inFile: number): void {
    const pages = backingOf(a)!;
    for (let at = from; at < to; at += PAGE_SIZE) {
      const index = pagesAt(a, pages, at).index;
      const mapped = this.memory.protection(at) >= 0;
      if (mapped && index >= inFile) {
        this.memory.unmap(at, PAGE_SIZE);
        if (a.shared) pages.object.drop(index);
      } else if (!mapped && index < inFile) {
        if (a.shared) {
          this.memory.mapShared(at, a.prot, pages.object.take(index));
        } else {
          this.memory.map(at, PAGE_SIZE, a.prot);
          this.memory.poke(at, pages.object.fetch(index));
        }
      }
    }
  }

  /** The object's file changed size (a write or truncate through a descriptor): every area mapping it follows. */
  resized(object: SharedObject): void {
    const inFile = object.pagesInFile();
    for (const a of this.areas) if (backingOf(a)?.object === object) this.follow(a, a.start, a.end, inFile);
  }

  /** True when `address` lies in a file mapping's page wholly past the end of the file (an access gives SIGBUS). */
  pastEnd(address: number): boolean {
    const a = this.areaAt(address);
    return a !== undefined && backingOf(a) !== undefined && this.memory.protection(address) < 0;
  }

  /** Records an area whose pages another part already mapped (the vDSO loader's image and vvar). */
  adopt(start: number, length: number, prot: number, kind: AreaKind, name: string): void {
    const s = pageDown(start);
    const e = pageUp(start + length);
    this.mappedBytes += e - s;
    this.insert({ start: s, end: e, prot, kind, name });
  }

  /** Unmaps [start, start+length), splitting areas. */
  remove(start: number, length: number): void {
    const s = pageDown(start);
    const e = pageUp(start + length);
    const first = this.firstEndingAbove(s);
    let last = first;
    const kept: Area[] = [];
    for (; last < this.areas.length && this.areas[last]!.start < e; last++) {
      const a = this.areas[last]!;
      const cutStart = Math.max(a.start, s);
      const cutEnd = Math.min(a.end, e);
      if (a.shared) for (let at = cutStart; at < cutEnd; at += PAGE_SIZE) if (this.memory.protection(at) >= 0) a.shared.object.drop(pagesAt(a, a.shared, at).index);
      this.memory.unmap(cutStart, cutEnd - cutStart);
      this.mappedBytes -= cutEnd - cutStart;
      backingOf(a)?.object.detach((cutEnd - cutStart) / PAGE_SIZE);
      if (a.start < cutStart) kept.push(part(a, a.start, cutStart));
      if (cutEnd < a.end) kept.push(part(a, cutEnd, a.end));
    }
    if (last === first) return;
    this.areas.splice(first, last - first, ...kept);
    // A new hole may lie above the hint: the next search starts from the top again.
    this.searchHint = this.mmapBase;
    this.holeAboveHint = 0;
    this.lastSearch = undefined;
  }

  /** True when every page of the range is in some area. */
  covered(start: number, length: number): boolean {
    let at = pageDown(start);
    const e = pageUp(start + length);
    for (let i = this.firstEndingAbove(at); i < this.areas.length; i++) {
      const a = this.areas[i]!;
      if (a.start > at) return false;
      at = a.end;
      if (at >= e) return true;
    }
    return at >= e;
  }

  /** True when no area intersects the range (the stack's guard gap counts as used). */
  free(start: number, length: number): boolean {
    const e = start + length;
    if (start < PAGE_SIZE * 16 || e > this.stackTop) return false;
    if (e > this.stackLimit - STACK_GUARD_GAP && start < this.stackTop) return false;
    const a = this.areas[this.firstEndingAbove(start)];
    return a === undefined || a.start >= e;
  }

  /** The highest free range of `length` bytes below mmap_base (top-down), or -ENOMEM. */
  findFree(length: number, below = this.mmapBase): number {
    const cached = below === this.mmapBase && length > this.holeAboveHint;
    let top = cached ? this.searchHint : below;
    let largestHole = cached ? this.holeAboveHint : 0;
    // The last area that starts below `top`.
    let i = this.firstEndingAbove(top);
    if (i >= this.areas.length || this.areas[i]!.start >= top) i--;
    let found = -E.ENOMEM;
    for (; i >= 0; i--) {
      const a = this.areas[i]!;
      if (a.end <= top - length && this.free(top - length, length)) {
        found = top - length;
        break;
      }
      if (a.end < top) largestHole = Math.max(largestHole, top - a.end);
      top = Math.min(top, a.start);
    }
    if (found < 0) {
      const candidate = top - length;
      if (candidate >= PAGE_SIZE * 16 && this.free(candidate, length)) found = candidate;
    }
    this.lastSearch = found >= 0 && below === this.mmapBase ? { found, top: found + length, largestHole } : undefined;
    return found;
  }

  /** mprotect: every page must be mapped (else -ENOMEM). */
  protect(start: number, length: number, prot: number): number {
    if (!this.covered(start, length)) return -E.ENOMEM;
    const s = pageDown(start);
    const e = pageUp(start + length);
    const first = this.firstEndingAbove(s);
    let last = first;
    const next: Area[] = [];
    for (; last < this.areas.length && this.areas[last]!.start < e; last++) {
      const a = this.areas[last]!;
      const cs = Math.max(a.start, s);
      const ce = Math.min(a.end, e);
      if (a.start < cs) next.push(part(a, a.start, cs));
      next.push(part(a, cs, ce, prot));
      if (ce < a.end) next.push(part(a, ce, a.end));
    }
    this.areas.splice(first, last - first, ...next);
    this.merge(Math.max(first - 1, 0), Math.min(first + next.length + 1, this.areas.length));
    this.memory.protect(s, e - s, prot);
    return 0;
  }

  /** Joins neighbouring areas in [from, to) that are alike (as Linux merges compatible VMAs). */
  private merge(from: number, to: number): void {
    for (let i = to - 1; i > from; i--) {
      const a = this.areas[i - 1]!;
      const b = this.areas[i]!;
      if (a.end === b.start && a.prot === b.prot && a.kind === b.kind && a.name === b.name && follows(a, a.shared, b.shared) && follows(a, a.file, b.file)) {
        a.end = b.end;
        this.areas.splice(i, 1);
      }
    }
  }

  /** msync: the shared file pages of [start, start+length) go to their files; -ENOMEM when a page is not mapped (unless `holes`: what is mapped). */
  sync(start: number, length: number, holes = false): number {
    if (!holes && !this.covered(start, length)) return -E.ENOMEM;
    const s = pageDown(start);
    const e = pageUp(start + length);
    for (let i = this.firstEndingAbove(s); i < this.areas.length && this.areas[i]!.start < e; i++) {
      const a = this.areas[i]!;
      if (!a.shared) continue;
      const from = Math.max(a.start, s);
      const r = a.shared.object.sync(a.shared.index + (from - a.start) / PAGE_SIZE, (Math.min(a.end, e) - from) / PAGE_SIZE);
      if (r < 0) return r;
    }
    return 0;
  }

  /**
   * madvise(MADV_DONTNEED) over [start, start+length): a private page is fetched again (zeros
   * for anonymous memory, the file's bytes for a file mapping); a shared one stays the object's
   * page and the vDSO's its image. 0, -EINVAL at a vvar area (VM_PFNMAP, the areas before it
   * discarded), or -ENOMEM when part of the range is not mapped (the rest discarded all the
   * same), as madvise_walk_vmas. A program segment keeps its bytes (the model does not fetch
   * them from the executable again).
   */
  discard(start: number, length: number): number {
    const s = pageDown(start);
    const e = pageUp(start + length);
    let at = s;
    let result = 0;
    for (let i = this.firstEndingAbove(s); i < this.areas.length && this.areas[i]!.start < e; i++) {
      const a = this.areas[i]!;
      if (a.start > at) result = -E.ENOMEM;
      if (a.kind === 'vvar') return -E.EINVAL;
      const from = Math.max(a.start, s);
      at = Math.min(a.end, e);
      if (a.shared || a.kind === 'vdso' || a.kind === 'program') continue;
      this.memory.unmap(from, at - from);
      if (a.file) this.follow(a, from, at, a.file.object.pagesInFile());
      else this.memory.map(from, at - from, a.prot);
    }
    return at < e ? -E.ENOMEM : result;
  }

  /** The last task using this map ended (exit, execve): every area is unmapped, shared file pages written back, page references given back. */
  release(): void {
    for (const a of this.areas) backingOf(a)?.object.removeMapper(this);
    this.remove(0, 2 ** 32);
    this.memory.unmapAll();
  }

  /** brk(2): returns the new break, or the old one when the request cannot be met. */
  setBrk(requested: number): number {
    if (requested < this.brkStart) return this.brk;
    const oldTop = pageUp(this.brk);
    const newTop = pageUp(requested);
    if (newTop > oldTop) {
      if (!this.free(oldTop, newTop - oldTop)) return this.brk;
      if (this.add(oldTop, newTop - oldTop, PROT_READ | PROT_WRITE, 'heap', '[heap]') < 0) return this.brk;
    } else if (newTop < oldTop) {
      this.remove(newTop, oldTop - newTop);
    }
    this.brk = requested;
    return this.brk;
  }

  /** The lowest of the stack's areas (mprotect may have split it), if there is a stack. */
  private lowestStackArea(): Area | undefined {
    let i = this.firstEndingAbove(this.stackTop - 1);
    if (this.areas[i]?.kind !== 'stack') return undefined;
    while (i > 0 && this.areas[i - 1]!.kind === 'stack' && this.areas[i - 1]!.end === this.areas[i]!.start) i--;
    return this.areas[i];
  }

  /**
   * A fault at `address`: when it lies in the stack's growth range (above the guard gap,
   * below the current stack area), maps the pages down to it and returns true (the
   * instruction is run again), as the kernel's expand_stack does.
   */
  growStack(address: number): boolean {
    const stack = this.lowestStackArea();
    if (!stack || address >= stack.start || address < this.stackLimit) return false;
    const start = pageDown(address);
    const below = this.areas[this.firstEndingAbove(start)];
    if (below !== undefined && below !== stack && below.start < stack.start) return false;
    if (this.mappedBytes + (stack.start - start) > this.memoryLimit) return false;
    this.memory.map(start, stack.start - start, stack.prot);
    this.mappedBytes += stack.start - start;
    stack.start = start;
    return true;
  }

  /**
   * True when the page at `at` in area `a` is resident as mincore reports it: the vDSO's and
   * vvar's pages always (special mappings: can_do_mincore), a page past the end of a mapped
   * file never, any other once accessed (a file's page is: its bytes are fetched at mmap).
   */
  resident(a: Area, at: number): boolean {
    return a.kind === 'vdso' || a.kind === 'vvar' || this.memory.resident(at);
  }

  /** /proc/self/maps-like lines, for display. */
  describe(): string[] {
    return this.areas.map((a) => {
      const p = `${a.prot & PROT_READ ? 'r' : '-'}${a.prot & PROT_WRITE ? 'w' : '-'}${a.prot & PROT_EXEC ? 'x' : '-'}p`;
      return `${a.start.toString(16).padStart(8, '0')}-${a.end.toString(16).padStart(8, '0')} ${p} ${a.name}`;
    });
  }
}
