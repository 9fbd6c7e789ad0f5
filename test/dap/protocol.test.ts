// The debug adapter over its wire protocol, as editors start it (node dist/debug-adapter.js
// and `vdso-lab dap`): it answers initialize, and refuses a launch in one line that names
// the program, since this version cannot run programs yet.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { DebugClient } from '@vscode/debugadapter-testsupport';

test('dist/debug-adapter.js: initialize, then a launch refused in one line naming the program', async () => {
  const client = new DebugClient(process.execPath, resolve('dist/debug-adapter.js'), 'vdso');
  await client.start();
  try {
    const init = await client.initializeRequest();
    assert.equal(init.success, true);
    assert.equal(init.body?.supportsConfigurationDoneRequest, true);
    await assert.rejects(client.launch({ program: '/tmp/guest' } as never), (e: Error) => {
      assert.match(e.message, /^vdso-lab cannot run '\/tmp\/guest' yet/);
      assert.equal(e.message.split('\n').length, 1);
      return true;
    });
  } finally {
    await client.stop();
  }
});

/** Sends DAP requests to `vdso-lab dap` over stdio with Content-Length framing; returns the responses. */
async function exchange(requests: readonly object[]): Promise<Array<{ command: string; success: boolean; message?: string; body?: Record<string, unknown> }>> {
  const child = spawn(process.execPath, [resolve('dist/cli.js'), 'dap'], { stdio: ['pipe', 'pipe', 'inherit'] });
  let buffer = Buffer.alloc(0);
  const responses: Array<{ type: string; command: string; success: boolean; message?: string; body?: Record<string, unknown> }> = [];
  const done = new Promise<void>((finish) => {
    child.stdout.on('data', (chunk: Buffer) => {
      buffer = Buffer.concat([buffer, chunk]);
      for (;;) {
        const header = buffer.indexOf('\r\n\r\n');
        if (header < 0) break;
        const length = Number(/Content-Length: (\d+)/.exec(buffer.subarray(0, header).toString())![1]);
        if (buffer.length < header + 4 + length) break;
        const message = JSON.parse(buffer.subarray(header + 4, header + 4 + length).toString());
        buffer = buffer.subarray(header + 4 + length);
        if (message.type === 'response') responses.push(message);
        if (responses.length === requests.length) finish();
      }
    });
  });
  requests.forEach((r, i) => {
    const body = JSON.stringify({ seq: i + 1, type: 'request', ...r });
    child.stdin.write(`Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
  });
  await done;
  child.stdin.end();
  await new Promise((exit) => child.on('exit', exit));
  return responses;
}

test('vdso-lab dap speaks the same protocol on stdin/stdout and exits when stdin closes', async () => {
  const [init, launch] = await exchange([
    { command: 'initialize', arguments: { adapterID: 'vdso', pathFormat: 'path', linesStartAt1: true, columnsStartAt1: true } },
    { command: 'launch', arguments: { program: '/tmp/guest' } },
  ]);
  assert.equal(init!.command, 'initialize');
  assert.equal(init!.success, true);
  assert.equal(launch!.success, false);
  assert.match(String((launch!.body as { error?: { format?: string } }).error?.format), /^vdso-lab cannot run '\/tmp\/guest' yet/);
});
