// Owns building an ELF string table (.strtab, .shstrtab) the way GNU as (BFD) lays it
// out: a leading NUL, each distinct string once, a string that is the tail of another
// kept string stored inside it (suffix merging), the kept strings in the order added.
import { objectList } from '../object-list';

export class StringTableBuilder {
  private readonly order = objectList<string>();
  /** Each distinct string's index in `order` (the empty string is never added). */
  private readonly seen = new Map<string, number>();
  /** Each string's offset by index, once finished. */
  private at: Int32Array | undefined;
  private bytes: Uint8Array | undefined;

  /**
   * Adds a name (the empty name is always offset 0) and returns its index for `offsetAt`
   * (-1 for the empty name): a caller with many names looks each up by number, not by name.
   */
  add(name: string): number {
    if (name === '') return -1;
    const known = this.seen.get(name);
    if (known !== undefined) return known;
    if (this.at) throw new Error('string table already finished');
    const index = this.order.length;
    this.seen.set(name, index);
    this.order.push(name);
    return index;
  }

  /** The offset of an added name (finishes the table on first use). */
  offset(name: string): number {
    if (name === '') return 0;
    const index = this.seen.get(name);
    if (index === undefined) throw new Error(`string '${name}' was not added to the table`);
    return this.offsetAt(index);
  }

  /** The offset of the name `add` gave `index` for (finishes the table on first use). */
  offsetAt(index: number): number {
    if (index < 0) return 0;
    this.finish();
    return this.at![index]!;
  }

  /** The table's bytes. */
  result(): Uint8Array {
    this.finish();
    return this.bytes!;
  }

  private finish(): void {
    if (this.at) return;
    const order = this.order;
    const n = order.length;
    // Each string as its UTF-8 bytes, one character a byte (an ASCII name is that already),
    // ordered by those bytes read from the end, shorter first on a tie: compared in place, not
    // through a reversed copy of each (a string and its index per name were most of what
    // the writer made on a large source, docs/speed-and-exactness.md).
    let ascii = true;
    for (let i = 0; i < n && ascii; i++) ascii = isAscii(order[i]!);
    const utf8 = ascii ? order : order.map((name) => Buffer.from(name, 'utf8').toString('latin1'));
    const sorted = new Int32Array(n);
    for (let i = 0; i < n; i++) sorted[i] = i;
    sorted.sort((x, y) => compareFromEnd(utf8[x]!, utf8[y]!));
    // Merge each string into the nearest later string in that order that ends with it.
    const containerOf = new Int32Array(n).fill(-1);
    let keep = n > 0 ? sorted[n - 1]! : -1;
    for (let j = n - 2; j >= 0; j--) {
      const i = sorted[j]!;
      if (utf8[keep]!.length > utf8[i]!.length && utf8[keep]!.endsWith(utf8[i]!)) containerOf[i] = keep;
      else keep = i;
    }
    const lengths = new Int32Array(n);
    for (let i = 0; i < n; i++) lengths[i] = utf8[i]!.length;
    const at = new Int32Array(n);
    let size = 1;
    for (let i = 0; i < n; i++) {
      if (containerOf[i]! >= 0) continue;
      at[i] = size;
      size += lengths[i]! + 1;
    }
    for (let i = 0; i < n; i++) {
      const big = containerOf[i]!;
      if (big >= 0) at[i] = at[big]! + lengths[big]! - lengths[i]!;
    }
    const bytes = new Uint8Array(size);
    if (ascii) {
      for (let i = 0; i < n; i++) if (containerOf[i]! < 0) writeAscii(bytes, at[i]!, order[i]!);
    } else {
      const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
      for (let i = 0; i < n; i++) if (containerOf[i]! < 0) buffer.write(order[i]!, at[i]!, 'utf8');
    }
    this.at = at;
    this.bytes = bytes;
  }
}

/** Whether every character of `name` is ASCII (its UTF-8 bytes are its characters then). */
function isAscii(name: string): boolean {
  for (let k = 0; k < name.length; k++) if (name.charCodeAt(k) >= 0x80) return false;
  return true;
}

/** The order of two strings read from their ends (a string that ends the other first). */
function compareFromEnd(x: string, y: string): number {
  const n = Math.min(x.length, y.length);
  for (let k = 1; k <= n; k++) {
    const d = x.charCodeAt(x.length - k) - y.charCodeAt(y.length - k);
    if (d !== 0) return d;
  }
  return x.length - y.length;
}

/** Writes an ASCII name's characters as bytes at `at`. */
function writeAscii(bytes: Uint8Array, at: number, name: string): void {
  for (let k = 0; k < name.length; k++) bytes[at + k] = name.charCodeAt(k);
}
