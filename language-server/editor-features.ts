// Owns registering the editing helpers beyond navigation (hover, completion, inlay hints,
// code actions, code lenses, signature help, rename, and the requests behind the lenses and
// decorations: vdsoLab/patchedSite, vdsoLab/checkContract, vdsoLab/alternativeBlocks) on a session; each lives in its own module.
import {
  CodeActionKind,
  CompletionItemKind,
  DiagnosticSeverity,
  InlayHint,
  MarkupKind,
  type CompletionItem,
  type ServerCapabilities,
  type TextEdit,
} from 'vscode-languageserver';
import { stubAbi } from '../toolchain/designs/user-stub';
import { ALTERNATIVE_BLOCKS, CHECK_CONTRACT, INACTIVE_REGIONS, PATCHED_SITE, type CheckContractParams, type CheckContractResult, type DocumentParams, type PatchedSiteParams, type WireBlock, type WireRange } from './custom-requests';
import type { ServerContext } from './server';
import { diskFileSource, sourceLine, uriToPath, type Analysis } from './analysis';
import { hover } from './hover';
import { completions, type CompletionKind } from './completion';
import { inlayHintParts, inlayHints } from './inlay-hints';
import { allFindings } from './diagnostics';
import { quickFixes, type TextEditFact } from './code-actions';
import { ehFrameActions } from './eh-frame-action';
import { codeLenses, checkContract, patchedSiteText } from './code-lens';
import { signatureHelp } from './signature-help';
import { scanOf } from './semantic-tokens';
import { activeAlternatives, skippedGroupsOf } from './inactive';
import { references, renameable, uriOf } from './symbols';

const COMPLETION_KINDS: Readonly<Record<CompletionKind, CompletionItemKind>> = {
  directive: CompletionItemKind.Keyword, mnemonic: CompletionItemKind.Operator, register: CompletionItemKind.Variable,
  feature: CompletionItemKind.EnumMember, macro: CompletionItemKind.Function, label: CompletionItemKind.Reference,
};

function edit(e: TextEditFact): TextEdit {
  return { range: { start: { line: e.line, character: e.column }, end: { line: e.endLine, character: e.endColumn } }, newText: e.newText };
}

export function registerEditorFeatures(ctx: ServerContext): ServerCapabilities {
  const { connection } = ctx;
  const files = diskFileSource(ctx.openText);

  connection.onHover((params) => {
    const a = ctx.analysis(params.textDocument.uri);
    if (!a) return null;
    const h = hover(a, params.position.line, params.position.character, ctx.settings(), files);
    if (!h) return null;
    return { contents: { kind: MarkupKind.Markdown, value: h.markdown }, range: { start: { line: h.line, character: h.start }, end: { line: h.line, character: h.end } } };
  });

  connection.onCompletion((params) => {
    const a = ctx.analysis(params.textDocument.uri);
    if (!a) return [];
    const line = sourceLine(a, params.position.line);
    return completions(a, line, params.position.character).map((c): CompletionItem => ({ label: c.label, kind: COMPLETION_KINDS[c.kind], ...(c.detail ? { detail: c.detail } : {}) }));
  });

  connection.languages.inlayHint.on((params) => {
    const a = ctx.analysis(params.textDocument.uri);
    if (!a) return [];
    return inlayHints(a, params.range.start.line, params.range.end.line, inlayHintParts(ctx.settings().inlayHints)).map((h) => {
      const hint = InlayHint.create({ line: h.line, character: sourceLine(a, h.line).length }, h.label);
      hint.paddingLeft = true;
      return hint;
    });
  });

  connection.onCodeAction((params) => {
    const a = ctx.analysis(params.textDocument.uri);
    if (!a) return [];
    const fixes = quickFixes(a, allFindings(a), params.range.start.line, params.range.end.line).map((f) => ({
      title: f.title,
      kind: CodeActionKind.QuickFix,
      ...(f.fixes ? { diagnostics: params.context.diagnostics.filter((d) => d.range.start.line === f.fixes!.line && d.code === f.fixes!.kind) } : {}),
      edit: { changes: { [a.uri]: f.edits.map(edit) } },
    }));
    const rewrites = ehFrameActions(a, params.range.start.line, params.range.end.line).map((f) => ({
      title: f.title,
      kind: CodeActionKind.RefactorRewrite,
      edit: { changes: { [a.uri]: f.edits.map(edit) } },
    }));
    return [...fixes, ...rewrites];
  });

  connection.onCodeLens((params) => {
    const a = ctx.analysis(params.textDocument.uri);
    if (!a) return [];
    return codeLenses(a).map((l) => ({
      range: { start: { line: l.line, character: 0 }, end: { line: l.line, character: 0 } },
      command: { title: l.title, command: l.command, arguments: [...l.args] },
    }));
  });

  connection.onRequest(PATCHED_SITE, (p: PatchedSiteParams): string => {
    const a = ctx.analysis(p.uri);
    return a ? patchedSiteText(a, p.line, p.cpu, ctx.settings(), files) : '';
  });

  connection.onRequest(CHECK_CONTRACT, (p: CheckContractParams): CheckContractResult => {
    const a = ctx.analysis(p.uri);
    if (!a) return { summary: 'the document is not open', problems: [] };
    const result = checkContract(a, p.abi ?? ctx.settings().abi ?? stubAbi(a.file), ctx.settings(), files);
    void connection.sendDiagnostics({
      uri: a.uri,
      version: a.version,
      diagnostics: [
        ...allFindings(a).map((f) => ({ severity: f.severity === 'error' ? DiagnosticSeverity.Error : DiagnosticSeverity.Warning, source: 'vdso-lab', code: f.kind, message: f.message, range: { start: { line: f.line, character: f.column }, end: { line: f.line, character: f.endColumn } } })),
        ...result.problems.map((p) => ({ severity: DiagnosticSeverity.Error, source: 'vdso-lab check', code: 'contract', message: p.message, range: { start: { line: p.line, character: 0 }, end: { line: p.line, character: 200 } } })),
      ],
    });
    return result;
  });

  connection.onRequest(ALTERNATIVE_BLOCKS, (p: DocumentParams): WireBlock[] => {
    const a = ctx.analysis(p.uri);
    return a ? activeAlternatives(a, scanOf(a).alternatives).map((b) => ({ name: b.name, start: { line: b.startLine, character: b.startColumn }, end: { line: b.endLine, character: b.endColumn } })) : [];
  });

  // The lines cpp or GAS skips, whole lines from `start` to `end` (the extension greys them).
  // A header that is not a .S document of its own (vdso-lab.h opened from a definition) is
  // skipped as the first open document that includes it reads it.
  connection.onRequest(INACTIVE_REGIONS, (p: DocumentParams): WireRange[] => {
    let a: Analysis | undefined = ctx.analysis(p.uri);
    let file = a?.file;
    if (!a && p.uri.startsWith('file:')) {
      file = uriToPath(p.uri);
      for (const doc of ctx.documents.all()) {
        const reader = ctx.analysis(doc.uri);
        if (reader?.preprocessed?.included.some((i) => i.path === file)) {
          a = reader;
          break;
        }
      }
    }
    return a && file ? skippedGroupsOf(a, file).map((g) => ({ start: { line: g.from, character: 0 }, end: { line: g.to, character: 0 } })) : [];
  });

  connection.onSignatureHelp((params) => {
    const a = ctx.analysis(params.textDocument.uri);
    const s = a && signatureHelp(a, params.position.line, params.position.character);
    if (!s) return null;
    return { signatures: [{ label: s.label, parameters: s.parameters.map((p) => ({ label: p })) }], activeSignature: 0, activeParameter: s.active };
  });

  connection.onPrepareRename((params) => {
    const a = ctx.analysis(params.textDocument.uri);
    const w = a && renameable(a, params.position.line, params.position.character);
    return w ? { start: { line: params.position.line, character: w.start }, end: { line: params.position.line, character: w.start + w.text.length } } : null;
  });

  connection.onRenameRequest((params) => {
    const a = ctx.analysis(params.textDocument.uri);
    if (!a || !renameable(a, params.position.line, params.position.character)) return null;
    const changes: Record<string, TextEdit[]> = {};
    for (const r of references(a, params.position.line, params.position.character, files, true)) {
      const uri = uriOf(a, r.file);
      (changes[uri] ??= []).push({ range: { start: { line: r.line, character: r.column }, end: { line: r.line, character: r.column + r.length } }, newText: params.newName });
    }
    return { changes };
  });

  return {
    hoverProvider: true,
    completionProvider: { triggerCharacters: ['%', '.', '_'] },
    inlayHintProvider: true,
    codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix, CodeActionKind.RefactorRewrite] },
    codeLensProvider: { resolveProvider: false },
    signatureHelpProvider: { triggerCharacters: [',', ' ', '('] },
    renameProvider: { prepareProvider: true },
  };
}
