// Owns a document's analysis through the real front end: the project's cpp (with the build
// options of build-settings.ts) and the GAS front end, giving the assembled module, every
// message, cpp's macro table and includes, and the statements of both the document and
// cpp's output, each statement of the output mapped back to the user's file and line
// through macro and #include expansion. AnalysisCache keeps one analysis per document
// version: requests get the current version's (analysed on demand), edits are debounced
// and a newer version or a close cancels the pending run.
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { assembleSource, preprocessedLineMap } from '../toolchain/asm/assemble-source';
import type { PreprocessResult } from '../toolchain/asm/cpp/preprocess';
import type { AsmModule, Diagnostic, SourceLocation } from '../toolchain/asm/module';
import { statements, type Statement } from '../toolchain/asm/statements';
import { buildOptions, debounceMs, type BuildOptions, type ServerSettings } from './build-settings';

export interface DocumentText {
  readonly uri: string;
  readonly version: number;
  getText(): string;
}

/** A statement of cpp's output with the place in the user's files it came from. */
export interface ExpandedStatement {
  readonly statement: Statement;
  /** Where the statement's first label or op came from (a macro use maps to the use). */
  readonly location: SourceLocation;
  /** For each label of the statement, where it came from. */
  readonly labelLocations: readonly SourceLocation[];
}

export interface Analysis {
  readonly uri: string;
  readonly version: number;
  /** The file's path as the front end named it (absolute for file: URIs). */
  readonly file: string;
  readonly text: string;
  readonly options: BuildOptions;
  readonly module: AsmModule;
  /** Every message of cpp and the assembler, cpp's first (the assembler's are dropped while an include is missing). */
  readonly diagnostics: readonly Diagnostic[];
  /** cpp's "NAME: No such file or directory" for each #include that found nothing. */
  readonly missingIncludes: readonly Diagnostic[];
  /** What cpp produced (undefined for a .s, which GAS reads as it is). */
  readonly preprocessed: PreprocessResult | undefined;
  /** The document's own statements (as written, before cpp). */
  readonly source: readonly Statement[];
  /** The statements GAS read (after cpp), located in the user's files. */
  readonly expanded: readonly ExpandedStatement[];
}

/** The path of a file: URI, or the URI itself for other schemes (nothing is read from disk for those). */
export function uriToPath(uri: string): string {
  if (!uri.startsWith('file:')) return uri;
  try {
    return fileURLToPath(uri);
  } catch {
    return uri;
  }
}

/** Reads an included file: an open document's unsaved text first, else the disk. */
export type FileSource = (path: string) => string | undefined;

export function diskFileSource(open: (path: string) => string | undefined): FileSource {
  return (path) => {
    const text = open(path);
    if (text !== undefined) return text;
    try {
      return existsSync(path) ? readFileSync(path, 'utf8') : undefined;
    } catch {
      return undefined;
    }
  };
}

const MISSING = /: No such file or directory$/;

/** Runs the front end over one document. */
export function analyze(doc: DocumentText, settings: ServerSettings, files: FileSource, root?: string): Analysis {
  const file = uriToPath(doc.uri);
  const text = doc.getText();
  const options = buildOptions(file, settings, root);
  // The front end preprocesses names ending in .S; a kernel .S opened under another case still is.
  const { module, diagnostics, preprocessed } = assembleSource({
    file,
    text,
    includeDirs: options.includeDirs,
    defines: options.defines,
    undefines: options.undefines,
    readFile: files,
  });
  const missingIncludes = (preprocessed?.diagnostics ?? []).filter((d) => d.severity === 'error' && MISSING.test(d.message));
  const kept = missingIncludes.length > 0 ? [...(preprocessed?.diagnostics ?? [])] : diagnostics;
  return {
    uri: doc.uri,
    version: doc.version,
    file,
    text,
    options,
    module,
    diagnostics: kept,
    missingIncludes,
    preprocessed,
    source: statements(text),
    expanded: expandedStatements(preprocessed, file, text),
  };
}

function expandedStatements(pre: PreprocessResult | undefined, file: string, text: string): ExpandedStatement[] {
  if (!pre) {
    return statements(text).map((s) => ({
      statement: s,
      location: { file, line: s.line + 1, column: (s.labels[0]?.column ?? s.opColumn) + 1 },
      labelLocations: s.labels.map((l) => ({ file, line: l.line + 1, column: l.column + 1 })),
    }));
  }
  const map = preprocessedLineMap(pre, file);
  return statements(pre.text).map((s) => ({
    statement: s,
    location: map(s.line, s.labels[0]?.column ?? s.opColumn),
    labelLocations: s.labels.map((l) => map(s.line, l.column)),
  }));
}

/** The files a document's analysis read (for re-analysis when one of them changes). */
export function includedFiles(a: Analysis): string[] {
  return (a.preprocessed?.included ?? []).map((i) => i.path);
}

/** Per-document analyses, one per version; debounced re-analysis after edits. */
export class AnalysisCache {
  private readonly done = new Map<string, Analysis>();
  private readonly pending = new Map<string, ReturnType<typeof setTimeout>>();

  constructor(
    private readonly settings: () => ServerSettings,
    private readonly files: FileSource,
    private readonly onAnalysed: (a: Analysis) => void,
    private readonly root: () => string | undefined = () => undefined,
  ) {}

  /** The analysis of this version of the document (analysed now when it is not yet). */
  get(doc: DocumentText): Analysis {
    const hit = this.done.get(doc.uri);
    if (hit && hit.version === doc.version) return hit;
    this.cancel(doc.uri);
    const a = analyze(doc, this.settings(), this.files, this.root());
    this.done.set(doc.uri, a);
    return a;
  }

  /** The last analysis of a document, whatever its version (for features that tolerate staleness). */
  last(uri: string): Analysis | undefined {
    return this.done.get(uri);
  }

  /** Analyses after the debounce delay (vdsoLab.lsp.debounceMs; 0: now), then reports; a newer call replaces a pending one. */
  schedule(doc: DocumentText, delayMs = debounceMs(this.settings())): void {
    this.cancel(doc.uri);
    const run = () => {
      this.pending.delete(doc.uri);
      this.onAnalysed(this.get(doc));
    };
    if (delayMs <= 0) run();
    else this.pending.set(doc.uri, setTimeout(run, delayMs));
  }

  /** Drops a pending analysis (a newer version came, or the document closed). */
  cancel(uri: string): void {
    const t = this.pending.get(uri);
    if (t !== undefined) clearTimeout(t);
    this.pending.delete(uri);
  }

  forget(uri: string): void {
    this.cancel(uri);
    this.done.delete(uri);
  }

  /** Documents whose analysis read `path` (an included header changed), or every one when undefined. */
  dependents(path?: string): string[] {
    const out: string[] = [];
    for (const [uri, a] of this.done) if (path === undefined || includedFiles(a).includes(path)) out.push(uri);
    return out;
  }

  /** Forgets every analysis (settings changed). */
  clear(): void {
    for (const uri of [...this.pending.keys()]) this.cancel(uri);
    this.done.clear();
  }
}
