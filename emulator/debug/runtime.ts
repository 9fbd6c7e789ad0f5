// Owns the debugger-facing session over one emulated process (the shape of mock-debug's
// runtime, no DAP types): launch, continue in bounded slices (so pause is heard), step one
// instruction (a system call instruction runs the kernel model and stops where the kernel
// returned, naming the call, its entry and its exit path), step over a call, step out to
// the unwinder's return address, code/data/kernel-event breakpoints, and the state a
// stopped process shows. Events go out through a typed emitter on a later tick. Everything
// derives from the instruction count, so the same launch gives the same stops. Going
// backwards (checkpoints, replays) is reverse-session.ts's; this file turns what it finds into stops.
import { InputError } from '../../toolchain/errors';
import { decode } from '../../toolchain/isa/decoder';
import { parseElf32 } from '../../toolchain/elf/reader';
import { Op } from '../../toolchain/isa/ops';
import { unwindImageFromElf } from '../../toolchain/dwarf/unwind-image';
import type { UnwindImage } from '../../toolchain/dwarf/unwind-types';
import { formatResult } from '../kernel/trace';
import type { KernelEvent, RunResult } from '../kernel/run-loop';
import type { KernelPhase, PtRegs } from '../kernel/seams';
import { signalName } from '../kernel/linux-abi';
import { BreakpointTable } from './breakpoints';
import { LaterEmitter } from './emitter';
import { CodeBoundaries, disassembleAt, disassembleRange, imageCodeStarts, imageDataRanges } from './disassemble';
import { cpuRegisters, readUpTo, stackFrames } from './inspect';
import { EFLAGS_BITS, setEflagsBit, setRegister, writeGuestMemory } from './state-edit';
import { launchTarget, type Target } from './launch';
import { keepAsIs } from './checkpoint';
import { ReverseSession, type ReverseHost } from './reverse-session';
import { SymbolIndex, imageSymbols, type ImageSymbols } from './symbols';
import { ImageCache } from './image-cache';
import { checkFileMap, framesWithSources, SourceMap, type SourceLocation } from './source-map';
import { HitRules, resolveLine, type Evaluated, type LineBreakpointSpec } from './line-breakpoints';
import { stepByLine, type LineStepHost } from './line-step';
import { GeneratedSources, type GeneratedSource } from './generated-source';
import { KernelFrame } from './kernel-frame';
import { fpuView, type FpuView } from './fpu-view';
import type {
  BreakpointResult, DebugEvents, DebugHost, DebugLaunchOptions, DisassembledLine, KernelEventBreakpoints, LastSyscall,
  NamedValue, RuntimeFrame, StopEvent, StopReason, SyscallStop,
} from './types';

/** Most instructions per slice of a continue (between slices, a pause request is heard). */
const SLICE = 2_000_000;
/** A run's first slice (and a line step's first run): small, until the guest's speed is measured. */
const FIRST_SLICE = 10_000;
/**
 * Slices after which a run's slices have reached their full size (SLICE, or what SLICE_MS
 * allows at the guest's speed): each is at most twice the last (nextSlice). The adapter reads
 * requests only between slices, so a run that has answered this many has slices of full size.
 */
export const SLICES_TO_FULL_SIZE = Math.ceil(Math.log2(SLICE / FIRST_SLICE));
/**
 * Wall-clock time a slice aims at: slices are sized from the guest's measured speed, so that
 * a pause is answered within about this long whatever the guest does; short, because a
 * machine busy with other work stretches each slice several times over.
 */
const SLICE_MS = 5;
/** System calls kept for a stop event. */
const RECENT = 8;
/** Images' symbols and unwind tables, kept by the process for later sessions (image-cache.ts). */
const keptSymbols = new ImageCache<ImageSymbols>();
const keptUnwind = new ImageCache<UnwindImage>();

const hex = (n: number): string => '0x' + (n >>> 0).toString(16);

/** A run towards a temporary stop (step over, step out): stop at `address` once esp >= `esp`. */
interface Until {
  readonly address: number;
  readonly esp: number;
}

export class DebugRuntime {
  readonly events = new LaterEmitter<DebugEvents>();
  private target: Target | undefined;
  private breakpoints: BreakpointTable | undefined;
  private readonly symbols = new SymbolIndex();
  /** The sources shown for code no line table covers, made on first use (after launch). */
  private generated: GeneratedSources | undefined;
  private images: UnwindImage[] = [];
  /** Known instruction starts for disassembling backwards (dbg line rows may add theirs). */
  readonly boundaries = new CodeBoundaries();
  private kernelEvents: KernelEventBreakpoints = {};
  private launchOptions: DebugLaunchOptions | undefined;
  /** Wall-clock milliseconds the guest has run (continue slices), for the launch's "timeout". */
  private ranMs = 0;
  private dataBreakpoint: { readonly id: number; readonly address: number; readonly length: number; readonly access: 'write' | 'readWrite' } | undefined;
  private recent: SyscallStop[] = [];
  private last: LastSyscall | undefined;
  /** What the kernel-event breakpoints matched since the last stop, in the order the kernel did it. */
  private kernelHits: string[] = [];
  private running = false;
  /** Going backwards (reverse-session.ts): checkpoints and replays; while one replays, the guest's output was shown the first time. */
  private reversing: ReverseSession | undefined;
  private pauseRequested = false;
  private ended = false;
  private deathShown = false;
  private disposed = false;
  private readonly lineIds = new Map<string, number[]>();
  /** The program's and the vDSO's line tables (empty before launch). */
  sources = new SourceMap();
  private readonly hitRules = new HitRules();
  /** The kernel frame while a stepIn stands inside a system call (kernel-frame.ts), and how many calls were entered so. */
  private kernel: KernelFrame | undefined;
  private kernelCalls = 0;
  /** Evaluates a breakpoint condition or a log message's {expression} in frame 0 (the adapter sets it). */
  evaluateForBreakpoint: (expression: string) => Evaluated = () => ({ error: 'no expression evaluator' });

  /** Bytes of events sent but not yet taken by the client (the adapter sets it; output-limit.ts drops output past a bound). */
  clientBacklog: () => number = () => 0;

  constructor(private readonly host: DebugHost) {}

  /** Loads the program (throws InputError with one line on bad options). Does not run it. */
  launch(options: DebugLaunchOptions): void {
    const t = launchTarget(options, this.host, (e) => {
      if (!this.reversing?.replaying) this.events.emit('output', e);
    }, () => this.clientBacklog());
    if (options.timeout !== undefined && !(typeof options.timeout === 'number' && options.timeout > 0 && options.timeout <= 1e6)) {
      throw new InputError('launch configuration', '"timeout"', `must be seconds above 0, up to 1000000 (got ${JSON.stringify(options.timeout)})`);
    }
    checkCount(options.reverseCheckpointEvery, 'reverseCheckpointEvery', 1, 1e12);
    checkCount(options.reverseCheckpointsKept, 'reverseCheckpointsKept', 10, 100_000);
    const program = t.program;
    const key = `${program.path}\0${program.elf.fileName}\0${program.bias}`;
    // The loader reads no symbol table: a broken one fails the launch here, before the target is taken.
    const programSymbols = keptSymbols.get(program.elf.bytes, key, () => imageSymbols(program.path, program.elf, program.bias));
    this.ranMs = 0;
    this.target = t;
    this.breakpoints = new BreakpointTable(t.process.cpu);
    this.symbols.add(programSymbols);
    this.images = [keptUnwind.get(program.elf.bytes, key, () => unwindImageFromElf(program.elf, program.bias, program.path))];
    const vdso = t.vdso;
    if (vdso) {
      // As mapped: the auxv design's kernel rewrites the __kernel_vsyscall dynamic symbol.
      const name = t.vdsoName ?? '[vdso]';
      this.symbols.add(keptSymbols.get(vdso.image, `[vdso]\0${name}\0${vdso.base}`, () => imageSymbols('[vdso]', parseElf32(vdso.image, name), vdso.base)));
      this.images.push(keptUnwind.get(vdso.elf.bytes, `[vdso]\0${vdso.elf.fileName}\0${vdso.base}`, () => unwindImageFromElf(vdso.elf, vdso.base, '[vdso]')));
    }
    this.boundaries.add(this.symbols.functionStarts());
    this.boundaries.add(imageCodeStarts(t.program.elf, t.program.bias, this.images[0]!));
    if (t.vdso) this.boundaries.add(imageCodeStarts(t.vdso.elf, t.vdso.base, this.images[1]!));
    this.boundaries.addData(imageDataRanges(t.program.elf, t.program.bias));
    if (t.vdso) this.boundaries.addData(imageDataRanges(t.vdso.elf, t.vdso.base));
    this.launchOptions = options;
    this.attach(t);
    keepAsIs(t.loop.table);
    this.reversing?.clear();
    this.reversing = new ReverseSession(t, this.reverseHost(), options.reverseCheckpointEvery, options.reverseCheckpointsKept);
    this.sources = new SourceMap(checkFileMap((options as { sourceFileMap?: unknown }).sourceFileMap));
    this.sources.addImage(t.program.elf, t.program.bias);
    if (t.vdso) {
      this.sources.addImage(t.vdso.elf, t.vdso.base);
      this.sources.addAlternatives(t.vdso.elf, t.vdso.image, t.vdso.base);
    }
    this.boundaries.add(this.sources.rowStarts());
    for (const p of this.sources.problems) this.events.emit('output', { category: 'console', text: `vdso-lab: line table not used: ${p}\n` });
  }

  /** Follows the target's kernel events (system calls for pt_regs and the stop's description, kernel-event breakpoints). */
  private attach(t: Target): void {
    let entryRegs: PtRegs | undefined;
    t.loop.subscribe((e) => {
      if (e.kind === 'entry') entryRegs = e.regs;
      else if (e.kind === 'exit') this.syscallDone(e, entryRegs);
      this.kernelEvent(e);
    });
  }

  // ---- reverse execution (reverse-session.ts) ----

  private reverse(): ReverseSession {
    if (!this.reversing) throw new Error('no program is loaded (launch first)');
    return this.reversing;
  }

  /** Runs the guest forward: every forward run of the session goes through the reverse session (its checkpoints). */
  private advance(budget: number): RunResult {
    return this.reverse().advance(budget);
  }

  /** What reverse execution needs of this session. */
  private reverseHost(): ReverseHost {
    return {
      table: () => this.table(),
      lastSyscall: () => this.last,
      restored: (last) => {
        this.last = last;
        this.recent = [];
        this.ended = false;
        this.deathShown = false;
      },
      sources: () => this.sources,
      symbols: this.symbols,
      frameCfa: () => this.frameCfa(),
      stack: () => this.stack(),
    };
  }

  /**
   * One step back: by instruction (the state after instructions so far - 1, rebuilt
   * exactly), or by source line where a line table covers the pc (gdb's reverse-next:
   * reverse-line.ts).
   */
  stepBack(granularity: 'instruction' | 'line' = 'line'): void {
    this.idle();
    if (this.kernel && this.kernel.index > 0) return this.kernelPhase(this.kernel, -1);
    const reverse = this.reverse();
    const n = reverse.icount();
    // Back out of the kernel frame's first phase: before the entry instruction, as stepOut leaves it forwards at the landing pad.
    const lineTarget = granularity === 'line' && n > 0 && !this.kernel ? reverse.lineBackTarget(n) : undefined;
    reverse.replayTo(lineTarget ?? Math.max(0, n - 1));
    this.recent = [];
    this.kernelHits = [];
    this.stopped(n === 0 ? { ...this.stepStop('entry'), description: 'at the start of the program: nothing to step back over' } : this.stepStop('step'));
  }

  /** The CFA of frame 0 now, from the CFI alone (no sources: it runs at every row start a replay passes). */
  private frameCfa(): number | undefined {
    const p = this.need().process;
    const f0 = stackFrames(p.cpu.state, p.memory, this.images, this.symbols, 1)[0];
    return f0 && f0.kind === 'frame' ? f0.cfa : undefined;
  }

  /** Back to the last place a forward run would have stopped (a breakpoint, the data breakpoint, a kernel event), else the start. */
  reverseContinue(): void {
    this.idle();
    const reverse = this.reverse();
    const last = reverse.lastStopBefore((h) => h.result.kind !== 'breakpoint' || this.table().hitAt(h.result.address) !== undefined);
    if (last) reverse.replayToHit(last);
    else reverse.replayTo(0);
    this.recent = [];
    this.kernelHits = [];
    if (!last) return this.stopped({ ...this.stepStop('entry'), description: 'reverse: no earlier breakpoint; at the start of the program' });
    const r = last.result;
    const user = r.kind === 'breakpoint' ? this.table().hitAt(r.address) : undefined;
    const reason: StopReason = user ? user.reason : r.kind === 'watchpoint' ? 'data-breakpoint' : 'kernel-event';
    const ids = user ? user.ids : r.kind === 'watchpoint' && this.dataBreakpoint ? [this.dataBreakpoint.id] : [];
    this.stopped({ ...this.stepStop(reason), breakpointIds: ids, description: `reverse: ${this.stepStop(reason).description}` });
  }

  /** The user changed the state: replays after this point start from it. */
  private edited(): void {
    this.reversing?.edited();
  }

  /** A system call finished: kept for the stop's description and the pt_regs view; a stop when a syscall breakpoint matches. */
  private syscallDone(e: Extract<KernelEvent, { kind: 'exit' }>, entryRegs: PtRegs | undefined): void {
    const t = this.need();
    const { record, shownArgs: shown } = e;
    const stop: SyscallStop = {
      nr: record.nr, name: record.name, args: record.args, result: record.result, via: record.entry.via === 'int' ? 'int $0x80' : record.entry.via,
      entryAddress: record.entry.address, exitPath: record.exit?.path, exitReason: record.exit?.reason, returnedTo: t.process.cpu.state.eip >>> 0,
    };
    this.recent.push(stop);
    if (this.recent.length > RECENT) this.recent.shift();
    if (entryRegs) {
      this.last = { record: stop, entryRegs, exitRegs: e.regs, fetched: record.entry.fetched, clobbered: record.exit?.clobbered ?? [] };
    }
    const only = this.kernelEvents.syscall?.only;
    if (this.kernelEvents.syscall && (!only || only.length === 0 || only.includes(record.name) || only.includes(String(record.nr)))) {
      this.kernelHits.push(`system call ${record.name}(${shown.join(', ')})`);
      t.loop.requestStop();
    }
  }

  get loaded(): boolean {
    return this.target !== undefined;
  }

  get programPath(): string | undefined {
    return this.target?.program.path;
  }

  /** Starts the launched program: a stop on entry, or a continue. */
  start(stopOnEntry: boolean): void {
    const t = this.need();
    if (stopOnEntry) this.stopped({ reason: 'entry', description: `entry point ${this.where(t.program.entry)}`, address: t.process.cpu.state.eip >>> 0, breakpointIds: [], syscalls: [] });
    else this.continue();
  }

  // ---- breakpoints ----

  setInstructionBreakpoints(addresses: readonly number[]): BreakpointResult[] {
    return this.table().setInstructions(addresses);
  }

  setFunctionBreakpoints(names: readonly string[]): BreakpointResult[] {
    return this.table().setFunctions(names, this.symbols);
  }

  /** Replaces the line breakpoints of `path`: each verified at its line's first address (maybe moved to a later line), or unverified with the reason. */
  setLineBreakpoints(path: string, specs: readonly LineBreakpointSpec[]): Array<BreakpointResult & { readonly line?: number }> {
    const table = this.table();
    const resolved = specs.map((spec) => {
      const bad = HitRules.check(spec);
      return bad ? { address: undefined, message: bad } : resolveLine(this.sources, path, spec.line);
    });
    const previous = this.lineIds.get(path) ?? [];
    this.hitRules.forget(previous);
    const results = table.setLines(resolved, previous);
    this.lineIds.set(path, results.map((r) => r.id));
    return results.map((r, i) => {
      const at = resolved[i]!;
      if (r.verified) this.hitRules.set(r.id, specs[i]!);
      return at.address === undefined ? r : { ...r, line: at.line };
    });
  }

  /** Lines of `path` in [line, endLine] where a breakpoint can go. */
  breakpointLines(path: string, line: number, endLine?: number): number[] {
    return this.sources.linesWithCode(path, line, endLine ?? line);
  }

  /** The read-only disassembly shown for `pc` where no line table covers it. */
  generatedSource(pc: number): GeneratedSource {
    this.generated ??= new GeneratedSources({
      functionAt: (a) => this.symbols.functionAt(a),
      disassembleRange: (from, to, n) => this.withSources(disassembleRange(this.need().process.memory, this.boundaries, this.symbols, from, to, n)),
      disassemble: (a, o, n) => this.disassemble(a, o, n),
      readMemory: (a, n) => this.readMemory(a, n),
    });
    return this.generated.at(pc);
  }

  /** The source line of `pc`, if a line table covers it. */
  sourceAt(pc: number): SourceLocation | undefined {
    return this.sources.locate(pc);
  }

  /** A data breakpoint on a symbol name or an address ("0x804c018", length 4); describes what it watches. */
  dataTarget(expression: string): { readonly address: number; readonly length: number; readonly description: string } | { readonly error: string } {
    const text = expression.trim();
    const number = /^(0x[0-9a-f]+|\d+)$/i.test(text) ? Number(text) : undefined;
    if (number !== undefined && number <= 0xffffffff) return { address: number, length: 4, description: `4 bytes at ${hex(number)}` };
    const found = this.symbols.lookup(text);
    if (!found) return { error: `no symbol or address '${text.slice(0, 100)}'` };
    const length = Math.min(Math.max(found.size, 1), 4096);
    return { address: found.address, length, description: `${text} (${length} bytes at ${hex(found.address)})` };
  }

  /** Sets the one data breakpoint (the CPU model has one watchpoint); later ones are refused. */
  setDataBreakpoints(targets: ReadonlyArray<{ readonly address: number; readonly length: number; readonly access: 'write' | 'readWrite' }>): BreakpointResult[] {
    const t = this.need();
    t.process.cpu.clearWatchpoint();
    this.dataBreakpoint = undefined;
    return targets.map((d, i) => {
      const id = this.table().newId();
      if (i > 0) return { id, verified: false, message: 'one data breakpoint at a time: the CPU model has one watchpoint' };
      t.process.cpu.setWatchpoint(d.address, d.length, d.access);
      this.dataBreakpoint = { id, address: d.address, length: d.length, access: d.access };
      return { id, verified: true, address: d.address };
    });
  }

  setKernelEventBreakpoints(events: KernelEventBreakpoints): void {
    this.kernelEvents = events;
  }

  // ---- run control ----

  continue(): void {
    this.resume(undefined);
  }

  pause(): void {
    if (this.running) this.pauseRequested = true;
  }

  /** Ends the session: a running continue stops without an event, and nothing runs again. */
  dispose(): void {
    this.disposed = true;
    this.reversing?.clear();
  }

  /** One instruction; a system call instruction runs the kernel model and stops where it returned. */
  stepInstruction(): void {
    this.idle();
    if (this.kernel) return this.kernelPhase(this.kernel, 1);
    if (this.endIfDead()) return;
    const t = this.need();
    this.recent = [];
    this.kernelHits = [];
    t.process.cpu.stepOverBreakpointAt(t.process.cpu.state.eip);
    const r = this.advance(1);
    if (r.kind === 'budget' || r.kind === 'requested' || r.kind === 'breakpoint') this.stopped(this.stepStop('step'));
    else this.settle(r);
  }

  /** Steps over a call (stops at its return address in this frame); other instructions are one step. */
  stepOver(): void {
    this.idle();
    if (this.kernel) return this.kernelPhase(this.kernel, 1);
    if (this.endIfDead()) return;
    const s = this.need().process.cpu.state;
    const bytes = readUpTo(this.need().process.memory, s.eip, 15);
    const insn = decode(bytes, 0, s.eip >>> 0);
    if (bytes.length === 0 || (insn.op !== Op.Call && insn.op !== Op.CallIndirect)) return this.stepInstruction();
    this.resume({ address: (s.eip + insn.length) >>> 0, esp: s.r[4]! >>> 0 });
  }

  /** Steps one source line (`next`: calls run over; `step`: into functions with line information); by instruction where no line table covers the pc. */
  stepLine(mode: 'over' | 'in'): void {
    this.idle();
    if (this.kernel) return this.kernelPhase(this.kernel, 1);
    if (this.endIfDead()) return;
    const t = this.need();
    if (mode === 'in' && this.enterKernel(t)) return;
    if (!this.sources.locate(t.process.cpu.state.eip >>> 0)) return mode === 'over' ? this.stepOver() : this.stepInstruction();
    this.recent = [];
    this.kernelHits = [];
    t.process.cpu.stepOverBreakpointAt(t.process.cpu.state.eip);
    let kernelNext = false;
    const host = this.lineStepHost(t);
    // Stepping in, the line's system call instruction is entered like a call: the step stops before it and goes into the kernel frame.
    const stepper = stepByLine(mode === 'in' ? { ...host, step: () => (isKernelEntry(t) ? ((kernelNext = true), { kind: 'requested' }) : host.step()) } : host, mode);
    this.sliced(stepper, (outcome) => {
      if (kernelNext) return void this.enterKernel(t);
      if (outcome.kind === 'run') return this.settle(outcome.result);
      if (outcome.kind === 'breakpoint') {
        const user = this.table().hitAt(t.process.cpu.state.eip >>> 0);
        if (user) return this.stopped({ ...this.stepStop(user.reason), breakpointIds: user.ids, description: `${this.describeReason(user.reason)} at ${this.where(t.process.cpu.state.eip)}` });
      }
      this.stopped(this.stepStop('step'));
    });
  }

  /**
   * Runs a step (a generator that yields where it may stop) in slices of about SLICE_MS of
   * wall-clock time, as a continue runs: a pause between slices stops it where it is, and the
   * launch's "timeout" counts its time. `done` gets its outcome.
   */
  private sliced<T>(step: Generator<void, T, void>, done: (outcome: T) => void): void {
    const t = this.need();
    this.running = true;
    this.pauseRequested = false;
    const tick = (): void => {
      if (this.disposed) return void step.return(undefined as T);
      if (this.pauseRequested) {
        step.return(undefined as T);
        this.finishRun();
        return this.stopped(this.stepStop('pause'));
      }
      const started = performance.now();
      let r: IteratorResult<void, T>;
      do r = step.next();
      while (!r.done && performance.now() - started < SLICE_MS);
      this.ranMs += performance.now() - started;
      const limit = this.launchOptions?.timeout;
      if (!r.done && limit !== undefined && this.ranMs >= limit * 1000 && !t.process.exit) {
        step.return(undefined as T);
        this.finishRun();
        return this.timedOut(t, limit);
      }
      if (!r.done) return void setImmediate(tick);
      this.finishRun();
      done(r.value);
    };
    setImmediate(tick);
  }

  /** The launch's "timeout" ran out: the guest is killed, the output naming the limit. */
  private timedOut(t: Target, limit: number): void {
    const why = `the time limit (${limit} s) ran out at eip ${hex(t.process.cpu.state.eip)}`;
    this.events.emit('output', { category: 'console', text: `vdso-lab: stopped: ${why}\n` });
    t.process.terminate({ signal: 9, message: why });
    this.settle(t.loop.result()!);
  }

  private lineStepHost(t: Target): LineStepHost {
    const s = t.process.cpu.state;
    return {
      lines: this.sources,
      eip: () => s.eip >>> 0,
      esp: () => s.r[4]! >>> 0,
      frameCfa: () => {
        const f0 = this.stack(1)[0];
        return f0 && f0.kind === 'frame' ? f0.cfa : undefined;
      },
      instructionAt: (pc) => {
        const bytes = readUpTo(t.process.memory, pc, 15);
        if (bytes.length === 0) return undefined;
        const insn = decode(bytes, 0, pc >>> 0);
        return { length: insn.length, call: insn.op === Op.Call || insn.op === Op.CallIndirect };
      },
      step: () => this.advance(1),
      runTo: function* (this: DebugRuntime, address: number, esp: number): Generator<void, RunResult | 'reached', void> {
        const table = this.table();
        table.addTemporary(address);
        try {
          // Runs sized from the guest's measured speed to a fraction of a slice, so that a pause is heard between them.
          let chunk = FIRST_SLICE;
          for (;;) {
            const started = performance.now();
            const before = s.icount;
            const r = this.advance(chunk);
            chunk = nextSlice(chunk, s.icount - before, performance.now() - started, SLICE_MS / 4);
            if (r.kind === 'breakpoint') {
              if (r.address === address >>> 0 && s.r[4]! >>> 0 >= esp >>> 0) return 'reached';
              if (this.userStopAt(r.address)) return r;
            } else if (r.kind !== 'budget') return r;
            yield;
          }
        } finally {
          table.clearTemporary();
        }
      }.bind(this),
      userBreakpointAt: (address) => this.userStopAt(address),
    };
  }

  /** A user breakpoint at `address` that stops (its condition and hit count hold; a logpoint logs and does not). */
  private userStopAt(address: number): boolean {
    const user = this.table().hitAt(address);
    if (!user) return false;
    const action = this.hitRules.onHit(user.ids, this.evaluateForBreakpoint);
    if (action.kind === 'log') this.events.emit('output', { category: 'console', text: action.text });
    if (action.kind === 'error') this.events.emit('output', { category: 'console', text: `vdso-lab: ${action.message}; stopping\n` });
    return action.kind === 'stop' || action.kind === 'error';
  }

  /** Runs to the return address the unwinder computes for frame 0; throws with a line when it cannot. */
  stepOut(): void {
    this.idle();
    if (this.kernel) return this.leaveKernel(this.kernel);
    if (this.endIfDead()) return;
    const frames = this.stack();
    const f0 = frames[0];
    const f1 = frames[1];
    if (!f0 || f0.kind !== 'frame' || f0.cfa === undefined || !f1 || f1.kind !== 'frame') {
      const why = frames.find((f) => f.kind === 'label');
      throw new Error(`cannot step out of ${f0 && f0.kind === 'frame' ? f0.symbol : 'this frame'}: ${why && why.kind === 'label' ? why.text : 'no caller'}`);
    }
    this.resume({ address: f1.pc, esp: f0.cfa });
  }

  private resume(until: Until | undefined): void {
    if (this.disposed || this.running || this.endIfDead()) return;
    this.kernel = undefined;
    const t = this.need();
    const table = this.table();
    if (until) table.addTemporary(until.address);
    t.process.cpu.stepOverBreakpointAt(t.process.cpu.state.eip);
    this.running = true;
    this.pauseRequested = false;
    this.recent = [];
    this.kernelHits = [];
    let slice = FIRST_SLICE;
    const tick = (): void => {
      if (this.disposed) return;
      if (this.pauseRequested) {
        this.finishRun();
        this.stopped(this.stepStop('pause'));
        return;
      }
      const started = performance.now();
      const before = t.process.cpu.state.icount;
      const r = this.advance(slice);
      const took = performance.now() - started;
      this.ranMs += took;
      const limit = this.launchOptions?.timeout;
      if (limit !== undefined && this.ranMs >= limit * 1000 && !t.process.exit) {
        this.finishRun();
        return this.timedOut(t, limit);
      }
      slice = nextSlice(slice, t.process.cpu.state.icount - before, took, SLICE_MS);
      const eip = t.process.cpu.state.eip >>> 0;
      if (r.kind === 'budget') {
        setImmediate(tick);
        return;
      }
      if (r.kind === 'breakpoint') {
        const user = table.hitAt(r.address);
        const reached = until !== undefined && r.address === until.address && t.process.cpu.state.r[4]! >>> 0 >= until.esp;
        if (reached) {
          this.finishRun();
          this.stopped(this.stepStop('step'));
          return;
        }
        const action = user ? this.hitRules.onHit(user.ids, this.evaluateForBreakpoint) : { kind: 'continue' as const };
        if (action.kind === 'log') this.events.emit('output', { category: 'console', text: action.text });
        if (action.kind === 'error') this.events.emit('output', { category: 'console', text: `vdso-lab: ${action.message}; stopping\n` });
        if (!user || action.kind === 'continue' || action.kind === 'log') {
          setImmediate(tick);
          return;
        }
        this.finishRun();
        this.stopped({ ...this.stepStop(user.reason), breakpointIds: user.ids, description: `${this.describeReason(user.reason)} at ${this.where(eip)}` });
        return;
      }
      this.finishRun();
      this.settle(r);
    };
    setImmediate(tick);
  }

  private finishRun(): void {
    this.running = false;
    this.pauseRequested = false;
    this.table().clearTemporary();
  }

  /** Ends a run that stopped for a watchpoint, a kernel event, or the end of the process. */
  private settle(r: RunResult): void {
    const t = this.need();
    if (r.kind === 'watchpoint') {
      const d = this.dataBreakpoint;
      const value = d ? readUpTo(t.process.memory, d.address, Math.min(d.length, 4)) : new Uint8Array(0);
      const shown = [...value].reverse().map((b) => b.toString(16).padStart(2, '0')).join('');
      this.stopped({
        ...this.stepStop('data-breakpoint'), breakpointIds: d ? [d.id] : [], writer: r.address,
        description: `data breakpoint: ${hex(r.watched)} accessed by the instruction at ${this.where(r.address)}${shown ? `; now 0x${shown}` : ''}`,
      });
      return;
    }
    if (r.kind === 'requested' || r.kind === 'budget' || r.kind === 'breakpoint') {
      this.stopped(this.stepStop(r.kind === 'requested' ? 'kernel-event' : 'step'));
      return;
    }
    if (r.kind === 'unemulated') {
      // The state is kept for inspection; continuing stops here again.
      this.stopped({ ...this.stepStop('exception'), description: `${r.what}: the run cannot go on` });
      return;
    }
    this.endIfDead();
  }

  /** Reports the end of the process: a fatal signal first stops with 'exception' (state kept), then exits. */
  private endIfDead(): boolean {
    const t = this.target;
    if (!t || this.ended) return this.ended;
    const p = t.process;
    if (!p.exit) return false;
    if ('signal' in p.exit && !this.deathShown) {
      this.deathShown = true;
      this.stopped({ ...this.stepStop('exception'), description: `${signalName(p.exit.signal)}: ${p.describeExit()} at ${this.where(p.cpu.state.eip)}` });
      return true;
    }
    this.ended = true;
    t.flushOutput();
    this.events.emit('exited', { status: p.exitStatus ?? 0, description: p.describeExit() });
    return true;
  }

  /** The kernel-event breakpoints: a signal handler entered, an exit path chosen. */
  private kernelEvent(e: KernelEvent): void {
    const t = this.need();
    const k = this.kernelEvents;
    if (k.signal && e.kind === 'signal') {
      this.kernelHits.push(`${signalName(e.delivery.signal)} delivered to the handler at ${this.where(e.delivery.handler)}`);
      t.loop.requestStop();
    }
    const exit = e.kind === 'exit' ? e.record.exit : undefined;
    if (k.exitPath && exit && (k.exitPath.paths.length === 0 || k.exitPath.paths.includes(exit.path))) {
      this.kernelHits.push(`exit path ${exit.path.toUpperCase()} chosen: ${exit.reason}`);
      t.loop.requestStop();
    }
  }

  private describeReason(reason: StopReason): string {
    return reason.replace(/-/g, ' ');
  }

  /** A stop at the current eip with the system calls that ran, described in one line. */
  private stepStop(reason: StopReason): StopEvent {
    const t = this.need();
    const eip = t.process.cpu.state.eip >>> 0;
    const calls = this.recent.slice();
    const lastCall = calls[calls.length - 1];
    const parts = [`${reason === 'kernel-event' ? 'kernel event' : this.describeReason(reason)} at ${this.where(eip)}`];
    parts.push(...this.kernelHits);
    if (lastCall && (reason === 'step' || reason === 'kernel-event')) parts.push(describeSyscall(lastCall, (a) => this.where(a)));
    return { reason, description: parts.join('; '), address: eip, breakpointIds: [], syscalls: calls };
  }

  private stopped(e: StopEvent, kernel?: KernelFrame): void {
    this.kernelHits = [];
    this.kernel = kernel;
    this.events.emit('stopped', e);
  }

  // ---- the kernel model as source (kernel-frame.ts) ----

  /** The kernel frame while stopped inside a system call. */
  kernelFrame(): KernelFrame | undefined {
    return this.kernel;
  }

  /** stepIn at int $0x80, sysenter or syscall: the call runs with its phases recorded, and the stop is in the kernel frame at the first phase. */
  private enterKernel(t: Target): boolean {
    const pc = t.process.cpu.state.eip >>> 0;
    if (!isKernelEntry(t)) return false;
    const userFrames = this.stack();
    const userRegisters = this.registers();
    const phases: KernelPhase[] = [];
    this.recent = [];
    this.kernelHits = [];
    t.process.cpu.stepOverBreakpointAt(pc);
    // The sink stays with this call only (a blocking call keeps it while parked); its exit phase ends the wait below.
    t.loop.phases = (p) => {
      phases.push(p);
      if (p.kind === 'exit') t.loop.requestStop();
    };
    let r: RunResult;
    try {
      r = this.advance(1);
    } finally {
      t.loop.phases = undefined;
    }
    // A call that blocked is parked: run (other tasks, virtual time) until it returns to user mode.
    for (let n = 0; n < 1000 && r.kind === 'budget' && phases.length > 0 && !phases.some((p) => p.kind === 'exit') && !t.process.exit; n++) r = this.advance(SLICE);
    const after: RunResult = r.kind === 'requested' ? { kind: 'budget' } : r;
    // A refused entry (#UD) has no phases: it is an ordinary step that raised a signal.
    if (phases.length === 0) {
      if (r.kind === 'budget' || r.kind === 'requested' || r.kind === 'breakpoint') this.stopped(this.stepStop('step'));
      else this.settle(r);
      return true;
    }
    const call = this.recent[this.recent.length - 1]?.name ?? phases.find((p) => p.kind === 'call')?.function.replace(/^sys_/, '') ?? 'system call';
    const frame = new KernelFrame(KernelFrame.reference(this.kernelCalls++), phases, pc, userFrames, userRegisters, after, call);
    this.kernelPhase(frame, 0);
    return true;
  }

  /** Moves the kernel frame by `by` phases and stops there; past the last phase, leaves the kernel. */
  private kernelPhase(frame: KernelFrame, by: number): void {
    if (by > 0 && frame.atLast) return this.leaveKernel(frame);
    frame.index += by;
    const p = frame.phase;
    this.stopped({ reason: 'step', description: `kernel model: ${p.function}: ${p.text}`, address: frame.entryAddress, breakpointIds: [], syscalls: [] }, frame);
  }

  /** Back to user mode: the stop where the exit path returned (or the end of the process the call brought). */
  private leaveKernel(frame: KernelFrame): void {
    this.kernel = undefined;
    const r = frame.after;
    if (r.kind === 'budget' || r.kind === 'requested' || r.kind === 'breakpoint') this.stopped(this.stepStop('step'));
    else this.settle(r);
  }

  // ---- state of the stopped process ----

  /** The stopped thread's x87 FPU, as gdb's `info float` shows it. */
  fpu(): FpuView {
    return fpuView(this.need().process.cpu.state.fpu);
  }

  /** The CPU's registers (inside the kernel frame: as they were at the entry instruction). */
  registers(): NamedValue[] {
    if (this.kernel) return [...this.kernel.userRegisters];
    return cpuRegisters(this.need().process.cpu.state);
  }

  /** Sets a register of frame 0 (eax..edi, eip, eflags), or one EFLAGS bit by name. */
  setRegister(name: string, value: number): void {
    this.idle();
    if (this.kernel) throw new Error(`${name}: the debugger stands inside the kernel model; step out to user mode to set registers`);
    const state = this.need().process.cpu.state;
    if (EFLAGS_BITS.some((b) => b.name === name)) setEflagsBit(state, name, value !== 0);
    else setRegister(state, name, value);
    this.edited();
  }

  /** Writes guest memory up to the first unmapped byte; returns the bytes written. */
  writeMemory(address: number, bytes: Uint8Array): number {
    this.idle();
    const written = writeGuestMemory(this.need().process.memory, address, bytes);
    this.edited();
    return written;
  }

  stack(maxFrames = 64): RuntimeFrame[] {
    if (this.kernel) return this.kernel.frames().slice(0, maxFrames + 1);
    const p = this.need().process;
    return framesWithSources(stackFrames(p.cpu.state, p.memory, this.images, this.symbols, maxFrames), this.sources);
  }

  /**
   * The debugged thread as the debugger names it: its pid (tid), the program, and how many
   * other tasks the guest has started (they run, but are not stepped or shown).
   */
  threadName(): string {
    const t = this.target;
    if (!t) return 'main';
    const p = t.loop.running.pid === t.process.pid ? t.loop.running : t.process;
    const others = t.loop.machine.tasks.filter((x) => !x.exit && x !== p).length;
    const id = p.tid === p.pid ? `pid ${p.pid}` : `pid ${p.pid} tid ${p.tid}`;
    return `${id} ${p.exePath}${others ? ` (+${others} other task${others === 1 ? '' : 's'})` : ''}`;
  }

  lastSyscall(): LastSyscall | undefined {
    return this.last;
  }

  /** `count` bytes at `address` (fewer: the first unreadable byte ends them). */
  readMemory(address: number, count: number): Uint8Array {
    return readUpTo(this.need().process.memory, address, Math.max(0, Math.min(count, 1 << 20)));
  }

  disassemble(address: number, instructionOffset: number, count: number): DisassembledLine[] {
    const p = this.need().process;
    this.boundaries.add([p.cpu.state.eip >>> 0]);
    return this.withSources(disassembleAt(p.memory, this.boundaries, this.symbols, address, instructionOffset, count));
  }

  /** Each readable line with the source line a line table gives its address. */
  private withSources(lines: DisassembledLine[]): DisassembledLine[] {
    return lines.map((l) => {
      const source = l.unreadable ? undefined : this.sources.locate(l.address);
      return source ? { ...l, source } : l;
    });
  }

  /** `address <symbol+off>`. */
  where(address: number): string {
    const name = this.symbols.symbolize(address >>> 0);
    return name ? `${hex(address)} <${name}>` : hex(address);
  }

  symbolize(address: number): string | undefined {
    return this.symbols.symbolize(address >>> 0);
  }

  lookupSymbol(name: string): number | undefined {
    return this.symbols.lookup(name)?.address;
  }

  /** Throws when the program is running or the session ended (stepping needs a stopped process). */
  private idle(): void {
    if (this.disposed) throw new Error('the debug session has ended');
    if (this.running) throw new Error('the program is running: pause it first');
  }

  private need(): Target {
    if (!this.target) throw new Error('no program is loaded (launch first)');
    return this.target;
  }

  private table(): BreakpointTable {
    this.need();
    return this.breakpoints!;
  }
}

/**
 * The next run's instruction budget: what the last one ran scaled to `aimMs` of wall-clock
 * time, growing at most twofold (a guest that turns slow, into system calls, is not given a
 * budget measured on fast code), within [1000, SLICE].
 */
function nextSlice(last: number, ran: number, tookMs: number, aimMs: number): number {
  return Math.max(1000, Math.min(SLICE, 2 * last, Math.round((ran / Math.max(tookMs, 0.05)) * aimMs)));
}

/** A whole-number launch attribute within [min, max], or absent. */
function checkCount(value: unknown, name: string, min: number, max: number): void {
  if (value === undefined || (typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max)) return;
  throw new InputError('launch configuration', `"${name}"`, `must be a whole number from ${min} to ${max} (got ${JSON.stringify(value)})`);
}

/** True when the instruction at eip enters the kernel for a system call (int $0x80, sysenter, syscall). */
function isKernelEntry(t: Target): boolean {
  const pc = t.process.cpu.state.eip >>> 0;
  const bytes = readUpTo(t.process.memory, pc, 15);
  if (bytes.length === 0) return false;
  const insn = decode(bytes, 0, pc);
  return insn.op === Op.Sysenter || insn.op === Op.Syscall || (insn.op === Op.Int && insn.imm === 0x80);
}

/** "write(1, 0x80b7008, 3) = 3: sysenter at 0x...; exit SYSRETL (reason); returned to 0x..." */
export function describeSyscall(s: SyscallStop, where: (address: number) => string): string {
  const exit = s.exitPath ? `exit path ${s.exitPath.toUpperCase()} (${s.exitReason})` : 'no return';
  return `system call ${s.name}(${s.args.map(hex).join(', ')}) = ${formatResult(s.result)}: entered by ${s.via} at ${where(s.entryAddress)}; ${exit}; returned to ${where(s.returnedTo)}`;
}
