// Owns the language server run inside the caller's own process, for the tests that are about
// what the server answers rather than about its process and for the bench's edit storm
// (bench/lsp-edit-storm.ts): startServer (server.ts) on a pair of in-memory streams, its input
// through transport.ts's frame checks as main.ts puts stdin through them. The connection gets
// message readers and writers, not streams: given a stream, vscode-languageserver ends the
// process when that stream ends. Its log lines go to `log`, by default this process's stderr,
// where a spawned server's went.
import { PassThrough, type Readable, type Writable } from 'node:stream';
import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { StreamMessageReader, StreamMessageWriter } from 'vscode-jsonrpc/node';
import { startServer } from './server';
import { checkedInput } from './transport';

export interface InProcessServer {
  /** What the server writes (the client reads it). */
  readonly output: Readable;
  /** What the server reads (the client writes to it). */
  readonly input: Writable;
  /** Stops reading and writing; the client has closed its documents and had `shutdown` answered first. */
  stop(): void;
}

/** `log`: where the server's log lines go (each without its newline). */
export function startInProcessServer(log = (line: string): void => void process.stderr.write(`${line}\n`)): InProcessServer {
  const input = new PassThrough();
  const output = new PassThrough();
  const connection = createConnection(ProposedFeatures.all, new StreamMessageReader(checkedInput(input, log)), new StreamMessageWriter(output));
  startServer(connection, log);
  return {
    input,
    output,
    stop() {
      connection.dispose();
      input.end();
      output.end();
    },
  };
}
