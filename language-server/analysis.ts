// Owns a document's analysis through the real front end: the project's cpp (with the build
// options of build-settings.ts) and the GAS front end, giving the assembled module, every
// message, cpp's macro table and includes, and the statements of both the document and
// cpp's output, each statement of the output mapped back to the user's file and line
// through macro and #include expansion. `analyze` runs the whole document; the server goes
// through region-analysis.ts, which re-analyses only what an edit changed and gives the same,
// and answers a request whole when most regions would run (a document just opened).
// AnalysisCache keeps one analysis per document version: requests get the current version's
// (analysed on demand), edits are debounced and analysed in slices that a newer version or a
// close stops.
import { readIncludeCandidate } from '../toolchain/input-file';
import { InputError } from '../toolchain/errors';
import { fileURLToPath } from 'node:url';
import { assembleSource, preprocessedLineMap, preprocessesFile } from '../toolchain/asm/assemble-source';
import type { PreprocessResult } from '../toolchain/asm/cpp/preprocess';
import type { AsmModule, Diagnostic, LineEntry, SourceLocation } from '../toolchain/asm/module';
import { statements, type Statement } from '../toolchain/asm/statements';
import { IncrementalAnalyzer, NotSeparable } from './region-analysis';
import { lineOffsets, REGION_LINES, splitDocument, type DocumentSplit } from './regions';
import { scanAt } from './region-scan';
import { markPreview } from './preview-names';
import type { SourceScan } from './source-scan';
import { buildOptions, debounceMs, type BuildOptions, type ServerSettings } from './build-settings';

/** Where the server's lines about its own failures go (the entry point's log: stderr that drops lines to a gone reader, or the CLI's). */
export type ServerLog = (line: string) => void;

/** The log of a caller that has none (tests, the bench): the whole answer stands in for a failed region analysis anyway. */
const dropLog: ServerLog = () => undefined;

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
  /** The document's lexical scan when the analysis has it cheaper than scanning the text (from its regions' scans). */
  lexical?(): SourceScan;
  /** The lexical scan of a piece of the document that holds `line` and every ALTERNATIVE block on it (lexemes and blocks at document lines), when the analysis has one cheaper than the whole. */
  lexicalAt?(line: number): SourceScan | undefined;
  /** The lexical scans of the document's pieces (prefix, then each region), in order: the whole scan without joining them. */
  lexicalPieces?(): readonly SourceScan[];
  /** Visits the statements GAS read in order, as read (lines count from each piece's own start): for what needs only names and ops, without `expanded`'s places. */
  eachCppStatement?(f: (s: Statement) => void): void;
  /** The module's line entries as its pieces (prefix, then each region) made them, in order: `module.lines` without joining them. */
  linePieces?(): readonly (readonly LineEntry[])[];
}

const lineStarts = new WeakMap<object, readonly number[]>();

/**
 * Line `line` (0-based) of `text` without its line end, as `text.split(/\r?\n/)[line]` gives it
 * ('' past the end), the line starts found once per `owner` (the analysis, cpp's result) rather
 * than the whole text split on every request.
 */
export function lineOfText(owner: object, text: string, line: number): string {
  let starts = lineStarts.get(owner);
  if (!starts) lineStarts.set(owner, (starts = lineOffsets(text)));
  if (line < 0 || line + 1 >= starts.length) return '';
  const start = starts[line]!;
  let end = starts[line + 1]!;
  if (text.charCodeAt(end - 1) === 0x0a) end -= end - 1 > start && text.charCodeAt(end - 2) === 0x0d ? 2 : 1;
  return text.slice(start, end);
}

/** Line `line` (0-based) of the analysed document, without its line end. */
export function sourceLine(a: Analysis, line: number): string {
  return lineOfText(a, a.text, line);
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

/**
 * Reads an included file: an open document's unsaved text first, else the disk. `refusal`
 * gives, for an #include name, the one-line error of a path that names it and was refused as
 * not a file (a FIFO, a device: toolchain/input-file.ts's words, as the CLI prints them).
 */
export interface FileSource {
  (path: string): string | undefined;
  readonly refusal?: (name: string) => string | undefined;
}

export function diskFileSource(open: (path: string) => string | undefined): FileSource {
  /** Paths last refused as not a file, with the error's one line. */
  const refused = new Map<string, string>();
  const read = (path: string): string | undefined => {
    const text = open(path);
    if (text !== undefined) return text;
    refused.delete(path);
    try {
      // Checked before it is read (toolchain/input-file.ts): a FIFO would block the server
      // and a device such as /dev/zero would fill its memory.
      return readIncludeCandidate(path);
    } catch (e) {
      if (e instanceof InputError) refused.set(path, e.message);
      return undefined;
    }
  };
  const refusal = (name: string): string | undefined => {
    for (const [path, message] of refused) if (path === name || path.endsWith('/' + name)) return message;
    return undefined;
  };
  return Object.assign(read, { refusal });
}

const MISSING = /: No such file or directory$/;

/** cpp's "NAME: No such file or directory", or the file source's own line when NAME was refused as not a file. */
function missingInclude(d: Diagnostic, files: FileSource): Diagnostic {
  const message = files.refusal?.(d.message.replace(MISSING, ''));
  return message === undefined ? d : { ...d, message };
}

/** The Analysis over what the front end gave, whichever way (whole or by regions) it was made. */
class DocumentAnalysis implements Analysis {
  private sourceStatements: readonly Statement[] | undefined;
  private expandedList: readonly ExpandedStatement[] | undefined;
  readonly module: AsmModule;
  readonly diagnostics: readonly Diagnostic[];
  readonly missingIncludes: readonly Diagnostic[];
  readonly preprocessed: PreprocessResult | undefined;
  readonly lexical?: () => SourceScan;
  readonly lexicalAt?: (line: number) => SourceScan | undefined;
  readonly eachCppStatement?: (f: (s: Statement) => void) => void;
  readonly lexicalPieces?: () => readonly SourceScan[];
  readonly linePieces?: () => readonly (readonly LineEntry[])[];
  private readonly expandedOf: (() => ExpandedStatement[]) | undefined;

  constructor(
    readonly uri: string,
    readonly version: number,
    readonly file: string,
    readonly text: string,
    readonly options: BuildOptions,
    parts: { readonly module: AsmModule; readonly preprocessed: PreprocessResult | undefined; readonly lexical?: () => SourceScan; readonly lexicalAt?: (line: number) => SourceScan | undefined; readonly eachCppStatement?: (f: (s: Statement) => void) => void; readonly lexicalPieces?: () => readonly SourceScan[]; readonly linePieces?: () => readonly (readonly LineEntry[])[]; readonly expanded?: () => ExpandedStatement[] },
    files: FileSource,
  ) {
    this.expandedOf = parts.expanded;
    if (parts.lexical) this.lexical = parts.lexical;
    if (parts.lexicalAt) this.lexicalAt = parts.lexicalAt;
    if (parts.eachCppStatement) this.eachCppStatement = parts.eachCppStatement;
    if (parts.lexicalPieces) this.lexicalPieces = parts.lexicalPieces;
    if (parts.linePieces) this.linePieces = parts.linePieces;
    this.module = parts.module;
    this.preprocessed = parts.preprocessed;
    const missing = (d: Diagnostic): boolean => d.severity === 'error' && MISSING.test(d.message);
    const found = this.preprocessed?.diagnostics ?? [];
    const cpp = found.map((d) => (missing(d) ? missingInclude(d, files) : d));
    this.missingIncludes = cpp.filter((_, i) => missing(found[i]!));
    this.diagnostics = this.missingIncludes.length > 0 ? [...cpp] : [...cpp, ...this.module.diagnostics];
  }

  get source(): readonly Statement[] {
    return (this.sourceStatements ??= statements(this.text));
  }

  get expanded(): readonly ExpandedStatement[] {
    return (this.expandedList ??= this.expandedOf?.() ?? expandedStatements(this.preprocessed, this.file, this.text));
  }
}

/**
 * Runs the front end over the whole document (the reference the incremental analysis equals);
 * `split` is the document's cut when the caller has made it (a hover's piece scans use it).
 */
export function analyze(doc: DocumentText, settings: ServerSettings, files: FileSource, root?: string, split?: DocumentSplit): Analysis {
  const file = uriToPath(doc.uri);
  const text = doc.getText();
  const options = buildOptions(file, settings, root);
  // The front end preprocesses names ending in .S; a kernel .S opened under another case still is.
  const { module, preprocessed } = assembleSource({
    file,
    text,
    includeDirs: options.includeDirs,
    defines: options.defines,
    undefines: options.undefines,
    includes: options.includes,
    imacros: options.imacros,
    readFile: files,
    numericReferences: true,
  });
  const parsed = preprocessed ? () => statements(preprocessed.text) : undefined;
  return new DocumentAnalysis(doc.uri, doc.version, file, text, options, {
    module,
    preprocessed,
    lexicalAt: pieceScans(file, text, split),
    ...(parsed ? { eachCppStatement: once(parsed) } : {}),
  }, files);
}

/** Visits a list made when first visited. */
function once<T>(make: () => readonly T[]): (f: (x: T) => void) => void {
  let list: readonly T[] | undefined;
  return (f) => {
    for (const x of (list ??= make())) f(x);
  };
}

/**
 * For a whole-document analysis: the scan of the piece (prefix or region, as regions.ts cuts
 * the text) that holds a line, each piece scanned when first asked for, as an analysis by
 * regions has it (a hover reads one piece, not the whole text); undefined when the text has
 * no place to cut (the whole text is the piece).
 */
function pieceScans(file: string, text: string, made: DocumentSplit | undefined): (line: number) => SourceScan | undefined {
  // Cut when a hover first asks, unless the caller cut it already (the first tokens and findings never read it).
  const mine = made !== undefined && made.lineOffsets[made.lineOffsets.length - 1] === text.length;
  let cut: { readonly split: DocumentSplit | undefined; readonly starts: readonly number[] } | undefined = mine ? { split: made, starts: [0, ...made.starts] } : undefined;
  const scans: SourceScan[] = [];
  return (line) => {
    if (!cut) {
      const split = splitDocument(text, REGION_LINES, preprocessesFile(file));
      cut = { split, starts: split ? [0, ...split.starts] : [] };
    }
    const { split, starts } = cut;
    if (!split) return undefined;
    // The last piece starting at or before the line.
    let lo = 0;
    let hi = starts.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (starts[mid]! <= line) lo = mid + 1;
      else hi = mid;
    }
    const i = Math.max(0, lo - 1);
    const first = starts[i]!;
    const end = starts[i + 1] ?? split.lineOffsets.length - 1;
    return (scans[i] ??= scanAt(text.slice(split.lineOffsets[first], split.lineOffsets[end]), first));
  };
}

/**
 * The analysis of a document through its incremental analyzer, one region per step (see
 * region-analysis.ts); the whole document at once when the regions cannot stand for it.
 */
export function* analyzeIncrementally(doc: DocumentText, settings: ServerSettings, files: FileSource, analyzer: IncrementalAnalyzer, root?: string, log: ServerLog = dropLog): Generator<void, Analysis> {
  return (yield* buildRegions(doc, settings, files, analyzer, root, log)) ?? analyze(doc, settings, files, root);
}

/**
 * More than this share of a version's regions to assemble, and a request waiting for it is
 * answered by one whole-document analysis: assembling a region behind the prefix costs more
 * than its share of the whole (docs/speed-and-exactness.md), so a document just opened, a
 * changed prefix or an edit everywhere is answered whole, and the version's scheduled run
 * builds the regions after it (AnalysisCache).
 */
const WHOLE_SHARE = 0.5;

/** Whether this version is answered sooner by one whole-document analysis than by the analyzer's regions. */
export function answeredWhole(doc: DocumentText, settings: ServerSettings, analyzer: IncrementalAnalyzer, root?: string): boolean {
  return wholeSplit(doc, settings, analyzer, root) !== undefined;
}

/** The document's cut when this version is answered whole (answeredWhole), else undefined. */
function wholeSplit(doc: DocumentText, settings: ServerSettings, analyzer: IncrementalAnalyzer, root?: string): DocumentSplit | undefined {
  const file = uriToPath(doc.uri);
  const todo = analyzer.toRun({ file, text: doc.getText(), options: buildOptions(file, settings, root) });
  return todo !== undefined && todo.run > todo.regions * WHOLE_SHARE ? todo.split : undefined;
}

/**
 * The analysis of a version as a request gets it: whole when that is sooner (answeredWhole;
 * the caller builds the regions after it), else by regions, one per step.
 */
export function* analyzeVersion(doc: DocumentText, settings: ServerSettings, files: FileSource, analyzer: IncrementalAnalyzer, root?: string, log: ServerLog = dropLog): Generator<void, Analysis> {
  // A fresh analyzer would run every region (or find no place to cut): answered whole, without
  // cutting the text first, which the answer does not read (a 20,000-line document's cut is
  // 3-20 ms of CPU; the regions built after the answer cut it, docs/speed-and-exactness.md).
  if (analyzer.fresh) return analyze(doc, settings, files, root);
  const split = wholeSplit(doc, settings, analyzer, root);
  if (split) return analyze(doc, settings, files, root, split);
  return yield* analyzeIncrementally(doc, settings, files, analyzer, root, log);
}

/**
 * The analysis of a version by its regions, one per step (what a version answered whole builds
 * after it, so that the edits after it are analysed by regions: what the regions compose is the
 * whole answer again, test/lsp/whole-first.test.ts); undefined when the regions cannot stand
 * for the document (the caller analyses it whole if it needs the answer).
 */
export function* buildRegions(doc: DocumentText, settings: ServerSettings, files: FileSource, analyzer: IncrementalAnalyzer, root?: string, log: ServerLog = dropLog): Generator<void, Analysis | undefined> {
  const file = uriToPath(doc.uri);
  const text = doc.getText();
  const options = buildOptions(file, settings, root);
  try {
    const parts = yield* analyzer.run({ file, text, options, readFile: files });
    return new DocumentAnalysis(doc.uri, doc.version, file, text, options, parts, files);
  } catch (e) {
    if (e instanceof NotSeparable) {
      if (process.env.VDSO_LAB_LSP_DEBUG) log(`whole-document analysis: ${e.message}`);
      return undefined;
    }
    // The whole-document analysis is the reference: whatever went wrong by regions, it answers.
    log(`vdso-lab lsp: the analysis by regions of ${doc.uri} failed (${e instanceof Error ? e.message : String(e)}); analysing it whole`);
    analyzer.reset();
    return undefined;
  }
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

/** The document as it is now (a TextDocument changes under a pending run). */
function snapshot(doc: DocumentText): DocumentText {
  const text = doc.getText();
  return { uri: doc.uri, version: doc.version, getText: () => text };
}

/**
 * Per-document analyses, one per version. A request gets the current version's analysis,
 * analysed now: whole when most of its regions would run (a document just opened, a changed
 * prefix, an edit everywhere: answeredWhole), else region by region from what earlier versions
 * left. An edit is analysed after the debounce (vdsoLab.lsp.debounceMs) by regions, one per
 * turn of the event loop, and a newer edit, a request for a newer version or a close stops
 * that run between two regions (the regions it ran are kept). When a request answered the
 * version whole, the run publishes that answer and goes on building the version's regions, so
 * that the edits after it are analysed by regions.
 */
export class AnalysisCache {
  private readonly done = new Map<string, Analysis>();
  private readonly pending = new Map<string, ReturnType<typeof setTimeout>>();
  private readonly running = new Map<string, { readonly version: number; stopped: boolean }>();
  private readonly analyzers = new Map<string, IncrementalAnalyzer>();

  constructor(
    private readonly settings: () => ServerSettings,
    private readonly files: FileSource,
    private readonly onAnalysed: (a: Analysis) => void,
    private readonly root: () => string | undefined = () => undefined,
    private readonly log: ServerLog = dropLog,
    /**
     * Run, each in a turn of its own, on what the regions built after a whole answer compose:
     * what the first edit after it would otherwise compute for every region (their scans, each
     * procedure's CFI rows and findings), kept with the regions' objects.
     */
    private readonly warmers: readonly ((a: Analysis) => void)[] = [],
  ) {}

  private analyzerOf(uri: string): IncrementalAnalyzer {
    let analyzer = this.analyzers.get(uri);
    if (!analyzer) this.analyzers.set(uri, (analyzer = new IncrementalAnalyzer()));
    return analyzer;
  }

  /** The analysis of this version of the document (analysed now when it is not yet). */
  get(doc: DocumentText): Analysis {
    const hit = this.done.get(doc.uri);
    if (hit && hit.version === doc.version) return hit;
    // A run for this version goes on (it publishes what this computes); an older one stops.
    const job = this.running.get(doc.uri);
    if (job && job.version !== doc.version) this.stop(doc.uri);
    const now = snapshot(doc);
    const steps = analyzeVersion(now, this.settings(), this.files, this.analyzerOf(doc.uri), this.root(), this.log);
    let r = steps.next();
    while (!r.done) r = steps.next();
    this.done.set(doc.uri, r.value);
    // No run of this version to publish it and build its regions: one starts at the next turn.
    if (!this.pending.has(doc.uri) && !this.running.has(doc.uri)) this.schedule(now, 0);
    return r.value;
  }

  /**
   * What lines [from, to] of the current version show lexically, before its analysis is done:
   * the analysis when it is, else one of the prefix and the regions over those lines (the
   * names defined elsewhere in the file are not in it yet), with the analysis still running or
   * scheduled; undefined when only the whole document will do.
   */
  preview(doc: DocumentText, from: number, to: number): Analysis | undefined {
    const hit = this.done.get(doc.uri);
    if (hit && hit.version === doc.version) return hit;
    const analyzer = this.analyzerOf(doc.uri);
    if (!this.pending.has(doc.uri) && this.running.get(doc.uri)?.version !== doc.version) this.schedule(doc, 0);
    const now = snapshot(doc);
    const file = uriToPath(doc.uri);
    const options = buildOptions(file, this.settings(), this.root());
    try {
      const parts = analyzer.preview({ file, text: now.getText(), options, readFile: this.files }, from, to);
      return parts && markPreview(new DocumentAnalysis(doc.uri, doc.version, file, now.getText(), options, parts, this.files));
    } catch (e) {
      this.log(`vdso-lab lsp: a preview of ${doc.uri} failed: ${e instanceof Error ? e.message : String(e)}`);
      return undefined;
    }
  }

  /** What the document's last analysis by regions did (IncrementalAnalyzer.last): undefined while none has run. */
  lastRun(uri: string): IncrementalAnalyzer['last'] {
    return this.analyzers.get(uri)?.last;
  }

  /** The last analysis of a document, whatever its version (for features that tolerate staleness). */
  last(uri: string): Analysis | undefined {
    return this.done.get(uri);
  }

  /** Analyses after the debounce delay (vdsoLab.lsp.debounceMs; 0: at the next turn), then reports; a newer call replaces a pending one. */
  schedule(doc: DocumentText, delayMs = debounceMs(this.settings())): void {
    this.cancel(doc.uri);
    const start = () => {
      this.pending.delete(doc.uri);
      this.runSliced(snapshot(doc));
    };
    this.pending.set(doc.uri, setTimeout(start, Math.max(0, delayMs)));
  }

  /**
   * Runs the version's regions one per turn and publishes what they compose; when a request
   * answered the version first, publishes that answer instead and, if it was made whole, goes
   * on building the regions (then the warmers, one per turn) without publishing again.
   */
  private runSliced(doc: DocumentText): void {
    const job = { version: doc.version, stopped: false };
    this.running.set(doc.uri, job);
    const end = () => {
      if (this.running.get(doc.uri) === job) this.running.delete(doc.uri);
    };
    const analyzer = this.analyzerOf(doc.uri);
    const steps = buildRegions(doc, this.settings(), this.files, analyzer, this.root(), this.log);
    let published = false;
    let warming: { readonly a: Analysis; readonly left: ((a: Analysis) => void)[] } | undefined;
    const publish = (a: Analysis) => {
      published = true;
      this.onAnalysed(a);
    };
    const step = () => {
      if (job.stopped) return;
      try {
        if (warming) {
          const warmer = warming.left.shift();
          if (!warmer) return end();
          warmer(warming.a);
          return void setImmediate(step);
        }
        if (!published) {
          const hit = this.done.get(doc.uri);
          if (hit && hit.version === doc.version) {
            publish(hit);
            // Answered by regions: nothing is left to build.
            if (analyzer.toRun({ file: hit.file, text: hit.text, options: hit.options })?.run === 0) return end();
            return void setImmediate(step);
          }
        }
        const r = steps.next();
        if (!r.done) return void setImmediate(step);
        if (!published) {
          // The regions cannot stand for the document: it is analysed whole.
          const a = r.value ?? analyze(doc, this.settings(), this.files, this.root());
          this.done.set(doc.uri, a);
          publish(a);
          return end();
        }
        if (!r.value || this.warmers.length === 0) return end();
        warming = { a: r.value, left: [...this.warmers] };
        setImmediate(step);
      } catch (e) {
        end();
        this.log(`vdso-lab lsp: analysis of ${doc.uri} failed: ${e instanceof Error ? e.message : String(e)}`);
      }
    };
    step();
  }

  private stop(uri: string): void {
    const job = this.running.get(uri);
    if (job) job.stopped = true;
    this.running.delete(uri);
  }

  /** Drops a pending or running analysis (a newer version came, or the document closed). */
  cancel(uri: string): void {
    const t = this.pending.get(uri);
    if (t !== undefined) clearTimeout(t);
    this.pending.delete(uri);
    this.stop(uri);
  }

  forget(uri: string): void {
    this.cancel(uri);
    this.done.delete(uri);
    this.analyzers.delete(uri);
  }

  /** Documents whose analysis read `path` (an included header changed), or every one when undefined. */
  dependents(path?: string): string[] {
    const out: string[] = [];
    for (const [uri, a] of this.done) if (path === undefined || includedFiles(a).includes(path)) out.push(uri);
    return out;
  }

  /** Forgets every analysis (settings changed). */
  clear(): void {
    for (const uri of [...this.pending.keys(), ...this.running.keys()]) this.cancel(uri);
    this.done.clear();
    this.analyzers.clear();
  }
}
