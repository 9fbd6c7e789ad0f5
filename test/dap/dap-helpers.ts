// Shared by the DAP tests: the adapter under DebugClient (in this process over a pair of
// streams through debug-adapter/transport.ts, or as dist/debug-adapter.js for the tests about
// the process, on its stdio or in server mode), a launch that sets breakpoints between `initialized` and configurationDone
// (as VS Code does), requests that wait for the stop they cause, the programs built once per
// process, and the objdump listings the tests compare with.
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { writeFileSync } from 'node:fs';
import { connect, createServer, type Socket } from 'node:net';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { DebugClient } from '@vscode/debugadapter-testsupport';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { VdsoDebugSession } from '../../debug-adapter/session';
import { startDebugSession } from '../../debug-adapter/transport';
import { buildC, readelfSymbols, run, scratch } from '../support/oracles';

/**
 * An adapter session in this process, wired as the server mode wires a socket's (one session
 * per connection, no process exit at disconnect): the client writes to `toAdapter` and reads
 * `fromAdapter`; ending `toAdapter` ends the session and its guest, then runs `closed`. Its log
 * (the stand-alone adapter's stderr) goes to `log`, by default nowhere, as DebugClient does
 * not read that stderr.
 */
export function adapterInProcess(log: (line: string) => void = () => undefined, closed?: () => void): { toAdapter: PassThrough; fromAdapter: PassThrough } {
  const toAdapter = new PassThrough();
  const fromAdapter = new PassThrough();
  const session = new VdsoDebugSession();
  session.setRunAsServer(true);
  startDebugSession(session, toAdapter, fromAdapter, log, closed);
  return { toAdapter, fromAdapter };
}

/** DebugClient on adapterInProcess(); stop() disconnects and then ends the session. */
class InProcessClient extends DebugClient {
  private readonly toAdapter: PassThrough;

  constructor() {
    // No runtime or program: start() spawns nothing.
    super(process.execPath, '', 'vdso');
    const { toAdapter, fromAdapter } = adapterInProcess();
    this.toAdapter = toAdapter;
    this.connect(fromAdapter, toAdapter);
  }

  override async start(): Promise<void> {
    // Connected in the constructor: nothing to spawn.
  }

  override async stop(): Promise<void> {
    await super.stop();
    this.toAdapter.end();
  }
}

/** DebugClient on a connection to an adapter in server mode; stop() disconnects and closes the connection. */
class SocketClient extends DebugClient {
  constructor(private readonly socket: Socket) {
    // No runtime or program: start() spawns nothing.
    super(process.execPath, '', 'vdso');
    this.connect(socket, socket);
  }

  override async start(): Promise<void> {
    // Connected in the constructor: nothing to spawn.
  }

  override async stop(): Promise<void> {
    await super.stop();
    this.socket.destroy();
  }
}

async function initialized(client: DebugClient): Promise<{ client: DebugClient; output: DebugProtocol.OutputEvent[] }> {
  const output: DebugProtocol.OutputEvent[] = [];
  client.on('output', (e: DebugProtocol.OutputEvent) => output.push(e));
  await client.initializeRequest({ adapterID: 'vdso', linesStartAt1: true, columnsStartAt1: true, pathFormat: 'path' });
  return { client, output };
}

/** An initialized client of an adapter session in this process (the tests about what the adapter answers). */
export async function startClient(): Promise<{ client: DebugClient; output: DebugProtocol.OutputEvent[] }> {
  return initialized(new InProcessClient());
}

/** An initialized client of dist/debug-adapter.js on its stdin/stdout (the tests about the process editors start). */
export async function startAdapterProcess(): Promise<{ client: DebugClient; output: DebugProtocol.OutputEvent[] }> {
  const client = new DebugClient(process.execPath, resolve('dist/debug-adapter.js'), 'vdso');
  await client.start();
  return initialized(client);
}

/** A port no one listens on now (the kernel's pick for a listener that is closed again). */
export function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const probe = createServer();
    probe.once('error', fail);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => done(port));
    });
  });
}

/** A connection to 127.0.0.1:`port`, tried again every 50 ms until the listener is up (at most 10 s). */
export async function connected(port: number): Promise<Socket> {
  for (let k = 0; ; k++) {
    const socket = await new Promise<Socket | undefined>((done) => {
      const s = connect(port, '127.0.0.1');
      s.once('connect', () => done(s));
      s.once('error', () => setTimeout(() => done(undefined), 50));
    });
    if (socket) return socket;
    if (k >= 200) throw new Error(`dist/debug-adapter.js --server=${port} did not listen within 10 s`);
  }
}

/**
 * dist/debug-adapter.js in server mode (--server=PORT): one process whose sessions (one per
 * connection, each an initialized client) run one after another, for tests that need the
 * adapter in its own process but not a process per session. stop() ends the process.
 */
export async function startAdapterServer(): Promise<{ pid: number; session(): Promise<{ client: DebugClient; output: DebugProtocol.OutputEvent[] }>; stop(): void }> {
  const port = await freePort();
  const server = spawn(process.execPath, [resolve('dist/debug-adapter.js'), `--server=${port}`], { stdio: ['ignore', 'ignore', 'ignore'] });
  return {
    pid: server.pid!,
    session: async () => initialized(new SocketClient(await connected(port))),
    stop: () => void server.kill(),
  };
}

/** Launches, runs `configure` after `initialized`, sends configurationDone; resolves with the first stop (or undefined when none comes). */
export async function launch(client: DebugClient, args: Record<string, unknown>, configure: () => Promise<void> = async () => undefined): Promise<DebugProtocol.StoppedEvent> {
  const initialized = client.waitForEvent('initialized');
  const stopped = client.waitForEvent('stopped', 30_000) as Promise<DebugProtocol.StoppedEvent>;
  const launched = client.launch(args);
  await initialized;
  await configure();
  await client.configurationDoneRequest();
  await launched;
  return stopped;
}

/** Resolves when an output event from index `from` on matches `pattern` (already arrived or still to come); rejects after `timeoutMs`. */
export function outputMatching(client: DebugClient, output: readonly DebugProtocol.OutputEvent[], from: number, pattern: RegExp, timeoutMs = 30_000): Promise<DebugProtocol.OutputEvent> {
  const found = output.slice(from).find((e) => pattern.test(e.body.output));
  if (found) return Promise.resolve(found);
  return new Promise((resolve, reject) => {
    const listener = (e: DebugProtocol.OutputEvent): void => {
      if (!pattern.test(e.body.output)) return;
      clearTimeout(timer);
      client.removeListener('output', listener);
      resolve(e);
    };
    const timer = setTimeout(() => {
      client.removeListener('output', listener);
      reject(new Error(`no output event matching ${pattern} within ${timeoutMs} ms`));
    }, timeoutMs);
    client.on('output', listener);
  });
}

/** Sends a request and resolves with the stop it causes. */
export async function until(client: DebugClient, request: () => Promise<unknown>, event = 'stopped'): Promise<DebugProtocol.StoppedEvent> {
  const stopped = client.waitForEvent(event, 30_000) as Promise<DebugProtocol.StoppedEvent>;
  await request();
  return stopped;
}

export async function registers(client: DebugClient, frameId = 0): Promise<Record<string, number>> {
  const scopes = await client.scopesRequest({ frameId });
  const regs = await client.variablesRequest({ variablesReference: scopes.body.scopes[0]!.variablesReference });
  const out: Record<string, number> = {};
  for (const v of regs.body.variables) out[v.name] = Number(v.value);
  return out;
}

export async function stack(client: DebugClient): Promise<DebugProtocol.StackFrame[]> {
  return (await client.stackTraceRequest({ threadId: 1 })).body.stackFrames;
}

/** Frame 0 alone (`levels: 1`, as VS Code asks first): the callers' sources are not made. */
export async function topFrame(client: DebugClient): Promise<DebugProtocol.StackFrame> {
  return (await client.stackTraceRequest({ threadId: 1, levels: 1 })).body.stackFrames[0]!;
}

export async function readMemory(client: DebugClient, address: number, count: number): Promise<Buffer> {
  const r = await client.customRequest('readMemory', { memoryReference: '0x' + address.toString(16), count }) as DebugProtocol.ReadMemoryResponse;
  return Buffer.from(r.body?.data ?? '', 'base64');
}

const built = new Map<string, string>();

/** buildC once per process for a name, source and flags (the quick runner puts about 20 files in one process); for tests that only read and run the program. */
export function builtOnce(name: string, source: string, flags: readonly string[]): string {
  const key = JSON.stringify([name, source, flags]);
  const known = built.get(key);
  if (known !== undefined) return known;
  const path = buildC(name, source, flags);
  built.set(key, path);
  return path;
}

export interface ObjdumpLine {
  readonly address: number;
  readonly bytes: string;
  readonly text: string;
}

/** Parses `objdump -d` output: the instruction lines (address, bytes, AT&T text without a branch target's <sym>). */
export function parseObjdump(listing: string): ObjdumpLine[] {
  const out: ObjdumpLine[] = [];
  // One pass over the whole listing (a static program's is about 130,000 lines), without
  // splitting it into lines first; the two trims only run on lines that have their marks.
  for (const m of listing.matchAll(/^[ \t]*([0-9a-f]+):\t([0-9a-f ]+?)[ \t]*\t(.*)$/gm)) {
    let text = m[3]!;
    if (text.endsWith('>')) text = text.replace(/\s+<[^>]*>$/, '');
    if (text.includes('#')) text = text.replace(/\s+#.*$/, '');
    out.push({ address: parseInt(m[1]!, 16), bytes: m[2]!.trim(), text: text.trim() });
  }
  return out;
}

/** Each program's function symbols' addresses (objdumpSpan). */
const functionStarts = new Map<string, number[]>();

/**
 * objdump -d --insn-width=15 of `program` from the start of the last function symbol at or before
 * `first` (the sections' starts where there is none) through the instruction at `last`. objdump
 * decodes each symbol's range from the symbol's start, so these lines and labels are the whole
 * listing's there: a static glibc program's whole listing is about 10 MB of text, half a second
 * of CPU to make and parse, for the few instructions a test looks up.
 */
export function objdumpSpan(program: string, first: number, last: number): string {
  let starts = functionStarts.get(program);
  if (!starts) functionStarts.set(program, (starts = readelfSymbols(program).filter((s) => s.type === 'FUNC' && s.code).map((s) => s.value)));
  const start = starts.reduce((best, a) => (a <= first && a > best ? a : best), -1);
  // An instruction is at most 15 bytes: one that starts at `last` is listed whole.
  const range = [...(start >= 0 ? [`--start-address=0x${start.toString(16)}`] : []), `--stop-address=0x${(last + 16).toString(16)}`];
  return run('objdump', ['-d', '--insn-width=15', ...range, program]);
}

/** objdump -d of raw i386 bytes placed at `address` (the oracle for what memory holds). */
export function objdumpRaw(bytes: Uint8Array, address: number): ObjdumpLine[] {
  const file = join(scratch(), 'raw.bin');
  writeFileSync(file, bytes);
  return parseObjdump(run('objdump', ['-D', '--insn-width=15', '-b', 'binary', '-m', 'i386', `--adjust-vma=0x${address.toString(16)}`, file]));
}

/** One request's error message (the tests check that bad input gives one line). */
export async function errorOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('the request succeeded; an error was expected');
}

export const hex = (n: number): string => '0x' + (n >>> 0).toString(16);

/** A request's whole response, failures included (DebugClient's send keeps only the message). */
export function rawRequest(client: DebugClient, command: string, args: object): Promise<DebugProtocol.Response> {
  const c = client as unknown as { doSend(command: string, args: object, done: (r: DebugProtocol.Response) => void): void };
  return new Promise((done) => c.doSend(command, args, done));
}

/** An ELF file's symbols by name, as nm would list them (readelf: oracles.ts readelfSymbols). */
export function symbolValues(file: string): Map<string, number> {
  return new Map(readelfSymbols(file).map((s) => [s.name, s.value]));
}

/** An ELF file's sections as readelf -SW lists them (address, file offset, size, flags). */
export function readelfSections(file: string): Array<{ name: string; addr: number; offset: number; size: number; flags: string }> {
  return [...run('readelf', ['-SW', file]).matchAll(/^\s*\[\s*\d+\]\s+(\S+)\s+\S+\s+([0-9a-f]{8})\s+([0-9a-f]+)\s+([0-9a-f]+)\s+[0-9a-f]+\s+(\S*)/gm)]
    .map((m) => ({ name: m[1]!, addr: parseInt(m[2]!, 16), offset: parseInt(m[3]!, 16), size: parseInt(m[4]!, 16), flags: m[5]! }));
}

/** Where the vDSO mapped around `address` starts: the page that begins with its ELF header. */
export async function vdsoBase(client: DebugClient, address: number): Promise<number> {
  let base = (address & ~0xfff) >>> 0;
  while ((await readMemory(client, base, 4)).toString('latin1') !== '\x7fELF') base -= 0x1000;
  return base;
}
