// Owns going backwards in a debugged program: the emulator is deterministic (the virtual
// clock and every kernel decision derive from the instruction count; the guest's files are
// read-only), so the state after N instructions is rebuilt exactly by launching the
// program again and running exactly N instructions with the same breakpoints. stepBack is
// N - 1; reverseContinue first replays to now, noting where a breakpoint, the data
// breakpoint or a kernel event would have stopped, then replays to the last of those.
import type { RunResult } from '../kernel/run-loop';
import type { Target } from './launch';

/** A place where a forward run would have stopped: the instruction count and why. */
export interface ReplayHit {
  readonly icount: number;
  readonly result: RunResult;
}

/**
 * Runs `t` until exactly `icount` instructions have executed (or the process ends), going
 * on past breakpoints, watchpoints and kernel-event stops; each of those is given to `hit`
 * with the count at which a forward run would have stopped.
 */
export function runToIcount(t: Target, icount: number, hit?: (h: ReplayHit) => void): void {
  const cpu = t.process.cpu;
  for (let guard = 0; cpu.state.icount < icount && !t.process.exit && guard < 10_000_000; guard++) {
    const r = t.loop.run(icount - cpu.state.icount);
    if (r.kind === 'exited' || r.kind === 'killed') return;
    if (r.kind !== 'budget' && hit) hit({ icount: cpu.state.icount, result: r });
  }
}

/** The last hit strictly before `icount`, if any. */
export function lastHitBefore(hits: readonly ReplayHit[], icount: number): ReplayHit | undefined {
  let best: ReplayHit | undefined;
  for (const h of hits) if (h.icount < icount && (!best || h.icount >= best.icount)) best = h;
  return best;
}
