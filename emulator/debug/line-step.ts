// Owns stepping by source line as gdb's `next` and `step` do: instructions run one at a
// time (a call is run over to its return address, with the stack pointer back where it
// was, unless stepping in to a function with line information, which stops after its
// prologue); the step ends at the first instruction of a different is_stmt line (after a
// return, the caller's next line: the rest of the line of the call is stepped), where no
// line table covers the pc, at a user breakpoint, or when the run loop stops for anything else. A step
// is a generator that yields between instructions and between slices of a run over a call:
// the runtime runs it in slices of wall-clock time, like a continue, so a pause is heard and
// no line is too long to step (the launch's "timeout" bounds it). No DAP here: the runtime
// turns the outcome into a stop.
import type { RunResult } from '../kernel/run-loop';
import type { SourceMap } from './source-map';

export interface LineStepHost {
  readonly lines: SourceMap;
  eip(): number;
  esp(): number;
  /** The CFA of frame 0 (the stack pointer the frame returns with), if the CFI says. */
  frameCfa(): number | undefined;
  /** The instruction at `pc`: its length and whether it is a call. */
  instructionAt(pc: number): { readonly length: number; readonly call: boolean } | undefined;
  /** Runs one instruction (a system call instruction runs the kernel model too). */
  step(): RunResult;
  /** Runs until `address` is reached with esp >= `esp` (temporary breakpoint), yielding between slices. */
  runTo(address: number, esp: number): Generator<void, RunResult | 'reached', void>;
  /** True when a user breakpoint (line, function, instruction) is at `address`. */
  userBreakpointAt(address: number): boolean;
}

export type LineStepOutcome =
  | { readonly kind: 'done' }
  | { readonly kind: 'breakpoint' }
  | { readonly kind: 'run'; readonly result: RunResult };

const running = (r: RunResult): boolean => r.kind === 'budget';

/** One `next` (mode over) or `step` (mode in) by source line from the current pc; yields where it may be paused. */
export function* stepByLine(h: LineStepHost, mode: 'over' | 'in'): Generator<void, LineStepOutcome, void> {
  let current = h.lines.locate(h.eip());
  let cfa = h.frameCfa();
  for (;;) {
    yield;
    const pc = h.eip();
    const insn = h.instructionAt(pc);
    if (insn?.call) {
      const esp = h.esp();
      const r = h.step();
      if (!running(r)) return { kind: 'run', result: r };
      const callee = h.eip();
      const body = mode === 'in' && h.lines.locate(callee) ? h.lines.bodyOf(callee) : undefined;
      if (body !== undefined) {
        if (body !== callee) {
          const to = yield* h.runTo(body, 0);
          if (to !== 'reached') return to.kind === 'breakpoint' ? { kind: 'breakpoint' } : { kind: 'run', result: to };
        }
        return { kind: 'done' };
      }
      if (h.eip() !== ((pc + insn.length) >>> 0)) {
        const back = yield* h.runTo((pc + insn.length) >>> 0, esp);
        if (back !== 'reached') return back.kind === 'breakpoint' ? { kind: 'breakpoint' } : { kind: 'run', result: back };
      }
    } else {
      const r = h.step();
      if (!running(r)) return { kind: 'run', result: r };
    }
    const now = h.eip();
    if (h.userBreakpointAt(now)) return { kind: 'breakpoint' };
    if (!current) return { kind: 'done' };
    // Returned to the caller: go on there, in the caller's frame, to the start of its next line (as gdb's next does).
    if (cfa !== undefined && h.esp() >>> 0 >= cfa >>> 0) cfa = h.frameCfa();
    const loc = h.lines.locate(now);
    if (!loc) return { kind: 'done' };
    const other = loc.line !== current.line || loc.path !== current.path;
    if (loc.start === now && other && loc.isStmt) return { kind: 'done' };
    if (other && loc.start !== now) current = loc;
  }
}
