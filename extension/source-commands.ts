// Owns the commands behind the language server's code lenses: the patched ALTERNATIVE site
// for one CPU model, opened as a read-only document (scheme vdso-lab-site), and "Check
// contract", which runs the checker on the document and reports the verdict (failures come
// back as diagnostics on their lines).
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';

const SCHEME = 'vdso-lab-site';

export function registerSourceCommands(context: vscode.ExtensionContext, client: LanguageClient): void {
  const texts = new Map<string, string>();
  const provider: vscode.TextDocumentContentProvider = { provideTextDocumentContent: (uri) => texts.get(uri.toString()) ?? '' };
  context.subscriptions.push(
    vscode.workspace.registerTextDocumentContentProvider(SCHEME, provider),
    vscode.commands.registerCommand('vdso-lab.showPatchedSite', async (uri: string, line: number, cpu: string) => {
      const text = await client.sendRequest<string>('vdsoLab/patchedSite', { uri, line, cpu });
      const name = uri.split('/').pop() ?? 'site';
      const doc = vscode.Uri.parse(`${SCHEME}:/${name}.${line + 1}.${cpu}.txt`);
      texts.set(doc.toString(), text);
      await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(doc), { preview: true, viewColumn: vscode.ViewColumn.Beside });
    }),
    vscode.commands.registerCommand('vdso-lab.checkContract', async (uri: string) => {
      const abi = vscode.workspace.getConfiguration('vdsoLab').get<string>('abi', 'upstream');
      const result = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: 'vdso-lab: checking the contract' },
        () => client.sendRequest<{ summary: string; problems: unknown[] }>('vdsoLab/checkContract', { uri, abi }));
      void vscode.window.showInformationMessage(`vdso-lab check: ${result.summary}`);
    }),
  );
}
