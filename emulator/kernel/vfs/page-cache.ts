// Owns the machine's page cache of shared mappings (docs/kernel-facts.md section 14): one
// byte array per (backing object, page index) that every MAP_SHARED mapping of that page in
// every process holds, counted by the mappings that hold it. A host file's cached pages are
// written back to the file (only through a descriptor opened writable, so only inside the
// guest root) at msync, when a mapping of them ends (munmap, mremap, exit, execve), and
// before the file is read or written through any descriptor; a write or truncate through a
// descriptor then reloads the cached pages from the file, and tells every address space
// mapping the file (shared or private) that its size may have changed: pages wholly past the
// end are unmapped there (an access gives SIGBUS), pages the file grew into are mapped.
// Private mappings of the file fetch their pages through the same object (the cached bytes
// when a shared mapping holds the page). Anonymous shared memory is a backing object with no
// file.
import { PAGE_SIZE } from '../../memory/memory';
import { E } from '../linux-abi';
import type { HostFile } from './files';

interface CachedPage {
  readonly bytes: Uint8Array<ArrayBuffer>;
  /** Mappings (in any process) holding this page. */
  maps: number;
}

/** An address space mapping a backing object's pages (the process model's memory map). */
export interface ObjectMapper {
  /** The object's file changed size: pages wholly past its end go, pages it grew into come. */
  resized(object: SharedObject): void;
}

/** One backing object's pages: a host file's, or anonymous shared memory's (no file). */
export class SharedObject {
  readonly pages = new Map<number, CachedPage>();
  /** Pages of the mappings (shared or private, in any process) made of this object: they keep its file open. */
  private mappedPages = 0;
  /** The address spaces that have mapped the object (told when its file changes size). */
  private readonly mappers = new Set<ObjectMapper>();
  private settled = false;

  constructor(
    private readonly cache: PageCache | undefined,
    readonly key: string,
    /** The open file the pages are read from and written back through; undefined for anonymous memory. */
    private source: HostFile | undefined,
  ) {}

  /** A later mapping through a writable description lets the stores be written back. */
  offer(f: HostFile): void {
    if (!this.source || this.source.writable || !f.writable) return;
    f.pin();
    this.source.unpin();
    this.source = f;
  }

  /** An address space maps (or fork copies a mapping of) this object. */
  addMapper(m: ObjectMapper): void {
    this.mappers.add(m);
  }

  removeMapper(m: ObjectMapper): void {
    this.mappers.delete(m);
  }

  /**
   * The number of pages that lie at least partly inside the file now (Infinity for anonymous
   * memory): a page at or past it is wholly past the end of the file, and an access to it
   * gives SIGBUS (docs/kernel-facts.md section 14).
   */
  pagesInFile(): number {
    if (!this.source) return Infinity;
    const facts = this.source.stat();
    return typeof facts === 'number' ? 0 : Math.ceil(facts.size / PAGE_SIZE);
  }

  /** `count` more pages of mappings of the object (mapped, split off, or copied by fork). */
  attach(count: number): void {
    this.mappedPages += count;
  }

  /** `count` pages of mappings of the object end. */
  detach(count: number): void {
    this.mappedPages -= count;
    this.settle();
  }

  /**
   * A private mapping's copy of page `index`: the cached page's bytes when a shared mapping
   * holds it (the page cache is the file), else the file's (zeros past its end).
   */
  fetch(index: number): Uint8Array<ArrayBuffer> {
    const held = this.pages.get(index);
    if (held) return held.bytes.slice();
    const bytes = new Uint8Array(PAGE_SIZE);
    const data = this.source?.readHost(index * PAGE_SIZE, PAGE_SIZE);
    if (data instanceof Uint8Array) bytes.set(data);
    return bytes;
  }

  /** With no mapping of it left anywhere, the object leaves the cache and lets its file go. */
  settle(): void {
    if (this.pages.size > 0 || this.mappedPages > 0 || !this.source || this.settled) return;
    this.settled = true;
    this.cache?.forget(this);
    this.source.unpin();
  }

  /** Page `index`'s bytes for one more mapping (read from the file when no mapping holds it yet). */
  take(index: number): Uint8Array<ArrayBuffer> {
    const held = this.pages.get(index);
    if (held) {
      held.maps++;
      return held.bytes;
    }
    const bytes = new Uint8Array(PAGE_SIZE);
    const data = this.source?.readHost(index * PAGE_SIZE, PAGE_SIZE);
    if (data instanceof Uint8Array) bytes.set(data);
    this.pages.set(index, { bytes, maps: 1 });
    return bytes;
  }

  /** One more mapping of a page already held (fork copies the mapping). */
  hold(index: number): void {
    this.pages.get(index)!.maps++;
  }

  /** A mapping of page `index` ends: its stores go to the file; the page leaves the cache with its last mapping. */
  drop(index: number): void {
    const page = this.pages.get(index);
    if (!page) return;
    this.writeBack(index, page.bytes);
    if (--page.maps > 0) return;
    this.pages.delete(index);
    this.settle();
  }

  /** msync: writes back pages [first, first + count); 0 or -errno. */
  sync(first: number, count: number): number {
    for (let i = first; i < first + count; i++) {
      const page = this.pages.get(i);
      if (page) {
        const r = this.writeBack(i, page.bytes);
        if (r < 0) return r;
      }
    }
    return 0;
  }

  syncAll(): void {
    for (const [i, page] of this.pages) this.writeBack(i, page.bytes);
  }

  /**
   * After a write or truncate through a descriptor: the cached pages take the file's bytes
   * again (zeros past its end), and every address space mapping the file follows its size.
   */
  reload(): void {
    for (const [i, page] of this.pages) {
      const data = this.source?.readHost(i * PAGE_SIZE, PAGE_SIZE);
      page.bytes.fill(0);
      if (data instanceof Uint8Array) page.bytes.set(data);
    }
    for (const m of [...this.mappers]) m.resized(this);
  }

  /**
   * The page's bytes that lie inside the file go to the host file when they differ from it
   * (a store past the end of the file never extends it, as Linux's write-back).
   */
  private writeBack(index: number, bytes: Uint8Array): number {
    const f = this.source;
    if (!f || !f.writable) return 0;
    const onFile = f.readHost(index * PAGE_SIZE, PAGE_SIZE);
    if (typeof onFile === 'number') return onFile;
    const mine = bytes.subarray(0, onFile.length);
    let same = true;
    for (let k = 0; k < mine.length && same; k++) same = mine[k] === onFile[k];
    if (same) return 0;
    const n = f.writeHost(index * PAGE_SIZE, mine);
    return n < 0 ? n : n === mine.length ? 0 : -E.EIO;
  }
}

/** The machine's cache: host files' backing objects by file identity (device and inode). */
export class PageCache {
  private readonly files = new Map<string, SharedObject>();
  private anonymousCount = 0;

  /** The backing object of a host file a mapping is made of (kept open while any of its pages is mapped). */
  forFile(f: HostFile): SharedObject | number {
    const key = f.identity();
    if (typeof key === 'number') return key;
    let o = this.files.get(key);
    if (o) {
      o.offer(f);
      return o;
    }
    f.pin();
    o = new SharedObject(this, key, f);
    this.files.set(key, o);
    return o;
  }

  /** A new anonymous shared memory object (mmap MAP_SHARED|MAP_ANONYMOUS). */
  anonymous(): SharedObject {
    return new SharedObject(undefined, `anon:${++this.anonymousCount}`, undefined);
  }

  /** The file's cached pages, if it is mapped shared anywhere. */
  cached(f: HostFile): SharedObject | undefined {
    if (this.files.size === 0) return undefined;
    const key = f.identity();
    return typeof key === 'number' ? undefined : this.files.get(key);
  }

  forget(o: SharedObject): void {
    this.files.delete(o.key);
  }
}
