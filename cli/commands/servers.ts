// `vdso-lab dap` and `vdso-lab lsp --stdio`: the debug adapter and the language server
// on this process's stdin/stdout, for editors other than VS Code.
import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { startServer } from '../../language-server/server';
import { checkedInput } from '../../language-server/transport';
import { VdsoDebugSession } from '../../debug-adapter/session';
import { startDebugSession } from '../../debug-adapter/transport';
import { flag, UsageError, type Command } from '../command';

/** Resolves when the peer closes stdin, so the CLI's exit status is set only then. */
function untilStdinCloses(): Promise<number> {
  return new Promise((done) => process.stdin.on('close', () => done(0)));
}

export const dapCommand: Command = {
  name: 'dap',
  summary: 'run the debug adapter (DAP) on stdin/stdout',
  usage: '',
  options: {},
  positionals: [0, 0],
  async run() {
    const session = new VdsoDebugSession();
    const closed = untilStdinCloses();
    startDebugSession(session, process.stdin, process.stdout, (line) => void process.stderr.write(`${line}\n`));
    return closed;
  },
};

export const lspCommand: Command = {
  name: 'lsp',
  summary: 'run the language server (LSP) for GAS x86 sources on stdin/stdout',
  usage: '--stdio',
  options: { stdio: { type: 'boolean', help: 'talk LSP on stdin/stdout (the only transport)' } },
  positionals: [0, 0],
  async run(args) {
    if (!flag(args, 'stdio')) throw new UsageError('only --stdio is supported');
    startServer(createConnection(ProposedFeatures.all, checkedInput(process.stdin, (line) => void process.stderr.write(`${line}\n`)), process.stdout));
    return untilStdinCloses();
  },
};
