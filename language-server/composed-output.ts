// Owns cpp's output of a document analysed by regions (region-analysis.ts): the prefix's and
// the regions' outputs read as one PreprocessResult, the text and the line places joined when
// first read. A class, not a literal: a literal of these names shared its map with the one cpp
// returns (preprocess.ts), and the first one made, its spans of another class, gave up cpp's
// compiled code (docs/speed-and-exactness.md, the first answer a sixth time).
import type { PreprocessResult } from '../toolchain/asm/cpp/preprocess';
import { joinSpans, type OutputSpans } from '../toolchain/asm/cpp/spans';
import type { Diagnostic, SkippedGroup, SourceLocation } from '../toolchain/asm/module';

export class ComposedOutput implements PreprocessResult {
  readonly spans: OutputSpans;
  readonly diagnostics: readonly Diagnostic[];
  readonly macros: PreprocessResult['macros'];
  readonly included: PreprocessResult['included'];
  readonly skipped: readonly SkippedGroup[];
  #text: string | undefined;
  #lines: SourceLocation[] | undefined;

  /** `pieces`: the prefix's output, then each region's, in order. */
  constructor(private readonly pieces: readonly PreprocessResult[]) {
    this.spans = joinSpans(pieces.map((p) => p.spans));
    this.diagnostics = ([] as Diagnostic[]).concat(...pieces.map((p) => p.diagnostics));
    this.macros = pieces[0]!.macros;
    this.included = pieces[0]!.included;
    this.skipped = ([] as SkippedGroup[]).concat(...pieces.map((p) => p.skipped));
    this.#text = undefined;
    this.#lines = undefined;
  }

  // cpp's whole output is joined when first read (a hover on a macro use, the names' `.macro`
  // search): an edit's findings never read it.
  get text(): string {
    return (this.#text ??= this.pieces.map((p) => p.text).join(''));
  }

  // Made when first read, as cpp's own (line-places.ts): each piece's list of places is made then.
  get lines(): readonly SourceLocation[] {
    return (this.#lines ??= ([] as SourceLocation[]).concat(...this.pieces.map((p) => p.lines)));
  }
}
