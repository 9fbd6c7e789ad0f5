// Source-level debugging of a gcc -m32 -static -g C program through the debug adapter,
// against the real tools: a breakpoint on a source line is placed where gdb places it (the
// line and address gdb reports, moved past a function's opening line as gdb moves it) and
// stops there; each frame's source and line are what addr2line says for its pc (pc - 1 for
// callers); `next` by line visits exactly the lines gdb's `next` visits over the same
// function (gdb against qemu-i386's gdbstub), out into the caller included; breakpoint
// locations, conditions, hit counts and logpoints; and a frame without line information
// gets a generated disassembly source holding its pc.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { buildDebugC, run } from '../support/oracles';
import { GDB_LINE_STEPS, runGdbScripts } from '../support/qemu-gdb';
import { launch, parseObjdump, readelfSections, stack, startClient, topFrame, until } from './dap-helpers';

const SOURCE = `#include <unistd.h>

static int sq(int x)
{
  return x * x;
}

int work(int n)
{
  int s = 0;
  for (int i = 0; i < n; i++)
    s += sq(i);
  write(1, "ok\\n", 3);
  return s;
}

int main(int argc, char **argv)
{
  (void)argv;
  int r = work(argc + 2);
  return r == 5 ? 0 : 1;
}
`;
const lineOf = (text: string): number => SOURCE.split('\n').findIndex((l) => l.includes(text)) + 1;

const { source, program } = buildDebugC('prog', SOURCE, ['-static', '-g', '-O0', '-fno-pie', '-no-pie']);

/** addr2line's file:line for each of `addresses` of the program (one addr2line). */
function addr2line(addresses: readonly number[]): Array<{ file: string; line: number }> {
  return run('addr2line', ['-e', program, ...addresses.map((a) => '0x' + a.toString(16))]).trim().split('\n').map((answer) => {
    const [file, line] = answer.split(/:(?=\d+)/);
    return { file: file!, line: Number(line!.split(' ')[0]) };
  });
}

/** From a breakpoint on work()'s first body line: gdb's `next` until it leaves work(), and its `step` until it reaches main(). */
interface GdbWalks { readonly next: string[]; readonly step: string[] }
let gdbWalks: GdbWalks | undefined;

/** The two walks of GDB_LINE_STEPS, each `function:line` per stop: one gdb for both (each under a qemu-i386 of its own), shared by the tests. */
function gdbLineWalks(): GdbWalks {
  if (gdbWalks) return gdbWalks;
  const bodyLine = lineOf('int s = 0;');
  const [next, step] = runGdbScripts([program, program], GDB_LINE_STEPS, [
    { line: bodyLine, steps: 40, function: 'work', command: 'next', untilLeaving: true },
    { line: bodyLine, steps: 40, function: 'main', command: 'step', untilLeaving: false },
  ]).map(({ lines }) => lines.map((l) => JSON.parse(l) as { function: string; line: number }).map((w) => `${w.function}:${w.line}`));
  return (gdbWalks = { next: next!, step: step! });
}

/** Where gdb places `break prog.c:LINE` for each of `lines` (one gdb, no execution needed). */
function gdbBreakpoints(lines: readonly number[]): Array<{ address: number; line: number }> {
  const out = run('gdb', ['-nx', '-batch', ...lines.flatMap((line) => ['-ex', `break prog.c:${line}`]), program]);
  return lines.map((_, k) => {
    const m = new RegExp(`Breakpoint ${k + 1} at 0x([0-9a-f]+): file .*prog\\.c, line (\\d+)\\.`).exec(out);
    assert.ok(m, `gdb placed breakpoint ${k + 1}: ${out}`);
    return { address: parseInt(m[1]!, 16), line: Number(m[2]) };
  });
}

test('gcc -m32 -static -g: line breakpoints where gdb puts them, frames as addr2line says, next as gdb steps', async () => {
  const bodyLine = lineOf('int s = 0;');
  const { client } = await startClient();
  try {
    let verified: DebugProtocol.Breakpoint[] = [];
    const stopped = await launch(client, { program, vdso: 'upstream', stopOnEntry: false }, async () => {
      const r = await client.setBreakpointsRequest({ source: { path: source }, breakpoints: [{ line: bodyLine }, { line: lineOf('int work(int n)') }, { line: 2 }, { line: 400 }] });
      verified = r.body.breakpoints;
    });
    // Placed as gdb places them: the line itself, the function's opening line moved past the prologue.
    const askedLines = [bodyLine, lineOf('int work(int n)'), 2];
    const gdbPlaced = gdbBreakpoints(askedLines);
    for (const [i, asked] of askedLines.entries()) {
      const gdb = gdbPlaced[i]!;
      assert.equal(verified[i]!.verified, true, `line ${asked}: ${verified[i]!.message}`);
      assert.equal(verified[i]!.line, gdb.line, `line ${asked} moves to gdb's line`);
      assert.equal(Number(verified[i]!.instructionReference), gdb.address, `line ${asked} at gdb's address`);
    }
    assert.equal(verified[3]!.verified, false);
    assert.match(verified[3]!.message ?? '', /no code at or after line 400/);

    // The stop: frame 0 at the breakpoint, every frame's source and line as addr2line says.
    assert.equal(stopped.body.reason, 'breakpoint');
    const frames = await stack(client);
    assert.equal(frames[0]!.line, bodyLine);
    assert.equal(frames[0]!.source?.path, source);
    const oracles = addr2line(frames.slice(0, 2).map((f) => Number(f.instructionPointerReference) - (f.id === 0 ? 0 : 1)));
    for (const [k, f] of frames.slice(0, 2).entries()) {
      const oracle = oracles[k]!;
      assert.equal(f.source?.path, oracle.file, `frame ${f.id} file`);
      assert.equal(f.line, oracle.line, `frame ${f.id} line (addr2line at ${f.id === 0 ? 'pc' : 'pc - 1'})`);
    }
    assert.equal(frames[1]!.line, lineOf('int r = work'));
    // A frame no line table covers (libc's start code) has a generated disassembly holding its pc.
    const bare = frames.find((f) => f.source?.sourceReference);
    assert.ok(bare, 'some frame (libc without line tables) has a generated source');
    const content = await client.sourceRequest({ sourceReference: bare.source!.sourceReference!, source: bare.source });
    const shown = content.body.content.split('\n')[bare.line - 1]!;
    assert.ok(shown.startsWith('0x' + Number(bare.instructionPointerReference).toString(16).padStart(8, '0')), shown);
    // It is the whole function: objdump -d's instructions from its symbol to the next function symbol (readelf -sW) or its section's end.
    const listed = content.body.content.trim().split('\n').map((l) => ({ address: parseInt(l.slice(2, 10), 16), bytes: l.split('\t')[1]!.trim() }));
    const start = listed[0]!.address;
    const functions = run('readelf', ['-sW', program]).split('\n').map((l) => l.trim().split(/\s+/)).filter((f) => f[3] === 'FUNC' && f[6] !== 'UND').map((f) => parseInt(f[1]!, 16));
    assert.ok(functions.includes(start), `the listing starts at a function symbol (0x${start.toString(16)})`);
    const section = readelfSections(program).find((x) => start >= x.addr && start < x.addr + x.size)!;
    const stop = Math.min(section.addr + section.size, ...functions.filter((a) => a > start));
    const oracle = parseObjdump(run('objdump', ['-d', '-z', '--insn-width=15', `--start-address=0x${start.toString(16)}`, `--stop-address=0x${stop.toString(16)}`, program]));
    assert.deepEqual(listed, oracle.map((l) => ({ address: l.address, bytes: l.bytes })), `${bare.source!.name}: objdump -d from 0x${start.toString(16)} to 0x${stop.toString(16)}`);

    // breakpointLocations: the lines of work() with code.
    const locations = await client.customRequest('breakpointLocations', { source: { path: source }, line: 1, endLine: 30 }) as DebugProtocol.BreakpointLocationsResponse;
    const withCode = new Set(run('objdump', ['--dwarf=decodedline', program]).split('\n').filter((l) => l.startsWith('prog.c ')).map((l) => Number(l.split(/\s+/)[1])).filter((n) => n > 0));
    assert.deepEqual(locations.body.breakpoints.map((b) => b.line), [...withCode].sort((a, b) => a - b));

    // next by line, as gdb's next over the same function (with only gdb's breakpoint set).
    await client.setBreakpointsRequest({ source: { path: source }, breakpoints: [{ line: bodyLine }] });
    const ours: string[] = [`work:${bodyLine}`];
    for (let n = 0; n < 40; n++) {
      await until(client, () => client.nextRequest({ threadId: 1 }));
      const f = (await topFrame(client));
      const fn = f.name.replace(/\+0x[0-9a-f]+$/, '');
      ours.push(`${fn}:${f.line}`);
      if (fn !== 'work') break;
    }
    assert.deepEqual(ours, gdbLineWalks().next);
    assert.ok(ours.length > 8, ours.join(' '));
  } finally {
    await client.stop();
  }
});

test('step by line goes into functions with line information (after their prologue) and over those without, as gdb\'s step', async () => {
  const bodyLine = lineOf('int s = 0;');
  const { client } = await startClient();
  try {
    await launch(client, { program, stopOnEntry: false }, async () => {
      await client.setBreakpointsRequest({ source: { path: source }, breakpoints: [{ line: bodyLine }] });
    });
    const ours: string[] = [`work:${bodyLine}`];
    for (let n = 0; n < 40; n++) {
      await until(client, () => client.stepInRequest({ threadId: 1 }));
      const f = (await topFrame(client));
      const fn = f.name.replace(/\+0x[0-9a-f]+$/, '');
      ours.push(`${fn}:${f.line}`);
      if (fn === 'main') break;
    }
    assert.deepEqual(ours, gdbLineWalks().step);
    assert.ok(ours.some((w) => w.startsWith('sq:')), ours.join(' '));
  } finally {
    await client.stop();
  }
});

test('conditions, hit counts and logpoints on a line', async () => {
  const line = lineOf('s += sq(i);');
  const { client, output } = await startClient();
  try {
    const first = await launch(client, { program, stopOnEntry: false }, async () => {
      await client.setBreakpointsRequest({ source: { path: source }, breakpoints: [{ line, hitCondition: '2' }, { line: lineOf('return x * x;'), logMessage: 'sq eax={$eax}' }] });
    });
    assert.equal(first.body.reason, 'breakpoint');
    assert.equal((await topFrame(client)).line, line);
    // A round trip: every event the adapter sent before answering has arrived.
    await client.threadsRequest();
    const logs = output.filter((e) => e.body.output.startsWith('sq eax=')).length;
    assert.equal(logs, 1, 'the logpoint logged once (sq ran once before the second hit) and did not stop');
    // next over a call whose breakpoint's condition is false does not stop in it.
    await client.setBreakpointsRequest({ source: { path: source }, breakpoints: [{ line: lineOf('return x * x;'), condition: '$eax == 0x12345' }] });
    const over = await until(client, () => client.nextRequest({ threadId: 1 }));
    assert.equal(over.body.reason, 'step');
    assert.equal((await topFrame(client)).name.replace(/\+0x[0-9a-f]+$/, ''), 'work');
    await client.setBreakpointsRequest({ source: { path: source }, breakpoints: [{ line, condition: '$eax == 0x12345' }] });
    const end = client.waitForEvent('terminated', 30_000);
    await client.continueRequest({ threadId: 1 });
    await end;
  } finally {
    await client.stop();
  }
});
