// The VS Code extension's entry: starts the language client and registers the commands.
// Only this folder imports `vscode`; everything it shows comes from the core libraries.
import type * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { startLanguageClient } from './language-client';
import { registerInspectCommands } from './inspect-commands';

let client: LanguageClient | undefined;

export function activate(context: vscode.ExtensionContext): void {
  client = startLanguageClient(context);
  registerInspectCommands(context);
}

export function deactivate(): Thenable<void> | undefined {
  return client?.stop();
}
