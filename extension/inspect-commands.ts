// Owns the commands that show what vdso-lab reads out of an ELF file (its unwind table,
// its exported symbols) in a read-only editor tab (scheme `vdso-lab`). They run the bundled
// CLI, so the editor shows exactly what `vdso-lab frames` and `vdso-lab symbols` print.
import * as vscode from 'vscode';
import { execFile } from 'node:child_process';

interface InspectCommand {
  readonly id: string;
  readonly args: readonly string[];
  readonly title: string;
}

const INSPECT: readonly InspectCommand[] = [
  { id: 'vdso-lab.showUnwindTable', args: ['frames', '--interp'], title: 'unwind table' },
  { id: 'vdso-lab.showFrames', args: ['frames'], title: 'CFI (as readelf --debug-dump=frames)' },
  { id: 'vdso-lab.showSymbols', args: ['symbols'], title: 'exported symbols' },
];

function runCli(cli: string, args: readonly string[]): Promise<{ stdout: string; stderr: string; status: number }> {
  return new Promise((done) => {
    execFile(process.execPath, [cli, ...args], { maxBuffer: 64 << 20 }, (error, stdout, stderr) => {
      const status = error ? (typeof error.code === 'number' ? error.code : 70) : 0;
      done({ stdout, stderr, status });
    });
  });
}

async function pickFile(uri: vscode.Uri | undefined): Promise<vscode.Uri | undefined> {
  if (uri instanceof vscode.Uri) return uri;
  const picked = await vscode.window.showOpenDialog({ canSelectMany: false, openLabel: 'Inspect ELF file' });
  return picked?.[0];
}

/** The scheme of the read-only documents the commands open. */
const SCHEME = 'vdso-lab';

export function registerInspectCommands(context: vscode.ExtensionContext): void {
  const cli = context.asAbsolutePath('dist/cli.js');
  const shown = new Map<string, string>();
  context.subscriptions.push(
    vscode.workspace.registerTextDocumentContentProvider(SCHEME, { provideTextDocumentContent: (uri) => shown.get(uri.toString()) ?? '' }),
    vscode.workspace.onDidCloseTextDocument((doc) => {
      if (doc.uri.scheme === SCHEME) shown.delete(doc.uri.toString());
    }),
  );
  for (const command of INSPECT) {
    context.subscriptions.push(
      vscode.commands.registerCommand(command.id, async (uri?: vscode.Uri) => {
        const file = await pickFile(uri);
        if (!file) return;
        if (file.scheme !== 'file') {
          void vscode.window.showErrorMessage(`vdso-lab: ${file.toString()}: only files on this machine can be inspected`);
          return;
        }
        const result = await runCli(cli, [...command.args, file.fsPath]);
        if (result.status === 2 || result.status > 2 || !result.stdout) {
          void vscode.window.showErrorMessage(result.stderr.trim().split('\n')[0] || `vdso-lab: no ${command.title} in ${file.fsPath}`);
          return;
        }
        const name = file.path.split('/').pop() ?? 'file';
        const view = vscode.Uri.from({ scheme: SCHEME, path: `/${name} (${command.title})`, query: file.toString() });
        shown.set(view.toString(), result.stdout);
        const doc = await vscode.workspace.openTextDocument(view);
        await vscode.window.showTextDocument(doc, { preview: true });
      }),
    );
  }
}
