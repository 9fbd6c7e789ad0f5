// Owns where a step back by source line goes (gdb's reverse-next): to the start of the line
// the program was on before, in the same frame, as the forward line step (line-step.ts)
// would have stopped there: the last time, before now, that the frame reached the first
// instruction of an is_stmt row of another line. Going back over the function's entry (its
// prologue in compiled code, its first line in assembly, where a step in stops) goes on to
// the call instruction in the caller (gdb: "back to the call point"). Calls made
// from the frame are stepped over (their frames have another CFA). No replay here: the
// runtime replays a segment with breakpoints on the function's row starts and gives the
// hits, oldest first.
import type { SourceLocation } from './source-map';

/** The frame reached a row start (or the function's entry) `icount` instructions in. */
export interface RowHit {
  readonly icount: number;
  readonly pc: number;
  /** The CFA of frame 0 there (the frame's identity), if the CFI says. */
  readonly cfa: number | undefined;
}

export interface ReverseLineQuery {
  /** The frame to step back in: its CFA, and its function's first instruction. */
  readonly cfa: number;
  readonly entry: number;
  /** The entry is where a line step into the function stops (no prologue skipped: assembly), so a line of its own. */
  readonly entryIsLine: boolean;
  /** Now: only hits strictly before this count. */
  readonly icount: number;
  locate(pc: number): SourceLocation | undefined;
}

const key = (l: SourceLocation | undefined): string | undefined => (l ? `${l.path}:${l.line}` : undefined);

/**
 * The instruction count to go back to, from one replayed segment's hits; `line` is the line
 * the frame was on when the segment began (undefined: not known, or not in the frame).
 * undefined: nothing in this segment (look in the one before).
 */
export function reverseLineTarget(q: ReverseLineQuery, hits: readonly RowHit[], line: SourceLocation | undefined): number | undefined {
  let current = key(line);
  let target: number | undefined;
  for (const h of hits) {
    if (h.icount >= q.icount || h.cfa !== q.cfa) continue;
    if (h.pc === q.entry >>> 0 && !q.entryIsLine) {
      // A new activation of the function: back past its prologue is the call point in the caller.
      current = undefined;
      target = Math.max(0, h.icount - 1);
      continue;
    }
    if (h.pc === q.entry >>> 0) current = undefined;
    const loc = q.locate(h.pc);
    if (!loc) continue;
    const k = key(loc);
    if (loc.start === h.pc >>> 0 && loc.isStmt && k !== current) target = h.icount;
    current = k;
  }
  return target;
}
