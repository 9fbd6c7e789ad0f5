// Owns the process's memory map: named areas (program segments, heap, mmap areas, stack,
// vdso, vvar) over the CPU's Memory pages; brk; mmap2 placement top-down below mmap_base;
// munmap, mprotect and mremap with area splitting; the stack that grows down on faults
// within its rlimit with a guard gap below it that nothing else may use; and a cap on the
// guest's total mapped memory so that a hostile guest cannot exhaust the host.
import { Memory, PAGE_SIZE, PROT_EXEC, PROT_READ, PROT_WRITE } from '../memory/memory';
import { E } from './linux-abi';

export type AreaKind = 'program' | 'heap' | 'mmap' | 'stack' | 'vdso' | 'vvar';

export interface Area {
  start: number;
  end: number;
  prot: number;
  readonly kind: AreaKind;
  readonly name: string;
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

export class MemoryMap {
  readonly areas: Area[] = [];
  brkStart = 0;
  brk = 0;
  /** Highest address (exclusive) mmap places areas below. */
  readonly mmapBase: number;
  /** Lowest address the stack may grow down to; the guard gap lies below it. */
  readonly stackLimit: number;
  private mappedBytes = 0;

  constructor(
    readonly memory: Memory,
    /** One past the stack's highest byte (TASK_SIZE-like). */
    readonly stackTop: number,
    readonly memoryLimit = DEFAULT_MEMORY_LIMIT,
  ) {
    this.stackLimit = stackTop - STACK_RLIMIT;
    this.mmapBase = pageDown(stackTop - Math.max(MIN_MMAP_GAP, STACK_RLIMIT + STACK_GUARD_GAP));
  }

  get mapped(): number {
    return this.mappedBytes;
  }

  /** Maps a new area (page-rounded) after checking the limit; returns -ENOMEM when over it. */
  add(start: number, length: number, prot: number, kind: AreaKind, name: string): number {
    const s = pageDown(start);
    const e = pageUp(start + length);
    if (e <= s || e > 2 ** 32) return -E.ENOMEM;
    this.remove(s, e - s);
    if (this.mappedBytes + (e - s) > this.memoryLimit) return -E.ENOMEM;
    this.memory.map(s, e - s, prot);
    this.mappedBytes += e - s;
    this.areas.push({ start: s, end: e, prot, kind, name });
    this.areas.sort((a, b) => a.start - b.start);
    return s;
  }

  /** Records an area whose pages another part already mapped (the vDSO loader's image and vvar). */
  adopt(start: number, length: number, prot: number, kind: AreaKind, name: string): void {
    const s = pageDown(start);
    const e = pageUp(start + length);
    this.mappedBytes += e - s;
    this.areas.push({ start: s, end: e, prot, kind, name });
    this.areas.sort((a, b) => a.start - b.start);
  }

  /** Unmaps [start, start+length), splitting areas. */
  remove(start: number, length: number): void {
    const s = pageDown(start);
    const e = pageUp(start + length);
    const kept: Area[] = [];
    for (const a of this.areas) {
      if (a.end <= s || a.start >= e) {
        kept.push(a);
        continue;
      }
      const cutStart = Math.max(a.start, s);
      const cutEnd = Math.min(a.end, e);
      this.memory.unmap(cutStart, cutEnd - cutStart);
      this.mappedBytes -= cutEnd - cutStart;
      if (a.start < cutStart) kept.push({ ...a, end: cutStart });
      if (cutEnd < a.end) kept.push({ ...a, start: cutEnd });
    }
    this.areas.length = 0;
    this.areas.push(...kept.sort((a, b) => a.start - b.start));
  }

  /** True when every page of the range is in some area. */
  covered(start: number, length: number): boolean {
    let at = pageDown(start);
    const e = pageUp(start + length);
    for (const a of this.areas) {
      if (a.end <= at) continue;
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
    return !this.areas.some((a) => a.start < e && start < a.end);
  }

  /** The highest free range of `length` bytes below mmap_base (top-down), or -ENOMEM. */
  findFree(length: number, below = this.mmapBase): number {
    let top = below;
    const sorted = [...this.areas].sort((a, b) => b.start - a.start);
    for (const a of sorted) {
      if (a.start >= top) continue;
      if (a.end <= top - length && this.free(top - length, length)) return top - length;
      top = Math.min(top, a.start);
    }
    const candidate = top - length;
    return candidate >= PAGE_SIZE * 16 && this.free(candidate, length) ? candidate : -E.ENOMEM;
  }

  /** mprotect: every page must be mapped (else -ENOMEM). */
  protect(start: number, length: number, prot: number): number {
    if (!this.covered(start, length)) return -E.ENOMEM;
    const s = pageDown(start);
    const e = pageUp(start + length);
    const next: Area[] = [];
    for (const a of this.areas) {
      if (a.end <= s || a.start >= e) {
        next.push(a);
        continue;
      }
      const cs = Math.max(a.start, s);
      const ce = Math.min(a.end, e);
      if (a.start < cs) next.push({ ...a, end: cs });
      next.push({ ...a, start: cs, end: ce, prot });
      if (ce < a.end) next.push({ ...a, start: ce });
    }
    this.areas.length = 0;
    this.areas.push(...next.sort((a, b) => a.start - b.start));
    this.merge();
    this.memory.protect(s, e - s, prot);
    return 0;
  }

  /** Joins neighbouring areas that are alike (as Linux merges compatible VMAs). */
  private merge(): void {
    for (let i = this.areas.length - 1; i > 0; i--) {
      const a = this.areas[i - 1]!;
      const b = this.areas[i]!;
      if (a.end === b.start && a.prot === b.prot && a.kind === b.kind && a.name === b.name) {
        a.end = b.end;
        this.areas.splice(i, 1);
      }
    }
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

  /**
   * A fault at `address`: when it lies in the stack's growth range (above the guard gap,
   * below the current stack area), maps the pages down to it and returns true (the
   * instruction is run again), as the kernel's expand_stack does.
   */
  growStack(address: number): boolean {
    const stack = this.areas.find((a) => a.kind === 'stack');
    if (!stack || address >= stack.start || address < this.stackLimit) return false;
    const start = pageDown(address);
    if (this.areas.some((a) => a !== stack && a.start < stack.start && a.end > start)) return false;
    if (this.mappedBytes + (stack.start - start) > this.memoryLimit) return false;
    this.memory.map(start, stack.start - start, stack.prot);
    this.mappedBytes += stack.start - start;
    stack.start = start;
    return true;
  }

  /** /proc/self/maps-like lines, for display. */
  describe(): string[] {
    return this.areas.map((a) => {
      const p = `${a.prot & PROT_READ ? 'r' : '-'}${a.prot & PROT_WRITE ? 'w' : '-'}${a.prot & PROT_EXEC ? 'x' : '-'}p`;
      return `${a.start.toString(16).padStart(8, '0')}-${a.end.toString(16).padStart(8, '0')} ${p} ${a.name}`;
    });
  }
}
