// Owns starting and stopping the language server for gas-x86 documents (the server is
// the bundled dist/language-server.js, run over IPC as VS Code's Node client does); its log
// is the extension's output channel.
import * as vscode from 'vscode';
import { LanguageClient, TransportKind, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';

export function startLanguageClient(context: vscode.ExtensionContext, log: vscode.OutputChannel): LanguageClient {
  const module = context.asAbsolutePath('dist/language-server.js');
  const serverOptions: ServerOptions = {
    run: { module, transport: TransportKind.ipc },
    debug: { module, transport: TransportKind.ipc, options: { execArgv: ['--nolazy'] } },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [{ language: 'gas-x86' }],
    // The server pulls `vdsoLab` settings and is told when they change.
    synchronize: { configurationSection: 'vdsoLab' },
    outputChannel: log,
  };
  const client = new LanguageClient('vdso-lab', 'vdso-lab language server', serverOptions, clientOptions);
  client.start().catch((e: unknown) => void vscode.window.showErrorMessage(`vdso-lab language server did not start: ${String(e)}`));
  return client;
}
