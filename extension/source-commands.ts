// Owns the commands behind the language server's code lenses: the patched ALTERNATIVE site
// for one CPU model, opened as a read-only document (scheme vdso-lab-site), and "Check
// contract", which runs the checker on the document and reports the verdict (failures come
// back as diagnostics on their lines), and "Debug", which launches the stub as the vDSO under
// the shipped caller program with a function breakpoint on the stub function (removed again
// when the session ends, unless it was there before).
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { stubLaunchConfiguration } from '../emulator/debug/launch-schema';
import { isKernelAbi, isKernelKind, type KernelAbi } from '../toolchain/designs/options';
import { CHECK_CONTRACT, PATCHED_SITE } from '../language-server/custom-requests';

const SCHEME = 'vdso-lab-site';

/** vdsoLab.abi when the user (or the workspace) set it to a kernel ABI, else undefined. */
function userAbi(): KernelAbi | undefined {
  const set = vscode.workspace.getConfiguration('vdsoLab').inspect<string>('abi');
  const abi = set?.workspaceFolderValue ?? set?.workspaceValue ?? set?.globalValue;
  return abi && isKernelAbi(abi) ? abi : undefined;
}

export function registerSourceCommands(context: vscode.ExtensionContext, client: LanguageClient): void {
  const texts = new Map<string, string>();
  const provider: vscode.TextDocumentContentProvider = { provideTextDocumentContent: (uri) => texts.get(uri.toString()) ?? '' };
  context.subscriptions.push(
    vscode.workspace.registerTextDocumentContentProvider(SCHEME, provider),
    vscode.commands.registerCommand('vdso-lab.showPatchedSite', async (uri: string, line: number, cpu: string) => {
      const text = await client.sendRequest<string>(PATCHED_SITE, { uri, line, cpu });
      const name = uri.split('/').pop() ?? 'site';
      const doc = vscode.Uri.parse(`${SCHEME}:/${name}.${line + 1}.${cpu}.txt`);
      texts.set(doc.toString(), text);
      await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(doc), { preview: true, viewColumn: vscode.ViewColumn.Beside });
    }),
    vscode.commands.registerCommand('vdso-lab.checkContract', async (uri: string) => {
      // vdsoLab.abi only when the user set it: otherwise the server takes a design's own ABI for its .S.
      const abi = userAbi();
      const result = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: 'vdso-lab: checking the contract' },
        () => client.sendRequest<{ summary: string }>(CHECK_CONTRACT, { uri, abi }));
      void vscode.window.showInformationMessage(`vdso-lab check: ${result.summary}`);
    }),
    vscode.commands.registerCommand('vdso-lab.debugStub', async (uri: string, fn: string) => {
      const doc = vscode.Uri.parse(uri);
      // The adapter builds the stub from the file: unsaved edits are saved first.
      const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === doc.toString());
      if (open?.isDirty && !(await open.save())) return;
      const settings = vscode.workspace.getConfiguration('vdsoLab');
      const kernel = settings.get<string>('kernel');
      // vdsoLab.abi only when the user set it: otherwise a design's own .S runs with its design's ABI.
      const abi = userAbi();
      const config = stubLaunchConfiguration(doc.fsPath, fn, {
        ...(kernel && isKernelKind(kernel) ? { kernel } : {}),
        ...(abi ? { abi } : {}),
      });
      const present = vscode.debug.breakpoints.some((b) => b instanceof vscode.FunctionBreakpoint && b.functionName === fn);
      const added = present ? [] : [new vscode.FunctionBreakpoint(fn)];
      vscode.debug.addBreakpoints(added);
      const started = await vscode.debug.startDebugging(vscode.workspace.getWorkspaceFolder(doc), { ...config });
      if (!started) {
        vscode.debug.removeBreakpoints(added);
        return;
      }
      const ended = vscode.debug.onDidTerminateDebugSession((s) => {
        if (s.configuration.name !== config.name) return;
        vscode.debug.removeBreakpoints(added);
        ended.dispose();
      });
      context.subscriptions.push(ended);
    }),
  );
}
