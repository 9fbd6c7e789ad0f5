// The VS Code extension's entry: starts the language client, registers the commands and the `vdso` debugger.
// Only this folder imports `vscode`; everything it shows comes from the core libraries. The
// extension has one output channel, "vdso-lab": the language server's log and the debug
// adapter's both go there.
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { startLanguageClient } from './language-client';
import { registerInspectCommands } from './inspect-commands';
import { registerDebugger } from './debug-config';
import { registerAlternativeDecorations } from './alternative-decorations';
import { registerSourceCommands } from './source-commands';
import { registerCacheSetting } from './cache-setting';

let client: LanguageClient | undefined;

export function activate(context: vscode.ExtensionContext): void {
  registerCacheSetting(context);
  const log = vscode.window.createOutputChannel('vdso-lab');
  context.subscriptions.push(log);
  client = startLanguageClient(context, log);
  registerAlternativeDecorations(context, client);
  registerSourceCommands(context, client);
  registerInspectCommands(context);
  registerDebugger(context, log);
}

export function deactivate(): Thenable<void> | undefined {
  return client?.stop();
}
