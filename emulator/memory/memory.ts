// Owns the guest's address space: sparse 4 KiB pages with read/write/execute permissions,
// little-endian 8/16/32/64-bit access with a direct-mapped TLB per access kind, page faults
// returned as values (`fault` + `ev`, never thrown), the per-byte "holds decoded code" counts
// that tell the CPU which stores invalidate decoded blocks (and which bytes), the page-level
// filter in front of the data breakpoints (the debugger's watchpoint, a task's debug
// registers), and fork's copy-on-write copy: both address spaces hold the same pages until
// one of them writes (or changes permissions on) a page, except the pages of shared mappings
// (MAP_SHARED), which stay one object written in place by every address space holding them;
// the debugger's checkpoints share private pages the same way and copy the bytes of shared ones.
// An anonymous private page starts without bytes of its own: it reads as the shared zero page
// until something needs private bytes (a store, a poke, a guest load that enters it in the
// load TLB), as Linux maps anonymous memory to the zero page and allocates on the first write;
// pageCount and pageReferences count such a page like any other mapped page, and `present`
// (mincore's residency) says whether it was ever accessed. docs/kernel-facts.md section 14.

export const PAGE_SHIFT = 12;
export const PAGE_SIZE = 1 << PAGE_SHIFT;
const PAGE_MASK = PAGE_SIZE - 1;

export const PROT_READ = 1;
export const PROT_WRITE = 2;
export const PROT_EXEC = 4;

export type Access = 'read' | 'write' | 'execute';

/** A #PF: the first byte that could not be accessed and the kind of access. */
export interface PageFault {
  readonly kind: 'page-fault';
  readonly address: number;
  readonly access: Access;
  /** True when the page is mapped but its permissions forbid the access. */
  readonly protection: boolean;
}

/** Events a memory access raises; the CPU checks `ev !== 0` after accesses. */
export const EV_FAULT = 1;
/** A store hit bytes of decoded code: the running block must end after this instruction. */
export const EV_CODE_WRITE = 2;
/** The data breakpoint matched: report it after this instruction. */
export const EV_WATCH = 4;

export interface Page {
  /** The page's bytes: ZERO's views until it has bytes of its own (never in a TLB then). */
  u8: Uint8Array;
  i32: Int32Array;
  u16: Uint16Array;
  prot: number;
  /** Number of code marks (ranges of live decoded blocks) on this page: nonzero keeps it out of the store TLB. */
  code: number;
  /** Per byte, how many marks cover it (allocated with the first mark); stores to a zero byte invalidate nothing. */
  codeBytes: Uint16Array | null;
  /** Address spaces holding this page (more than one after fork: copied before a write unless shared). */
  refs: number;
  /**
   * A page of a shared mapping (MAP_SHARED): fork keeps it shared and writes never copy it.
   * Address spaces that changed its permissions hold views: other Page objects over the same bytes.
   */
  readonly shared: boolean;
  /**
   * Accessed since it was mapped (or discarded): by the guest, or by the kernel copying to or
   * from it on the guest's behalf. A page that was not is not resident (mincore says 0).
   */
  present: boolean;
}

/** The shared zero page's bytes: every page without bytes of its own reads them, nothing writes them. */
const ZERO = new Uint8Array(PAGE_SIZE);
const ZERO_I32 = new Int32Array(ZERO.buffer);
const ZERO_U16 = new Uint16Array(ZERO.buffer);

/**
 * Per-byte code mark arrays an exited address space gave back (forgetCodeMarks), zeroed, for
 * the next one's code pages: a fresh 8 KiB array is fresh host memory, whose first writes fault
 * (~55 code pages a call-heavy run: docs/speed-and-exactness.md). Bounded.
 */
const spareMarks: Uint16Array[] = [];
const MAX_SPARE_MARKS = 256;

export interface Watchpoint {
  readonly address: number;
  readonly length: number;
  readonly access: 'write' | 'readWrite';
}

/**
 * 1,024 entries (4 MiB of pages in distinct slots): with 256, a static program's data near
 * 0x080fd000 and its stack's top page 0xffffd000 took one slot, and each store to one evicted
 * the other (docs/speed-and-exactness.md).
 */
const TLB_BITS = 10;
const TLB_SIZE = 1 << TLB_BITS;
/** A TLB entry's index is its page number masked with this (compiled code computes it too). */
export const TLB_MASK = TLB_SIZE - 1;

/** The last epoch any address space took (Memory.tlbEpoch). */
let epochs = 0;

/** The page of every empty TLB entry (no tag names it, so nothing reads or writes it through a TLB). */
const BLANK = newPage(0, false);

/**
 * A row of TLB_SIZE copies of `x` (a packed array, which compiled code indexes: spreading a new
 * array gives one of undefined, filling keeps it packed); each Memory takes a copy. No loop:
 * one that pushed 4,096 entries at every start was compiled by TurboFan, twice, on the way.
 */
function blankRow<T>(x: T): T[] {
  return [...new Array<T>(TLB_SIZE)].fill(x);
}
const BLANK_PAGES = blankRow(BLANK);
const BLANK_I32 = blankRow(BLANK.i32);
const BLANK_U16 = blankRow(BLANK.u16);
const BLANK_U8 = blankRow(BLANK.u8);

/** Memory.checkpointPages: the pages (shared copy-on-write) and the access state. */
export interface PageCheckpoint {
  readonly pages: ReadonlyMap<number, Page>;
  /** The bytes of the shared pages at checkpoint time (those pages are written in place, so the reference alone keeps nothing). */
  readonly sharedBytes: ReadonlyMap<number, Uint8Array>;
  readonly ev: number;
  readonly fault: PageFault | null;
  readonly watchHit: number;
  readonly listeners: readonly CodeWriteListener[];
}

/** Called with the written range [address, address + length) when a store lands on bytes marked as code. */
export type CodeWriteListener = (address: number, length: number) => void;

export class Memory {
  private readonly pages = new Map<number, Page>();
  /**
   * TLB for loads: tag = page number (or -1) at entry `page & TLB_MASK`, entries are pages
   * readable without a watch. Compiled code reads it in place (emulator/x86/emit.ts): the tags
   * and each entry's page as 32-, 16- and 8-bit arrays (`rI32`, `rU16`, `rU8`).
   */
  readonly rTag = new Int32Array(TLB_SIZE).fill(-1);
  private readonly rPage: Page[] = BLANK_PAGES.slice();
  readonly rI32: Int32Array[] = BLANK_I32.slice();
  readonly rU16: Uint16Array[] = BLANK_U16.slice();
  readonly rU8: Uint8Array[] = BLANK_U8.slice();
  /** TLB for stores: only writable pages with no code and no watch are entered (read in place as the load TLB is). */
  readonly wTag = new Int32Array(TLB_SIZE).fill(-1);
  private readonly wPage: Page[] = BLANK_PAGES.slice();
  readonly wI32: Int32Array[] = BLANK_I32.slice();
  readonly wU16: Uint16Array[] = BLANK_U16.slice();
  readonly wU8: Uint8Array[] = BLANK_U8.slice();
  /** Nonzero after an access that faulted or needs attention (EV_* bits); the CPU clears it. */
  ev = 0;
  /** The last fault; meaningful while `ev & EV_FAULT`. */
  fault: PageFault | null = null;
  /** The data breakpoint's hit address, meaningful while `ev & EV_WATCH`. */
  watchHit = 0;
  /** Every watchpoint an access matched since the reader last cleared it (the kernel model's debug registers read it). */
  readonly watchHits = new Set<Watchpoint>();
  /** The debugger's data breakpoint. */
  private watch: Watchpoint | null = null;
  /** Hardware watchpoints the kernel model installs for a task's DR0-DR3 (ptrace). */
  private readonly extraWatches: Watchpoint[] = [];
  /** All of them, for the access checks; empty when none. */
  private watches: Watchpoint[] = [];
  private readonly codeWriteListeners: CodeWriteListener[] = [];
  /**
   * A new value at each change after which a page may need checks it did not (flushes, a page
   * coming to hold code): compiled code's memory sites follow it. Taken from one count for all
   * address spaces (`epochs`), so that no two hold the same value: a self-loop's function, shared
   * between processes (compile.ts loopSource), then tells another address space by the epoch
   * alone and keeps no reference to one that exited (which held its pages until a later process
   * ran the loop: docs/speed-and-exactness.md).
   */
  tlbEpoch = ++epochs;
  /**
   * The stack's block sites (emulator/x86/emit.ts KEPT_SITES: 4-byte loads and stores based on
   * esp), kept between block functions: the page base a TLB hit last gave them, or 4 (which no
   * masked address equals), and that page's array. Forgotten with every change of `tlbEpoch`.
   */
  stackLoadBase = 4;
  stackLoadPage: Int32Array = BLANK.i32;
  stackStoreBase = 4;
  stackStorePage: Int32Array = BLANK.i32;
  /** The page loadTag or storeTag found (the blank page when none). */
  tagged: Page = BLANK;

  /** Adds a listener (one per CPU running in this address space: a thread); returns its removal. */
  onCodeWrite(listener: CodeWriteListener): () => void {
    this.codeWriteListeners.push(listener);
    return () => {
      const at = this.codeWriteListeners.indexOf(listener);
      if (at >= 0) this.codeWriteListeners.splice(at, 1);
    };
  }

  private notifyCodeWrite(address: number, length: number): void {
    for (const l of this.codeWriteListeners) l(address >>> 0, length);
  }

  /**
   * fork's copy of the address space: every private page shared copy-on-write (the first
   * write or permission change by either side copies it), a shared mapping's page shared for
   * good (a permission change gives that side its own view of the same bytes). Decoded code, listeners and the watchpoint
   * are not copied.
   */
  fork(): Memory {
    const child = new Memory();
    for (const [p, page] of this.pages) {
      page.refs++;
      child.pages.set(p, page);
    }
    this.flushTlb();
    return child;
  }

  /**
   * A checkpoint of every page (the debugger's reverse execution): the pages are shared
   * copy-on-write as fork shares them, so it costs a reference per mapped page. Give it
   * back with releasePages when it is dropped.
   */
  checkpointPages(): PageCheckpoint {
    const pages = new Map<number, Page>();
    const sharedBytes = new Map<number, Uint8Array>();
    for (const [p, page] of this.pages) {
      page.refs++;
      pages.set(p, page);
      if (page.shared) sharedBytes.set(p, page.u8.slice());
    }
    this.flushTlb();
    return { pages, sharedBytes, ev: this.ev, fault: this.fault, watchHit: this.watchHit, listeners: [...this.codeWriteListeners] };
  }

  /**
   * The address space becomes the checkpoint's again (it stays usable for later restores).
   * Returns the page numbers whose contents or permissions may differ from before: only a
   * page that is not the same object, or a shared mapping's page, can, so decoded code
   * elsewhere stays valid.
   * The listeners (the CPUs of the threads at checkpoint time) are the checkpoint's too;
   * the watchpoint is the debugger's and stays.
   */
  restorePages(c: PageCheckpoint): number[] {
    const changed: number[] = [];
    for (const [p, page] of this.pages) {
      // A shared page counts as changed: another address space may have written it (or restored it first).
      if (c.pages.get(p) !== page || c.sharedBytes.has(p)) changed.push(p);
      page.refs--;
    }
    for (const p of c.pages.keys()) if (!this.pages.has(p)) changed.push(p);
    for (const p of changed) this.notifyCodeWrite(p << PAGE_SHIFT, PAGE_SIZE);
    this.pages.clear();
    for (const [p, page] of c.pages) {
      page.refs++;
      this.pages.set(p, page);
    }
    // A shared page goes back to its bytes (every address space holding it sees them again).
    for (const [p, bytes] of c.sharedBytes) c.pages.get(p)!.u8.set(bytes);
    this.codeWriteListeners.splice(0, this.codeWriteListeners.length, ...c.listeners);
    for (const p of changed) this.notifyCodeWrite(p << PAGE_SHIFT, PAGE_SIZE);
    this.ev = c.ev;
    this.fault = c.fault;
    this.watchHit = c.watchHit;
    this.flushTlb();
    return changed;
  }

  /** Drops a checkpoint's references (its pages are no longer shared with it). */
  static releasePages(c: PageCheckpoint): void {
    for (const page of c.pages.values()) page.refs--;
  }

  /**
   * The page `p` for a change of its permissions or presence: a private copy first when
   * another address space shares it (a page without bytes of its own stays without: nothing
   * to copy, and no TLB holds it).
   */
  private own(p: number): Page | undefined {
    const page = this.pages.get(p);
    if (!page || page.refs === 1 || page.shared) return page;
    page.refs--;
    const zero = page.u8 === ZERO;
    const copy = zero ? zeroPage(page.prot) : newPage(page.prot, false);
    if (!zero) copy.u8.set(page.u8);
    copy.code = page.code;
    copy.codeBytes = page.codeBytes && page.codeBytes.slice();
    copy.present = page.present;
    this.pages.set(p, copy);
    if (!zero) this.flushTlb();
    return copy;
  }

  /** The page `p` for a change of its bytes: its own (as `own`), with bytes of its own (the zero page's copy made now). */
  private writable(p: number): Page | undefined {
    const page = this.own(p);
    if (page && page.u8 === ZERO) {
      // No TLB entry and no compiled memory site holds a page without bytes, so its arrays may change in place.
      const u8 = new Uint8Array(PAGE_SIZE);
      page.u8 = u8;
      page.i32 = new Int32Array(u8.buffer);
      page.u16 = new Uint16Array(u8.buffer);
    }
    if (page) page.present = true;
    return page;
  }

  /** Marks the pages of [address, address + length) accessed (the kernel copied from them: copy_from_user faults them in). */
  touch(address: number, length: number): void {
    if (length <= 0) return;
    const first = address >>> PAGE_SHIFT;
    const last = ((address + length - 1) >>> 0) >>> PAGE_SHIFT;
    for (let p = first; p <= last; p++) {
      const page = this.pages.get(p);
      if (page && !page.present) this.own(p)!.present = true;
    }
  }

  /** True when the page at `address` is mapped and was accessed (mincore: resident). */
  resident(address: number): boolean {
    return this.pages.get(address >>> PAGE_SHIFT)?.present === true;
  }

  /** Pages this address space maps that were accessed (the others are the zero page's, or not yet fetched). */
  residentCount(): number {
    let n = 0;
    for (const page of this.pages.values()) if (page.present) n++;
    return n;
  }

  /**
   * Maps [address, address+length) (page-rounded) with `prot`, zero-filled; existing pages keep
   * their bytes. `shared`: the new pages are a shared mapping's (kept shared across fork, with
   * bytes of their own from the start); private new pages are the zero page's until written.
   */
  map(address: number, length: number, prot: number, shared = false): void {
    const first = address >>> PAGE_SHIFT;
    const last = (address + Math.max(length, 1) - 1) >>> PAGE_SHIFT;
    let changed = false;
    for (let p = first; p <= last; p++) {
      const page = this.own(p);
      if (page) {
        page.prot = prot;
        changed = true;
      } else this.pages.set(p, shared ? newPage(prot, true) : zeroPage(prot));
    }
    // No TLB entry holds a page that was not mapped: new pages alone leave the TLBs as they are (brk, malloc's mmap).
    if (changed) this.dropEntries(first, last);
  }

  /**
   * mremap's move of a private mapping's pages: each page of [from, from + length) whose place
   * at `to` is mapped takes that place with its bytes, presence and sharing (as Linux moves
   * the page table entries), keeping the permissions found there. A page with code marks
   * (they name blocks at its old address) or a shared mapping's gives a copy of its bytes and
   * stays, for the caller to unmap.
   */
  move(from: number, to: number, length: number): void {
    for (let k = 0; k < length; k += PAGE_SIZE) {
      const src = ((from + k) >>> 0) >>> PAGE_SHIFT;
      const dst = ((to + k) >>> 0) >>> PAGE_SHIFT;
      const page = this.pages.get(src);
      const place = this.pages.get(dst);
      if (!page || !place) continue;
      if (place.code) this.notifyCodeWrite(dst << PAGE_SHIFT, PAGE_SIZE);
      if (page.code || page.shared) {
        this.writable(dst)!.u8.set(page.u8);
        continue;
      }
      place.refs--;
      this.pages.delete(src);
      this.pages.set(dst, page);
      if (page.prot !== place.prot) this.own(dst)!.prot = place.prot;
    }
    this.flushTlb();
  }

  /** Maps the page at `address` as a shared mapping's page over `bytes` (PAGE_SIZE of them, the page cache's): every address space mapping the same bytes shares them. */
  mapShared(address: number, prot: number, bytes: Uint8Array<ArrayBuffer>): void {
    const p = address >>> PAGE_SHIFT;
    const old = this.pages.get(p);
    if (old && old.code) this.notifyCodeWrite(p << PAGE_SHIFT, PAGE_SIZE);
    if (old) old.refs--;
    this.pages.set(p, newPage(prot, true, bytes));
    this.flushTlb();
  }

  /** Pages this address space maps (accessed or not: a page is counted from mmap on, as VmSize counts it). */
  pageCount(): number {
    return this.pages.size;
  }

  /** The sum of the references of the pages mapped here: equal to pageCount() when no other address space or checkpoint shares them. */
  pageReferences(): number {
    let n = 0;
    for (const page of this.pages.values()) n += page.refs;
    return n;
  }

  unmap(address: number, length: number): void {
    const first = address >>> PAGE_SHIFT;
    const last = (address + Math.max(length, 1) - 1) >>> PAGE_SHIFT;
    for (let p = first; p <= last; p++) {
      const page = this.pages.get(p);
      if (page && page.code) this.notifyCodeWrite(p << PAGE_SHIFT, PAGE_SIZE);
      if (page) page.refs--;
      this.pages.delete(p);
    }
    this.dropEntries(first, last);
  }

  /** Unmaps every page (the address space's last user ended). */
  unmapAll(): void {
    for (const [p, page] of this.pages) {
      if (page.code) this.notifyCodeWrite(p << PAGE_SHIFT, PAGE_SIZE);
      page.refs--;
    }
    this.pages.clear();
    this.flushTlb();
  }

  protect(address: number, length: number, prot: number): void {
    const first = address >>> PAGE_SHIFT;
    const last = (address + Math.max(length, 1) - 1) >>> PAGE_SHIFT;
    for (let p = first; p <= last; p++) {
      const held = this.pages.get(p);
      if (held?.shared && held.refs > 1) {
        // A shared page's permissions are this address space's own: a view of the same bytes.
        held.refs--;
        this.pages.set(p, { ...held, prot, refs: 1, codeBytes: held.codeBytes && held.codeBytes.slice() });
        continue;
      }
      const page = this.own(p);
      if (page) page.prot = prot;
    }
    this.dropEntries(first, last);
  }

  /** The bytes of a shared mapping's page at `address` (a futex's shared key: the same for every view), or undefined for a private or unmapped one. */
  sharedPage(address: number): object | undefined {
    const page = this.pages.get(address >>> PAGE_SHIFT);
    return page?.shared ? page.u8.buffer : undefined;
  }

  /** The page's permissions, or -1 when it is not mapped. */
  protection(address: number): number {
    const page = this.pages.get(address >>> PAGE_SHIFT);
    return page ? page.prot : -1;
  }

  /** Marks (delta +1) or unmarks (-1) [start, end) as bytes of one decoded block: stores there are reported. */
  markCode(start: number, end: number, delta: 1 | -1): void {
    for (let a = start >>> 0; a !== (end >>> 0); ) {
      const pageEnd = ((a | PAGE_MASK) + 1) >>> 0;
      const stop = (end >>> 0) - a <= pageEnd - a ? end >>> 0 : pageEnd;
      const p = this.pages.get(a >>> PAGE_SHIFT);
      if (p) {
        if (!p.codeBytes) p.codeBytes = spareMarks.pop() ?? new Uint16Array(PAGE_SIZE);
        const bytes = p.codeBytes;
        const last = ((stop - 1) & PAGE_MASK) + 1;
        for (let o = a & PAGE_MASK; o < last; o++) bytes[o] = Math.max(0, bytes[o]! + delta);
        const before = p.code;
        p.code = Math.max(0, p.code + delta);
        if (before === 0 && p.code > 0) this.dropWriteEntry(a >>> PAGE_SHIFT);
      }
      a = stop;
    }
  }

  /**
   * The CPU listening with `listener` goes and drops all its blocks: when it is the only one
   * listening and no page holding code marks is shared with another address space or a
   * checkpoint, every mark here is that CPU's (a CPU marks only pages of its own memory; the
   * others unmarked theirs when they went), and all of them go at once instead of block by
   * block, their arrays zeroed and kept for later address spaces (spareMarks). True when they
   * went; false: the caller unmarks its blocks one by one.
   */
  forgetCodeMarks(listener: CodeWriteListener): boolean {
    if (this.codeWriteListeners.length !== 1 || this.codeWriteListeners[0] !== listener) return false;
    // forEach, not for-of: this runs once a process, unoptimised, where each step of an iterator is an object.
    let own = true;
    this.pages.forEach((page) => {
      if (page.code !== 0 && (page.refs !== 1 || page.shared)) own = false;
    });
    if (!own) return false;
    this.pages.forEach((page) => {
      if (page.code === 0) return;
      page.code = 0;
      if (spareMarks.length < MAX_SPARE_MARKS) spareMarks.push(page.codeBytes!.fill(0));
      page.codeBytes = null;
    });
    return true;
  }

  /** True when one of [a, a + size) on `page` is marked as code. */
  private hitsCode(page: Page, a: number, size: number): boolean {
    const bytes = page.codeBytes;
    if (!bytes) return false;
    const off = a & PAGE_MASK;
    const end = Math.min(PAGE_SIZE, off + size);
    for (let o = off; o < end; o++) if (bytes[o] !== 0) return true;
    return false;
  }

  /** Page `p` came to hold code: stores there are checked from now on, also by compiled code's memory sites holding it from before, which the TLB may no longer show. */
  private dropWriteEntry(p: number): void {
    const i = p & TLB_MASK;
    if (this.wTag[i] === p) this.wTag[i] = -1;
    this.tlbChanged();
  }

  setWatchpoint(w: Watchpoint | null): void {
    this.watch = w;
    this.watchesChanged();
  }

  /** Adds a watchpoint beside the debugger's (a task's debug register); hits are reported the same way. */
  addWatchpoint(w: Watchpoint): void {
    this.extraWatches.push(w);
    this.watchesChanged();
  }

  removeWatchpoint(w: Watchpoint): void {
    const at = this.extraWatches.indexOf(w);
    if (at < 0) return;
    this.extraWatches.splice(at, 1);
    this.watchHits.delete(w);
    this.watchesChanged();
  }

  private watchesChanged(): void {
    this.watches = this.watch ? [this.watch, ...this.extraWatches] : [...this.extraWatches];
    this.flushTlb();
  }

  getWatchpoint(): Watchpoint | null {
    return this.watch;
  }

  /** A page may need checks it did not: compiled code's memory sites forget what they hold. */
  private tlbChanged(): void {
    this.tlbEpoch = ++epochs;
    this.stackLoadBase = 4;
    this.stackStoreBase = 4;
  }

  private flushTlb(): void {
    this.rTag.fill(-1);
    this.wTag.fill(-1);
    this.tlbChanged();
  }

  /** Pages first..last changed how they are mapped: the TLBs' entries for them go (the rest stay: each entry is one page's). */
  private dropEntries(first: number, last: number): void {
    if (last - first >= TLB_SIZE || last < first) {
      this.flushTlb();
      return;
    }
    for (let p = first; p <= last; p++) {
      const i = p & TLB_MASK;
      if (this.rTag[i] === p) this.rTag[i] = -1;
      if (this.wTag[i] === p) this.wTag[i] = -1;
    }
    this.tlbChanged();
  }

  /**
   * For a memory site of compiled code (emulator/x86/emit.ts): when the page of `a` is in the
   * load TLB (readable, no watchpoint), its base, with the page in `tagged`; else 4 (no page
   * base) and the blank page. Valid until `tlbEpoch` changes.
   */
  loadTag(a: number): number {
    const p = a >>> PAGE_SHIFT;
    const i = p & TLB_MASK;
    if (this.rTag[i] === p) {
      this.tagged = this.rPage[i]!;
      return a & ~PAGE_MASK;
    }
    this.tagged = BLANK;
    return 4;
  }

  /** As loadTag, for stores: the page must be in the store TLB (writable, private or shared, no code, no watchpoint). */
  storeTag(a: number): number {
    const p = a >>> PAGE_SHIFT;
    const i = p & TLB_MASK;
    if (this.wTag[i] === p) {
      this.tagged = this.wPage[i]!;
      return a & ~PAGE_MASK;
    }
    this.tagged = BLANK;
    return 4;
  }

  /** The page of `a` when the load TLB holds it (readable with no check: no watchpoint on it), else null. */
  loadPage(a: number): Page | null {
    const p = a >>> PAGE_SHIFT;
    const i = p & TLB_MASK;
    return this.rTag[i] === p ? this.rPage[i]! : null;
  }

  /** The page of `a` when the store TLB holds it (writable with no check: no code, copy or watchpoint), else null. */
  storePage(a: number): Page | null {
    const p = a >>> PAGE_SHIFT;
    const i = p & TLB_MASK;
    return this.wTag[i] === p ? this.wPage[i]! : null;
  }

  // ---- fast paths (the compiled code calls these) ----

  rd8(a: number): number {
    const p = a >>> PAGE_SHIFT;
    const i = p & TLB_MASK;
    if (this.rTag[i] === p) return this.rPage[i]!.u8[a & PAGE_MASK]!;
    return this.readSlow(a, 1);
  }

  rd16(a: number): number {
    const p = a >>> PAGE_SHIFT;
    const i = p & TLB_MASK;
    if (this.rTag[i] === p) {
      const o = a & PAGE_MASK;
      if ((o & 1) === 0) return this.rPage[i]!.u16[o >> 1]!;
      if (o < PAGE_MASK) {
        const u8 = this.rPage[i]!.u8;
        return u8[o]! | (u8[o + 1]! << 8);
      }
    }
    return this.readSlow(a, 2);
  }

  /** A 32-bit load as a signed int32. */
  rd32(a: number): number {
    const p = a >>> PAGE_SHIFT;
    const i = p & TLB_MASK;
    if (this.rTag[i] === p) {
      const o = a & PAGE_MASK;
      if ((o & 3) === 0) return this.rPage[i]!.i32[o >> 2]!;
      // Unaligned within the page (string and memory loops): bytes, not the slow path.
      if (o <= PAGE_SIZE - 4) {
        const u8 = this.rPage[i]!.u8;
        return u8[o]! | (u8[o + 1]! << 8) | (u8[o + 2]! << 16) | (u8[o + 3]! << 24);
      }
    }
    return this.readSlow(a, 4) | 0;
  }

  wr8(a: number, v: number): void {
    const p = a >>> PAGE_SHIFT;
    const i = p & TLB_MASK;
    if (this.wTag[i] === p) this.wPage[i]!.u8[a & PAGE_MASK] = v;
    else this.writeSlow(a, 1, v, 0);
  }

  wr16(a: number, v: number): void {
    const p = a >>> PAGE_SHIFT;
    const i = p & TLB_MASK;
    if (this.wTag[i] === p) {
      const o = a & PAGE_MASK;
      if ((o & 1) === 0) {
        this.wPage[i]!.u16[o >> 1] = v;
        return;
      }
      if (o < PAGE_MASK) {
        const u8 = this.wPage[i]!.u8;
        u8[o] = v;
        u8[o + 1] = v >>> 8;
        return;
      }
    }
    this.writeSlow(a, 2, v, 0);
  }

  wr32(a: number, v: number): void {
    const p = a >>> PAGE_SHIFT;
    const i = p & TLB_MASK;
    if (this.wTag[i] === p) {
      const o = a & PAGE_MASK;
      if ((o & 3) === 0) {
        this.wPage[i]!.i32[o >> 2] = v;
        return;
      }
      if (o <= PAGE_SIZE - 4) {
        const u8 = this.wPage[i]!.u8;
        u8[o] = v;
        u8[o + 1] = v >>> 8;
        u8[o + 2] = v >>> 16;
        u8[o + 3] = v >>> 24;
        return;
      }
    }
    this.writeSlow(a, 4, v, 0);
  }

  /** Low half of a 64-bit load; `rd64hi` gives the high half of the same access. */
  rd64(a: number): number {
    const lo = this.readSlow(a, 8);
    return lo | 0;
  }

  /** The high half of the last rd64 (valid only right after it). */
  hi64 = 0;

  wr64(a: number, lo: number, hi: number): void {
    this.writeSlow(a, 8, lo, hi);
  }

  /**
   * 32 bits at `a` as the kernel reads them (get_user: no watchpoint, no event, nothing
   * allocated): the unsigned value, or -1 when a byte of them cannot be read.
   */
  peekU32(a: number): number {
    a >>>= 0;
    const off = a & PAGE_MASK;
    const p = a >>> PAGE_SHIFT;
    const i = p & TLB_MASK;
    // A page in the read TLB is readable (the user just used it: the stack of a system call).
    if (this.rTag[i] === p && off <= PAGE_SIZE - 4) {
      const u = this.rPage[i]!.u8;
      return (u[off]! | (u[off + 1]! << 8) | (u[off + 2]! << 16) | (u[off + 3]! << 24)) >>> 0;
    }
    const page = this.pages.get(p);
    if (page !== undefined && (page.prot & PROT_READ) !== 0 && off <= PAGE_SIZE - 4) {
      if (!page.present) this.touch(a, 4);
      const u = page.u8;
      return (u[off]! | (u[off + 1]! << 8) | (u[off + 2]! << 16) | (u[off + 3]! << 24)) >>> 0;
    }
    const r = this.read(a, 4, PROT_READ);
    return r instanceof Uint8Array ? (r[0]! | (r[1]! << 8) | (r[2]! << 16) | (r[3]! << 24)) >>> 0 : -1;
  }

  /** True when `length` bytes at `a` could be written (no side effect, no fault recorded). */
  canWrite(a: number, length: number): boolean {
    for (let k = 0; k < length; k++) {
      const page = this.pages.get(((a + k) >>> 0) >>> PAGE_SHIFT);
      if (!page || !(page.prot & PROT_WRITE)) return false;
    }
    return true;
  }

  // ---- slow paths ----

  /** Reads `size` bytes (1, 2, 4 or 8) little-endian; on a fault returns 0 and records it. */
  private readSlow(a: number, size: number): number {
    a >>>= 0;
    const p0 = a >>> PAGE_SHIFT;
    const page0 = this.pages.get(p0);
    if (!page0 || !(page0.prot & PROT_READ)) return this.raise(a, 'read', !!page0);
    const off = a & PAGE_MASK;
    if (off + size > PAGE_SIZE) {
      const a1 = (a + (PAGE_SIZE - off)) >>> 0;
      const page1 = this.pages.get(a1 >>> PAGE_SHIFT);
      if (!page1 || !(page1.prot & PROT_READ)) return this.raise(a1, 'read', !!page1);
    }
    this.checkWatch(a, size, false);
    // A page enters the load TLB with bytes of its own: a compiled memory site that took the zero page's arrays would miss the first store's bytes.
    if (this.loadsNeedNoCheck(p0)) this.fillRead(p0, page0.u8 === ZERO ? this.writable(p0)! : page0);
    if (!page0.present || off + size > PAGE_SIZE) this.touch(a, size);
    let lo = 0;
    let hi = 0;
    for (let k = 0; k < size; k++) {
      const b = this.byteAt((a + k) >>> 0);
      if (k < 4) lo |= b << (8 * k);
      else hi |= b << (8 * (k - 4));
    }
    this.hi64 = hi;
    return size === 4 || size === 8 ? lo : lo >>> 0;
  }

  private writeSlow(a: number, size: number, lo: number, hi: number): void {
    a >>>= 0;
    const p0 = a >>> PAGE_SHIFT;
    let page0 = this.pages.get(p0);
    if (!page0 || !(page0.prot & PROT_WRITE)) {
      this.raise(a, 'write', !!page0);
      return;
    }
    const off = a & PAGE_MASK;
    let page1: Page | undefined;
    if (off + size > PAGE_SIZE) {
      const a1 = (a + (PAGE_SIZE - off)) >>> 0;
      page1 = this.pages.get(a1 >>> PAGE_SHIFT);
      if (!page1 || !(page1.prot & PROT_WRITE)) {
        this.raise(a1, 'write', !!page1);
        return;
      }
      if (page1.refs > 1 || page1.u8 === ZERO) page1 = this.writable(a1 >>> PAGE_SHIFT)!;
    }
    if (page0.refs > 1 || page0.u8 === ZERO) page0 = this.writable(p0)!;
    for (let k = 0; k < size; k++) {
      const b = k < 4 ? (lo >>> (8 * k)) & 0xff : (hi >>> (8 * (k - 4))) & 0xff;
      const x = (a + k) >>> 0;
      this.pages.get(x >>> PAGE_SHIFT)!.u8[x & PAGE_MASK] = b;
    }
    this.checkWatch(a, size, true);
    if ((page0.code && this.hitsCode(page0, a, size)) || (page1 && page1.code && this.hitsCode(page1, (a + size - 1) & ~PAGE_MASK, ((a + size - 1) & PAGE_MASK) + 1))) {
      this.ev |= EV_CODE_WRITE;
      this.notifyCodeWrite(a, size);
    }
    if (this.storesNeedNoCheck(p0, page0)) this.fillWrite(p0, page0);
  }

  /**
   * Reads `size` (1, 2 or 4) bytes of code at `a` as the instruction stream holds them now
   * (an immediate the compiled code reads live): no permission check, watchpoint or event;
   * an unmapped byte reads as 0 (the block was dropped when its page went).
   */
  code(a: number, size: number): number {
    const p = a >>> PAGE_SHIFT;
    const i = p & TLB_MASK;
    const off = a & PAGE_MASK;
    if (this.rTag[i] === p && off <= PAGE_SIZE - size) {
      const u8 = this.rPage[i]!.u8;
      if (size === 1) return u8[off]!;
      if (size === 2) return u8[off]! | (u8[off + 1]! << 8);
      return u8[off]! | (u8[off + 1]! << 8) | (u8[off + 2]! << 16) | (u8[off + 3]! << 24);
    }
    let v = 0;
    for (let k = 0; k < size; k++) {
      const x = (a + k) >>> 0;
      const page = this.pages.get(x >>> PAGE_SHIFT);
      v |= (page ? page.u8[x & PAGE_MASK]! : 0) << (8 * k);
    }
    return size === 4 ? v | 0 : v;
  }

  private raise(address: number, access: Access, protection: boolean): number {
    this.fault = { kind: 'page-fault', address: address >>> 0, access, protection };
    this.ev |= EV_FAULT;
    return 0;
  }

  private byteAt(x: number): number {
    return this.pages.get(x >>> PAGE_SHIFT)!.u8[x & PAGE_MASK]!;
  }

  /** True when loads from page `p` (mapped and readable) may skip every check: it goes into the load TLB. */
  private loadsNeedNoCheck(p: number): boolean {
    return this.watches.length === 0 || !this.watchTouchesPage(p);
  }

  /** True when stores to `page` (mapped and writable) may skip every check: no code, no copy to make first, no watchpoint. */
  private storesNeedNoCheck(p: number, page: Page): boolean {
    return !page.code && (page.refs === 1 || page.shared) && (this.watches.length === 0 || !this.watchTouchesPage(p));
  }

  private fillRead(p: number, page: Page): void {
    const i = p & TLB_MASK;
    this.rTag[i] = p;
    this.rPage[i] = page;
    this.rI32[i] = page.i32;
    this.rU16[i] = page.u16;
    this.rU8[i] = page.u8;
  }

  private fillWrite(p: number, page: Page): void {
    const i = p & TLB_MASK;
    this.wTag[i] = p;
    this.wPage[i] = page;
    this.wI32[i] = page.i32;
    this.wU16[i] = page.u16;
    this.wU8[i] = page.u8;
  }

  private watchTouchesPage(p: number): boolean {
    for (const w of this.watches) {
      const first = w.address >>> PAGE_SHIFT;
      const last = ((w.address + w.length - 1) >>> 0) >>> PAGE_SHIFT;
      if (p >= first && p <= last) return true;
    }
    return false;
  }

  private checkWatch(a: number, size: number, write: boolean): void {
    for (const w of this.watches) {
      if (!write && w.access === 'write') continue;
      if (a < w.address + w.length && w.address < a + size) {
        if ((this.ev & EV_WATCH) === 0) this.watchHit = w.address;
        this.ev |= EV_WATCH;
        this.watchHits.add(w);
      }
    }
  }

  // ---- whole-buffer access for loaders, debuggers and the decoder (no watch, no code events) ----

  /** Reads bytes with the given permission; returns a fault instead of partial data. An observer's read: pages stay as accessed as they were (copy_from_user adds `touch`). */
  read(address: number, length: number, need: number = PROT_READ): Uint8Array | PageFault {
    const out = new Uint8Array(length);
    for (let k = 0; k < length; ) {
      const x = (address + k) >>> 0;
      const page = this.pages.get(x >>> PAGE_SHIFT);
      if (!page || !(page.prot & need)) {
        return { kind: 'page-fault', address: x, access: need & PROT_EXEC ? 'execute' : 'read', protection: !!page };
      }
      const off = x & PAGE_MASK;
      const n = Math.min(length - k, PAGE_SIZE - off);
      out.set(page.u8.subarray(off, off + n), k);
      k += n;
    }
    return out;
  }

  /** True when the `length` bytes at `address` have permission `need` and equal `bytes` from `from` on (no copy made). */
  holds(address: number, bytes: Uint8Array, from: number, length: number, need: number): boolean {
    for (let k = 0; k < length; ) {
      const x = (address + k) >>> 0;
      const page = this.pages.get(x >>> PAGE_SHIFT);
      if (!page || !(page.prot & need)) return false;
      const off = x & PAGE_MASK;
      const n = Math.min(length - k, PAGE_SIZE - off);
      const u8 = page.u8;
      for (let j = 0; j < n; j++) if (u8[off + j] !== bytes[from + k + j]) return false;
      k += n;
    }
    return true;
  }

  /** Up to `max` executable bytes at `address` (fewer where execute permission ends; 0 bytes: fault). */
  fetch(address: number, max: number): Uint8Array | PageFault {
    const first = this.pages.get(address >>> PAGE_SHIFT);
    const off = address & PAGE_MASK;
    // Within one executable page (nearly every fetch): one copy.
    if (first !== undefined && (first.prot & PROT_EXEC) !== 0 && off + max <= PAGE_SIZE) {
      if (!first.present) this.touch(address, 1);
      return first.u8.slice(off, off + max);
    }
    const out: number[] = [];
    for (let k = 0; k < max; k++) {
      const x = (address + k) >>> 0;
      const page = this.pages.get(x >>> PAGE_SHIFT);
      if (!page || !(page.prot & PROT_EXEC)) {
        if (k === 0) return { kind: 'page-fault', address: x, access: 'execute', protection: !!page };
        break;
      }
      if (!page.present) this.touch(x, 1);
      out.push(page.u8[x & PAGE_MASK]!);
    }
    return Uint8Array.from(out);
  }

  /** Writes bytes ignoring permissions (loader, debugger); pages must be mapped. Invalidates code. */
  poke(address: number, bytes: Uint8Array): PageFault | null {
    const length = bytes.length;
    // Page by page: a program's segments are poked whole when it is loaded.
    for (let k = 0; k < length; ) {
      const x = (address + k) >>> 0;
      if (!this.pages.has(x >>> PAGE_SHIFT)) return { kind: 'page-fault', address: x, access: 'write', protection: false };
      k += PAGE_SIZE - (x & PAGE_MASK);
    }
    let code = false;
    for (let k = 0; k < length; ) {
      const x = (address + k) >>> 0;
      const off = x & PAGE_MASK;
      const n = Math.min(length - k, PAGE_SIZE - off);
      const p = x >>> PAGE_SHIFT;
      const page = this.writable(p)!;
      page.u8.set(n === length ? bytes : bytes.subarray(k, k + n), off);
      // The page has bytes of its own and was accessed now: into the load TLB, as a guest load would put it (a program's
      // segments are loaded so: a new process's first reads of its tables then hit, as they did in its earlier runs).
      if ((page.prot & PROT_READ) !== 0 && this.loadsNeedNoCheck(p)) this.fillRead(p, page);
      if (page.code && !code) {
        const marks = page.codeBytes!;
        for (let j = off; j < off + n; j++) if (marks[j] !== 0) { code = true; break; }
      }
      k += n;
    }
    if (code) this.notifyCodeWrite(address, length);
    return null;
  }

  /** Pages currently mapped, as [page number, prot], sorted. */
  mappedPages(): Array<[number, number]> {
    return [...this.pages.entries()].map(([p, page]): [number, number] => [p, page.prot]).sort((x, y) => x[0] - y[0]);
  }
}

/** A page with bytes of its own (`u8`: a shared mapping's, the page cache's): present from the start. */
function newPage(prot: number, shared: boolean, u8 = new Uint8Array(PAGE_SIZE)): Page {
  return { u8, i32: new Int32Array(u8.buffer), u16: new Uint16Array(u8.buffer), prot, code: 0, codeBytes: null, refs: 1, shared, present: true };
}

/** A private page that is the zero page's until something needs bytes of its own; not accessed yet. */
function zeroPage(prot: number): Page {
  return { u8: ZERO, i32: ZERO_I32, u16: ZERO_U16, prot, code: 0, codeBytes: null, refs: 1, shared: false, present: false };
}
