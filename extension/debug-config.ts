// Owns the editor side of debug type `vdso`: the configuration provider (the initial
// launch.json entries: a program, and the open .S, and a launch of the open .S/.s file itself when no launch.json exists) and
// the inline adapter factory that runs the DAP session in the extension host itself, its log
// (an internal error's line) in the extension's output channel.
import * as vscode from 'vscode';
import { VdsoDebugSession } from '../debug-adapter/session';
import { DEBUG_TYPE, INITIAL_CONFIGURATION, INITIAL_CONFIGURATIONS } from '../emulator/debug/launch-schema';

export { DEBUG_TYPE };

/** The launch configuration a new launch.json gets (emulator/debug/launch-schema.ts). */
export function initialConfiguration(): vscode.DebugConfiguration {
  return { ...INITIAL_CONFIGURATION };
}

class VdsoConfigurationProvider implements vscode.DebugConfigurationProvider {
  provideDebugConfigurations(): vscode.ProviderResult<vscode.DebugConfiguration[]> {
    return INITIAL_CONFIGURATIONS.map((c) => ({ ...c }));
  }

  /**
   * An empty configuration (F5 with no launch.json) becomes the initial one, running the open
   * .S/.s file when there is one (the adapter assembles and links it); a missing program is asked for.
   */
  async resolveDebugConfiguration(folder: vscode.WorkspaceFolder | undefined, config: vscode.DebugConfiguration): Promise<vscode.DebugConfiguration | undefined> {
    if (!config.type && !config.request && !config.name) {
      config = initialConfiguration();
      const editor = vscode.window.activeTextEditor;
      if (editor && editor.document.languageId === 'gas-x86' && editor.document.uri.scheme === 'file') {
        config.program = editor.document.uri.fsPath;
        config.name = `vdso-lab: run ${editor.document.uri.path.split('/').pop()}`;
      }
    }
    if (!config.program) {
      const picked = await vscode.window.showOpenDialog({ canSelectMany: false, openLabel: 'Debug this i386 program', defaultUri: folder?.uri });
      if (!picked || picked.length === 0) return undefined;
      config.program = picked[0]!.fsPath;
    }
    if (!config.cwd && folder) config.cwd = folder.uri.fsPath;
    return config;
  }
}

class InlineAdapterFactory implements vscode.DebugAdapterDescriptorFactory {
  constructor(private readonly log: vscode.OutputChannel) {}

  createDebugAdapterDescriptor(): vscode.ProviderResult<vscode.DebugAdapterDescriptor> {
    // No transport runs inline (debug-adapter/transport.ts gives the stand-alone adapter its
    // sink): the session's log lines go to the channel.
    const session = new VdsoDebugSession();
    session.logTo((line) => this.log.appendLine(line));
    return new vscode.DebugAdapterInlineImplementation(session);
  }
}

export function registerDebugger(context: vscode.ExtensionContext, log: vscode.OutputChannel): void {
  context.subscriptions.push(
    vscode.debug.registerDebugConfigurationProvider(DEBUG_TYPE, new VdsoConfigurationProvider()),
    vscode.debug.registerDebugAdapterDescriptorFactory(DEBUG_TYPE, new InlineAdapterFactory(log)),
  );
}
