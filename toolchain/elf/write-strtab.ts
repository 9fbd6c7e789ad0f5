// Owns building an ELF string table (.strtab, .shstrtab) the way GNU as (BFD) lays it
// out: a leading NUL, each distinct string once, a string that is the tail of another
// kept string stored inside it (suffix merging), the kept strings in the order added.

export class StringTableBuilder {
  private readonly order: string[] = [];
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
    const encoder = new TextEncoder();
    const encoded = new Map<string, Uint8Array>();
    for (const s of this.order) encoded.set(s, encoder.encode(s));
    // Sort by the reversed bytes (shorter first on a tie), then merge each string into the
    // nearest later string in that order that ends with it.
    const sorted = [...this.order].sort((a, b) => reversedCompare(encoded.get(a)!, encoded.get(b)!));
    const container = new Map<string, string>();
    let keep = sorted[sorted.length - 1];
    for (let i = sorted.length - 2; i >= 0; i--) {
      const s = sorted[i]!;
      const big = encoded.get(keep!)!;
      const small = encoded.get(s)!;
      if (big.length > small.length && endsWith(big, small)) container.set(s, keep!);
      else keep = s;
    }
    const offsets = new Map<string, number>();
    let size = 1;
    for (const s of this.order) {
      if (container.has(s)) continue;
      offsets.set(s, size);
      size += encoded.get(s)!.length + 1;
    }
    for (const [s, big] of container) {
      offsets.set(s, offsets.get(big)! + encoded.get(big)!.length - encoded.get(s)!.length);
    }
    const bytes = new Uint8Array(size);
    for (const s of this.order) if (!container.has(s)) bytes.set(encoded.get(s)!, offsets.get(s)!);
    this.offsets = offsets;
    this.bytes = bytes;
  }
}

function reversedCompare(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 1; i <= n; i++) {
    const d = a[a.length - i]! - b[b.length - i]!;
    if (d !== 0) return d;
  }
  return a.length - b.length;
}

function endsWith(big: Uint8Array, small: Uint8Array): boolean {
  const at = big.length - small.length;
  for (let i = 0; i < small.length; i++) if (big[at + i] !== small[i]) return false;
  return true;
}
