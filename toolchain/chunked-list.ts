// Owns a list that grows by `push` to hundreds of thousands of objects while the assembler
// reads (a large source's CFI rows, line entries' frags, fixups' expressions, symbols in
// creation order), kept as chunks of at most CHUNK elements. A JS array that long lives in the
// collector's large-object space and each growth is a fresh copy of the whole in fresh pages
// (every page faulted in again, and three times the final size written in all); chunks stay
// ordinary objects, grown while young, copied once when promoted, never copied whole again
// (docs/speed-and-exactness.md, the 20 MB row's sections).
import { objectList } from './object-list';

/** Elements per chunk: 8 bytes each, so a full chunk (64 KiB) is an ordinary heap object. */
const SHIFT = 13;
const CHUNK = 1 << SHIFT;
const MASK = CHUNK - 1;

/**
 * Each chunk grows by push, so a small list (a file's few sections, an editor's small
 * documents) stays small. Chunks made at their full length instead (holes) were measured
 * worse: more scavenges in the 20 MB run (docs/speed-and-exactness.md).
 */
export class ChunkedList<T> {
  private last: T[] = objectList<T>();
  private readonly chunks: T[][] = [this.last];
  length = 0;

  /** Appends `item`; returns its index. */
  push(item: T): number {
    const k = this.length;
    if ((k & MASK) === 0 && k > 0) this.chunks.push((this.last = objectList<T>()));
    this.last.push(item);
    this.length = k + 1;
    return k;
  }

  /** The element at `index` (0 <= index < length). */
  get(index: number): T {
    return this.chunks[index >>> SHIFT]![index & MASK]!;
  }

  /** The last element, or undefined when the list is empty. */
  lastItem(): T | undefined {
    const k = this.length;
    const last = this.last;
    return k > 0 ? last[last.length - 1] : undefined;
  }

  /** The elements, in order, as one new array. */
  toArray(): T[] {
    const chunks = this.chunks;
    return chunks.length === 1 ? this.last.slice() : chunks[0]!.concat(...chunks.slice(1));
  }
}
