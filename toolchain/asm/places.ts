// Owns the places of statements the assembler refers to after it has moved on: where a symbol
// was defined or first named, the statement of a fixup or a variable part (for messages made
// at the end), the statement of each line entry. A place is an index into columns (the frame's
// locator, the 0-based line and column in the frame's text); its SourceLocation object is made
// only when something asks for it, since most are never read (an object file has no use for
// them) and each object made while reading was one more for the collector to copy.
import type { SourceLocation } from './module';
import type { Locator } from './state';
import { objectList } from '../object-list';
import { grown } from '../grown';

/** No place (a symbol nothing located yet). */
export const NO_PLACE = -1;

export class Places {
  /** The distinct locators (or locations set outright), in the order first met. */
  private readonly wheres = objectList<Locator | SourceLocation>();
  private whereOf: Int32Array;
  private lines: Int32Array;
  private columns: Int32Array;
  private count = 0;

  /** `capacity`: the places expected (the columns grow past it). */
  constructor(capacity = 1024) {
    this.whereOf = new Int32Array(capacity);
    this.lines = new Int32Array(capacity);
    this.columns = new Int32Array(capacity);
  }

  /** A new place at `line`, `column` of the text `where` locates (a location set outright ignores them). */
  add(where: Locator | SourceLocation, line: number, column: number): number {
    const k = this.count;
    if (k === this.lines.length) this.grow();
    const wheres = this.wheres;
    const n = wheres.length;
    // Statements follow each other in one frame: its locator is the last one met.
    this.whereOf[k] = n > 0 && wheres[n - 1] === where ? n - 1 : wheres.push(where) - 1;
    this.lines[k] = line;
    this.columns[k] = column;
    this.count = k + 1;
    return k;
  }

  /** The place's location (a new object each time, unless it was set outright). */
  location(place: number): SourceLocation {
    const where = this.wheres[this.whereOf[place]!]!;
    return typeof where === 'function' ? where(this.lines[place]!, this.columns[place]!) : where;
  }

  private grow(): void {
    const n = this.lines.length * 2;
    this.whereOf = grown(this.whereOf, n);
    this.lines = grown(this.lines, n);
    this.columns = grown(this.columns, n);
  }
}
