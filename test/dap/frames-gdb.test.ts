// Frame names against gdb (on qemu-i386's gdbstub). A gcc -m32 -static program stopped in a
// signal handler: the adapter's stack is the handler, then `<signal handler called>` (the
// sigreturn trampoline the handler returns to), then the interrupted code and its callers, named as gdb names them: the FUNC symbol holding the pc (pc - 1 for a return
// address), never a `.L` label. gdb, stopped at the same interrupted return address in the
// same program, gives the oracle for every frame in the program.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildC, run } from '../support/oracles';
import { runGdbScript } from '../support/qemu-gdb';
import { launch, stack, startClient, until } from './dap-helpers';

const SOURCE = `
#include <signal.h>
volatile int hits;
void handler(int s) { hits += s; }
__attribute__((noinline)) void deliver(void) { raise(SIGUSR1); }
int main(void) { signal(SIGUSR1, handler); deliver(); return hits == SIGUSR1 ? 0 : 1; }
`;

const SCRIPT = `
import gdb, json
cfg = json.load(open(CONFIG))
connect(cfg['port'])
gdb.execute('handle SIGUSR1 nostop noprint pass')
gdb.execute('break *%d' % cfg['stop'])
gdb.execute('continue')
frames = []
f = gdb.newest_frame()
while f is not None and len(frames) < 40:
    frames.append([f.name() or '??', f.pc()])
    f = f.older()
open(cfg['out'], 'w').write(json.dumps(frames) + '\\n')
gdb.execute('kill')
`;

test('frames: a signal handler, <signal handler called>, and the callers named as gdb names them', async () => {
  const program = buildC('sig', SOURCE, ['-static', '-O1', '-fno-pie', '-no-pie']);
  const loads = [...run('readelf', ['-lW', program]).matchAll(/^\s*LOAD\s+0x[0-9a-f]+\s+0x([0-9a-f]+)\s+0x[0-9a-f]+\s+0x[0-9a-f]+\s+0x([0-9a-f]+)/gm)]
    .map((m) => ({ start: parseInt(m[1]!, 16), end: parseInt(m[1]!, 16) + parseInt(m[2]!, 16) }));
  const inProgram = (pc: number): boolean => loads.some((l) => pc >= l.start && pc < l.end);
  const { client } = await startClient();
  let ours: Array<[string, number]>;
  try {
    await launch(client, { program, stopOnEntry: true });
    await client.setFunctionBreakpointsRequest({ breakpoints: [{ name: 'handler' }] });
    await until(client, () => client.continueRequest({ threadId: 1 }));
    ours = (await stack(client)).filter((f) => f.presentationHint !== 'label')
      .map((f) => [f.name.replace(/\+0x[0-9a-f]+$/, ''), Number(f.instructionPointerReference)] as [string, number]);
  } finally {
    await client.stop();
  }
  assert.equal(ours[0]![0], 'handler');
  assert.equal(ours[1]![0], '<signal handler called>');
  const interrupted = ours.slice(2).filter(([, pc]) => inProgram(pc));
  assert.ok(interrupted.length >= 3, JSON.stringify(ours));
  const gdbFrames = (JSON.parse(runGdbScript({ program, script: SCRIPT, config: { stop: interrupted[0]![1] } }).lines[0]!) as Array<[string, number]>)
    .filter(([, pc]) => inProgram(pc));
  assert.ok(gdbFrames.some(([name]) => name === 'main'), `gdb's stack reaches main: ${JSON.stringify(gdbFrames)}`);
  // gdb's backtrace ends at main (backtrace past-main off).
  const upToMain = interrupted.slice(0, interrupted.findIndex(([name]) => name === 'main') + 1);
  assert.deepEqual(upToMain.map(([name]) => name), gdbFrames.map(([name]) => name));
  assert.deepEqual(upToMain.map(([, pc]) => pc), gdbFrames.map(([, pc]) => pc));
});
