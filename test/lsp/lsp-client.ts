// Test support: a JSON-RPC client of the language server, documents opened by path, and the
// latest diagnostics per document. startLsp runs the server in this process on in-memory
// streams (in-process-server.ts), for tests about what it answers; spawnLsp starts it over
// stdio as other editors do, for tests about its process (a read that would block it).
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { pathToFileURL } from 'node:url';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter, type MessageConnection } from 'vscode-jsonrpc/node';
import { startInProcessServer } from '../../language-server/in-process-server';

export interface WireDiagnostic {
  readonly range: { start: { line: number; character: number }; end: { line: number; character: number } };
  readonly severity: number;
  readonly code?: string;
  readonly message: string;
}

export interface LspClient {
  readonly connection: MessageConnection;
  open(path: string, text?: string): Promise<string>;
  change(uri: string, text: string): Promise<void>;
  diagnostics(uri: string): readonly WireDiagnostic[];
  request<T>(method: string, params: unknown): Promise<T>;
  /** The document's semantic tokens, decoded with the server's legend. */
  tokens(uri: string): Promise<Array<{ line: number; start: number; length: number; type: string; modifiers: string[] }>>;
  /** Ends the session (in process: the documents opened here are closed first, so that their analyses stop). */
  close(): Promise<void>;
}

/** The language server in this process (in-process-server.ts), with a client. */
export function startLsp(initializationOptions: Record<string, unknown> = {}): LspClient {
  const server = startInProcessServer();
  // No processId: the library would poll it with a timer that holds this process.
  return client(server.output, server.input, null, initializationOptions, async (connection, opened, ready) => {
    try {
      await ready;
      for (const uri of opened) await connection.sendNotification('textDocument/didClose', { textDocument: { uri } });
      // Answered after the closes were handled (the server takes messages in order).
      await connection.sendRequest('shutdown');
    } finally {
      connection.dispose();
      server.stop();
    }
  });
}

/** The language server spawned over stdio (as other editors start it), with a client. */
export function spawnLsp(initializationOptions: Record<string, unknown> = {}): LspClient {
  const server = spawn(process.execPath, [resolve('dist/language-server.js'), '--stdio'], { stdio: ['pipe', 'pipe', 'inherit'] });
  // Killed as it is: a test may end while the server is stuck (what the test is there to catch).
  return client(server.stdout!, server.stdin!, process.pid, initializationOptions, async (connection) => {
    connection.dispose();
    server.kill();
  });
}

type Ending = (connection: MessageConnection, opened: readonly string[], ready: Promise<void>) => Promise<void>;

function client(input: Readable, output: Writable, processId: number | null, initializationOptions: Record<string, unknown>, end: Ending): LspClient {
  const connection = createMessageConnection(new StreamMessageReader(input), new StreamMessageWriter(output));
  const latest = new Map<string, { version?: number; diagnostics: WireDiagnostic[] }>();
  const waiters = new Map<string, Array<{ version: number; done: () => void }>>();
  const versions = new Map<string, number>();
  connection.onNotification('textDocument/publishDiagnostics', (p: { uri: string; version?: number; diagnostics: WireDiagnostic[] }) => {
    latest.set(p.uri, p);
    const list = waiters.get(p.uri) ?? [];
    waiters.set(p.uri, list.filter((w) => {
      if (p.version === undefined || p.version >= w.version) {
        w.done();
        return false;
      }
      return true;
    }));
  });
  connection.listen();
  let legend = { tokenTypes: [] as string[], tokenModifiers: [] as string[] };
  const ready = connection
    .sendRequest('initialize', { processId, rootUri: null, capabilities: {}, initializationOptions })
    .then((r) => {
      legend = (r as { capabilities: { semanticTokensProvider: { legend: typeof legend } } }).capabilities.semanticTokensProvider.legend;
      return connection.sendNotification('initialized', {});
    });
  const published = (uri: string, version: number) => new Promise<void>((done) => {
    const list = waiters.get(uri) ?? [];
    list.push({ version, done });
    waiters.set(uri, list);
  });
  return {
    connection,
    async open(path, text) {
      await ready;
      const uri = pathToFileURL(path).href;
      versions.set(uri, 1);
      const p = published(uri, 1);
      await connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'gas-x86', version: 1, text: text ?? readFileSync(path, 'utf8') } });
      await p;
      return uri;
    },
    async change(uri, text) {
      const version = (versions.get(uri) ?? 1) + 1;
      versions.set(uri, version);
      const p = published(uri, version);
      await connection.sendNotification('textDocument/didChange', { textDocument: { uri, version }, contentChanges: [{ text }] });
      await p;
    },
    diagnostics: (uri) => latest.get(uri)?.diagnostics ?? [],
    async request<T>(method: string, params: unknown) {
      await ready;
      return (await connection.sendRequest(method, params)) as T;
    },
    async tokens(uri) {
      await ready;
      const r = (await connection.sendRequest('textDocument/semanticTokens/full', { textDocument: { uri } })) as { data: number[] };
      return decodeTokens(r.data, legend);
    },
    close: () => end(connection, [...versions.keys()], ready),
  };
}

/** Decodes the LSP semantic-token integers into tokens with type and modifier names. */
export function decodeTokens(data: readonly number[], legend: { tokenTypes: string[]; tokenModifiers: string[] }): Array<{ line: number; start: number; length: number; type: string; modifiers: string[] }> {
  const out = [];
  let line = 0;
  let start = 0;
  for (let i = 0; i < data.length; i += 5) {
    line += data[i]!;
    start = data[i]! === 0 ? start + data[i + 1]! : data[i + 1]!;
    const mods = legend.tokenModifiers.filter((_, k) => (data[i + 4]! >> k) & 1);
    out.push({ line, start, length: data[i + 2]!, type: legend.tokenTypes[data[i + 3]!]!, modifiers: mods });
  }
  return out;
}
