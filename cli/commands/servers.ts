// `vdso-lab dap` and `vdso-lab lsp --stdio`: the debug adapter and the language server
// on this process's stdin/stdout, for editors other than VS Code.
// The servers and their protocol libraries are imported when one starts, not with the CLI:
// every other command's start-up would evaluate them for nothing.
import { Writable } from 'node:stream';
import { EXIT_OUTPUT_CLOSED, EXIT_USAGE, flag, OutputFailed, UsageError, type CliIo, type Command } from '../command';

/**
 * The server's stdout and the CLI's exit status: 0 when the peer closes stdin, 141 as soon
 * as it stops reading (EPIPE: the server ends quietly, as `| head` ends any command), 2
 * with one line when a write fails otherwise. A stdout closed at start (`>&-`) refuses the
 * server before it starts.
 */
function serverStreams(name: string, io: CliIo): { output: Writable; ended: Promise<number> } {
  if (io.outClosed) throw new OutputFailed('Bad file descriptor');
  let done: (status: number) => void = () => {};
  const ended = new Promise<number>((resolve) => {
    done = resolve;
  });
  process.stdin.on('close', () => done(0));
  let gone = false;
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    gone = true;
    if (e.code !== 'EPIPE') io.err(`vdso-lab ${name}: write error: ${e.message.split('\n')[0]}\n`);
    done(e.code === 'EPIPE' ? EXIT_OUTPUT_CLOSED : EXIT_USAGE);
  });
  // Writes after the reader went away are dropped: the server never sees the error.
  const output = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      if (gone) return callback();
      process.stdout.write(chunk, () => callback());
    },
  });
  return { output, ended };
}

export const dapCommand: Command = {
  usage: '',
  options: {},
  positionals: [0, 0],
  async run(_args, io) {
    const { output, ended } = serverStreams('dap', io);
    const { VdsoDebugSession } = await import('../../debug-adapter/session');
    const { startDebugSession } = await import('../../debug-adapter/transport');
    const session = new VdsoDebugSession();
    startDebugSession(session, process.stdin, output, (line) => io.err(`${line}\n`));
    return ended;
  },
};

export const lspCommand: Command = {
  usage: '--stdio',
  options: { stdio: { type: 'boolean', help: 'talk LSP on stdin/stdout (the only transport)' } },
  positionals: [0, 0],
  async run(args, io) {
    if (!flag(args, 'stdio')) throw new UsageError('only --stdio is supported');
    const { output, ended } = serverStreams('lsp', io);
    const { createConnection, ProposedFeatures } = await import('vscode-languageserver/node');
    const { startServer } = await import('../../language-server/server');
    const { checkedInput } = await import('../../language-server/transport');
    const log = (line: string): void => io.err(`${line}\n`);
    startServer(createConnection(ProposedFeatures.all, checkedInput(process.stdin, log), output), log);
    return ended;
  },
};
