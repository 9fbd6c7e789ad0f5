// Owns the line entries while the assembler reads (which bytes of which frag came from which
// statement), kept in columns: a typed array each for offsets, lengths and the instruction
// flag, an array each for the frags and locations. One object per entry was most of what
// the collector copied on a large source; the LineEntry objects are made once, at the end.
import type { Frag } from './layout';
import type { LineEntry, SourceLocation } from './module';

export class PendingLines {
  private frags: Frag[] = [];
  private locations: SourceLocation[] = [];
  private offsets = new Int32Array(1024);
  private lengths = new Int32Array(1024);
  private instructions = new Uint8Array(1024);
  count = 0;

  push(frag: Frag, offset: number, length: number, location: SourceLocation, instruction: boolean): void {
    const k = this.count;
    if (k === this.offsets.length) this.grow();
    this.frags.push(frag);
    this.locations.push(location);
    this.offsets[k] = offset;
    this.lengths[k] = length;
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
    const instructions = new Uint8Array(n);
    instructions.set(this.instructions);
    this.instructions = instructions;
  }

  /**
   * The entries with final offsets (after relaxation, before the variable parts become
   * bytes): an entry that reached into its frag's variable part covers all of it.
   */
  entries(): LineEntry[] {
    const out: LineEntry[] = [];
    for (let k = 0; k < this.count; k++) {
      const frag = this.frags[k]!;
      const offset = this.offsets[k]!;
      const written = this.lengths[k]!;
      const length = offset + written > frag.fixedSize && frag.variable ? frag.size - offset : written;
      out.push({ section: frag.section.name, offset: frag.address + offset, length, location: this.locations[k]!, instruction: this.instructions[k] === 1 });
    }
    return out;
  }
}
