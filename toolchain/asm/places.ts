// Owns the places of statements the assembler refers to after it has moved on: where a symbol
// was defined or first named, the statement of a fixup or a variable part (for messages made
// at the end), the statement of each line entry. A place is an index into columns (the 0-based
// line and column in the frame's text; the frame's locator by the run of places it is in); its
// SourceLocation object is made only when something asks for it, since most are never read
// (an object file has no use for them) and each object made while reading was one more for the
// collector to copy.
import type { SourceLocation } from './module';
import type { Locator } from './state';
import { objectList } from '../object-list';
import { grown } from '../grown';

/** No place (a symbol nothing located yet). */
export const NO_PLACE = -1;

export class Places {
  /**
   * The locator (or location set outright) of each run of places in one frame (a frame met
   * again after another starts a run again): statements follow each other in one frame, so a
   * run is long, and its first place (`runStarts`) is all a place needs to find its locator,
   * not a column entry of its own.
   */
  private readonly wheres = objectList<Locator | SourceLocation>();
  private runStarts = new Int32Array(64);
  /** The run the last `location` found (a consumer reads places mostly in order). */
  private lastRun = 0;
  private lines: Int32Array;
  private columns: Int32Array;
  private count = 0;

  /** `capacity`: the places expected (the columns grow past it). */
  constructor(capacity = 1024) {
    this.lines = new Int32Array(capacity);
    this.columns = new Int32Array(capacity);
  }

  /** A new place at `line`, `column` of the text `where` locates (a location set outright ignores them). */
  add(where: Locator | SourceLocation, line: number, column: number): number {
    const k = this.count;
    if (k === this.lines.length) this.grow();
    const wheres = this.wheres;
    const n = wheres.length;
    if (n === 0 || wheres[n - 1] !== where) {
      if (n === this.runStarts.length) this.runStarts = grown(this.runStarts, 2 * n);
      this.runStarts[n] = k;
      wheres.push(where);
    }
    this.lines[k] = line;
    this.columns[k] = column;
    this.count = k + 1;
    return k;
  }

  /** The place's location (a new object each time, unless it was set outright). */
  location(place: number): SourceLocation {
    const where = this.wheres[this.runOf(place)]!;
    return typeof where === 'function' ? where(this.lines[place]!, this.columns[place]!) : where;
  }

  /** The run `place` is in: the last whose first place is at or before it. */
  private runOf(place: number): number {
    const starts = this.runStarts;
    const n = this.wheres.length;
    const r = this.lastRun;
    if (r < n && starts[r]! <= place && (r + 1 === n || starts[r + 1]! > place)) return r;
    let lo = 0;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (starts[mid]! <= place) lo = mid;
      else hi = mid - 1;
    }
    this.lastRun = lo;
    return lo;
  }

  private grow(): void {
    const n = this.lines.length * 2;
    this.lines = grown(this.lines, n);
    this.columns = grown(this.columns, n);
  }
}
