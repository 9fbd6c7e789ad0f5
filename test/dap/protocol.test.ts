// The debug adapter over its wire protocol as editors start it: node dist/debug-adapter.js
// (its capabilities; the same session in this process at a smaller scale, wire-adapter.ts)
// and `vdso-lab dap` on stdin/stdout, driven by a small framed client through a whole
// session: launch with stopOnEntry, a function breakpoint on the vDSO's __kernel_vsyscall,
// continue, the stack, and the program's exit code.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { buildC } from '../support/oracles';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { wireAdapter } from './wire-adapter';
import { client } from './wire-client';

test('dist/debug-adapter.js: initialize announces what the adapter supports', async () => {
  // What it answers, not its process: wireAdapter() (the process at full scale).
  const adapter = wireAdapter();
  try {
    const init = await client((t) => adapter.write(t), (l) => adapter.onData(l)).request('initialize', { adapterID: 'vdso', pathFormat: 'path', linesStartAt1: true, columnsStartAt1: true });
    const caps = init.body as DebugProtocol.Capabilities;
    assert.equal(caps.supportsConfigurationDoneRequest, true);
    assert.equal(caps.supportsStepBack, true);
    for (const key of ['supportsInstructionBreakpoints', 'supportsFunctionBreakpoints', 'supportsDataBreakpoints', 'supportsDisassembleRequest',
      'supportsReadMemoryRequest', 'supportsSteppingGranularity', 'supportsEvaluateForHovers'] as const) {
      assert.equal(caps[key], true, key);
    }
    assert.deepEqual(caps.exceptionBreakpointFilters?.map((f) => f.filter), ['syscall', 'exit-path', 'signal']);
  } finally {
    await adapter.end();
  }
});

/** The framed client over a child's stdio; close() ends its stdin and gives its exit code. */
function stdioClient(args: readonly string[]) {
  const child = spawn(process.execPath, args, { stdio: ['pipe', 'pipe', 'inherit'] });
  const dap = client((text) => child.stdin.write(text), (listener) => child.stdout.on('data', listener));
  return {
    ...dap,
    async close(): Promise<number | null> {
      child.stdin.end();
      return new Promise((exit) => child.on('exit', (code) => exit(code)));
    },
  };
}

test('vdso-lab dap: a whole session on stdin/stdout, and it exits when stdin closes', async () => {
  const program = buildC('dapguest', '#include <unistd.h>\nint main(void){ write(1, "x\\n", 2); return 3; }\n', ['-static']);
  const dap = stdioClient([resolve('dist/cli.js'), 'dap']);
  const init = await dap.request('initialize', { adapterID: 'vdso', pathFormat: 'path', linesStartAt1: true, columnsStartAt1: true });
  assert.equal(init.success, true);
  const bad = await dap.request('launch', { program: '/nonexistent/guest' });
  assert.equal(bad.success, false);
  assert.equal(bad.message, '/nonexistent/guest: the program: no such file');
  const launched = dap.request('launch', { program, stopOnEntry: true });
  await dap.event('initialized');
  const bps = await dap.request('setFunctionBreakpoints', { breakpoints: [{ name: '__kernel_vsyscall' }] });
  assert.equal((bps.body!.breakpoints as Array<{ verified: boolean }>)[0]!.verified, true);
  await dap.request('configurationDone');
  assert.equal((await launched).success, true);
  assert.equal((await dap.event('stopped')).body!.reason, 'entry');
  await dap.request('continue', { threadId: 1 });
  assert.equal((await dap.event('stopped')).body!.reason, 'function breakpoint');
  const trace = await dap.request('stackTrace', { threadId: 1 });
  const frames = trace.body!.stackFrames as Array<{ name: string; presentationHint?: string }>;
  assert.equal(frames[0]!.name, '__kernel_vsyscall');
  assert.equal(frames[frames.length - 1]!.presentationHint, 'label');
  await dap.request('setFunctionBreakpoints', { breakpoints: [] });
  await dap.request('continue', { threadId: 1 });
  assert.equal((await dap.event('exited')).body!.exitCode, 3);
  await dap.event('terminated');
  await dap.request('disconnect');
  assert.equal(await dap.close(), 0);
});
