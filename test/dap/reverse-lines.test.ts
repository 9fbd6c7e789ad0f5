// Stepping back by source line (gdb's reverse-next) over a gcc -m32 -static -g program that
// reads a file as it loops: gdb's record mode cannot run under qemu-i386's gdbstub, so the
// oracle is gdb's forward `next` sequence over the same function (gdb against qemu): going
// forward with next gives gdb's lines, and each step back by line from there goes to the
// line gdb's sequence had before, in exactly the state (registers, the stack and the
// program's data) the forward step had stopped in. Checkpoints every 500 instructions,
// 10 kept, so the steps back restore checkpoints taken between the read system calls and
// thinned ones. Then forward again: the same lines and states (replay across file reads
// is deterministic), and the file's bytes reached the program (its checksum in eax at the end).
// In the vDSO's assembly, where a line step in stops at the function's entry (no prologue to
// skip), that first line is a line too, and a step back from it goes to the caller's call.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { DebugClient } from '@vscode/debugadapter-testsupport';
import { buildDebugC } from '../support/oracles';
import { fixedFolder } from '../support/builds';
import { GDB_LINE_STEPS, runGdbScript } from '../support/qemu-gdb';
import { launch, readMemory, registers, stack, startClient, symbolValues, topFrame, until } from './dap-helpers';

// The data file in a fixed folder too (builds.ts fixedFolder): the program names it.
const data = join(fixedFolder({ data: String.fromCharCode(3, 1, 4, 1, 5, 9, 2, 6) }), 'data');

const SOURCE = `#include <fcntl.h>
#include <unistd.h>

static int sq(int x)
{
  return x * x;
}

int total;

int work(int fd, int n)
{
  int s = 0;
  unsigned char b;
  for (int i = 0; i < n; i++) {
    if (read(fd, &b, 1) == 1)
      s += b;
    s += sq(i);
  }
  total = s;
  return s;
}

int main(int argc, char **argv)
{
  (void)argv;
  int fd = open("${data}", O_RDONLY);
  int r = work(fd, argc + 3);
  close(fd);
  return r > 0 ? 0 : 1;
}
`;
const lineOf = (text: string): number => SOURCE.split('\n').findIndex((l) => l.includes(text)) + 1;
const { source, program } = buildDebugC('prog', SOURCE, ['-static', '-g', '-O0', '-fno-pie', '-no-pie']);

interface State { where: string; regs: Record<string, number>; stack: string; total: string }

async function state(client: DebugClient, totalAt: number): Promise<State> {
  const f = (await topFrame(client));
  const regs = await registers(client);
  return {
    where: `${f.name.replace(/\+0x[0-9a-f]+$/, '')}:${f.line}`,
    regs,
    stack: (await readMemory(client, (regs.esp! - 256) >>> 0, 512)).toString('hex'),
    total: (await readMemory(client, totalAt, 4)).toString('hex'),
  };
}

test('step back by line goes to the line gdb\'s next had before, in the state it had, across file reads; forward again is the same', async () => {
  const bodyLine = lineOf('int s = 0;');
  const totalAt = symbolValues(program).get('total')!;
  const { client } = await startClient();
  try {
    await launch(client, { program, root: '/', stopOnEntry: false, reverseCheckpointEvery: 500, reverseCheckpointsKept: 10 }, async () => {
      await client.setBreakpointsRequest({ source: { path: source }, breakpoints: [{ line: bodyLine }] });
    });
    await client.setBreakpointsRequest({ source: { path: source }, breakpoints: [] });
    const forward: State[] = [await state(client, totalAt)];
    for (let k = 0; k < 60; k++) {
      await until(client, () => client.nextRequest({ threadId: 1 }));
      const s = await state(client, totalAt);
      if (!s.where.startsWith('work:')) break;
      forward.push(s);
    }
    const { lines } = runGdbScript({ program, script: GDB_LINE_STEPS, config: { line: bodyLine, steps: 60, function: 'work', command: 'next', untilLeaving: true } });
    const theirs = lines.map((l) => JSON.parse(l) as { function: string; line: number }).map((w) => `${w.function}:${w.line}`);
    assert.deepEqual(forward.map((s) => s.where), theirs.filter((w) => w.startsWith('work:')), 'forward: gdb\'s next sequence');
    assert.ok(forward.some((s) => s.where === `work:${lineOf('s += b;')}`), 'the file was read');
    assert.ok(forward.length > 12, forward.map((s) => s.where).join(' '));
    // Now in main after the call: a step back by line steps back over the call, to the start
    // of the call's line (before work ran), as gdb's reverse-next steps over calls.
    const after = await state(client, totalAt);
    assert.equal(after.where, `main:${lineOf('close(fd);')}`);
    await until(client, () => client.stepBackRequest({ threadId: 1 }));
    const before = await state(client, totalAt);
    assert.equal(before.where, `main:${lineOf('int r = work')}`);
    assert.equal(before.total, '00000000', 'work has not run yet');
    await until(client, () => client.nextRequest({ threadId: 1 }));
    assert.deepEqual(await state(client, totalAt), after, 'next over the call again: the same state');
    // Back into work's last line (reverseContinue to a breakpoint on it), then one line at a time to the first.
    const last = forward[forward.length - 1]!;
    await client.setBreakpointsRequest({ source: { path: source }, breakpoints: [{ line: Number(last.where.split(':')[1]) }] });
    const reversed = await until(client, () => client.reverseContinueRequest({ threadId: 1 }));
    assert.equal(reversed.body.reason, 'breakpoint');
    assert.deepEqual(await state(client, totalAt), last, 'reverseContinue to work\'s last line');
    await client.setBreakpointsRequest({ source: { path: source }, breakpoints: [] });
    for (let k = forward.length - 2; k >= 0; k--) {
      const stop = await until(client, () => client.stepBackRequest({ threadId: 1 }));
      assert.equal(stop.body.reason, 'step');
      const now = await state(client, totalAt);
      assert.equal(now.where, forward[k]!.where, `step back ${forward.length - 1 - k}: gdb's line before`);
      assert.deepEqual(now, forward[k], `step back to ${forward[k]!.where} (step ${k}): the state the forward next had`);
    }
    // Forward again over the same reads: the same lines and states.
    for (let k = 1; k < forward.length; k++) {
      await until(client, () => client.nextRequest({ threadId: 1 }));
      assert.deepEqual(await state(client, totalAt), forward[k], `forward again, step ${k}`);
    }
    const bytes = [3, 1, 4, 1, 5, 9, 2, 6];
    const n = 1 + 3;
    const expected = bytes.slice(0, n).reduce((a, b) => a + b, 0) + Array.from({ length: n }, (_, i) => i * i).reduce((a, b) => a + b, 0);
    await until(client, () => client.nextRequest({ threadId: 1 }));
    assert.deepEqual(await state(client, totalAt), after, 'forward again out of work');
    assert.equal(parseInt((await readMemory(client, totalAt, 4)).reverse().toString('hex'), 16), expected, 'total: the file\'s bytes and the squares');
  } finally {
    await client.stop();
  }
});

test('in the vDSO\'s assembly (__kernel_vsyscall of upstream.S), a step back by line retraces next line by line, and from the first line goes to the call instruction in the caller', async () => {
  const { client } = await startClient();
  try {
    await launch(client, { program, root: '/', vdso: 'upstream', stopOnEntry: false }, async () => {
      await client.setFunctionBreakpointsRequest({ breakpoints: [{ name: '__kernel_vsyscall' }] });
    });
    await client.setFunctionBreakpointsRequest({ breakpoints: [] });
    const entry = await state(client, 0);
    const caller = (await stack(client))[1]!;
    assert.match(entry.where, /^__kernel_vsyscall:\d+$/);
    const forward = [entry];
    for (let k = 0; k < 3; k++) {
      await until(client, () => client.nextRequest({ threadId: 1 }));
      forward.push(await state(client, 0));
    }
    assert.ok(forward.every((s) => s.where.startsWith('__kernel_vsyscall:')) && new Set(forward.map((s) => s.where)).size === 4, forward.map((s) => s.where).join(' '));
    for (let k = 2; k >= 0; k--) {
      await until(client, () => client.stepBackRequest({ threadId: 1 }));
      assert.deepEqual(await state(client, 0), forward[k], `step back to ${forward[k]!.where}`);
    }
    // From the first line: back to the call point (the caller's call instruction), one instruction before the entry.
    await until(client, () => client.stepBackRequest({ threadId: 1 }));
    const top = (await topFrame(client));
    const fn = (name: string): string => name.replace(/\+0x[0-9a-f]+$/, '');
    assert.equal(fn(top.name), fn(caller.name), 'back in the caller');
    assert.ok(Number(top.instructionPointerReference) < Number(caller.instructionPointerReference), 'before the return address');
    await until(client, () => client.stepInRequest({ threadId: 1, granularity: 'instruction' }));
    assert.deepEqual(await state(client, 0), entry, 'one instruction on: the entry again');
  } finally {
    await client.stop();
  }
});
