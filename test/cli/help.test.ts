// The CLI's shared behaviour: help, unknown commands and exit statuses.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runCli } from '../../cli/run-cli';

function memoryIo() {
  const io = { stdout: '', stderr: '', cwd: process.cwd(), out(t: string) { io.stdout += t; }, err(t: string) { io.stderr += t; } };
  return io;
}

test('an unknown command is a usage error with one line', async () => {
  const io = memoryIo();
  assert.equal(await runCli(['no-such-command'], io), 2);
  assert.equal(io.stderr.trim().split('\n').length, 1);
  assert.match(io.stderr, /unknown command 'no-such-command'/);
});

test('no command prints the list and exits 2', async () => {
  const io = memoryIo();
  assert.equal(await runCli([], io), 2);
  assert.match(io.stdout, /^usage: vdso-lab COMMAND/);
});
