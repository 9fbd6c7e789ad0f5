// Owns writing the preprocessed text the way `gcc -E` spaces it (indentation kept as
// columns, one space where the source had white space or where cpp's avoid-paste rule
// wants one) and recording, for every output line, the source place it came from: the first
// token's file:line:column, which for a macro use is where the macro was invoked.

import type { SourceLocation } from '../module';
import { PREV_WHITE, avoidPaste, type Token } from './token';
import { SpanTable } from './spans';
import { FileNames } from './file-names';
import { LinePlaces } from './line-places';
import type { InvocationLine, PlainLine } from './lexer';
import type { PrintedLine, PrintedLines } from './printed-lines';
import { objectList } from '../../object-list';

/** A source token of a plain line as avoidPaste reads it (its kind as Lexer.plainLine found it). */
function plainToken(l: PlainLine, k: number): Token {
  return { kind: l.kinds[k]!, text: l.text.slice(l.starts[k], l.ends[k]), flags: 0, loc: { file: '', line: 0, column: 0 } };
}

/** Indentation strings by width (a line's leading columns), made once each. */
const INDENT: string[] = [];

function indent(width: number): string {
  return (INDENT[width] ??= ' '.repeat(width));
}

export class Printer {
  /** Where each output line came from. */
  readonly places: LinePlaces;
  readonly spans: SpanTable;
  /** The output's lines, each with its line end. */
  private readonly lines: string[] = objectList();
  /** The line being written, its pieces appended (a few short strings: cheaper than an array of them joined, which also lost its room at every line). */
  private written = '';
  /** The length of the output line being written. */
  private width = 0;
  /** The place of the line's last span (null: the line has none yet). */
  private lastFrom: SourceLocation | null = null;
  private open = false;
  private prev: Token | null = null;
  private source: Token | null = null;
  private avoid = false;

  /**
   * `sourceLength`: the main file's length, from which the spans' room is made at once (a span
   * per 8 characters: a kernel-style file has one per 7.9); grown from a small table by doubling,
   * a large file's spans were copied into eight ever larger typed arrays.
   */
  constructor(sourceLength = 0) {
    this.spans = new SpanTable(new FileNames(), Math.max(256, sourceLength >> 3));
    // A line per ~40 characters of a kernel-style file.
    this.places = new LinePlaces(sourceLength >> 5);
  }

  /** A new source line starts with token `t` (cpp's line-change callback). */
  lineChange(t: Token): void {
    if (t.kind !== 'eof') this.startLine(t.loc.file, t.loc.line, t.loc.column);
  }

  /** A new source line starts with a token at `file`:`line`:`column`. */
  private startLine(file: string, line: number, column: number): void {
    this.flush();
    this.open = true;
    this.places.add(file, line, column);
    this.width = Math.max(0, column - 2);
    if (this.width > 0) this.written += indent(this.width);
    this.prev = null;
    this.source = null;
  }

  /** Prints one token from cpp's stream; `from` is the place it maps to. */
  token(t: Token, from: SourceLocation): void {
    if (t.kind === 'padding') {
      this.avoid = true;
      if (this.source === null || (!(this.source.flags & PREV_WHITE) && t.source === null)) this.source = t.source ?? null;
      return;
    }
    if (!this.open) {
      this.open = true;
      this.places.add(from.file, from.line, from.column);
    }
    let space: boolean;
    if (this.avoid) {
      const src = this.source ?? t;
      space = (src.flags & PREV_WHITE) !== 0 || (this.prev !== null && avoidPaste(this.prev, t)) || (this.prev === null && t.kind === 'punct' && t.text === '#');
    } else space = (t.flags & PREV_WHITE) !== 0;
    if (space) {
      this.written += ' ';
      this.width++;
    }
    this.avoid = false;
    this.source = null;
    this.prev = t;
    if (this.lastFrom !== from) {
      this.spans.add(this.width + 1, from);
      this.lastFrom = from;
    }
    this.written += t.text;
    this.width += t.text.length;
  }

  /**
   * Prints a plain line (Lexer.plainLine) as `lineChange` and `token` would print its tokens: a
   * macro name's replacement tokens in its place, the first spaced as the padding before an
   * expansion makes it (white space before the name, or tokens that would paste), the rest by
   * their own white space, one span for them all at the name's place; the token after an
   * expansion spaced as the padding after one makes it.
   */
  plainLine(l: PlainLine): void {
    if (l.printed !== undefined) {
      this.printedLine(l.printed, l.file, l.line);
      return;
    }
    const { text, lineStart, count, starts, ends, white, bodies, file, line } = l;
    if (count === 0) return;
    const first = starts[0]!;
    this.startLine(file, line, first - lineStart + 1);
    // A run of source tokens with no white space between is one piece of the output.
    let runStart = first;
    let runEnd = first;
    /** The last token of the expansion printed just before (null: the token before was the source's). */
    let expanded: Token | null = null;
    for (let k = 0; k < count; k++) {
      const from = starts[k]!;
      const to = ends[k]!;
      const body = bodies[k];
      if (body === undefined) {
        const space = white[k]! || (expanded !== null && avoidPaste(expanded, plainToken(l, k)));
        if (space || expanded !== null) {
          if (runEnd > runStart) this.written += text.slice(runStart, runEnd);
          runStart = from;
        }
        if (space) {
          this.written += ' ';
          this.width++;
        }
        this.spans.addPlace(this.width + 1, file, line, from - lineStart + 1);
        runEnd = to;
        this.width += to - from;
        expanded = null;
        continue;
      }
      if (runEnd > runStart) this.written += text.slice(runStart, runEnd);
      const head = body[0]!;
      const space = white[k]! || (k === 0 ? head.kind === 'punct' && head.text === '#' : avoidPaste(expanded ?? plainToken(l, k - 1), head));
      if (space) {
        this.written += ' ';
        this.width++;
      }
      this.spans.addPlace(this.width + 1, file, line, from - lineStart + 1);
      for (let i = 0; i < body.length; i++) {
        const t = body[i]!;
        if (i > 0 && t.flags & PREV_WHITE) {
          this.written += ' ';
          this.width++;
        }
        this.written += t.text;
        this.width += t.text.length;
      }
      expanded = body[body.length - 1]!;
      runStart = runEnd = to;
    }
    if (runEnd > runStart) this.written += text.slice(runStart, runEnd);
    // After an expansion ending the line, cpp's padding is pending for the next line's first token.
    this.avoid = expanded !== null;
    this.source = null;
    this.prev = null;
    this.lastFrom = null;
    if (l.key !== undefined && this.printedLines !== null) {
      this.printedLines.set(l.key, { text: this.written, firstColumn: first - lineStart + 1, spans: this.spans.lineColumns(), endsExpanded: expanded !== null, expanded: l.expanded });
    }
  }

  /** Where plain lines are remembered by their text (preprocess sets it). */
  printedLines: PrintedLines | null = null;

  /** Prints a plain line again as it printed when it was met before (PrintedLines), at its own place. */
  private printedLine(p: PrintedLine, file: string, line: number): void {
    this.startLine(file, line, p.firstColumn);
    this.written = p.text;
    this.width = p.text.length;
    const spans = p.spans;
    for (let k = 0; k < spans.length; k += 2) this.spans.addPlace(spans[k]!, file, line, spans[k + 1]!);
    this.avoid = p.endsExpanded;
    this.source = null;
    this.prev = null;
    this.lastFrom = null;
  }

  /**
   * Prints a line that is one function-like macro invocation (Lexer.invocationLine) as
   * `lineChange` and `token` would print its tokens: its indentation, then the text its
   * template gives, with one span at the invocation; the token after it spaced as the padding
   * after an expansion makes it.
   */
  invocationLine(l: InvocationLine): void {
    this.startLine(l.file, l.line, l.column);
    this.spans.addPlace(this.width + l.spanColumn, l.file, l.line, l.column);
    this.written += l.text;
    this.width += l.text.length;
    this.avoid = true;
    this.source = null;
    this.prev = null;
    this.lastFrom = null;
  }

  private flush(): void {
    if (!this.open) return;
    this.lines.push(this.written + '\n');
    this.written = '';
    this.spans.endLine();
    this.width = 0;
    this.lastFrom = null;
    this.open = false;
  }

  /** Ends the last line; the whole output, one '\n' after each line. */
  finish(): string {
    this.flush();
    return this.lines.join('');
  }
}
