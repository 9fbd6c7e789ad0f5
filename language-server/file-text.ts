// Owns the text of the files an analysis looks into after it is done (the document and the
// files its #include directives read), as requests see it: references and rename search
// them, a feature's hover quotes its #define's comment. Each file is read once per analysis
// through the server's FileSource (an open document's unsaved text, else the disk, a FIFO or
// a device refused as cpp refuses them) and its line starts found once, never read and
// split again on every request.
import { lineOfText, type Analysis } from './analysis';
import { lineOffsets } from './regions';

/** Reads a file the analysis names: the server's FileSource, or the open documents' text. */
export type ReadFile = (path: string) => string | undefined;

export interface FileText {
  readonly text: string;
  /** The offset of each line's start, and the text's length at the end. */
  readonly starts: readonly number[];
}

const read = new WeakMap<Analysis, Map<string, FileText | undefined>>();

/** The text of `file` as this analysis sees it (the document's own for its own file), or undefined when it cannot be read. */
export function fileText(a: Analysis, file: string, readFile: ReadFile): FileText | undefined {
  let files = read.get(a);
  if (!files) read.set(a, (files = new Map()));
  if (files.has(file)) return files.get(file);
  const text = file === a.file ? a.text : readFile(file);
  const found = text === undefined ? undefined : { text, starts: lineOffsets(text) };
  files.set(file, found);
  return found;
}

/** Line `line` (0-based) of `file` without its line end ('' past the end or when it cannot be read). */
export function lineOfFile(a: Analysis, file: string, line: number, readFile: ReadFile): string {
  const f = fileText(a, file, readFile);
  return f ? lineOfText(f, f.text, line) : '';
}

/** The 0-based line holding `offset` of a file's text. */
export function lineAt(f: FileText, offset: number): number {
  let lo = 0;
  let hi = f.starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (f.starts[mid]! <= offset) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}
