// Owns the LSP session for GAS x86 sources: one instance per connection (no module state).
// It answers document symbols and folding ranges and publishes diagnostics, all derived
// from toolchain/asm through outline.ts.
import {
  DiagnosticSeverity,
  DocumentSymbol,
  FoldingRange,
  SymbolKind,
  TextDocumentSyncKind,
  TextDocuments,
  type Connection,
  type InitializeResult,
} from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { outline } from './outline';

export function startServer(connection: Connection): void {
  const documents = new TextDocuments(TextDocument);

  connection.onInitialize((): InitializeResult => ({
    capabilities: {
      textDocumentSync: TextDocumentSyncKind.Incremental,
      documentSymbolProvider: true,
      foldingRangeProvider: true,
    },
    serverInfo: { name: 'vdso-lab' },
  }));

  const publish = (doc: TextDocument): void => {
    const { problems } = outline(doc.getText());
    void connection.sendDiagnostics({
      uri: doc.uri,
      version: doc.version,
      diagnostics: problems.map((p) => ({
        severity: p.severity === 'error' ? DiagnosticSeverity.Error : DiagnosticSeverity.Warning,
        source: 'vdso-lab',
        message: p.message,
        range: { start: { line: p.line, character: p.column }, end: { line: p.line, character: p.endColumn } },
      })),
    });
  };
  documents.onDidOpen((e) => publish(e.document));
  documents.onDidChangeContent((e) => publish(e.document));
  documents.onDidClose((e) => void connection.sendDiagnostics({ uri: e.document.uri, diagnostics: [] }));

  connection.onDocumentSymbol((params) => {
    const doc = documents.get(params.textDocument.uri);
    if (!doc) return [];
    return outline(doc.getText()).symbols.map((s) => {
      const range = { start: { line: s.line, character: s.column }, end: { line: s.line, character: s.column + s.name.length } };
      return DocumentSymbol.create(s.name, s.isGlobal ? 'global' : undefined, s.isFunction ? SymbolKind.Function : SymbolKind.Key, range, range);
    });
  });

  connection.onFoldingRanges((params) => {
    const doc = documents.get(params.textDocument.uri);
    if (!doc) return [];
    return outline(doc.getText()).folds.map((f) => FoldingRange.create(f.startLine, f.endLine));
  });

  documents.listen(connection);
  connection.listen();
}
