// Owns one debug session's reverse execution over its target: the timeline of checkpoints
// the forward runs leave (reverse.ts), replay to an instruction count or to where a forward
// run stopped, the search back for the last stop a forward run would have made, and where a
// step back by source line goes (the replays reverse-line.ts judges). The runtime
// (runtime.ts) turns what this finds into stops; the session's own state it puts back after
// a restore through the host.
import type { RunResult } from '../kernel/run-loop';
import type { BreakpointTable } from './breakpoints';
import type { Target } from './launch';
import { lastHitBefore, NEAR, runToIcount, Timeline, type ReplayHit, type TimelinePoint } from './reverse';
import { reverseLineTarget, type RowHit } from './reverse-line';
import type { SourceMap } from './source-map';
import type { SymbolIndex } from './symbols';
import type { LastSyscall, RuntimeFrame } from './types';

/** What reverse execution needs of the debug runtime. */
export interface ReverseHost {
  readonly table: () => BreakpointTable;
  /** The session's last system call (kept with each checkpoint). */
  readonly lastSyscall: () => LastSyscall | undefined;
  /** The machine went back to a checkpoint whose last system call was `last`: the session forgets what came after. */
  readonly restored: (last: LastSyscall | undefined) => void;
  readonly sources: () => SourceMap;
  readonly symbols: SymbolIndex;
  /** The CFA of frame 0 now, from the CFI alone. */
  readonly frameCfa: () => number | undefined;
  readonly stack: () => RuntimeFrame[];
}

export class ReverseSession {
  /** True while a replay runs: its output and checkpoints are not the forward run's. */
  replaying = false;
  private readonly timeline: Timeline<LastSyscall | undefined>;

  constructor(
    private readonly target: Target,
    private readonly host: ReverseHost,
    every: number | undefined,
    kept: number | undefined,
  ) {
    this.timeline = new Timeline(() => [target.loop, target.process], every, kept);
    this.timeline.note(0, () => undefined);
  }

  /** Gives back every checkpoint. */
  clear(): void {
    this.timeline.clear();
  }

  /** Instructions the debugged thread has run: the position on the timeline. */
  icount(): number {
    return this.target.process.cpu.state.icount;
  }

  /**
   * Runs the guest forward (every forward run of the session goes through here): a
   * checkpoint when one is due, only where the run used up its budget. A replay to a count
   * stops there too; a stop for a breakpoint or a kernel event may come after a signal
   * delivered at the same count (the handler's breakpoint), a state a replay to that count
   * does not give.
   */
  advance(budget: number): RunResult {
    const r = this.target.loop.run(budget);
    if (!this.replaying && r.kind === 'budget') this.timeline.note(this.icount(), () => this.host.lastSyscall());
    return r;
  }

  /** The user changed the state: replays after this point start from it. */
  edited(): void {
    this.timeline.cut(this.icount(), this.host.lastSyscall());
  }

  /** The machine as it was at `point`, quiet, with this session's breakpoints. */
  private restore(point: TimelinePoint<LastSyscall | undefined>): void {
    point.checkpoint.restore();
    this.host.table().clearTemporary();
    this.host.restored(point.extra);
  }

  /** Runs `body` as a replay (its output and budgets are not the forward run's). */
  private replay(body: () => void): void {
    this.replaying = true;
    try {
      body();
    } finally {
      this.replaying = false;
    }
  }

  /** Replays from the latest checkpoint at or before `icount` to exactly `icount` (a long replay leaves a checkpoint NEAR before it); the last stretch's stops go to `hit`. */
  replayTo(icount: number, hit?: (h: ReplayHit) => void): void {
    const timeline = this.timeline;
    // A stop for `hit` may come at the end of the run that reaches `icount`: start before it, where a checkpoint cannot hide it.
    const point = timeline.latestAtOrBefore(hit && icount > 0 ? icount - 1 : icount)!;
    this.restore(point);
    this.replay(() => {
      if (icount - point.icount > NEAR) {
        runToIcount(this.target, icount - NEAR);
        timeline.remember(this.icount(), this.host.lastSyscall());
      }
      runToIcount(this.target, icount, hit);
    });
    // The stop this lands on is reported: going forward from it steps over a breakpoint there, as from any stop.
    this.target.process.cpu.stepOverBreakpointAt(this.target.process.cpu.state.eip);
  }

  /**
   * Replays to where a forward run stopped for `h`. A signal delivered on the return from a
   * timer interrupt happens at the count of the instruction before it, when the next run
   * starts: if the replay did not stop there itself, one more run delivers it and stops
   * (at the handler's breakpoint, or for the kernel event) before any instruction.
   */
  replayToHit(h: ReplayHit): void {
    let reached = false;
    this.replayTo(h.icount, (x) => {
      if (x.icount === h.icount && x.result.kind === h.result.kind) reached = true;
    });
    const t = this.target;
    const at = h.result.kind === 'breakpoint' && (t.process.cpu.state.eip >>> 0) === h.result.address;
    if (reached || at || t.process.exit) return;
    this.replay(() => t.loop.run(1));
    t.process.cpu.stepOverBreakpointAt(t.process.cpu.state.eip);
  }

  /**
   * The last place before now a forward run would have stopped (`stops` says which
   * breakpoint hits count), the segments between checkpoints replayed from the latest back;
   * undefined when there is none. The machine is left somewhere in the replays.
   */
  lastStopBefore(stops: (h: ReplayHit) => boolean): ReplayHit | undefined {
    const n = this.icount();
    for (const { point, end } of this.timeline.segmentsBefore(n)) {
      const hits: ReplayHit[] = [];
      this.restore(point);
      this.replay(() =>
        runToIcount(this.target, end, (h) => {
          if (stops(h)) hits.push(h);
        }),
      );
      const last = lastHitBefore(hits, n);
      if (last) return last;
    }
    return undefined;
  }

  /**
   * Where a step back by line goes from `n` (undefined: by instruction, where no line table
   * or CFI covers the pc): each segment between checkpoints, latest first, is replayed with
   * breakpoints on the function's row starts until one holds the start of an earlier line.
   */
  lineBackTarget(n: number): number | undefined {
    const t = this.target;
    const sources = this.host.sources();
    const pc = t.process.cpu.state.eip >>> 0;
    const fn = this.host.symbols.functionAt(pc);
    const cfa = this.host.frameCfa();
    if (!sources.locate(pc) || !fn || cfa === undefined) return undefined;
    const stops = new Set([fn.start, ...sources.statementStarts(fn.start, fn.end)]);
    // At the function's entry: back to the call point in the caller (the instruction before).
    if (pc === fn.start) return n - 1;
    const query = { cfa, entry: fn.start, entryIsLine: sources.bodyOf(fn.start) === fn.start, icount: n, locate: (a: number) => sources.locate(a) };
    const table = this.host.table();
    for (const { point, end: segmentEnd } of this.timeline.segmentsBefore(n)) {
      this.restore(point);
      // The frame's line when the segment begins: a caller's is its call's; at a row start it is the hit there.
      const frame = this.host.stack().find((f) => f.kind === 'frame' && f.cfa === cfa);
      const lineThen = frame && frame.kind === 'frame' && !(frame.level === 0 && stops.has(frame.pc)) ? sources.locate(frame.level === 0 ? frame.pc : frame.pc - 1) : undefined;
      const hits: RowHit[] = [];
      for (const a of stops) table.addTemporary(a);
      try {
        this.replay(() =>
          runToIcount(t, segmentEnd, (h) => {
            if (h.result.kind === 'breakpoint' && stops.has(h.result.address)) hits.push({ icount: h.icount, pc: h.result.address, cfa: this.host.frameCfa() });
          }),
        );
      } finally {
        table.clearTemporary();
      }
      const target = reverseLineTarget(query, hits, lineThen);
      if (target !== undefined) return target;
    }
    return 0;
  }
}
