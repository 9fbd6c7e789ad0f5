// Owns how a hover names a file the document reads: a header by the name its #include spelled
// (`vdso-lab.h`, as the cpp read it, also through a macro), else the path relative to the
// document's directory when it lies under it, else the file's name; never the absolute path an
// include directory (the extension's own install directory, say) made of it.
import { basename, dirname, isAbsolute, relative } from 'node:path';
import type { Analysis } from './analysis';

export function shownPath(a: Analysis, file: string): string {
  const from = a.preprocessed?.included.find((i) => i.path === file);
  if (from) return from.name;
  const rel = relative(dirname(a.file), file);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : basename(file);
}
