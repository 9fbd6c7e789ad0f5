// Owns how a hover names a file the document reads: a header as its #include directive spells
// it (`vdso-lab.h`), else the path relative to the document's directory when it lies under it,
// else the file's name; never the absolute path an include directory (the extension's own
// install directory, say) made of it.
import { basename, dirname, isAbsolute, relative } from 'node:path';
import type { Analysis, FileSource } from './analysis';
import { lineOfFile } from './file-text';

export function shownPath(a: Analysis, file: string, read: FileSource): string {
  const from = a.preprocessed?.included.find((i) => i.path === file);
  if (from) {
    const spelled = /^\s*#\s*include\s*[<"]([^>"]+)[>"]/.exec(lineOfFile(a, from.location.file, from.location.line - 1, read));
    if (spelled) return spelled[1]!;
  }
  const rel = relative(dirname(a.file), file);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : basename(file);
}
