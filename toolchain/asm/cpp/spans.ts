// Owns where each line of cpp's output came from, kept as numbers: for every output line, its
// spans (from a column on, the text came from one place), four integers a span in one typed
// array, with a table of file names. The printer writes a span per token whose place differs
// from the one before; keeping an object (and its place) per span was most of what a large
// file's preprocessing left for the collector to copy. Places are made when asked for.

import type { SourceLocation } from '../module';
import { grown } from '../../grown';
import { FileNames } from './file-names';

/** From `column` (1-based) on in an output line, text came from `location`. */
export interface OutputSpan {
  readonly column: number;
  readonly location: SourceLocation;
}

/** The spans of cpp's output lines. */
export interface OutputSpans {
  /** How many output lines there are. */
  readonly length: number;
  /** Output line `line`'s spans in column order (0-based line; made on each call). */
  line(line: number): OutputSpan[];
  /**
   * The place of output line `line`'s last span starting at or before `column` (its first
   * when none does); undefined when the line has no span.
   */
  locate(line: number, column: number): SourceLocation | undefined;
  /** The same spans with the places in `file` moved down by `lines`. */
  moved(file: string, lines: number): OutputSpans;
}

/** Integers per span: the output column, the file's index, the line and the column of its place. */
const FIELDS = 4;

/** Spans written line by line (the printer's), or copied from others. */
export class SpanTable implements OutputSpans {
  private data: Int32Array;
  private used = 0;
  /** Where each line's spans start in `data` (in spans), and one more entry: the end. */
  private starts: Int32Array;
  private lines = 0;

  constructor(
    private readonly files: FileNames = new FileNames(),
    capacity = 256,
  ) {
    this.data = new Int32Array(capacity * FIELDS);
    this.starts = new Int32Array(Math.max(16, capacity));
  }

  get length(): number {
    return this.lines;
  }

  /** Adds a span to the line being written. */
  add(column: number, location: SourceLocation): void {
    this.addPlace(column, location.file, location.line, location.column);
  }

  /** Adds a span to the line being written, its place given as file, line and column. */
  addPlace(column: number, file: string, line: number, sourceColumn: number): void {
    if ((this.used + 1) * FIELDS > this.data.length) {
      this.data = grown(this.data, Math.max(16 * FIELDS, this.data.length * 2));
    }
    const k = this.used * FIELDS;
    this.data[k] = column;
    this.data[k + 1] = this.files.number(file);
    this.data[k + 2] = line;
    this.data[k + 3] = sourceColumn;
    this.used++;
  }

  /** The output and source columns, in pairs, of the spans of the line being written. */
  lineColumns(): Int32Array {
    const from = this.starts[this.lines]!;
    const out = new Int32Array(2 * (this.used - from));
    for (let k = from; k < this.used; k++) {
      out[2 * (k - from)] = this.data[k * FIELDS]!;
      out[2 * (k - from) + 1] = this.data[k * FIELDS + 3]!;
    }
    return out;
  }

  /** Ends the line being written (its spans are those added since the last end). */
  endLine(): void {
    if (this.lines + 2 > this.starts.length) {
      this.starts = grown(this.starts, this.starts.length * 2);
    }
    this.lines++;
    this.starts[this.lines] = this.used;
  }

  private place(k: number): SourceLocation {
    const at = k * FIELDS;
    return { file: this.files.name(this.data[at + 1]!), line: this.data[at + 2]!, column: this.data[at + 3]! };
  }

  line(line: number): OutputSpan[] {
    const out: OutputSpan[] = [];
    if (line < 0 || line >= this.lines) return out;
    for (let k = this.starts[line]!; k < this.starts[line + 1]!; k++) out.push({ column: this.data[k * FIELDS]!, location: this.place(k) });
    return out;
  }

  locate(line: number, column: number): SourceLocation | undefined {
    if (line < 0 || line >= this.lines) return undefined;
    const from = this.starts[line]!;
    const to = this.starts[line + 1]!;
    if (from === to) return undefined;
    let best = from;
    for (let k = from; k < to; k++) if (this.data[k * FIELDS]! <= column) best = k;
    return this.place(best);
  }

  moved(file: string, lines: number): OutputSpans {
    const index = this.files.find(file);
    if (lines === 0 || index === undefined) return this;
    const out = new SpanTable(this.files.copy(), 0);
    out.data = this.data.slice(0, this.used * FIELDS);
    for (let k = 0; k < this.used; k++) if (out.data[k * FIELDS + 1] === index) out.data[k * FIELDS + 2] = out.data[k * FIELDS + 2]! + lines;
    out.used = this.used;
    out.starts = this.starts.slice(0, this.lines + 1);
    out.lines = this.lines;
    return out;
  }
}

/** `count` output lines with no span (a piece the assembler reads as written). */
export function noSpans(count: number): OutputSpans {
  const t = new SpanTable(new FileNames(), 0);
  for (let i = 0; i < count; i++) t.endLine();
  return t;
}

/** Consecutive pieces' spans as one (the lines of each after those of the ones before it). */
export function joinSpans(pieces: readonly OutputSpans[]): OutputSpans {
  return new JoinedSpans(pieces);
}

class JoinedSpans implements OutputSpans {
  /** The first line of each piece, and one more entry: the length. */
  private readonly bases: number[] = [0];

  constructor(private readonly pieces: readonly OutputSpans[]) {
    for (const p of pieces) this.bases.push(this.bases[this.bases.length - 1]! + p.length);
  }

  get length(): number {
    return this.bases[this.bases.length - 1]!;
  }

  /** The piece holding `line` (-1: none). */
  private pieceOf(line: number): number {
    if (line < 0 || line >= this.length) return -1;
    let lo = 0;
    let hi = this.pieces.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.bases[mid + 1]! <= line) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  line(line: number): OutputSpan[] {
    const i = this.pieceOf(line);
    return i < 0 ? [] : this.pieces[i]!.line(line - this.bases[i]!);
  }

  locate(line: number, column: number): SourceLocation | undefined {
    const i = this.pieceOf(line);
    return i < 0 ? undefined : this.pieces[i]!.locate(line - this.bases[i]!, column);
  }

  moved(file: string, lines: number): OutputSpans {
    return lines === 0 ? this : new JoinedSpans(this.pieces.map((p) => p.moved(file, lines)));
  }
}
