// Owns the line entries while the assembler reads (which bytes of which frag came from which
// statement), kept in columns: a typed array each for offsets, lengths, the statement's line
// and column and the instruction flag, an array each for the frags and the locators (or
// locations). One object per entry was most of what the collector copied on a large source.
// When relaxation is done, `settle` turns each frag reference into its section and final
// offset (the frags are let go); the LineEntry objects and their locations are made only when
// a consumer first reads `AsmModule.lines` (writing an object without -g never does).
import type { Frag } from './layout';
import type { LineEntry, SourceLocation } from './module';
import type { Locator } from './state';

export class PendingLines {
  private frags: Frag[] = [];
  /** The statement's frame locator (called with its line and column at the end), or its location when it was set outright. */
  private places: Array<Locator | SourceLocation> = [];
  /** Offset in the frag while reading; in the section once settled. */
  private offsets = new Int32Array(1024);
  private lengths = new Int32Array(1024);
  private lines = new Int32Array(1024);
  private columns = new Int32Array(1024);
  private instructions = new Uint8Array(1024);
  /** Once settled: each entry's section, an index into `sectionNames`. */
  private sections: Int32Array | undefined;
  private sectionNames: string[] = [];
  count = 0;

  push(frag: Frag, offset: number, length: number, place: Locator | SourceLocation, line: number, column: number, instruction: boolean): void {
    const k = this.count;
    if (k === this.offsets.length) this.grow();
    this.frags.push(frag);
    this.places.push(place);
    this.offsets[k] = offset;
    this.lengths[k] = length;
    this.lines[k] = line;
    this.columns[k] = column;
    this.instructions[k] = instruction ? 1 : 0;
    this.count = k + 1;
  }

  private grow(): void {
    const n = this.offsets.length * 2;
    const offsets = new Int32Array(n);
    offsets.set(this.offsets);
    this.offsets = offsets;
    const lengths = new Int32Array(n);
    lengths.set(this.lengths);
    this.lengths = lengths;
    const lines = new Int32Array(n);
    lines.set(this.lines);
    this.lines = lines;
    const columns = new Int32Array(n);
    columns.set(this.columns);
    this.columns = columns;
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
    let lastSection: Frag['section'] | undefined;
    let index = -1;
    for (let k = 0; k < this.count; k++) {
      const frag = frags[k]!;
      if (frag.section !== lastSection) {
        lastSection = frag.section;
        index = names.indexOf(frag.section.name);
        if (index < 0) index = names.push(frag.section.name) - 1;
      }
      sections[k] = index;
      const offset = this.offsets[k]!;
      const written = this.lengths[k]!;
      // Only a frag with a variable part can have been written past its fixed part.
      if (offset + written > frag.fixedSize) this.lengths[k] = frag.size - offset;
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
    let lastPlace: Locator | SourceLocation | undefined;
    let lastLine = -1;
    let lastColumn = -1;
    let location: SourceLocation | undefined;
    for (let k = 0; k < this.count; k++) {
      const place = this.places[k]!;
      const line = this.lines[k]!;
      const column = this.columns[k]!;
      if (place !== lastPlace || line !== lastLine || column !== lastColumn || location === undefined) {
        location = typeof place === 'function' ? place(line, column) : place;
        lastPlace = place;
        lastLine = line;
        lastColumn = column;
      }
      out[k] = { section: this.sectionNames[sections[k]!]!, offset: this.offsets[k]!, length: this.lengths[k]!, location, instruction: this.instructions[k] === 1 };
    }
    return out;
  }
}
