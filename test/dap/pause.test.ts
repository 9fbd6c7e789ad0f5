// Pause is answered within 100 ms whatever the guest does (issue 14's bound, a timed
// assertion the issue asks for; see BOUND_MS for how a busy machine is allowed for): a continue over a guest that makes nothing but system
// calls and over a tight loop, a line step (next) over a line that loops for billions of
// instructions, and a next over a call that never returns and makes system calls. Each is
// paused five times (three at the quick scale); each stop says pause, and after a line step main is still on that line.
// The adapter runs as its own process (one, in server mode, for both sessions): in this one,
// the test's pause could only be sent between two of the guest's slices, never while one runs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type { DebugClient } from '@vscode/debugadapter-testsupport';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { SLICES_TO_FULL_SIZE } from '../../emulator/debug/runtime';
import { buildDebugC } from '../support/oracles';
import { scaled } from '../support/scale';
import { launch, stack, startAdapterServer, topFrame, until } from './dap-helpers';

/**
 * Issue 14's bound: a stopped event within this long after the pause request is sent, held
 * by the median of each case's PAUSES pauses, each taken less what the adapter's and this
 * process's main threads waited for a core meanwhile, but never less than the adapter's own
 * CPU time in it (`heldMs`): on a machine whose other work (other test files run in parallel)
 * delays their turns, that wait is the machine's. Every pause, waits included, within
 * CEILING_MS: a slice sized for too long a time still lasts that long while the adapter waits
 * in it. Measured with a load average of 12 to 15 on two cores: 1 to 57 ms alone, up to 86 ms
 * with the rest of test/dap running beside it; at a load of 21, up to 160 ms, of which the two
 * waited 137.
 */
const BOUND_MS = 100;
const CEILING_MS = 250;
/** Pauses of each case: an odd count, so that the median is one of them. */
const PAUSES = scaled(5, 3);

const SOURCE = `#include <unistd.h>
#include <sys/syscall.h>

static void busy(void)
{
  for (;;) syscall(SYS_getppid);
}

int main(int argc, char **argv)
{
  (void)argv;
  volatile unsigned long n = 0;
  if (argc > 1) busy();
  for (unsigned long i = 0; i < 4000000000UL; i++) n += i;
  busy();
  return (int)n;
}
`;
const lineOf = (text: string): number => SOURCE.split('\n').findIndex((l) => l.includes(text)) + 1;
const { source, program } = buildDebugC('prog', SOURCE, ['-static', '-g', '-O0', '-fno-pie', '-no-pie']);

/** The main thread's time on a core and waiting, runnable, for one (/proc/PID/schedstat), in ms; zeros where the kernel does not keep them. */
function schedMs(pid: number): { ran: number; waited: number } {
  try {
    const [ran, waited] = readFileSync(`/proc/${pid}/schedstat`, 'utf8').split(' ').map(Number);
    return { ran: ran! / 1e6, waited: waited! / 1e6 };
  } catch {
    return { ran: 0, waited: 0 };
  }
}

/** A pause's milliseconds from the request to the stop; of them, those the two processes waited for a core and those the adapter ran. */
interface Took { ms: number; waited: number; ran: number }

/** What BOUND_MS holds: the time less the waits (a wait is counted when it ends, so one begun before the request may be counted whole), never less than the adapter ran. */
const heldMs = (t: Took): number => t.ms - Math.max(0, Math.min(t.waited, t.ms - t.ran));

/**
 * Sends `start` (a continue or a next), lets the guest run until its slices have their full
 * size, pauses: how long the stop took after the pause request (Took). The adapter reads a
 * request only between two of the guest's slices, so once it has answered
 * SLICES_TO_FULL_SIZE requests after `start`, that many slices have run and they have grown
 * to their full size (emulator/debug/runtime.ts).
 */
async function pauseAfter(client: DebugClient, adapter: number, start: () => Promise<unknown>): Promise<{ took: Took; stop: DebugProtocol.StoppedEvent }> {
  await start();
  for (let k = 0; k < SLICES_TO_FULL_SIZE; k++) await client.threadsRequest();
  const stopped = client.waitForEvent('stopped', 10_000) as Promise<DebugProtocol.StoppedEvent>;
  const adapterBefore = schedMs(adapter);
  const mineBefore = schedMs(process.pid);
  const asked = performance.now();
  await client.pauseRequest({ threadId: 1 });
  const stop = await stopped;
  const ms = performance.now() - asked;
  const adapterAfter = schedMs(adapter);
  const waited = adapterAfter.waited - adapterBefore.waited + schedMs(process.pid).waited - mineBefore.waited;
  return { took: { ms, waited, ran: adapterAfter.ran - adapterBefore.ran }, stop };
}

/** PAUSES pauses of what `start` starts in the adapter process `adapter`; `back` (after each) returns to where it started. */
async function pauses(client: DebugClient, adapter: number, start: () => Promise<unknown>, line?: number, back?: () => Promise<unknown>): Promise<Took[]> {
  const took: Took[] = [];
  for (let k = 0; k < PAUSES; k++) {
    const { took: one, stop } = await pauseAfter(client, adapter, start);
    assert.equal(stop.body.reason, 'pause');
    if (back) await until(client, back);
    // Paused inside the line (in a callee of it, for a call stepped over): main's frame is on that line.
    if (line !== undefined && !back) assert.equal((await stack(client)).find((f) => f.name.startsWith('main'))?.line, line, 'the line step was paused on its line');
    if (back) assert.equal((await topFrame(client)).line, line, 'back on the line');
    took.push(one);
  }
  return took;
}

test(`pause answers within ${BOUND_MS} ms: a continue over system calls and over a loop, a next over a long line and over a call that never returns`, async (t) => {
  const loopLine = lineOf('for (unsigned long i');
  const report: string[] = [];
  const check = (what: string, took: Took[]): void => {
    const listed = took.map((t) => `${t.ms.toFixed(0)} (waited ${t.waited.toFixed(0)}, the adapter ran ${t.ran.toFixed(0)})`).join(', ');
    report.push(`${what}: ${listed} ms`);
    const shown = `${what}: pause answered after ${listed} ms`;
    const held = took.map(heldMs).sort((a, b) => a - b);
    assert.ok(held[Math.floor(PAUSES / 2)]! < BOUND_MS, shown);
    assert.ok(Math.max(...took.map((t) => t.ms)) < CEILING_MS, shown);
  };
  const adapter = await startAdapterServer();
  try {
    const { client } = await adapter.session();
    try {
      await launch(client, { program, stopOnEntry: false }, async () => {
        await client.setBreakpointsRequest({ source: { path: source }, breakpoints: [{ line: loopLine }] });
      });
      await client.setBreakpointsRequest({ source: { path: source }, breakpoints: [] });
      check('next over a long line', await pauses(client, adapter.pid, () => client.nextRequest({ threadId: 1 }), loopLine));
      check('continue over a loop', await pauses(client, adapter.pid, () => client.continueRequest({ threadId: 1 })));
    } finally {
      await client.stop();
    }
    const second = await adapter.session();
    try {
      await launch(second.client, { program, args: ['busy'], stopOnEntry: false }, async () => {
        await second.client.setBreakpointsRequest({ source: { path: source }, breakpoints: [{ line: lineOf('if (argc > 1)') }] });
      });
      await second.client.setBreakpointsRequest({ source: { path: source }, breakpoints: [] });
      // Paused inside libc, where a next would go by instruction: back to the call's line each time (reverseContinue to its breakpoint).
      await second.client.setBreakpointsRequest({ source: { path: source }, breakpoints: [{ line: lineOf('if (argc > 1)') }] });
      check('next over a call making system calls', await pauses(second.client, adapter.pid, () => second.client.nextRequest({ threadId: 1 }), lineOf('if (argc > 1)'), () => second.client.reverseContinueRequest({ threadId: 1 })));
      check('continue over system calls', await pauses(second.client, adapter.pid, () => second.client.continueRequest({ threadId: 1 })));
    } finally {
      await second.client.stop();
    }
  } finally {
    adapter.stop();
  }
  for (const line of report) t.diagnostic(line);
});
