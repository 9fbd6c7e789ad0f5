// Owns remembering what a plain line (Lexer.plainLine) printed, by its text: a kernel .S
// repeats a few instruction and CFI lines thousands of times, and a plain line's printed text,
// its spans' columns and the tokens its expansions count depend on its text and the macro
// table alone (Printer.plainLine reads nothing of the lines before it). Forgotten whenever a
// macro is defined or removed (Engine); the place (file, line) is the line's own each time.

/** What a plain line printed. */
export interface PrintedLine {
  /** The printed line without its end, indentation included. */
  readonly text: string;
  /** The column of its first character (its place in the line map). */
  readonly firstColumn: number;
  /** Each span's output column and source column, in pairs. */
  readonly spans: Int32Array;
  /** It ended with a macro's expansion (the padding after one is pending for the next line). */
  readonly endsExpanded: boolean;
  /** The tokens its expansions count toward Engine's bound. */
  readonly expanded: number;
}

/** Lines remembered at most (a file of lines that never repeat keeps no more than this). */
const MOST = 4096;

export class PrintedLines {
  private readonly lines = new Map<string, PrintedLine>();

  get(text: string): PrintedLine | undefined {
    return this.lines.get(text);
  }

  set(text: string, line: PrintedLine): void {
    if (this.lines.size < MOST) this.lines.set(text, line);
  }

  clear(): void {
    if (this.lines.size > 0) this.lines.clear();
  }
}
