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
    // Each string's UTF-8 bytes reversed, one byte per character (latin1), so that the
    // engine's own string order is the reversed byte order, shorter first on a tie; a NUL
    // (never inside a name) and the index follow, so a plain sort keeps who is who.
    const keys = new Array<string>(n);
    const lengths = new Int32Array(n);
    let ascii = true;
    for (let i = 0; i < n; i++) {
      const name = order[i]!;
      const key = reversedAscii(name);
      if (key !== undefined) {
        keys[i] = key;
        lengths[i] = name.length;
      } else {
        ascii = false;
        const b = Buffer.from(name, 'utf8');
        lengths[i] = b.length;
        keys[i] = b.reverse().toString('latin1');
      }
    }
    const sorted = keys.map((k, i) => `${k}\0${i}`).sort();
    // Merge each string into the nearest later string in that order that ends with it.
    const containerOf = new Int32Array(n).fill(-1);
    let keep = Number(sorted[n - 1]?.slice(sorted[n - 1]!.lastIndexOf('\0') + 1));
    for (let j = n - 2; j >= 0; j--) {
      const i = Number(sorted[j]!.slice(sorted[j]!.lastIndexOf('\0') + 1));
      if (lengths[keep]! > lengths[i]! && keys[keep]!.startsWith(keys[i]!)) containerOf[i] = keep;
      else keep = i;
    }
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

/** `name` backwards when all its characters are ASCII (its UTF-8 bytes are its characters then), else undefined. */
function reversedAscii(name: string): string | undefined {
  let key = '';
  for (let k = name.length - 1; k >= 0; k--) {
    const c = name.charCodeAt(k);
    if (c >= 0x80) return undefined;
    key += name[k];
  }
  return key;
}

/** Writes an ASCII name's characters as bytes at `at`. */
function writeAscii(bytes: Uint8Array, at: number, name: string): void {
  for (let k = 0; k < name.length; k++) bytes[at + k] = name.charCodeAt(k);
}
