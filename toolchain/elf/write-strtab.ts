// Owns building an ELF string table (.strtab, .shstrtab) the way GNU as (BFD) lays it
// out: a leading NUL, each distinct string once, a string that is the tail of another
// kept string stored inside it (suffix merging), the kept strings in the order added.
import { objectList } from '../object-list';

export class StringTableBuilder {
  private readonly order = objectList<string>();
  private readonly seen = new Set<string>();
  private offsets: Map<string, number> | undefined;
  private bytes: Uint8Array | undefined;

  /** Adds a name (the empty name is always offset 0). */
  add(name: string): void {
    if (name === '' || this.seen.has(name)) return;
    if (this.offsets) throw new Error('string table already finished');
    this.seen.add(name);
    this.order.push(name);
  }

  /** The offset of an added name (finishes the table on first use). */
  offset(name: string): number {
    if (name === '') return 0;
    this.finish();
    const at = this.offsets!.get(name);
    if (at === undefined) throw new Error(`string '${name}' was not added to the table`);
    return at;
  }

  /** The table's bytes. */
  result(): Uint8Array {
    this.finish();
    return this.bytes!;
  }

  private finish(): void {
    if (this.offsets) return;
    const order = this.order;
    const n = order.length;
    // Each string's UTF-8 bytes reversed, one byte per character (latin1), so that the
    // engine's own string order is the reversed byte order, shorter first on a tie; a NUL
    // (never inside a name) and the index follow, so a plain sort keeps who is who.
    const keys = new Array<string>(n);
    const lengths = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      const b = Buffer.from(order[i]!, 'utf8');
      lengths[i] = b.length;
      keys[i] = b.reverse().toString('latin1');
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
    const offsets = new Map<string, number>();
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
      offsets.set(order[i]!, at[i]!);
    }
    const bytes = Buffer.alloc(size);
    for (let i = 0; i < n; i++) if (containerOf[i]! < 0) bytes.write(order[i]!, at[i]!, 'utf8');
    this.offsets = offsets;
    this.bytes = new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length);
  }
}

