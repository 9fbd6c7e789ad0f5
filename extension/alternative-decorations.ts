// Owns marking each ALTERNATIVE block in gas-x86 editors with a background and a gutter
// mark (setting vdsoLab.alternativeDecorations), from the blocks the language server finds
// (request vdsoLab/alternativeBlocks), and dimming the lines of #if and .if branches cpp or
// GAS skips (setting vdsoLab.dimInactiveRegions; request vdsoLab/inactiveRegions), in the .S
// and in a header it includes opened beside it, as C editors grey inactive code; refreshed
// as documents change.
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { ALTERNATIVE_BLOCKS, INACTIVE_REGIONS, type DocumentParams, type WireBlock, type WireRange } from '../language-server/custom-requests';

const GUTTER = 'data:image/svg+xml;utf8,' + encodeURIComponent('<svg xmlns="http://www.w3.org/2000/svg" width="16" height="16"><rect x="5" y="0" width="4" height="16" fill="#c586c0"/></svg>');

export function registerAlternativeDecorations(context: vscode.ExtensionContext, client: LanguageClient): void {
  const decoration = vscode.window.createTextEditorDecorationType({
    isWholeLine: true,
    backgroundColor: new vscode.ThemeColor('vdsoLab.alternativeBackground'),
    gutterIconPath: vscode.Uri.parse(GUTTER),
    gutterIconSize: 'contain',
    overviewRulerColor: new vscode.ThemeColor('vdsoLab.alternativeBackground'),
    overviewRulerLane: vscode.OverviewRulerLane.Left,
  });
  const inactive = vscode.window.createTextEditorDecorationType({ isWholeLine: true, opacity: '0.55' });
  const timers = new Map<string, ReturnType<typeof setTimeout>>();
  const enabled = () => vscode.workspace.getConfiguration('vdsoLab').get<boolean>('alternativeDecorations', true);
  const dimmed = () => vscode.workspace.getConfiguration('vdsoLab').get<boolean>('dimInactiveRegions', true);

  const refresh = async (editor: vscode.TextEditor) => {
    // A file in another language may be a header an open .S includes: its skipped groups are dimmed too.
    const header = editor.document.languageId !== 'gas-x86';
    if (header && editor.document.uri.scheme !== 'file') return;
    // Requests before the client runs would be lost: wait for it (started in language-client.ts).
    for (let i = 0; i < 100 && !client.isRunning(); i++) await new Promise((done) => setTimeout(done, 100));
    const skipped = dimmed() ? await client.sendRequest<WireRange[]>(INACTIVE_REGIONS, { uri: editor.document.uri.toString() } satisfies DocumentParams) : [];
    editor.setDecorations(inactive, skipped.map((g) => new vscode.Range(g.start.line, 0, g.end.line, 0)));
    if (header) return;
    if (!enabled()) {
      editor.setDecorations(decoration, []);
      return;
    }
    const blocks = await client.sendRequest<WireBlock[]>(ALTERNATIVE_BLOCKS, { uri: editor.document.uri.toString() } satisfies DocumentParams);
    editor.setDecorations(decoration, blocks.map((b) => ({
      range: new vscode.Range(b.start.line, b.start.character, b.end.line, b.end.character),
      hoverMessage: `${b.name} block: the kernel patches these bytes at boot`,
    })));
  };
  const later = (doc: vscode.TextDocument) => {
    const key = doc.uri.toString();
    clearTimeout(timers.get(key));
    timers.set(key, setTimeout(() => {
      // A .S's edit may change what its headers' #if and .if skip.
      for (const e of vscode.window.visibleTextEditors) if (e.document === doc || (doc.languageId === 'gas-x86' && e.document.languageId !== 'gas-x86')) void refresh(e).catch(() => undefined);
    }, 200));
  };
  context.subscriptions.push(
    decoration,
    inactive,
    vscode.window.onDidChangeVisibleTextEditors((editors) => editors.forEach((e) => void refresh(e).catch(() => undefined))),
    vscode.workspace.onDidChangeTextDocument((e) => later(e.document)),
    vscode.workspace.onDidOpenTextDocument((doc) => doc.languageId === 'gas-x86' && later(doc)),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('vdsoLab.alternativeDecorations') || e.affectsConfiguration('vdsoLab.dimInactiveRegions')) vscode.window.visibleTextEditors.forEach((ed) => void refresh(ed).catch(() => undefined));
    }),
  );
  vscode.window.visibleTextEditors.forEach((e) => void refresh(e).catch(() => undefined));
}
