// Owns going backwards in a debugged program: checkpoints of the whole machine
// (checkpoint.ts) taken every `every` instructions as it runs forward, a bounded number of
// them kept (older ones thinned out, so their spacing grows with age), and deterministic
// replay from the nearest one: the emulator is deterministic (the virtual clock and every
// kernel decision derive from the instruction count; what the guest reads from files is
// read again), so the state after N instructions is rebuilt exactly by restoring the last
// checkpoint at or before N and running to N. reverseContinue replays the segments between
// checkpoints from the latest back, noting where a breakpoint, the data breakpoint or a
// kernel event would have stopped, and goes to the last of those.
import type { RunResult } from '../kernel/run-loop';
import type { Target } from './launch';
import { MachineCheckpoint } from './checkpoint';

/** Instructions between checkpoints (the launch configuration's reverseCheckpointEvery). */
export const CHECKPOINT_EVERY = 1_000_000;
/** Checkpoints kept at most (reverseCheckpointsKept); the first (the program's start) is always kept. */
export const CHECKPOINTS_KEPT = 64;
/** The latest checkpoints are never thinned: stepping back near where the program is stays fast. */
const DENSE = 8;
/**
 * A replay longer than this leaves a checkpoint this far before where it goes, so that the
 * next steps back (each one instruction further) replay at most this many instructions.
 */
export const NEAR = 20_000;
/** Checkpoints left by replays kept at most (the last ones made). */
const NEAR_KEPT = 4;

/** A place where a forward run would have stopped: the instruction count and why. */
export interface ReplayHit {
  readonly icount: number;
  readonly result: RunResult;
}

/** One checkpoint: the instruction count it was taken at, the machine, and what the caller kept with it. */
export interface TimelinePoint<X> {
  readonly icount: number;
  readonly checkpoint: MachineCheckpoint;
  readonly extra: X;
  /** Taken where the user edited the state (registers, memory): earlier replays would not reproduce it, so it stays. */
  readonly pinned: boolean;
}

export class Timeline<X> {
  private readonly points: Array<TimelinePoint<X>> = [];
  /** Checkpoints left by replays (near()), outside the periodic ones, oldest first. */
  private readonly near: Array<TimelinePoint<X>> = [];

  constructor(
    private readonly roots: () => readonly object[],
    readonly every = CHECKPOINT_EVERY,
    readonly kept = CHECKPOINTS_KEPT,
  ) {}

  get size(): number {
    return this.points.length;
  }

  /** The instruction counts of the checkpoints kept, in order (tests, the bench). */
  counts(): number[] {
    return this.points.map((p) => p.icount);
  }

  /** Forward execution reached `icount`: a checkpoint when `every` instructions passed since the latest one at or before it. */
  note(icount: number, extra: () => X): void {
    const latest = this.latestAtOrBefore(icount);
    if (latest && icount - latest.icount < this.every) return;
    this.insert({ icount, checkpoint: MachineCheckpoint.take(this.roots(), latest?.checkpoint), extra: extra(), pinned: false });
  }

  /**
   * The state was edited at `icount`: checkpoints after it describe a future that will not
   * happen and go; a pinned checkpoint here makes every later replay start from the edit.
   */
  cut(icount: number, extra: X): void {
    for (let i = this.points.length - 1; i >= 0 && this.points[i]!.icount >= icount; i--) this.points.splice(i, 1)[0]!.checkpoint.release();
    for (let i = this.near.length - 1; i >= 0; i--) if (this.near[i]!.icount >= icount) this.near.splice(i, 1)[0]!.checkpoint.release();
    this.insert({ icount, checkpoint: MachineCheckpoint.take(this.roots(), this.points[this.points.length - 1]?.checkpoint), extra, pinned: true });
  }

  /** A replay reached `icount` on its way further: a checkpoint here, kept among the last NEAR_KEPT of them. */
  remember(icount: number, extra: X): void {
    if (this.latestAtOrBefore(icount)?.icount === icount) return;
    const base = this.latestAtOrBefore(icount);
    this.near.push({ icount, checkpoint: MachineCheckpoint.take(this.roots(), base?.checkpoint), extra, pinned: false });
    if (this.near.length > NEAR_KEPT) this.near.shift()!.checkpoint.release();
  }

  /** The latest checkpoint at or before `icount` (periodic or left by a replay). */
  latestAtOrBefore(icount: number): TimelinePoint<X> | undefined {
    let best: TimelinePoint<X> | undefined;
    for (const p of this.points) if (p.icount <= icount) best = p;
    for (const p of this.near) if (p.icount <= icount && (!best || p.icount > best.icount)) best = p;
    return best;
  }

  /** The checkpoints before `icount`, latest first, each with where its segment ends (the next checkpoint, or `icount`). */
  segmentsBefore(icount: number): Array<{ readonly point: TimelinePoint<X>; readonly end: number }> {
    const out: Array<{ point: TimelinePoint<X>; end: number }> = [];
    let end = icount;
    for (let i = this.points.length - 1; i >= 0; i--) {
      const p = this.points[i]!;
      if (p.icount >= icount) continue;
      out.push({ point: p, end });
      end = p.icount;
    }
    return out;
  }

  /** Drops every checkpoint (the session ended). */
  clear(): void {
    for (const p of [...this.points, ...this.near]) p.checkpoint.release();
    this.points.length = 0;
    this.near.length = 0;
  }

  private insert(point: TimelinePoint<X>): void {
    const at = this.points.findIndex((p) => p.icount >= point.icount);
    if (at >= 0 && this.points[at]!.icount === point.icount) this.points.splice(at, 1, point)[0]!.checkpoint.release();
    else if (at >= 0) this.points.splice(at, 0, point);
    else this.points.push(point);
    while (this.points.length > this.kept) this.thin();
  }

  /**
   * Drops the checkpoint whose loss widens the gap around it least relative to its age
   * (never the first, a pinned one or one of the latest DENSE), so the spacing of the kept
   * ones grows with their distance from now.
   */
  private thin(): void {
    const ps = this.points;
    const newest = ps[ps.length - 1]!.icount;
    let best = -1;
    let bestCost = Infinity;
    for (let i = 1; i < ps.length - DENSE; i++) {
      if (ps[i]!.pinned) continue;
      const cost = (ps[i + 1]!.icount - ps[i - 1]!.icount) / (newest - ps[i]!.icount + this.every);
      if (cost < bestCost) {
        bestCost = cost;
        best = i;
      }
    }
    if (best < 0) best = ps.length - DENSE;
    if (best <= 0 || best >= ps.length) return;
    ps.splice(best, 1)[0]!.checkpoint.release();
  }
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
    if (r.kind === 'exited' || r.kind === 'killed' || r.kind === 'unemulated') return;
    if (r.kind !== 'budget' && hit) hit({ icount: cpu.state.icount, result: r });
  }
}

/** The last hit strictly before `icount`, if any. */
export function lastHitBefore(hits: readonly ReplayHit[], icount: number): ReplayHit | undefined {
  let best: ReplayHit | undefined;
  for (const h of hits) if (h.icount < icount && (!best || h.icount >= best.icount)) best = h;
  return best;
}
