// A program rebuilt at the same path between two sessions of one adapter process (a restart
// in VS Code's inline adapter): the second session's function breakpoint, frame and line are
// the new build's, as readelf and addr2line say, though the process keeps what it parsed of
// the first build (emulator/debug/image-cache.ts keeps it only for the same bytes).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildC, run, scratch } from '../support/oracles';
import { launch, startClient, topFrame, until } from './dap-helpers';

/** Without the C library (-nostdlib): nothing but these functions is built or run. */
const TARGET = 'int target(int x) { return x + 1; }\nvoid _start(void) { int r = target(2); __asm__ volatile ("int $0x80" : : "a"(1), "b"(r - 3)); for (;;); }\n';
/** Code before target(): the rebuilt program's target() is at another address. */
const MORE = 'volatile int pad[4];\nvoid grow(void) { pad[0]++; pad[1]++; pad[2]++; pad[3]++; }\n';

test('a program rebuilt between two sessions of one process: the second breaks where readelf puts the new build\'s function', async () => {
  const dir = scratch('vdso-lab-relaunch-');
  const seen: number[] = [];
  for (const source of [TARGET, MORE + TARGET]) {
    const program = buildC('prog', source, ['-static', '-nostdlib', '-g', '-O0', '-fno-pie', '-no-pie', '-fno-stack-protector'], dir);
    const symbol = /^\s*\d+:\s+([0-9a-f]{8})\s+\d+\s+FUNC\s+GLOBAL\s+DEFAULT\s+\d+\s+target$/m.exec(run('readelf', ['-sW', program]));
    assert.ok(symbol, 'readelf lists target');
    const address = parseInt(symbol[1]!, 16);
    const { client } = await startClient();
    try {
      await launch(client, { program, stopOnEntry: true });
      const bp = (await client.setFunctionBreakpointsRequest({ breakpoints: [{ name: 'target' }] })).body.breakpoints[0]!;
      assert.equal(Number(bp.instructionReference), address, 'the breakpoint is at readelf\'s target');
      await until(client, () => client.continueRequest({ threadId: 1 }));
      const frame = await topFrame(client);
      assert.equal(Number(frame.instructionPointerReference), address);
      assert.equal(frame.name, 'target');
      const [file, line] = run('addr2line', ['-e', program, '0x' + address.toString(16)]).trim().split(/:(?=\d+)/);
      assert.equal(frame.source?.path, file);
      assert.equal(frame.line, Number(line!.split(' ')[0]));
    } finally {
      await client.stop();
    }
    seen.push(address);
  }
  assert.notEqual(seen[0], seen[1], 'the two builds put target() at different addresses');
});
