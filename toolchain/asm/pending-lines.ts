// Owns the line entries while the assembler reads (which bytes of which frag came from which
// statement), kept in columns: a typed array each for the frag (an index into the distinct
// frags), offsets, lengths, the statement's place (places.ts) and the instruction flag. One
// object per entry was most of what the collector copied on a large source. When relaxation
// is done, `settle` turns each frag into its section and final offset (the frags are let go);
// the LineEntry objects and their locations are made only when a consumer first reads
// `AsmModule.lines` (writing an object without -g never does).
import type { Frag } from './layout';
import type { LineEntry, SourceLocation } from './module';
import type { Places } from './places';

export class PendingLines {
  /** The frags entries are in, each once (consecutive entries are mostly in one). */
  private frags: Frag[] = [];
  private fragOf = new Int32Array(1024);
  /** Offset in the frag while reading; in the section once settled. */
  private offsets = new Int32Array(1024);
  private lengths = new Int32Array(1024);
  private placeOf = new Int32Array(1024);
  private instructions = new Uint8Array(1024);
  /** Once settled: each entry's section, an index into `sectionNames`. */
  private sections: Int32Array | undefined;
  private sectionNames: string[] = [];
  count = 0;

  constructor(private readonly places: Places) {}

  push(frag: Frag, offset: number, length: number, place: number, instruction: boolean): void {
    const k = this.count;
    if (k === this.offsets.length) this.grow();
    const frags = this.frags;
    const n = frags.length;
    this.fragOf[k] = n > 0 && frags[n - 1] === frag ? n - 1 : frags.push(frag) - 1;
    this.offsets[k] = offset;
    this.lengths[k] = length;
    this.placeOf[k] = place;
    this.instructions[k] = instruction ? 1 : 0;
    this.count = k + 1;
  }

  private grow(): void {
    const n = this.offsets.length * 2;
    const fragOf = new Int32Array(n);
    fragOf.set(this.fragOf);
    this.fragOf = fragOf;
    const offsets = new Int32Array(n);
    offsets.set(this.offsets);
    this.offsets = offsets;
    const lengths = new Int32Array(n);
    lengths.set(this.lengths);
    this.lengths = lengths;
    const placeOf = new Int32Array(n);
    placeOf.set(this.placeOf);
    this.placeOf = placeOf;
    const instructions = new Uint8Array(n);
    instructions.set(this.instructions);
    this.instructions = instructions;
  }

  /**
   * Fixes every entry's section and final offset once relaxation has settled (the frags'
   * addresses and sizes are final): an entry that reached into its frag's variable part
   * covers all of it. The frags are not kept after this.
   */
  settle(): void {
    const sections = new Int32Array(this.count);
    const names = this.sectionNames;
    const frags = this.frags;
    const sectionOfFrag = new Int32Array(frags.length);
    for (let f = 0; f < frags.length; f++) {
      const name = frags[f]!.section.name;
      let index = names.indexOf(name);
      if (index < 0) index = names.push(name) - 1;
      sectionOfFrag[f] = index;
    }
    for (let k = 0; k < this.count; k++) {
      const f = this.fragOf[k]!;
      const frag = frags[f]!;
      sections[k] = sectionOfFrag[f]!;
      const offset = this.offsets[k]!;
      // Only a frag with a variable part can have been written past its fixed part.
      if (offset + this.lengths[k]! > frag.fixedSize) this.lengths[k] = frag.size - offset;
      this.offsets[k] = frag.address + offset;
    }
    this.sections = sections;
    this.frags = [];
  }

  /** The entries, in the order the statements were read (after `settle`). */
  entries(): LineEntry[] {
    const sections = this.sections;
    if (sections === undefined) throw new Error('PendingLines.entries before settle');
    const out: LineEntry[] = new Array(this.count);
    // A statement's entries (an instruction before and after a frag break) share one location.
    let lastPlace = -1;
    let location: SourceLocation | undefined;
    for (let k = 0; k < this.count; k++) {
      const place = this.placeOf[k]!;
      if (place !== lastPlace || location === undefined) {
        location = this.places.location(place);
        lastPlace = place;
      }
      out[k] = { section: this.sectionNames[sections[k]!]!, offset: this.offsets[k]!, length: this.lengths[k]!, location, instruction: this.instructions[k] === 1 };
    }
    return out;
  }
}
