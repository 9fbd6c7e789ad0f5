// Owns the server's open-document text: kept as lines (each with its own line end), so that
// an incremental didChange costs what the lines it touches cost, not a copy of the whole text
// (vscode-languageserver-textdocument's update copies a 5 MB document on every keystroke).
// The whole text is joined once per version, when something asks for it.
import type { Position, Range, TextDocument, TextDocumentContentChangeEvent } from 'vscode-languageserver-textdocument';
import type { TextDocumentsConfiguration } from 'vscode-languageserver';

/** The lines of a text, each with its line end ('\n', '\r\n' or '\r'); the last one may have none. */
function splitLines(text: string): string[] {
  const out: string[] = [];
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x0a || c === 0x0d) {
      if (c === 0x0d && text.charCodeAt(i + 1) === 0x0a) i++;
      out.push(text.slice(start, i + 1));
      start = i + 1;
    }
  }
  out.push(text.slice(start));
  return out;
}

function contentLength(line: string): number {
  if (line.endsWith('\r\n')) return line.length - 2;
  return line.endsWith('\n') || line.endsWith('\r') ? line.length - 1 : line.length;
}

export class LineDocument implements TextDocument {
  private lines: string[];
  private text: string | undefined;
  private offsets: number[] | undefined;

  constructor(readonly uri: string, readonly languageId: string, public version: number, content: string) {
    this.lines = splitLines(content);
    this.text = content;
  }

  get lineCount(): number {
    return this.lines.length;
  }

  getText(range?: Range): string {
    this.text ??= this.lines.join('');
    if (!range) return this.text;
    return this.text.slice(this.offsetAt(range.start), this.offsetAt(range.end));
  }

  private lineOffsets(): number[] {
    if (!this.offsets) {
      const out = new Array<number>(this.lines.length + 1);
      out[0] = 0;
      for (let i = 0; i < this.lines.length; i++) out[i + 1] = out[i]! + this.lines[i]!.length;
      this.offsets = out;
    }
    return this.offsets;
  }

  offsetAt(position: Position): number {
    const offsets = this.lineOffsets();
    if (position.line >= this.lines.length) return offsets[this.lines.length]!;
    if (position.line < 0) return 0;
    const line = this.lines[position.line]!;
    return offsets[position.line]! + Math.max(0, Math.min(position.character, contentLength(line)));
  }

  positionAt(offset: number): Position {
    const offsets = this.lineOffsets();
    const at = Math.max(0, Math.min(offset, offsets[this.lines.length]!));
    let lo = 0;
    let hi = this.lines.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (offsets[mid]! <= at) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo, character: Math.min(at - offsets[lo]!, contentLength(this.lines[lo]!)) };
  }

  getLineRange(line: number): Range {
    const l = Math.max(0, Math.min(line, this.lines.length - 1));
    return { start: { line: l, character: 0 }, end: { line: l, character: contentLength(this.lines[l]!) } };
  }

  getEOLCharacters(line: number): string {
    const text = this.lines[Math.max(0, Math.min(line, this.lines.length - 1))]!;
    return text.slice(contentLength(text));
  }

  /** Applies the changes in order (positions of each are in the text the ones before it left). */
  update(changes: readonly TextDocumentContentChangeEvent[], version: number): void {
    for (const change of changes) {
      if (!('range' in change) || !change.range) {
        this.lines = splitLines(change.text);
        continue;
      }
      const { start, end } = change.range;
      const startLine = Math.max(0, Math.min(start.line, this.lines.length - 1));
      const endLine = Math.max(startLine, Math.min(end.line, this.lines.length - 1));
      const first = this.lines[startLine]!;
      const last = this.lines[endLine]!;
      const startCharacter = start.line < 0 ? 0 : start.line >= this.lines.length ? contentLength(first) : start.character;
      const before = first.slice(0, Math.max(0, Math.min(startCharacter, contentLength(first))));
      const after = end.line >= this.lines.length ? '' : last.slice(Math.max(0, Math.min(end.character, contentLength(last))));
      const replaced = splitLines(before + change.text + after);
      // A change that ends the text inside the last line leaves no empty line after it.
      if (replaced.length > 1 && replaced[replaced.length - 1] === '' && endLine < this.lines.length - 1) replaced.pop();
      this.lines.splice(startLine, endLine - startLine + 1, ...replaced);
    }
    this.text = undefined;
    this.offsets = undefined;
    this.version = version;
  }
}

/** What TextDocuments needs to keep LineDocuments. */
export const LINE_DOCUMENTS: TextDocumentsConfiguration<LineDocument> = {
  create: (uri, languageId, version, content) => new LineDocument(uri, languageId, version, content),
  update: (doc, changes, version) => {
    doc.update(changes, version);
    return doc;
  },
};
