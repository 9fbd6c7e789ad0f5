// Owns what the debugger keeps of an image between sessions of one process: what it derives
// from an ELF image's bytes (its unwind tables, symbols, line programs and compile units)
// depends on nothing else, so the last few are kept and found again by their bytes. A
// session launched again on the same program (a restart, the inline adapter's next
// session) does not parse them again.
import { sameBytes } from './same-bytes';

interface Kept<T> {
  readonly key: string;
  readonly bytes: Uint8Array;
  readonly value: T;
}

/** Images a cache keeps: a program and its vDSO for a few sessions. */
const IMAGES_KEPT = 8;
/** The most bytes of images a cache keeps copies of: an image larger than this is parsed at each launch, as before. */
const BYTES_KEPT = 32 * 2 ** 20;

/** The values made from the last IMAGES_KEPT images (BYTES_KEPT of them at most), each found by a key (what else it depends on) and the image's bytes. */
export class ImageCache<T> {
  private kept: Kept<T>[] = [];
  private bytesKept = 0;

  /** The value kept for `key` and these bytes, else `make()`'s (then kept, with a copy of the bytes). */
  get(bytes: Uint8Array, key: string, make: () => T): T {
    const at = this.kept.findIndex((k) => k.key === key && sameBytes(k.bytes, bytes));
    if (at >= 0) {
      const found = this.kept[at]!;
      this.kept.splice(at, 1);
      this.kept.unshift(found);
      return found.value;
    }
    const value = make();
    if (bytes.length > BYTES_KEPT) return value;
    this.kept.unshift({ key, bytes: bytes.slice(), value });
    this.bytesKept += bytes.length;
    while (this.kept.length > IMAGES_KEPT || this.bytesKept > BYTES_KEPT) this.bytesKept -= this.kept.pop()!.bytes.length;
    return value;
  }
}
