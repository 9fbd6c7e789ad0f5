// The language server's wire on stdio (language-server/transport.ts): `Content-Length: abc`,
// a body that is not JSON and a didOpen without text each give one line on stderr (no
// stack), and the server goes on answering: initialize, then documentSymbol; with stderr's
// reader gone those lines are dropped and it answers all the same. An #include
// of a FIFO or a device is checked, not read (it would block or fill the server), and its
// diagnostic is the CLI's line for the same source. The first test is about the wire and the
// log, and runs the server in this process at the quick scale; the CLI's line comes from
// test/cli/invoke.ts (in this process at the quick scale too).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter } from 'vscode-jsonrpc/node';
import { startInProcessServer } from '../../language-server/in-process-server';
import { TEST_SCALE } from '../support/scale';
import { within } from '../support/within';
import { vdsoLab } from '../cli/invoke';
import { scratch } from '../support/oracles';

/**
 * The server for a test about its wire and log, not its process: dist/language-server.js on
 * its stdio at full scale, the same server in this process at a smaller one
 * (test/support/scale.ts), which saves the node start and the bundle's load. `onLog` gets what
 * the log (the process's stderr) receives.
 */
function wireServer(onLog: (text: string) => void): { input: Writable; output: Readable; stop(): void } {
  if (TEST_SCALE >= 1) {
    const server = spawn(process.execPath, [resolve('dist/language-server.js'), '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'] });
    server.stderr!.on('data', (b: Buffer) => onLog(b.toString()));
    return { input: server.stdin!, output: server.stdout!, stop: () => server.kill() };
  }
  return startInProcessServer((line) => onLog(`${line}\n`));
}

test('a malformed frame or a didOpen without text is one line on stderr; the server answers after it', async () => {
  let stderr = '';
  let done = (): void => undefined;
  // Resolves once stderr has the didOpen's line (the last of the three the test sends).
  const logged = new Promise<void>((r) => (done = r));
  const server = wireServer((text) => {
    stderr += text;
    if (stderr.includes('didOpen')) done();
  });
  server.input.write('Content-Length: abc\r\n\r\n');
  server.input.write('Content-Length: 3\r\n\r\n{{{');
  const connection = createMessageConnection(new StreamMessageReader(server.output), new StreamMessageWriter(server.input));
  connection.listen();
  try {
    // No processId: the library would poll it with a timer that holds this process.
    const init = await connection.sendRequest('initialize', { processId: null, rootUri: null, capabilities: {} });
    assert.ok((init as { capabilities: object }).capabilities);
    await connection.sendNotification('initialized', {});
    await connection.sendNotification('textDocument/didOpen', { textDocument: { uri: 'file:///tmp/no-text.S', languageId: 'gas-x86', version: 1 } });
    const uri = 'file:///tmp/ok.S';
    await connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'gas-x86', version: 1, text: '.text\nfoo:\n\tnop\n' } });
    const symbols = (await connection.sendRequest('textDocument/documentSymbol', { textDocument: { uri } })) as Array<{ name: string }>;
    assert.ok(symbols.some((s) => s.name === 'foo'), JSON.stringify(symbols));
    // Bounded: without the line the assertions below say what is missing.
    await within(logged, 10_000, () => undefined);
    const lines = stderr.trim().split('\n');
    assert.ok(lines.some((l) => l === "vdso-lab lsp: malformed frame: Content-Length 'abc' is not a number; skipped to the next header"), stderr);
    assert.ok(lines.some((l) => l.startsWith('vdso-lab lsp: malformed frame: a body that is not JSON')), stderr);
    assert.ok(lines.some((l) => l === 'vdso-lab lsp: ignored a message: textDocument/didOpen without uri, version and text'), stderr);
    assert.doesNotMatch(stderr, /TypeError|^\s+at /m);
  } finally {
    connection.dispose();
    server.stop();
  }
});

test('with stderr\'s reader gone, the malformed frames\' log lines are dropped and the server answers', async () => {
  const server = spawn(process.execPath, [resolve('dist/language-server.js'), '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'] });
  // Each write to stderr now fails (EPIPE): the first is the malformed frame's line.
  server.stderr!.destroy();
  server.stdin!.on('error', () => undefined);
  const exited = new Promise((done) => server.on('exit', (code, signal) => done(signal ?? code)));
  const died = exited.then((how) => Promise.reject(new Error(`the server ended (${String(how)}) before answering`)));
  died.catch(() => undefined);
  const connection = createMessageConnection(new StreamMessageReader(server.stdout!), new StreamMessageWriter(server.stdin!));
  connection.listen();
  try {
    // Each is logged as it is read, before the initialize after it; the server must still be there to answer that, and to exit with 0 at the end.
    for (const bad of ['Content-Length: abc\r\n\r\n', 'Content-Length: 3\r\n\r\n{{{']) server.stdin!.write(bad);
    const init = (await Promise.race([connection.sendRequest('initialize', { processId: process.pid, rootUri: null, capabilities: {} }), died])) as { capabilities: object };
    assert.ok(init.capabilities);
    await connection.sendNotification('initialized', {});
    await connection.sendNotification('textDocument/didOpen', { textDocument: { uri: 'file:///tmp/no-text.S', languageId: 'gas-x86', version: 1 } });
    const uri = 'file:///tmp/gone-stderr.S';
    await connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'gas-x86', version: 1, text: '.text\nfoo:\n\tnop\n' } });
    const symbols = (await Promise.race([connection.sendRequest('textDocument/documentSymbol', { textDocument: { uri } }), died])) as Array<{ name: string }>;
    assert.ok(symbols.some((s) => s.name === 'foo'), JSON.stringify(symbols));
    await Promise.race([connection.sendRequest('shutdown'), died]);
    await connection.sendNotification('exit');
    assert.equal(await exited, 0);
  } finally {
    connection.dispose();
    server.kill();
  }
});

test('an #include of a FIFO or of /dev/zero is not read: the server answers and the diagnostic names the file', async () => {
  const dir = scratch('vdso-lab-lsp-include-');
  const fifo = join(dir, 'fifo');
  assert.equal(spawnSync('mkfifo', [fifo]).status, 0);
  const server = spawn(process.execPath, [resolve('dist/language-server.js'), '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'] });
  const connection = createMessageConnection(new StreamMessageReader(server.stdout!), new StreamMessageWriter(server.stdin!));
  const published = new Map<string, string[]>();
  /** Called when a document's first findings are published. */
  const findingsOf = new Map<string, () => void>();
  connection.onNotification('textDocument/publishDiagnostics', (p: { uri: string; diagnostics: Array<{ message: string }> }) => {
    published.set(p.uri, p.diagnostics.map((d) => d.message));
    if (p.diagnostics.length > 0) findingsOf.get(p.uri)?.();
  });
  connection.listen();
  try {
    await connection.sendRequest('initialize', { processId: process.pid, rootUri: null, capabilities: {} });
    await connection.sendNotification('initialized', {});
    for (const target of [fifo, '/dev/zero']) {
      const uri = `file://${dir}/inc${published.size}.S`;
      const text = `#include "${target}"\n.text\nfoo:\n\tnop\n`;
      const found = new Promise<void>((done) => findingsOf.set(uri, done));
      await connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'gas-x86', version: 1, text } });
      // Generous: a read of the FIFO would block the server for good, one of /dev/zero would never end.
      const symbols = await within(
        connection.sendRequest('textDocument/documentSymbol', { textDocument: { uri } }) as Promise<Array<{ name: string }>>,
        20_000,
        () => { throw new Error(`no answer with #include "${target}"`); },
      );
      assert.ok(symbols.some((s) => s.name === 'foo'), JSON.stringify(symbols));
      await within(found, 20_000, () => undefined);
      assert.ok(published.get(uri)?.some((m) => m.startsWith(`${target}: `)), JSON.stringify(published.get(uri)));
      // The CLI's line for the same source, word for word: never cpp's "No such file or directory".
      const source = join(dir, `cli${published.size}.S`);
      writeFileSync(source, text);
      const cli = await vdsoLab(['asm', source, '-o', join(dir, 'out.o')]);
      assert.equal(cli.status, 2, cli.stderr);
      assert.match(cli.stderr, /^vdso-lab asm: [^\n]+\n$/);
      const line = cli.stderr.slice('vdso-lab asm: '.length, -1);
      assert.ok(published.get(uri)!.includes(line), `${JSON.stringify(published.get(uri))} lacks the CLI's ${JSON.stringify(line)}`);
      assert.ok(!published.get(uri)!.some((m) => /No such file or directory/.test(m)), JSON.stringify(published.get(uri)));
    }
  } finally {
    connection.dispose();
    server.kill();
  }
});
