// Owns the line entries while the assembler reads (which bytes of which frag came from which
// statement), kept in columns: a typed array each for the offsets, the lengths (an
// instruction's as its complement) and the statement's place (places.ts); the frags once each,
// with the first entry in each (an entry's frag is the last one that starts at or before it).
// One object per entry was most of what the collector copied on a large source; a column per
// entry for what a frag or a sign bit can say was memory written for nothing. When relaxation
// is done, `settle` keeps each frag's section, final address and sizes (the frags are let go);
// the LineEntry objects and their locations are made only when a consumer first reads
// `AsmModule.lines` (writing an object without -g never does); the instruction entries alone
// can be read as columns without them (`instructionEntries`).
import { fixedSize as fixedPart, fragSize, type Frag } from './layout';
import type { InstructionEntries, LineEntry, SourceLocation } from './module';
import type { Places } from './places';
import { objectList } from '../object-list';
import { ChunkedList } from '../chunked-list';
import { grown } from '../grown';

export class PendingLines {
  /** The frag of each run of entries in one frag (consecutive entries are mostly in one; a frag met again after another starts a run again). */
  private frags = new ChunkedList<Frag>();
  /** The first entry in each of `frags` (kept past `settle`, which lets the frags go). */
  private fragStarts = new Int32Array(256);
  private fragCount = 0;
  /** Offset in the frag. */
  private offsets: Int32Array;
  /** The length, or its complement (negative) for an instruction's entry. */
  private lengths: Int32Array;
  private placeOf: Int32Array;
  /** Once settled: each frag's section (an index into `sectionNames`), final address and sizes. */
  private settled: SettledFrags | undefined;
  private sectionNames = objectList<string>();
  count = 0;

  /** `capacity`: the entries expected (the columns grow past it). */
  constructor(private readonly places: Places, capacity = 1024) {
    this.offsets = new Int32Array(capacity);
    this.lengths = new Int32Array(capacity);
    this.placeOf = new Int32Array(capacity);
  }

  push(frag: Frag, offset: number, length: number, place: number, instruction: boolean): void {
    const k = this.count;
    if (k === this.offsets.length) this.grow();
    const frags = this.frags;
    if (frags.lastItem() !== frag) {
      const f = frags.push(frag);
      if (f === this.fragStarts.length) this.fragStarts = grown(this.fragStarts, 2 * f);
      this.fragStarts[f] = k;
      this.fragCount = f + 1;
    }
    this.offsets[k] = offset;
    this.lengths[k] = instruction ? ~length : length;
    this.placeOf[k] = place;
    this.count = k + 1;
  }

  private grow(): void {
    const n = this.offsets.length * 2;
    this.offsets = grown(this.offsets, n);
    this.lengths = grown(this.lengths, n);
    this.placeOf = grown(this.placeOf, n);
  }

  /** Whether entry k is an instruction's. */
  private isInstruction(k: number): boolean {
    return this.lengths[k]! < 0;
  }

  /** Entry k's length as pushed. */
  private pushedLength(k: number): number {
    const length = this.lengths[k]!;
    return length < 0 ? ~length : length;
  }

  /** The frag entry k is in, `f` the frag of an entry at or before it. */
  private fragAt(k: number, f: number): number {
    const starts = this.fragStarts;
    const n = this.fragCount;
    while (f + 1 < n && starts[f + 1]! <= k) f++;
    return f;
  }

  /**
   * Keeps what the entries need of their frags once relaxation has settled (each frag's
   * section, final address and sizes), so that the frags are let go; the entries themselves
   * are worked out only in `entries`. A loop over the frags, not the entries: this runs once
   * per assembly, mostly before the optimizing compiler has taken it.
   */
  settle(): void {
    const frags = this.frags;
    const n = frags.length;
    const names = this.sectionNames;
    const section = new Int32Array(n);
    const address = new Int32Array(n);
    const fixedSize = new Int32Array(n);
    const size = new Int32Array(n);
    let last: Frag['section'] | undefined;
    let index = -1;
    for (let f = 0; f < n; f++) {
      const frag = frags.get(f);
      if (frag.section !== last) {
        last = frag.section;
        index = names.indexOf(last.name);
        if (index < 0) index = names.push(last.name) - 1;
      }
      section[f] = index;
      address[f] = frag.address;
      fixedSize[f] = fixedPart(frag);
      size[f] = fragSize(frag);
    }
    this.settled = new SettledFrags(section, address, fixedSize, size);
    this.frags = new ChunkedList<Frag>();
  }

  private settledColumns(): SettledFrags {
    if (this.settled === undefined) throw new Error('PendingLines read before settle');
    return this.settled;
  }

  /** Entry k's length, `f` its frag: one that reached into its frag's variable part covers all of it (only a frag with a variable part can have been written past its fixed part). */
  private lengthOf(settled: SettledFrags, f: number, k: number): number {
    const offset = this.offsets[k]!;
    const length = this.pushedLength(k);
    return offset + length > settled.fixedSize[f]! ? settled.size[f]! - offset : length;
  }

  /** The entries, in the order the statements were read (after `settle`). */
  entries(): LineEntry[] {
    const settled = this.settledColumns();
    const out: LineEntry[] = new Array(this.count);
    // A statement's entries (an instruction before and after a frag break) share one location.
    let lastPlace = -1;
    let location: SourceLocation | undefined;
    let f = 0;
    for (let k = 0; k < this.count; k++) {
      const place = this.placeOf[k]!;
      if (place !== lastPlace || location === undefined) {
        location = this.places.location(place);
        lastPlace = place;
      }
      f = this.fragAt(k, f);
      out[k] = { section: this.sectionNames[settled.section[f]!]!, offset: settled.address[f]! + this.offsets[k]!, length: this.lengthOf(settled, f, k), location, instruction: this.isInstruction(k) };
    }
    return out;
  }

  /** The instruction entries of `entries` (in its order) as columns, a location made only when asked for (after `settle`). */
  instructionEntries(): InstructionEntries {
    const settled = this.settledColumns();
    let n = 0;
    for (let k = 0; k < this.count; k++) if (this.isInstruction(k)) n++;
    const section = new Int32Array(n);
    const offset = new Int32Array(n);
    const length = new Int32Array(n);
    const place = new Int32Array(n);
    let i = 0;
    let f = 0;
    for (let k = 0; k < this.count; k++) {
      if (!this.isInstruction(k)) continue;
      f = this.fragAt(k, f);
      section[i] = settled.section[f]!;
      offset[i] = settled.address[f]! + this.offsets[k]!;
      length[i] = this.lengthOf(settled, f, k);
      place[i] = this.placeOf[k]!;
      i++;
    }
    return new EntryColumns(n, this.sectionNames, section, offset, length, place, this.places);
  }
}

/**
 * What `settle` keeps of each frag. Classes, not literals, here and below: a literal's fields
 * are typed by the first literal of the same names (the line entries' `section` is a string),
 * and a field given another kind of value gave up the code compiled for the first
 * (docs/speed-and-exactness.md).
 */
class SettledFrags {
  constructor(
    readonly section: Int32Array,
    readonly address: Int32Array,
    readonly fixedSize: Int32Array,
    readonly size: Int32Array,
  ) {}
}

/** The instruction entries as columns, each location made when asked for. */
class EntryColumns implements InstructionEntries {
  constructor(
    readonly count: number,
    readonly sectionNames: readonly string[],
    readonly section: Int32Array,
    readonly offset: Int32Array,
    readonly length: Int32Array,
    private readonly place: Int32Array,
    private readonly places: Places,
  ) {}

  location(k: number): SourceLocation {
    return this.places.location(this.place[k]!);
  }
}
