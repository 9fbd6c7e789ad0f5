// Issue 11, item 2: the debugger names the process it debugs. A program that forks is
// stopped after the fork (a function breakpoint on a function it calls then); the thread the
// adapter reports is "pid 1000 /PATH (+1 other task)", the child still alive (it waits on a
// pipe), and the program then ends with its own status.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { buildC } from '../support/oracles';
import { launch, startClient, until } from './dap-helpers';

const SOURCE = `
#include <sys/wait.h>
#include <unistd.h>
volatile int seen;
__attribute__((noinline)) void forked(int pid) { seen = pid > 0; }
int main(void) {
  int fds[2];
  char c;
  pipe(fds);
  int pid = fork();
  if (pid == 0) { read(fds[0], &c, 1); _exit(4); }
  forked(pid);
  write(fds[1], "x", 1);
  int st;
  waitpid(pid, &st, 0);
  return WEXITSTATUS(st) + 1;
}
`;

test('threads: the debugged process by pid and program, with the count of the other tasks it started', async () => {
  const program = buildC('forker', SOURCE, ['-static', '-O1', '-fno-pie', '-no-pie']);
  const { client } = await startClient();
  try {
    await launch(client, { program, stopOnEntry: true });
    const before = (await client.threadsRequest()).body.threads;
    assert.deepEqual(before.map((t) => t.name), [`pid 1000 /forker`]);
    await client.setFunctionBreakpointsRequest({ breakpoints: [{ name: 'forked' }] });
    await until(client, () => client.continueRequest({ threadId: 1 }));
    const after = (await client.threadsRequest()).body.threads;
    assert.deepEqual(after.map((t) => t.name), [`pid 1000 /forker (+1 other task)`]);
    const exited = client.waitForEvent('exited') as Promise<DebugProtocol.ExitedEvent>;
    await client.continueRequest({ threadId: 1 });
    assert.equal((await exited).body.exitCode, 5);
  } finally {
    await client.stop();
  }
});
