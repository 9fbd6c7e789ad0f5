// Owns the fuzz targets for the two servers behind their wires (toolchain/wire/frames.ts):
// the debug adapter (debug-adapter/transport.ts and the session behind it, launching the
// corpus's guest) and the language server (language-server/transport.ts and server.ts),
// both in process on in-memory streams. An input is a byte stream of frames; after it the
// server must answer `initialize` (a filler ends any frame the input left open), every log
// line and error message must be one line, and no error carries a stack trace.
import { PassThrough } from 'node:stream';
import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { FrameReader, frame, MAX_BODY } from '../../../toolchain/wire/frames';
import { VdsoDebugSession } from '../../../debug-adapter/session';
import { startDebugSession } from '../../../debug-adapter/transport';
import { startServer } from '../../../language-server/server';
import { checkedInput } from '../../../language-server/transport';
import { check, oneLine, printableLine, textOf, type FuzzTarget } from '../target';

/** The request id of the `initialize` sent after each input. */
const PROBE = 424242;

/**
 * Bytes that end whatever frame the input left open: as many spaces as the largest
 * Content-Length the input declares (within the reader's limit), then a blank line, twice.
 * The probe goes twice after it: a length the input declared may eat the first one's start.
 */
function filler(input: Uint8Array): Buffer {
  let longest = 0;
  for (const m of textOf(input).matchAll(/content-length:\s*([0-9]{1,10})/gi)) {
    const n = Number(m[1]);
    if (n <= MAX_BODY) longest = Math.max(longest, n);
  }
  const block = Buffer.concat([Buffer.alloc(longest, ' '), Buffer.from('\r\n\r\n')]);
  // Twice: a header the input left unfinished ends at the first blank line, its body in the second block.
  return Buffer.concat([block, block]);
}

/** Collects the frames a server writes; `answered` resolves on the probe's response. */
function watchOutput(output: PassThrough, isProbe: (m: Record<string, unknown>) => boolean, limitMs: number) {
  const messages: Record<string, unknown>[] = [];
  let done: (ok: boolean) => void = () => undefined;
  const answered = new Promise<boolean>((resolve) => (done = resolve));
  const timer = setTimeout(() => done(false), limitMs);
  const reader = new FrameReader({
    message: (m) => {
      messages.push(m);
      if (isProbe(m)) {
        clearTimeout(timer);
        done(true);
      }
    },
    malformed: (line) => messages.push({ malformed: line }),
  });
  output.on('data', (b: Buffer) => reader.push(b));
  return { messages, answered };
}

const STACK = /\n\s+at |\bat [\w.<>]+ \(/;

function checkMessages(messages: readonly Record<string, unknown>[], logs: readonly string[], server: string): void {
  for (const m of messages) {
    check(!('malformed' in m), `${server} wrote a malformed frame: ${String(m.malformed)}`);
    const text = JSON.stringify(m);
    check(!STACK.test(text.replace(/\\n/g, '\n')), `${server} sent a stack trace: ${text.slice(0, 300)}`);
    if (m.type === 'response' && m.success === false) check(typeof m.message === 'string' && oneLine(m.message), `an error response of more than one line: ${text.slice(0, 300)}`);
  }
  for (const l of logs) check(printableLine(l), `${server} logged something other than one printable line: ${JSON.stringify(l.slice(0, 300))}`);
}

const PROBE_INITIALIZE_DAP = frame(JSON.stringify({ seq: PROBE, type: 'request', command: 'initialize', arguments: { adapterID: 'vdso', pathFormat: 'path', linesStartAt1: true, columnsStartAt1: true } }));

export const dapTarget: FuzzTarget = {
  name: 'dap',
  testInputs: 150,
  what: 'DAP frames into the debug adapter (launching test/fuzz/loop.S): one-line logs and error messages, no stack, initialize answered afterwards',
  kind: 'bytes',
  limitMs: 5000,
  async run(input) {
    const session = new VdsoDebugSession();
    session.setRunAsServer(true);
    const streamIn = new PassThrough();
    const output = new PassThrough();
    const logs: string[] = [];
    const out = watchOutput(output, (m) => m.type === 'response' && m.request_seq === PROBE && m.command === 'initialize', 4000);
    startDebugSession(session, streamIn, output, (line) => logs.push(line));
    // The protocol library reports a second response to one request on the console.
    const consoleError = console.error;
    const twice: string[] = [];
    console.error = (...args: unknown[]): void => {
      const text = args.map(String).join(' ');
      if (/more than one response/.test(text)) twice.push(text);
    };
    try {
      streamIn.write(Buffer.from(input));
      await new Promise((r) => setImmediate(r));
      const refused = logs.length > 0;
      streamIn.write(filler(input));
      streamIn.write(PROBE_INITIALIZE_DAP);
      streamIn.write(PROBE_INITIALIZE_DAP);
      check(await out.answered, 'the adapter did not answer initialize after the input');
      checkMessages(out.messages, logs, 'the adapter');
      check(twice.length === 0, `the adapter answered a request twice: ${twice[0]}`);
      return refused ? 'rejected' : 'accepted';
    } finally {
      console.error = consoleError;
      streamIn.end();
      session.dispose();
    }
  },
};

/** Set by the worker's process.exit stand-in: the language server asked to exit (an `exit` notification). */
export const exitRequests = { count: 0 };

const PROBE_INITIALIZE_LSP = frame(JSON.stringify({ jsonrpc: '2.0', id: PROBE, method: 'initialize', params: { processId: null, rootUri: null, capabilities: {} } }));

export const lspTarget: FuzzTarget = {
  name: 'lsp',
  testInputs: 100,
  what: 'LSP frames into the language server (didOpen/didChange of .S text, requests on it): one-line logs, no stack, initialize answered afterwards',
  kind: 'bytes',
  limitMs: 5000,
  async run(input) {
    const streamIn = new PassThrough();
    const output = new PassThrough();
    const logs: string[] = [];
    const out = watchOutput(output, (m) => m.id === PROBE && ('result' in m || 'error' in m), 4000);
    const log = (line: string): void => void logs.push(line);
    const connection = createConnection(ProposedFeatures.all, checkedInput(streamIn, log), output);
    startServer(connection, log);
    const exits = exitRequests.count;
    try {
      streamIn.write(Buffer.from(input));
      await new Promise((r) => setImmediate(r));
      const refused = logs.length > 0;
      streamIn.write(filler(input));
      streamIn.write(PROBE_INITIALIZE_LSP);
      streamIn.write(PROBE_INITIALIZE_LSP);
      const answered = await out.answered;
      // An `exit` notification ends the server by the protocol; then nothing is owed.
      if (exitRequests.count !== exits) return 'rejected';
      check(answered, 'the language server did not answer initialize after the input');
      checkMessages(out.messages, logs, 'the language server');
      return refused ? 'rejected' : 'accepted';
    } finally {
      // Later: an analysis the input scheduled (debounced) still publishes for a while, as it would to a live client.
      setTimeout(() => connection.dispose(), 2000).unref();
    }
  },
};
