// Owns building ELF string tables (.dynstr, .strtab, .shstrtab) the way GNU ld lays them
// out in size: each distinct name once, and a name that is the tail of a longer one shares
// the longer one's bytes ("_sigreturn" inside "__kernel_sigreturn").
export class StringTableBuilder {
  private readonly names = new Set<string>();
  private offsets: Map<string, number> | undefined;
  private bytes: Uint8Array | undefined;

  add(name: string): void {
    if (this.offsets) throw new Error('internal: string table already finished');
    if (name !== '') this.names.add(name);
  }

  /** Lays the table out; names first added first, tails merged into longer names. */
  finish(): Uint8Array {
    if (this.bytes) return this.bytes;
    const encoder = new TextEncoder();
    const encoded = [...this.names].map((name) => ({ name, bytes: encoder.encode(name) }));
    // Sorted by bytes read backwards, a tail comes right before the names it ends (the
    // ones in between share it too), so each name need only be compared with the next.
    const byTail = [...encoded].sort((x, y) => compareReversed(x.bytes, y.bytes));
    const ownerOf = new Map<string, { name: string; bytes: Uint8Array }>();
    for (let i = byTail.length - 1; i >= 0; i--) {
      const cur = byTail[i]!;
      const next = byTail[i + 1];
      const owner = next && isTail(cur.bytes, next.bytes) ? ownerOf.get(next.name) ?? next : undefined;
      if (owner) ownerOf.set(cur.name, owner);
    }
    const offsets = new Map<string, number>();
    let size = 1;
    for (const e of encoded) {
      if (ownerOf.has(e.name)) continue;
      offsets.set(e.name, size);
      size += e.bytes.length + 1;
    }
    const out = new Uint8Array(size);
    for (const e of encoded) {
      const owner = ownerOf.get(e.name);
      if (owner) {
        offsets.set(e.name, offsets.get(owner.name)! + owner.bytes.length - e.bytes.length);
      } else {
        out.set(e.bytes, offsets.get(e.name)!);
      }
    }
    this.offsets = offsets;
    this.bytes = out;
    return out;
  }

  offset(name: string): number {
    if (name === '') return 0;
    this.finish();
    const at = this.offsets!.get(name);
    if (at === undefined) throw new Error(`internal: '${name}' was not added to the string table`);
    return at;
  }
}

/** Orders byte strings by their bytes read backwards; a string sorts before the longer ones it ends. */
function compareReversed(x: Uint8Array, y: Uint8Array): number {
  let i = x.length - 1;
  let j = y.length - 1;
  for (; i >= 0 && j >= 0; i--, j--) if (x[i] !== y[j]) return x[i]! - y[j]!;
  return (i + 1) - (j + 1);
}

/** True when `tail` is a proper suffix of `whole`. */
function isTail(tail: Uint8Array, whole: Uint8Array): boolean {
  if (tail.length >= whole.length) return false;
  const d = whole.length - tail.length;
  for (let i = 0; i < tail.length; i++) if (tail[i] !== whole[d + i]) return false;
  return true;
}
