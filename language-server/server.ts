// Owns the LSP session for GAS x86 sources: one instance per connection (no module state).
// It keeps the documents (line-document.ts) and their analyses (analysis.ts: by regions,
// debounced per version, stopped by a newer edit) and hands each request, answered against
// the document's latest version, to the module that owns the feature.
import {
  DiagnosticSeverity,
  DocumentSymbol,
  FoldingRange,
  Location,
  SymbolKind,
  TextDocumentSyncKind,
  TextDocuments,
  type Connection,
  type InitializeParams,
  type InitializeResult,
} from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { AnalysisCache, diskFileSource, uriToPath, type Analysis, type ServerLog } from './analysis';
import { LINE_DOCUMENTS, type LineDocument } from './line-document';
import type { ServerSettings } from './build-settings';
import { findings } from './diagnostics';
import { LEGEND, encodedTokens } from './semantic-tokens';
import { definitions, documentSymbols, foldingRanges, references, uriOf, type OutlineKind } from './symbols';
import { registerEditorFeatures } from './editor-features';

const SYMBOL_KINDS: Readonly<Record<OutlineKind, SymbolKind>> = {
  function: SymbolKind.Function, label: SymbolKind.Key, object: SymbolKind.Variable, macro: SymbolKind.Method, define: SymbolKind.Constant, set: SymbolKind.Constant,
};

export interface ServerContext {
  readonly connection: Connection;
  readonly documents: TextDocuments<TextDocument>;
  readonly cache: AnalysisCache;
  settings(): ServerSettings;
  /** The analysis of the document's current version (undefined when it is not open). */
  analysis(uri: string): Analysis | undefined;
  /** The text of an open document by path, else undefined. */
  openText(path: string): string | undefined;
}

export function startServer(connection: Connection, log: ServerLog): void {
  const documents: TextDocuments<TextDocument> = new TextDocuments<LineDocument>(LINE_DOCUMENTS);
  let settings: ServerSettings = {};
  let root: string | undefined;
  let pullConfiguration = false;
  const byPath = (path: string): string | undefined => documents.all().find((d) => uriToPath(d.uri) === path)?.getText();
  const files = diskFileSource(byPath);

  /** Documents whose range tokens came from a preview: the client refreshes them after the analysis. */
  const previewed = new Set<string>();
  let refreshTokens = false;
  const publish = (a: Analysis): void => {
    const doc = documents.get(a.uri);
    if (!doc || doc.version !== a.version) return;
    void connection.sendDiagnostics({
      uri: a.uri,
      version: a.version,
      diagnostics: findings(a, settings).map((p) => ({
        severity: p.severity === 'error' ? DiagnosticSeverity.Error : DiagnosticSeverity.Warning,
        source: 'vdso-lab',
        code: p.kind,
        message: p.message,
        range: { start: { line: p.line, character: p.column }, end: { line: p.line, character: p.endColumn } },
        ...(p.fix ? { data: p.fix } : {}),
      })),
    });
    if (previewed.delete(a.uri)) {
      // Typed void, but it sends a request: a client that refuses it must not end the server.
      const sent: unknown = connection.languages.semanticTokens.refresh();
      if (sent instanceof Promise) sent.catch(() => undefined);
    }
  };
  // The regions built after a version answered whole: their scans, CFI rows and findings are made then, not at the first edit.
  const warmers = [(a: Analysis) => void encodedTokens(a), (a: Analysis) => void findings(a, settings)];
  const cache = new AnalysisCache(() => settings, files, publish, () => root, log, warmers);
  const ctx: ServerContext = {
    connection,
    documents,
    cache,
    settings: () => settings,
    analysis: (uri) => {
      const doc = documents.get(uri);
      return doc ? cache.get(doc) : undefined;
    },
    openText: byPath,
  };

  connection.onInitialize((params: InitializeParams): InitializeResult => {
    root = params.rootUri ? uriToPath(params.rootUri) : undefined;
    const init = params.initializationOptions as ServerSettings | undefined;
    if (init) settings = { ...settings, ...init };
    pullConfiguration = params.capabilities.workspace?.configuration === true;
    refreshTokens = params.capabilities.workspace?.semanticTokens?.refreshSupport === true;
    return {
      capabilities: {
        textDocumentSync: TextDocumentSyncKind.Incremental,
        documentSymbolProvider: true,
        workspaceSymbolProvider: true,
        foldingRangeProvider: true,
        definitionProvider: true,
        referencesProvider: true,
        semanticTokensProvider: { legend: LEGEND, full: true, range: true },
        ...registerEditorFeatures(ctx),
      },
      serverInfo: { name: 'vdso-lab' },
    };
  });

  const reanalyseAll = () => {
    cache.clear();
    for (const d of documents.all()) cache.schedule(d, 0);
  };
  const loadSettings = async () => {
    if (!pullConfiguration) return;
    const got = (await connection.workspace.getConfiguration('vdsoLab')) as ServerSettings | null;
    if (got) settings = { ...settings, ...got };
  };
  connection.onInitialized(() => void loadSettings().then(reanalyseAll, () => undefined));
  connection.onDidChangeConfiguration((change) => {
    const pushed = (change.settings as { vdsoLab?: ServerSettings } | undefined)?.vdsoLab;
    if (pushed) settings = { ...settings, ...pushed };
    void loadSettings().then(reanalyseAll, () => undefined);
  });

  // TextDocuments reports an opened document as changed right after it reports it opened: its
  // first version is analysed at once, an edit after the debounce.
  let opening: string | undefined;
  documents.onDidOpen((e) => {
    opening = e.document.uri;
  });
  documents.onDidChangeContent((e) => {
    const opened = opening === e.document.uri;
    opening = undefined;
    cache.schedule(e.document, opened ? 0 : undefined);
    // A header that changed: the documents including it are analysed again.
    const path = uriToPath(e.document.uri);
    for (const uri of cache.dependents(path)) {
      const d = documents.get(uri);
      if (d && uri !== e.document.uri) {
        cache.forget(uri);
        cache.schedule(d);
      }
    }
  });
  documents.onDidClose((e) => {
    cache.forget(e.document.uri);
    void connection.sendDiagnostics({ uri: e.document.uri, diagnostics: [] });
  });

  connection.onDocumentSymbol((params) => {
    const a = ctx.analysis(params.textDocument.uri);
    if (!a) return [];
    return documentSymbols(a).map((s) => {
      const selection = { start: { line: s.line, character: s.column }, end: { line: s.line, character: s.column + s.length } };
      const range = { start: { line: s.line, character: 0 }, end: { line: s.endLine, character: s.endLine > s.line ? 0 : s.column + s.length } };
      if (s.endLine > s.line) range.end = { line: s.endLine + 1, character: 0 };
      return DocumentSymbol.create(s.name, s.detail, SYMBOL_KINDS[s.kind], range, selection);
    });
  });

  connection.onWorkspaceSymbol((params) => {
    const q = params.query.toLowerCase();
    const out = [];
    for (const d of documents.all()) {
      const a = cache.get(d);
      for (const s of documentSymbols(a)) {
        if (!s.name.toLowerCase().includes(q)) continue;
        out.push({ name: s.name, kind: SYMBOL_KINDS[s.kind], location: Location.create(a.uri, { start: { line: s.line, character: s.column }, end: { line: s.line, character: s.column + s.length } }) });
      }
    }
    return out;
  });

  connection.onFoldingRanges((params) => {
    const a = ctx.analysis(params.textDocument.uri);
    return a ? foldingRanges(a).map((f) => FoldingRange.create(f.startLine, f.endLine)) : [];
  });

  connection.onDefinition((params) => {
    const a = ctx.analysis(params.textDocument.uri);
    if (!a) return [];
    return definitions(a, params.position.line, params.position.character).map((p) =>
      Location.create(uriOf(a, p.file), { start: { line: p.line, character: p.column }, end: { line: p.line, character: p.column + p.length } }));
  });

  connection.onReferences((params) => {
    const a = ctx.analysis(params.textDocument.uri);
    if (!a) return [];
    const found = references(a, params.position.line, params.position.character, files);
    // Without the declaration when the client asks so (VS Code always includes it; other editors may not).
    const declared = params.context.includeDeclaration ? [] : definitions(a, params.position.line, params.position.character);
    return found.filter((p) => !declared.some((d) => d.file === p.file && d.line === p.line && d.column === p.column)).map((p) =>
      Location.create(uriOf(a, p.file), { start: { line: p.line, character: p.column }, end: { line: p.line, character: p.column + p.length } }));
  });

  connection.languages.semanticTokens.on((params) => {
    const a = ctx.analysis(params.textDocument.uri);
    return { data: a ? encodedTokens(a) : [] };
  });
  // The visible range first: from the regions over it while the whole analysis runs; the
  // client is asked to refresh its tokens once that is done.
  connection.languages.semanticTokens.onRange((params) => {
    const doc = documents.get(params.textDocument.uri);
    const early = doc && cache.preview(doc, params.range.start.line, params.range.end.line);
    if (early && early !== cache.last(doc.uri) && refreshTokens) previewed.add(doc.uri);
    const a = early ?? ctx.analysis(params.textDocument.uri);
    return { data: a ? encodedTokens(a, params.range.start.line, params.range.end.line) : [] };
  });

  documents.listen(connection);
  connection.listen();
}
