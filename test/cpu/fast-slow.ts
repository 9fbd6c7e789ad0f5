// Owns holding a compiled CPU (blocks, regions, flows) to the one-instruction path on the same
// program: the same exit and output whatever the budget slices, and the same stops for a
// breakpoint, a watchpoint and the debugger's TF, with the same instruction count, eip and
// registers. The tests of each compiled form (flow.test.ts, dispatch-region.test.ts) use it.
import assert from 'node:assert/strict';
import { sampled } from '../support/scale';
import { loadElf, runGuest, type LoadedProgram } from './guest';

/** What a compiled block's source (cpu.blockSource) carries before the instruction at `address`. */
export function instructionMark(address: number): RegExp {
  return new RegExp(`// 0x${address.toString(16)} `);
}

/** Runs `count` instructions one budget of one at a time (the slow path: one-instruction blocks). */
export function step(p: LoadedProgram, count: number): void {
  for (let k = 0; k < count; k++) assert.equal(p.cpu.run(1).kind, 'budget');
}

/** The program at `path` on the fast CPU and on the one-instruction path, each `count` instructions in, in one state. */
export function warmedPair(path: string, count: number): { fast: LoadedProgram; slow: LoadedProgram } {
  const slow = loadElf(path);
  step(slow, count);
  const fast = loadElf(path);
  assert.equal(fast.cpu.run(count).kind, 'budget');
  assert.deepEqual([...fast.cpu.state.r], [...slow.cpu.state.r]);
  return { fast, slow };
}

/**
 * The program at `path` run whole exits 0 with `expected`, and the same in budgets of each of
 * `slices` (a smaller run: the first and the last), with one instruction count; returns the
 * whole run's program.
 */
export function sameWhateverTheSlices(path: string, expected: Uint8Array, slices: readonly number[]): LoadedProgram {
  const p = loadElf(path);
  const r = runGuest(p);
  assert.equal(r.exitCode, 0);
  assert.deepEqual(r.stdout, expected);
  for (const slice of sampled(slices, 2)) {
    const q = loadElf(path);
    const sliced = runGuest(q, 1e9, slice);
    assert.equal(sliced.exitCode, 0, `budgets of ${slice}: exit(0)`);
    assert.deepEqual(sliced.stdout, expected, `budgets of ${slice}`);
    assert.equal(q.cpu.state.icount, p.cpu.state.icount, `budgets of ${slice}: the same instruction count`);
  }
  return p;
}

function sameState(fast: LoadedProgram, slow: LoadedProgram, what: string): void {
  assert.equal(fast.cpu.state.icount, slow.cpu.state.icount, `${what}: instruction count`);
  assert.equal(fast.cpu.state.eip, slow.cpu.state.eip, `${what}: eip`);
  assert.deepEqual([...fast.cpu.state.r], [...slow.cpu.state.r], `${what}: registers`);
}

/** A breakpoint at `at` set on the fast CPU stops it five times where stepping the slow one reaches `at`. */
export function sameBreakpointHits(fast: LoadedProgram, slow: LoadedProgram, at: number): void {
  fast.cpu.setBreakpoint(at);
  for (let hit = 0; hit < 5; hit++) {
    assert.deepEqual(fast.cpu.run(1e6), { kind: 'breakpoint', address: at });
    let k = 0;
    do step(slow, 1); while (slow.cpu.state.eip !== at && ++k < 1e6);
    sameState(fast, slow, `hit ${hit}`);
  }
  fast.cpu.clearBreakpoint(at);
}

/** A watchpoint at `address` (4 bytes, on writes, unless told) on both CPUs stops both after the same access. */
export function sameWatchpointStop(fast: LoadedProgram, slow: LoadedProgram, address: number, length = 4, access: 'write' | 'readWrite' = 'write'): void {
  fast.cpu.setWatchpoint(address, length, access);
  slow.cpu.setWatchpoint(address, length, access);
  assert.equal(fast.cpu.run(1e6).kind, 'watchpoint');
  let guard = 0;
  while (slow.cpu.run(1).kind !== 'watchpoint' && ++guard < 1e6);
  sameState(fast, slow, 'watchpoint');
  fast.cpu.clearWatchpoint();
  slow.cpu.clearWatchpoint();
}

/** After 50,000 more instructions, TF set from the debugger: each instruction traps after it runs, on both alike. */
export function sameTrapFlagSteps(fast: LoadedProgram, slow: LoadedProgram): void {
  assert.equal(fast.cpu.run(50_000).kind, 'budget');
  step(slow, 50_000);
  fast.cpu.state.flagsOther |= 0x100;
  slow.cpu.state.flagsOther |= 0x100;
  for (let k = 0; k < 40; k++) {
    assert.deepEqual(fast.cpu.run(1e6), slow.cpu.run(1e6));
    assert.equal(fast.cpu.state.eip, slow.cpu.state.eip);
    assert.equal(fast.cpu.state.icount, slow.cpu.state.icount);
  }
  assert.deepEqual([...fast.cpu.state.r], [...slow.cpu.state.r]);
}
