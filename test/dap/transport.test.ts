// The debug adapter's wire (debug-adapter/transport.ts over toolchain/wire/frames.ts): a
// garbage frame, bad JSON, `null`, a stray client response and `Content-Length: abc` each
// get one line on stderr (a 1 MiB garbage frame too) and the adapter still answers `initialize`; an internal error is
// a one-line error response and one line in the log, and a log whose reader is gone ends nothing; in server mode a client that drops ends its running guest;
// 100 MiB of guest output reach the client rate-limited, with an "output truncated" note,
// the adapter's memory bounded, and none of it queued behind more than a bound the client has
// not taken (output past what the client has not taken is dropped; the limiter alone
// too, on a clock the test moves, the dropped characters accounted for); quick runs flood
// six seconds' worth of the rate to a client that reads and just past the bound to one that
// does not (test/support/scale.ts); pause on a guest that does nothing but system calls stops
// it before it ends; the launch configuration's "timeout" ends a guest that never ends.
// Requests whose arguments break the protocol's schema get one-line errors naming the field,
// and a closed stdout is one line in the log. The "timeout" test is about what the adapter
// does, not its process: it runs the adapter in this process (dap-helpers.ts), as does the
// unread flood, to see the frames written without reading them; the tests of
// frames and schema errors, and the handler's exception with its log read from the adapter's
// own entry, reach it through wire-adapter.ts (its process at full scale); the
// pause test does not, as a pause sent from this process could never arrive while a slice of
// the guest runs. Quick runs give the "timeout" guest a tenth of its time limit.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { OUTPUT_BACKLOG, OUTPUT_CHUNK, OUTPUT_RATE, OutputLimiter } from '../../emulator/debug/output-limit';
import { scratch } from '../support/oracles';
import { combinations, scaled } from '../support/scale';
import { buildBareGuest } from '../cli/bare-guest';
import { peakMemory } from '../cli/peak-memory';
import { adapterInProcess, connected, freePort } from './dap-helpers';
import { client } from './wire-client';
import { wireAdapter } from './wire-adapter';

const INIT = { adapterID: 'vdso', pathFormat: 'path', linesStartAt1: true, columnsStartAt1: true };

test('malformed frames are logged one line each and the adapter answers initialize after them', async () => {
  const adapter = wireAdapter();
  const dap = client(adapter.write, adapter.onData);
  try {
    dap.raw('Content-Length: 5\r\n\r\n{{{{{');
    assert.equal((await dap.request('initialize', INIT)).success, true);
    dap.raw('Content-Length: abc\r\n\r\n');
    assert.equal((await dap.request('initialize', INIT)).success, true);
    dap.raw('Content-Length: 99999999999\r\n\r\n');
    dap.raw('Content-Length: 4\r\n\r\nnull');
    const stray = JSON.stringify({ seq: 9, type: 'response', request_seq: 77, success: true, command: 'runInTerminal' });
    dap.raw(`Content-Length: ${stray.length}\r\n\r\n${stray}`);
    dap.raw('garbage without a header\r\n\r\n');
    const oddType = JSON.stringify({ seq: 10, type: 'ev\u007fnt' });
    dap.raw(`Content-Length: ${oddType.length}\r\n\r\n${oddType}`);
    assert.equal((await dap.request('initialize', INIT)).success, true);
    const noCommand = JSON.stringify({ seq: 50, type: 'request' });
    dap.raw(`Content-Length: ${noCommand.length}\r\n\r\n${noCommand}`);
    const noAnswer = await dap.waitForResponse(50);
    assert.equal(noAnswer.success, false);
    assert.equal(noAnswer.message, 'a request without a command');
    assert.equal((await dap.request('threads')).success, true);
    await adapter.logged('request 50');
    const stderr = adapter.log();
    const lines = stderr.trim().split('\n');
    assert.ok(lines.some((l) => /^vdso-lab dap: malformed frame: a body that is not JSON/.test(l)), stderr);
    assert.ok(lines.some((l) => /^vdso-lab dap: malformed frame: Content-Length 'abc' is not a number; skipped to the next header$/.test(l)), stderr);
    assert.ok(lines.some((l) => /^vdso-lab dap: malformed frame: Content-Length 99999999999 is more than the limit of \d+ bytes; skipped to the next header$/.test(l)), stderr);
    assert.ok(lines.some((l) => /not a JSON object \(null\)/.test(l)), stderr);
    assert.ok(lines.some((l) => /a header without Content-Length/.test(l)), stderr);
    assert.ok(lines.some((l) => /request 50 has no command/.test(l)), stderr);
    assert.ok(lines.some((l) => l === 'vdso-lab dap: ignored a message of type "ev\\x7fnt" (not a request)'), stderr);
    assert.ok(lines.every((l) => l.startsWith('vdso-lab dap: ') && !/[\x00-\x1f\x7f]/.test(l)), JSON.stringify(stderr));
  } finally {
    await adapter.end();
  }
});

test('requests whose arguments break the DAP schema get one-line errors naming the field, during a session too; a closed stdout is one line', async () => {
  const adapter = wireAdapter();
  const dap = client(adapter.write, adapter.onData);
  const cases: Array<[string, unknown, string]> = [
    ['disassemble', {}, 'disassemble: "memoryReference" is missing'],
    ['disassemble', { memoryReference: '0x1000', instructionCount: 'ten' }, 'disassemble: "instructionCount" must be a count (an integer, 0 or more)'],
    ['readMemory', { memoryReference: '0x1000', count: -5 }, 'readMemory: "count" must be a count (an integer, 0 or more)'],
    ['next', undefined, 'next: "threadId" is missing'],
    ['stackTrace', { threadId: '1' }, 'stackTrace: "threadId" must be an integer'],
    ['setInstructionBreakpoints', { breakpoints: [5] }, 'setInstructionBreakpoints: "breakpoints"[0] must be an object with "instructionReference" a string'],
    ['setExceptionBreakpoints', { filters: [1] }, 'setExceptionBreakpoints: "filters" must be an array of strings'],
    ['evaluate', { expression: null }, 'evaluate: "expression" must be a string'],
    ['launch', [1], 'launch: "arguments" must be an object'],
  ];
  try {
    assert.equal((await dap.request('initialize', INIT)).success, true);
    const ask = async (): Promise<void> => {
      for (const [command, args, message] of cases) {
        const r = await dap.request(command, args as object);
        assert.equal(r.success, false, command);
        assert.equal(r.message, message);
      }
    };
    await ask();
    const program = resolve('vdso/caller/call-vsyscall.S');
    const launched = dap.request('launch', { program, stopOnEntry: true });
    assert.equal((await dap.request('configurationDone')).success, true);
    assert.equal((await launched).success, true);
    await ask();
    // VS Code's Disassembly view, left open from an earlier session, asks with an empty reference before the first stop: no toast.
    const empty = await dap.request('disassemble', { memoryReference: '', instructionOffset: -50, instructionCount: 50 });
    assert.equal(empty.success, false);
    assert.equal(empty.message, "disassemble: '' is not an address");
    assert.equal((empty.body as { error?: { showUser?: boolean } }).error?.showUser, false, 'not shown to the user');
    assert.equal((await dap.request('threads')).success, true, 'the session goes on');
    assert.doesNotMatch(adapter.log(), /TypeError|\n\s+at /, 'no JavaScript error or stack reached the log');
  } finally {
    await adapter.end();
  }

  // A client that closes its end of stdout: the first failed write is one line and ends the
  // adapter (its client is gone), with status 0. It may end before the frames after the first
  // are written, so its exit is awaited from the start and writes to it after that are let go.
  const closed = spawn(process.execPath, [resolve('dist/debug-adapter.js')], { stdio: ['pipe', 'pipe', 'pipe'] });
  const exited = new Promise((done) => closed.on('exit', done));
  let log = '';
  closed.stderr!.on('data', (b: Buffer) => (log += b.toString()));
  closed.stdin!.on('error', () => undefined);
  closed.stdout!.destroy();
  const frame = (seq: number): string => {
    const body = JSON.stringify({ seq, type: 'request', command: 'initialize', arguments: INIT });
    return `Content-Length: ${body.length}\r\n\r\n${body}`;
  };
  for (let seq = 1; seq <= 3; seq++) closed.stdin!.write(frame(seq));
  closed.stdin!.end();
  assert.equal(await exited, 0);
  assert.deepEqual(log.trim().split('\n'), ['vdso-lab dap: output error: write EPIPE']);
});

test('an exception in a handler is an error response and one line in the adapter\'s log; with the log\'s reader gone the adapter goes on', async () => {
  const scopes = { frameId: 1 };
  const expected = 'scopes: no program is loaded (launch first)';
  const entries = [[resolve('dist/debug-adapter.js')], [resolve('dist/cli.js'), 'dap']];
  for (const { argv, stderr } of combinations({ argv: entries, stderr: ['read', 'gone'] as const })) {
    if (stderr === 'read') await answersWithItsLogRead(argv);
    else await answersWithItsLogGone(argv);
  }

  async function answersWithItsLogRead(argv: readonly string[]): Promise<void> {
    if (argv === entries[0]) return answersOnTheWire();
    const open = spawn(process.execPath, argv, { stdio: ['pipe', 'pipe', 'pipe'] });
    let log = '';
    open.stderr!.on('data', (b: Buffer) => (log += b.toString()));
    const dap = client((t) => open.stdin!.write(t), (l) => open.stdout!.on('data', l));
    try {
      const r = await dap.request('scopes', scopes);
      assert.deepEqual([r.success, r.message], [false, expected], argv.join(' '));
      assert.equal((await dap.request('threads')).success, true);
    } finally {
      open.stdin!.end();
    }
    assert.equal(await new Promise((done) => open.on('exit', done)), 0);
    assert.deepEqual(log.trim().split('\n'), [`vdso-lab dap: ${expected}`.replace('scopes: ', 'scopes failed: ')], argv.join(' '));
  }

  /**
   * The adapter's own entry with its log read is about the answer and the log line, not the
   * process: through wireAdapter (dist/debug-adapter.js at full scale, this process at a smaller one).
   */
  async function answersOnTheWire(): Promise<void> {
    const adapter = wireAdapter();
    const dap = client(adapter.write, adapter.onData);
    const line = `vdso-lab dap: ${expected}`.replace('scopes: ', 'scopes failed: ');
    try {
      const r = await dap.request('scopes', scopes);
      assert.deepEqual([r.success, r.message], [false, expected]);
      assert.equal((await dap.request('threads')).success, true);
      await adapter.logged(line);
    } finally {
      await adapter.end();
    }
    assert.deepEqual(adapter.log().trim().split('\n'), [line]);
  }

  async function answersWithItsLogGone(argv: readonly string[]): Promise<void> {
    // stderr's reader gone before the first line: each write to it fails (EPIPE), and the
    // adapter still answers and ends with its client.
    const gone = spawn(process.execPath, argv, { stdio: ['pipe', 'pipe', 'pipe'] });
    gone.stderr!.destroy();
    const exited = new Promise((done) => gone.on('exit', (code, signal) => done(signal ?? code)));
    gone.stdin!.on('error', () => undefined);
    const dap2 = client((t) => gone.stdin!.write(t), (l) => gone.stdout!.on('data', l));
    const died = exited.then((how) => Promise.reject(new Error(`${argv.join(' ')}: the adapter ended (${String(how)}) before answering`)));
    died.catch(() => undefined);
    const answer = (command: string, args?: object): ReturnType<typeof dap2.request> => Promise.race([dap2.request(command, args), died]);
    try {
      for (let i = 0; i < 3; i++) {
        const r = await answer('scopes', scopes);
        assert.deepEqual([r.success, r.message], [false, expected], `${argv.join(' ')}: error response ${i + 1}`);
      }
      assert.equal((await answer('threads')).success, true, `${argv.join(' ')}: the adapter goes on`);
    } finally {
      gone.stdin!.end();
    }
    assert.equal(await exited, 0, argv.join(' '));
  }
});

test('a 1 MiB garbage frame, however it is chunked, is one line in the log', async () => {
  const adapter = wireAdapter();
  const dap = client(adapter.write, adapter.onData);
  try {
    const garbage = Buffer.alloc(1 << 20, 'x');
    for (let at = 0; at < garbage.length; at += 4096) adapter.write(garbage.subarray(at, at + 4096));
    assert.equal((await dap.request('initialize', INIT)).success, true);
    // A second one after a good frame is a second bad frame: a second line.
    adapter.write(garbage);
    assert.equal((await dap.request('initialize', INIT)).success, true);
    const stderr = adapter.log();
    const lines = stderr.trim().split('\n');
    assert.equal(lines.length, 2, stderr.slice(0, 2000));
    assert.ok(lines.every((l) => /^vdso-lab dap: malformed frame: a header of more than 8192 bytes without a blank line; skipped to the next header$/.test(l)), stderr.slice(0, 2000));
  } finally {
    await adapter.end();
  }
});

/** Resolves when the guest has written its line and gone into its loop. */
async function spinning(dap: ReturnType<typeof client>): Promise<void> {
  while (!String((await dap.event('output')).body?.output).includes('spinning')) continue;
}

/** CPU seconds a process has used (utime + stime from /proc). */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** Whether a process's main thread sleeps waiting for events (in epoll: node's event loop with nothing to run). */
const waitsForEvents = (pid: number): boolean => /epoll|ep_poll/.test(readFileSync(`/proc/${pid}/wchan`, 'utf8'));

/** Most CPU seconds the server may use after its client left before it is seen waiting for events: its own close takes milliseconds. */
const IDLE_WITHIN_CPU = 1;

test('server mode: a client that drops mid-run ends its guest', async () => {
  const program = buildBareGuest('dapspin', 'int main(void) { put(1, "spinning\\n"); for (;;) __asm__ volatile(""); }\n');
  const port = await freePort();
  const server: ChildProcess = spawn(process.execPath, [resolve('dist/debug-adapter.js'), `--server=${port}`], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  const gone = new Promise<void>((done) =>
    server.stderr!.on('data', (b: Buffer) => {
      stderr += b.toString();
      if (stderr.includes('client gone')) done();
    }),
  );
  try {
    const socket = await connected(port);
    const dap = client((t) => socket.write(t), (l) => socket.on('data', l));
    await dap.request('initialize', INIT);
    const launched = dap.request('launch', { program, stopOnEntry: false });
    await dap.event('initialized');
    await dap.request('configurationDone');
    assert.equal((await launched).success, true);
    await spinning(dap);
    socket.destroy();
    await gone;
    assert.match(stderr, /vdso-lab dap: client gone; its session and guest ended/);
    // A guest still running keeps the server's main thread busy (its slices follow each other
    // through setImmediate, so node's event loop never sleeps in epoll): the server must be seen
    // waiting for events before it has used IDLE_WITHIN_CPU more seconds of CPU. /proc has no
    // notice of that, so it is read again at each turn of this process's timers.
    const left = cpuSeconds(server.pid!);
    while (!waitsForEvents(server.pid!)) {
      const ran = cpuSeconds(server.pid!) - left;
      assert.ok(ran < IDLE_WITHIN_CPU, `the server ran ${ran.toFixed(2)} s of CPU after the client left without waiting for events`);
      await new Promise((r) => setTimeout(r, 10));
    }
  } finally {
    server.kill();
  }
});

/** Bytes of each of the flood's writes: more than an output event holds, so that each write is cut into events. */
const FLOOD_WRITE = 100 * 1024;
let floodProgram: string | undefined;
/** A guest that writes argv[1] times FLOOD_WRITE bytes to stdout (system call 4), built once for the file. */
const flood = (): string =>
  (floodProgram ??= buildBareGuest('dapflood', `static char b[${FLOOD_WRITE}];\nint main(int argc, char **argv) { long n = number(argv[1]); for (unsigned i = 0; i < sizeof b; i++) b[i] = 'x'; for (long i = 0; i < n; i++) sys(4, 1, (long)b, sizeof b); return 0; }\n`, scratch('vdso-lab-dapflood-')));
/** The flood to a client that reads (100 MiB at full scale): at least six seconds' worth of the rate, so a loaded machine still shows it. */
const READ_FLOOD = scaled(1024, Math.ceil((6 * OUTPUT_RATE) / FLOOD_WRITE));
/** The flood to a client that reads nothing (100 MiB at full scale): at least one write past what the rate alone would send. */
const UNREAD_FLOOD = scaled(1024, Math.ceil(OUTPUT_RATE / FLOOD_WRITE) + 1);

test(`${(READ_FLOOD * FLOOD_WRITE) / 2 ** 20} MiB of guest output: chunked, rate-limited events, an "output truncated" note, bounded memory`, async () => {
  const program = flood();
  const peak = peakMemory(scratch('vdso-lab-dapout-'));
  const child = spawn(process.execPath, [...peak.nodeArgs, resolve('dist/debug-adapter.js')], { stdio: ['pipe', 'pipe', 'inherit'], env: { ...process.env, ...peak.env } });
  let shown = 0;
  let largest = 0;
  const notes: string[] = [];
  const dap = client((t) => child.stdin!.write(t), (l) => child.stdout!.on('data', l));
  child.stdout!.on('data', () => undefined);
  const outputs = (async () => {
    for (;;) {
      const e = await dap.event('output');
      const body = e.body as { category: string; output: string };
      if (body.category === 'stdout') {
        shown += body.output.length;
        largest = Math.max(largest, body.output.length);
      } else notes.push(body.output);
    }
  })();
  void outputs;
  await dap.request('initialize', INIT);
  const launched = dap.request('launch', { program, args: [String(READ_FLOOD)], stopOnEntry: false });
  await dap.event('initialized');
  await dap.request('configurationDone');
  assert.equal((await launched).success, true);
  assert.equal((await dap.event('exited')).body!.exitCode, 0);
  child.stdin!.end();
  await new Promise((done) => child.on('exit', done));
  assert.ok(notes.some((n) => n.includes('output truncated')), notes.join(''));
  assert.ok(shown > 0 && shown < READ_FLOOD * FLOOD_WRITE, String(shown));
  assert.ok(largest <= OUTPUT_CHUNK, String(largest));
  const peakKb = peak.read();
  assert.ok(peakKb > 0 && peakKb < 400 * 1024, `peak ${peakKb} KB`);
});

test('a client with more than the bound not yet taken when the guest starts to write: none of the guest\'s output is queued behind it, and all of it is counted as dropped', async () => {
  // In this process, so the test sees every frame the adapter writes (and when it writes the
  // guest's exit) without taking any from the stream until the guest is done. A console event
  // of more than OUTPUT_BACKLOG characters waits in the stream before the guest runs, so the
  // limiter must drop from the first write on; the rate alone would send 4 MiB first.
  const program = flood();
  const { toAdapter, fromAdapter } = adapterInProcess();
  let exited = (): void => undefined;
  const guestDone = new Promise<void>((r) => (exited = r));
  const write = fromAdapter.write.bind(fromAdapter) as (chunk: string) => boolean;
  // The adapter writes each frame as one string (@vscode/debugadapter's sendMessage).
  (fromAdapter as unknown as { write: (chunk: string) => boolean }).write = (chunk) => {
    if (chunk.includes('"event":"exited"')) exited();
    return write(chunk);
  };
  let shown = 0;
  const notes: string[] = [];
  const dap = client((t) => toAdapter.write(t), (l) => fromAdapter.on('data', l));
  const outputs = (async () => {
    for (;;) {
      const body = (await dap.event('output')).body as { category: string; output: string };
      if (body.category === 'stdout') shown += body.output.length;
      else notes.push(body.output);
    }
  })();
  void outputs;
  try {
    await dap.request('initialize', INIT);
    const launched = dap.request('launch', { program, args: [String(UNREAD_FLOOD)], stopOnEntry: false });
    await dap.event('initialized');
    fromAdapter.pause();
    const waiting = JSON.stringify({ seq: 0, type: 'event', event: 'output', body: { category: 'console', output: 'w'.repeat(OUTPUT_BACKLOG + OUTPUT_CHUNK) } });
    fromAdapter.write(`Content-Length: ${Buffer.byteLength(waiting)}\r\n\r\n${waiting}`);
    const configured = dap.request('configurationDone');
    await guestDone;
    fromAdapter.resume();
    await configured;
    assert.equal((await launched).success, true);
    assert.equal((await dap.event('exited')).body!.exitCode, 0);
    // The events before the exit reach `outputs` one promise each: a turn of the loop takes them all.
    await new Promise(setImmediate);
  } finally {
    toAdapter.end();
  }
  assert.ok(notes.some((n) => n.includes('output truncated')), notes.map((n) => n.slice(0, 200)).join(''));
  assert.equal(shown, 0, `the client got ${shown} characters of the guest's output behind what it had not taken`);
  // What was dropped in the guest's last second is said when it ends, before its exit event.
  const dropped = notes.map((n) => /(\d+) characters of guest output were dropped/.exec(n)).reduce((sum, m) => sum + (m ? Number(m[1]) : 0), 0);
  assert.equal(dropped, UNREAD_FLOOD * FLOOD_WRITE, notes.map((n) => n.slice(0, 200)).join(''));
});

test('the output limit with a client that takes nothing: 100 MiB over 25 seconds send the bound and account for the rest', () => {
  // The limiter alone on a clock the test moves (a second each 4 MiB of guest output), its
  // client's queue the bytes sent: in the adapter a flood spans more than one second only on
  // a slow or loaded machine, which this does not wait for.
  let now = 0;
  let queued = 0;
  let sent = 0;
  const notes: string[] = [];
  const limiter = new OutputLimiter((category, text) => {
    queued += text.length;
    if (category === 'stdout') sent += text.length;
    else notes.push(text);
  }, () => now, () => queued);
  const write = 'x'.repeat(64 * 1024);
  for (let i = 0; i < 1600; i++) {
    limiter.write('stdout', write);
    now += 1000 / 64;
  }
  limiter.write('stdout', '');
  assert.ok(sent <= OUTPUT_BACKLOG + OUTPUT_CHUNK, `${sent} characters sent to a client that took none`);
  assert.ok(notes.some((n) => n.includes('output truncated')), notes.join(''));
  const dropped = notes.map((n) => /(\d+) characters of guest output were dropped/.exec(n)).reduce((sum, m) => sum + (m ? Number(m[1]) : 0), 0);
  assert.equal(sent + dropped, 1600 * write.length, notes.join(''));
});

/**
 * System calls the pause test's guest makes before it ends: far more than the slices before a
 * pause is heard can hold (a slice is at most 2 M instructions, about 300 K of these calls;
 * emulator/debug/runtime.ts), few enough that a pause never heard lets the guest end (in about
 * 20 s on the session's machine) rather than hang the test.
 */
const SYSCALLS_BEFORE_EXIT = 10_000_000;

test('pause on a guest that does nothing but system calls stops it in its loop, before it ends', async () => {
  // getppid is i386 system call 64. How soon the pause comes is test/dap/pause.test.ts's (issue
  // 14's 100 ms, for this guest among others); here, without a clock: the stop comes before
  // the guest's exit, in the loop.
  const program = buildBareGuest('dapsys', `int main(void) { put(1, "spinning\\n"); for (unsigned long i = 0; i < ${SYSCALLS_BEFORE_EXIT}UL; i++) sys(64, 0, 0, 0); return 3; }\n`);
  const child = spawn(process.execPath, [resolve('dist/debug-adapter.js')], { stdio: ['pipe', 'pipe', 'inherit'] });
  const dap = client((t) => child.stdin!.write(t), (l) => child.stdout!.on('data', l));
  try {
    await dap.request('initialize', INIT);
    const launched = dap.request('launch', { program, stopOnEntry: false });
    await dap.event('initialized');
    await dap.request('configurationDone');
    assert.equal((await launched).success, true);
    await spinning(dap);
    const first = Promise.race([dap.event('stopped').then((e) => ({ stopped: e })), dap.event('exited').then((e) => ({ exited: e }))]);
    await dap.request('pause', { threadId: 1 });
    const came = await first;
    assert.ok('stopped' in came, `the guest ended (${JSON.stringify('exited' in came ? came.exited.body : undefined)}) before the pause stopped it`);
    assert.equal(came.stopped.body!.reason, 'pause');
    const frames = (await dap.request('stackTrace', { threadId: 1, levels: 1 })).body as { stackFrames: Array<{ name: string }> };
    assert.match(frames.stackFrames[0]?.name ?? '', /^main\b/, 'stopped in the loop');
  } finally {
    child.stdin!.end();
    child.kill();
  }
});

/** The launch's "timeout" in seconds: the guest spins in this process until then (a tenth of it at the quick scale). */
const TIME_LIMIT = scaled(5, 1) / 10;

test('launch "timeout": a guest that never ends is stopped, the output naming the time limit', { timeout: 60_000 }, async () => {
  const program = buildBareGuest('daptime', 'int main(void) { for (;;) __asm__ volatile(""); }\n');
  const { toAdapter, fromAdapter } = adapterInProcess();
  const dap = client((t) => toAdapter.write(t), (l) => fromAdapter.on('data', l));
  const ranOut = `the time limit \\(${String(TIME_LIMIT).replace('.', '\\.')} s\\) ran out at eip 0x[0-9a-f]+`;
  try {
    await dap.request('initialize', INIT);
    const launched = dap.request('launch', { program, stopOnEntry: false, timeout: TIME_LIMIT });
    await dap.event('initialized');
    await dap.request('configurationDone');
    assert.equal((await launched).success, true);
    const note = dap.event('output');
    // The guest is killed (SIGKILL) and the debugger stops at its death, as for any fatal signal.
    const stopped = await dap.event('stopped');
    assert.match(stopped.body!.description as string, new RegExp(ranOut));
    assert.match((await note).body!.output as string, new RegExp(`^vdso-lab: stopped: ${ranOut}\\n$`));
  } finally {
    toAdapter.end();
  }
});
