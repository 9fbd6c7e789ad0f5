// The language server's wire on stdio (language-server/transport.ts): `Content-Length: abc`,
// a body that is not JSON and a didOpen without text each give one line on stderr (no
// stack), and the server goes on answering: initialize, then documentSymbol.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter } from 'vscode-jsonrpc/node';

test('a malformed frame or a didOpen without text is one line on stderr; the server answers after it', async () => {
  const server = spawn(process.execPath, [resolve('dist/language-server.js'), '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  server.stderr!.on('data', (b: Buffer) => (stderr += b.toString()));
  server.stdin!.write('Content-Length: abc\r\n\r\n');
  server.stdin!.write('Content-Length: 3\r\n\r\n{{{');
  const connection = createMessageConnection(new StreamMessageReader(server.stdout!), new StreamMessageWriter(server.stdin!));
  connection.listen();
  try {
    const init = await connection.sendRequest('initialize', { processId: process.pid, rootUri: null, capabilities: {} });
    assert.ok((init as { capabilities: object }).capabilities);
    await connection.sendNotification('initialized', {});
    await connection.sendNotification('textDocument/didOpen', { textDocument: { uri: 'file:///tmp/no-text.S', languageId: 'gas-x86', version: 1 } });
    const uri = 'file:///tmp/ok.S';
    await connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'gas-x86', version: 1, text: '.text\nfoo:\n\tnop\n' } });
    const symbols = (await connection.sendRequest('textDocument/documentSymbol', { textDocument: { uri } })) as Array<{ name: string }>;
    assert.ok(symbols.some((s) => s.name === 'foo'), JSON.stringify(symbols));
    for (let i = 0; i < 50 && !stderr.includes('didOpen'); i++) await new Promise((r) => setTimeout(r, 20));
    const lines = stderr.trim().split('\n');
    assert.ok(lines.some((l) => l === "vdso-lab lsp: malformed frame: Content-Length 'abc' is not a number; skipped to the next header"), stderr);
    assert.ok(lines.some((l) => l.startsWith('vdso-lab lsp: malformed frame: a body that is not JSON')), stderr);
    assert.ok(lines.some((l) => l === 'vdso-lab lsp: ignored a message: textDocument/didOpen without uri, version and text'), stderr);
    assert.doesNotMatch(stderr, /TypeError|^\s+at /m);
  } finally {
    connection.dispose();
    server.kill();
  }
});
