// Owns the vDSO's dynamic-linking tables: .dynsym (the exports and the version names as
// absolute symbols, in GNU ld's order), .dynstr, the SysV .hash, .gnu.version, .gnu.version_d (the base
// version named after the soname, then one entry per version node) and .dynamic.
// Sizes are known before layout; bytes are written once addresses are.
import { DT_HASH, DT_NULL, DT_SONAME, DT_STRSZ, DT_STRTAB, DT_SYMENT, DT_SYMTAB, DT_VERDEF, DT_VERDEFNUM, DT_VERSYM } from '../elf/dynamic';
import { SHN_ABS, STB_GLOBAL, STT_OBJECT } from '../elf/symbols';
import { VER_FLG_BASE } from '../elf/versions';
import { StringTableBuilder } from '../elf/write-strtab';
import { elfHash, type ExportedSymbol } from './versions';
import type { VersionNode } from './types';

/** GNU ld's bucket counts: the largest one not above the number of symbols is used. */
const BUCKET_COUNTS = [1, 3, 17, 37, 67, 97, 131, 197, 263, 521, 1031, 2053, 4099, 8209, 16411, 32771, 65537, 131101, 262147];

/** Buckets of GNU ld's own symbol table (bfd's DEFAULT_SIZE; a vDSO never has enough symbols to grow it). */
const BFD_HASH_BUCKETS = 4051n;
const U64 = (1n << 64n) - 1n;

/** bfd_hash_hash over a 64-bit host's unsigned long: the bucket of ld's symbol table a name falls in. */
function bfdHashBucket(name: string): bigint {
  const bytes = new TextEncoder().encode(name);
  let h = 0n;
  for (const byte of bytes) {
    const c = BigInt(byte);
    h = (h + c + (c << 17n)) & U64;
    h ^= h >> 2n;
  }
  const len = BigInt(bytes.length);
  h = (h + len + (len << 17n)) & U64;
  h ^= h >> 2n;
  return h % BFD_HASH_BUCKETS;
}

/**
 * The .dynsym order GNU ld gives `entered` (listed in the order ld enters them in its symbol
 * table): it numbers dynamic symbols walking that table bucket by bucket, each bucket's chain
 * newest first (docs/architecture.md, the vDSO linker).
 */
function bfdHashOrder<T extends { readonly name: string }>(entered: readonly T[]): T[] {
  const keyed = entered.map((s, rank) => ({ s, rank, bucket: bfdHashBucket(s.name) }));
  keyed.sort((x, y) => (x.bucket < y.bucket ? -1 : x.bucket > y.bucket ? 1 : y.rank - x.rank));
  return keyed.map((k) => k.s);
}

/** A .dynsym entry before its address is known. */
export interface DynamicSymbol {
  readonly name: string;
  readonly versionIndex: number;
  /** The export it stands for; undefined for a version's own absolute symbol. */
  readonly exported: ExportedSymbol | undefined;
}

/** What the final symbol of an export is, once laid out. */
export interface PlacedSymbol {
  readonly value: number;
  readonly size: number;
  readonly type: number;
  readonly bind: number;
  readonly other: number;
  readonly shndx: number;
}

export interface DynamicAddresses {
  readonly hash: number;
  readonly dynsym: number;
  readonly dynstr: number;
  readonly versym: number;
  readonly verdef: number;
}

export class DynamicTables {
  readonly symbols: DynamicSymbol[] = [];
  readonly strings = new StringTableBuilder();
  private readonly nbucket: number;

  constructor(
    private readonly soname: string,
    private readonly versions: readonly VersionNode[],
    exports: readonly ExportedSymbol[],
    private readonly spareEntries: number,
  ) {
    // ld enters the exports in its symbol table as the inputs define them, the version
    // names after them; .dynsym follows that table's walk (bfdHashOrder).
    const entered: DynamicSymbol[] = [
      ...exports.map((e) => ({ name: e.name, versionIndex: e.versionIndex, exported: e })),
      ...versions.map((v, i) => ({ name: v.name, versionIndex: i + 2, exported: undefined })),
    ];
    this.symbols.push(...bfdHashOrder(entered));
    for (const e of exports) this.strings.add(e.name);
    this.strings.add(soname);
    for (const v of versions) this.strings.add(v.name);
    this.strings.result();
    let nbucket = 1;
    for (let i = 0; i < BUCKET_COUNTS.length; i++) {
      nbucket = BUCKET_COUNTS[i]!;
      const next = BUCKET_COUNTS[i + 1];
      if (next === undefined || this.symbols.length < next) break;
    }
    this.nbucket = nbucket;
  }

  /** Entries in .dynsym, the null symbol included. */
  get count(): number {
    return this.symbols.length + 1;
  }

  get hashSize(): number {
    return 4 * (2 + this.nbucket + this.count);
  }

  get dynsymSize(): number {
    return 16 * this.count;
  }

  get dynstr(): Uint8Array {
    return this.strings.result();
  }

  get versymSize(): number {
    return 2 * this.count;
  }

  get verdefSize(): number {
    let size = 20 + 8;
    for (const v of this.versions) size += 20 + 8 * (v.parent === undefined ? 1 : 2);
    return size;
  }

  /** Number of version definitions (the base one included): .gnu.version_d's sh_info. */
  get verdefCount(): number {
    return this.versions.length + 1;
  }

  get dynamicSize(): number {
    return 8 * (10 + this.spareEntries);
  }

  hash(): Uint8Array {
    const out = new Uint8Array(this.hashSize);
    const v = new DataView(out.buffer);
    const buckets = new Uint32Array(this.nbucket);
    const chains = new Uint32Array(this.count);
    this.symbols.forEach((s, i) => {
      const b = elfHash(s.name) % this.nbucket;
      chains[i + 1] = buckets[b]!;
      buckets[b] = i + 1;
    });
    v.setUint32(0, this.nbucket, true);
    v.setUint32(4, this.count, true);
    buckets.forEach((x, i) => v.setUint32(8 + 4 * i, x, true));
    chains.forEach((x, i) => v.setUint32(8 + 4 * this.nbucket + 4 * i, x, true));
    return out;
  }

  dynsym(place: (e: ExportedSymbol) => PlacedSymbol): Uint8Array {
    const out = new Uint8Array(this.dynsymSize);
    const v = new DataView(out.buffer);
    this.symbols.forEach((s, i) => {
      const at = 16 * (i + 1);
      const p: PlacedSymbol = s.exported
        ? place(s.exported)
        : { value: 0, size: 0, type: STT_OBJECT, bind: STB_GLOBAL, other: 0, shndx: SHN_ABS };
      v.setUint32(at, this.strings.offset(s.name), true);
      v.setUint32(at + 4, p.value >>> 0, true);
      v.setUint32(at + 8, p.size, true);
      v.setUint8(at + 12, (p.bind << 4) | p.type);
      v.setUint8(at + 13, p.other);
      v.setUint16(at + 14, p.shndx, true);
    });
    return out;
  }

  versym(): Uint8Array {
    const out = new Uint8Array(this.versymSize);
    const v = new DataView(out.buffer);
    this.symbols.forEach((s, i) => v.setUint16(2 * (i + 1), s.versionIndex, true));
    return out;
  }

  verdef(): Uint8Array {
    const out = new Uint8Array(this.verdefSize);
    const v = new DataView(out.buffer);
    const entries = [{ name: this.soname, flags: VER_FLG_BASE, parent: undefined as string | undefined }, ...this.versions.map((n) => ({ name: n.name, flags: 0, parent: n.parent }))];
    let at = 0;
    entries.forEach((e, i) => {
      const names = e.parent === undefined ? [e.name] : [e.name, e.parent];
      const size = 20 + 8 * names.length;
      v.setUint16(at, 1, true); // vd_version
      v.setUint16(at + 2, e.flags, true);
      v.setUint16(at + 4, i + 1, true); // vd_ndx
      v.setUint16(at + 6, names.length, true); // vd_cnt
      v.setUint32(at + 8, elfHash(e.name), true);
      v.setUint32(at + 12, 20, true); // vd_aux
      v.setUint32(at + 16, i === entries.length - 1 ? 0 : size, true); // vd_next
      names.forEach((n, j) => {
        const aux = at + 20 + 8 * j;
        v.setUint32(aux, this.strings.offset(n), true);
        v.setUint32(aux + 4, j === names.length - 1 ? 0 : 8, true);
      });
      at += size;
    });
    return out;
  }

  dynamic(a: DynamicAddresses): Uint8Array {
    const out = new Uint8Array(this.dynamicSize);
    const v = new DataView(out.buffer);
    const entries: [number, number][] = [
      [DT_SONAME, this.strings.offset(this.soname)],
      [DT_HASH, a.hash],
      [DT_STRTAB, a.dynstr],
      [DT_SYMTAB, a.dynsym],
      [DT_STRSZ, this.dynstr.length],
      [DT_SYMENT, 16],
      [DT_VERDEF, a.verdef],
      [DT_VERDEFNUM, this.verdefCount],
      [DT_VERSYM, a.versym],
      [DT_NULL, 0],
    ];
    entries.forEach(([tag, value], i) => {
      v.setUint32(8 * i, tag >>> 0, true);
      v.setUint32(8 * i + 4, value >>> 0, true);
    });
    return out;
  }
}
