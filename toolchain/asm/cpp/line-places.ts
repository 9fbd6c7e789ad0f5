// Owns the place each line of cpp's output came from (the file:line:column of its first
// token; for a macro use, where the macro was invoked), kept as columns while cpp prints: a
// kernel-style file's 20,000 location objects were the largest part of what a language
// server's analysis keeps, and every scavenge copied them. PreprocessResult.lines, the list of
// location objects, is made from them when first read; the assembler's places come from the
// spans (spans.ts), so most analyses never read it.
import type { SourceLocation } from '../module';
import { FileNames } from './file-names';

/** Integers per line: the file's index, the line and the column. */
const FIELDS = 3;

export class LinePlaces {
  private data: Int32Array;
  private count = 0;
  private readonly files = new FileNames();
  private made: SourceLocation[] | undefined;

  /** `capacity`: the lines expected (the room is doubled when they are more). */
  constructor(capacity = 64) {
    this.data = new Int32Array(Math.max(16, capacity) * FIELDS);
  }

  /** The next output line came from `file`:`line`:`column`. */
  add(file: string, line: number, column: number): void {
    const fileNumber = this.files.number(file);
    let at = this.count * FIELDS;
    if (at + FIELDS > this.data.length) {
      const grown = new Int32Array(this.data.length * 2);
      grown.set(this.data);
      this.data = grown;
    }
    const data = this.data;
    data[at++] = fileNumber;
    data[at++] = line;
    data[at] = column;
    this.count++;
    this.made = undefined;
  }

  get length(): number {
    return this.count;
  }

  /** The places as location objects, in line order (made once, until a line is added). */
  list(): readonly SourceLocation[] {
    if (this.made) return this.made;
    const out: SourceLocation[] = new Array(this.count);
    const data = this.data;
    for (let i = 0, at = 0; i < this.count; i++, at += FIELDS) out[i] = { file: this.files.name(data[at]!), line: data[at + 1]!, column: data[at + 2]! };
    return (this.made = out);
  }
}
