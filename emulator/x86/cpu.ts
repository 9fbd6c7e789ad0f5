// Owns running guest code: the block cache (by start address; by page, then by the exact
// byte ranges a block covers, for invalidation by stores: a program rewriting its own
// immediates gets blocks that read them live instead of recompiling),
// successor links and the jump cache behind them, the two tiers (a block compiled cold first;
// once it ran often, compiled again in the full form: going on past its conditional jumps, or
// the same instructions in place), dispatch regions (the blocks of a
// register `jmp *` whose targets keep changing, compiled into one function), flows (hot blocks
// that pass control to each other, called one after another by one dispatcher), the translations other CPUs compiled
// (translations.ts), the run loop with an exact instruction budget, instruction breakpoints
// (the debugger's and the debug registers'; RF runs past one; blocks split at them; the
// blocks on a breakpoint's page recompiled when it changes: every block holding the address
// is listed under that page), the data breakpoints (memory's page filter), single-stepping with TF (#DB after the instruction; mov/pop ss delay it),
// and the one-instruction slow path (the same generated semantics, one instruction long).
import { PROT_EXEC, type CodeWriteListener, type Memory } from '../memory/memory';
import { Op, TF } from '../../toolchain/isa/ops';
import type { Instruction } from '../../toolchain/isa/instruction';
import { compileFlow, compileInstructions, compileRegion, decodeBlock, immediateField, MAX_BLOCK, newBlock, type Block, type BlockFunction, type FlowMember, type Follow } from './compile';
import { EXIT_DYNAMIC, EXIT_SLOT0, EXIT_SLOT1, EXIT_STOP } from './emit';
import { Helpers } from './helpers';
import { CpuState, RF } from './state';
import { descriptorOf } from './descriptors';
import { DEFAULT_CPU, DEFAULT_KERNEL, type CpuModel, type KernelKind } from '../../toolchain/designs/options';
import { BUDGET_STOP, type Stop } from './stop';
import { findTranslation, keepTranslation, type Translation } from './translations';

export interface CpuOptions {
  readonly model?: CpuModel;
  readonly kernel?: KernelKind;
  /** UMIP on (the default) or off. */
  readonly umip?: boolean;
}

export class Cpu {
  readonly state: CpuState;
  readonly helpers = new Helpers();
  private readonly blocks = new Map<number, Block>();
  private readonly singles = new Map<number, Block>();
  /** Blocks by a hash of their start address (direct-mapped; an entry is checked for its start and validity), in front of `blocks`. */
  private readonly jumpCache: (Block | null)[] = new Array<Block | null>(JUMP_CACHE_SIZE).fill(null);
  /**
   * The valid blocks by each page holding their bytes, for invalidation; null until a store to
   * code or a breakpoint first needs it (indexPages): most processes never write code, and
   * indexing every block taken (~1,000 in a short run) and removing it again cost them for nothing.
   */
  private byPage: Map<number, Set<Block>> | null = null;
  private readonly breakpoints = new Set<number>();
  /** Instruction breakpoints of the debug registers. */
  private readonly hardware = new Set<number>();
  /** Every address a run stops before: the debugger's breakpoints and the hardware ones. */
  private readonly stopsAt = new Set<number>();
  /**
   * Blocks dropped by stores, by start address (a few per address): code that a program
   * flips between a few versions (an opcode patched on and off) revives the block compiled
   * for the bytes it holds instead of compiling it again.
   */
  private readonly retired = new Map<number, Block[]>();
  private retiredCount = 0;
  /**
   * Valid blocks of each dispatch region's or flow's function (every block entering one marks all
   * of its members' bytes, so while one is valid the members are what they were compiled from,
   * with no breakpoint inside: a translation entering the same function fits without its bytes
   * being compared again).
   */
  private readonly regionsHeld = new Map<BlockFunction, number>();
  /** Instructions whose immediate a store rewrote while they were compiled: their blocks read it live from then on. */
  private readonly liveImmediates = new Set<number>();
  /** Register `jmp *`s (by address) whose blocks could not make a dispatch region (one block ends there: a jump table's switch): such a block may join a flow. */
  private readonly regionless = new Set<number>();
  /** Targets of each register `jmp *` (by its address) that its block's successor slot missed (dispatchLoop). */
  private readonly dispatchMisses = new Map<number, number>();
  /** A breakpoint address the next run steps over when it starts there (-1: none). */
  private resumeFrom = -1;
  /** Blocks built since creation: compiled, or taken compiled from the process's translations (tests and the bench read it). */
  compiledBlocks = 0;
  /**
   * The kernel model's in-place system call (the run loop sets it): given a kernel stop, it
   * either handles the call completely and returns null (execution goes on in this run, the
   * blocks staying compiled), or returns the stop to hand back to the caller.
   */
  kernelHook: ((stop: Extract<Stop, { kind: 'kernel' }>) => Stop | null) | undefined = undefined;

  private readonly listener: CodeWriteListener;
  private readonly detachListener: () => void;

  constructor(readonly memory: Memory, options: CpuOptions = {}) {
    this.state = new CpuState(options.model ?? DEFAULT_CPU, options.kernel ?? DEFAULT_KERNEL);
    this.state.umip = options.umip ?? true;
    this.listener = (address, length) => this.invalidateRange(address, address + length);
    this.detachListener = memory.onCodeWrite(this.listener);
  }

  /** A CPU of the same model over `memory` (a forked address space, or this one for a new thread) with this CPU's registers and TLS segments. */
  clone(memory: Memory): Cpu {
    const c = new Cpu(memory, { model: this.state.model, kernel: this.state.kernel });
    c.state.copyFrom(this.state);
    for (const [selector, base] of this.helpers.segmentBases) c.helpers.segmentBases.set(selector, base);
    for (const [selector, d] of this.helpers.descriptors) c.helpers.descriptors.set(selector, d);
    c.helpers.hasLdt = this.helpers.hasLdt;
    return c;
  }

  /**
   * The thread using this CPU is gone: its blocks are dropped and stores no longer reach it.
   * The last CPU of an address space that shares no code page drops its code marks at once
   * (memory.ts forgetCodeMarks): a process's exit unmarked its ~1,000 blocks one by one
   * (docs/speed-and-exactness.md).
   */
  detach(): void {
    this.flush(!this.memory.forgetCodeMarks(this.listener));
    this.detachListener();
  }

  /**
   * Makes `selector` loadable into ds/es/fs/gs with `base` (the kernel model's TLS entries,
   * set_thread_area); a segment register already holding it takes the new base at once.
   */
  /** Makes `selector` unloadable again (a cleared or not-present LDT entry); registers holding it keep their base. */
  undefineSegment(selector: number): void {
    this.helpers.segmentBases.delete(selector & 0xffff);
  }

  /** The descriptor (8 bytes as the kernel builds them) LAR/LSL/VERR/VERW and segment loads see at `selector`; null: none. */
  setDescriptor(selector: number, bytes: Uint8Array | null): void {
    if (selector & 4) this.helpers.hasLdt = true;
    if (bytes) this.helpers.descriptors.set(selector & 0xfffc, descriptorOf(bytes));
    else this.helpers.descriptors.delete(selector & 0xfffc);
  }

  defineSegment(selector: number, base: number): void {
    this.helpers.segmentBases.set(selector & 0xffff, base >>> 0);
    if (this.state.seg[4] === selector) this.state.fsBase = base | 0;
    if (this.state.seg[5] === selector) this.state.gsBase = base | 0;
  }

  // ---- breakpoints ----

  setBreakpoint(address: number): void {
    if (this.breakpoints.has(address >>> 0)) return;
    this.breakpoints.add(address >>> 0);
    this.stopsAt.add(address >>> 0);
    this.breakpointChanged(address >>> 0);
  }

  clearBreakpoint(address: number): void {
    if (!this.breakpoints.delete(address >>> 0)) return;
    if (!this.hardware.has(address >>> 0)) this.stopsAt.delete(address >>> 0);
    this.breakpointChanged(address >>> 0);
  }

  /** True for a breakpoint the debugger set (not one of the debug registers'). */
  isDebuggerBreakpoint(address: number): boolean {
    return this.breakpoints.has(address >>> 0);
  }

  /**
   * The instruction breakpoints of the debug registers (the kernel model's ptrace): a run stops
   * before them as before the debugger's; RF set in eflags lets the first instruction run past one.
   */
  setHardwareBreakpoints(addresses: Iterable<number>): void {
    for (const a of this.hardware) {
      if (!this.breakpoints.has(a)) this.stopsAt.delete(a);
      this.breakpointChanged(a);
    }
    this.hardware.clear();
    for (const a of addresses) {
      this.hardware.add(a >>> 0);
      this.stopsAt.add(a >>> 0);
      this.breakpointChanged(a >>> 0);
    }
  }

  /** The blocks holding `address` are split there now, or no longer: they (and every retired block) are dropped. */
  private breakpointChanged(address: number): void {
    this.invalidateRange(address, address + 1, false);
    this.retired.clear();
    this.retiredCount = 0;
  }

  listBreakpoints(): number[] {
    return [...this.breakpoints].sort((a, b) => a - b);
  }

  setWatchpoint(address: number, length: number, access: 'write' | 'readWrite' = 'write'): void {
    this.memory.setWatchpoint({ address: address >>> 0, length, access });
  }

  clearWatchpoint(): void {
    this.memory.setWatchpoint(null);
  }

  /** Drops every compiled block (breakpoints changed, or the caller rewrote code by other means); `unmark`: their code marks too. */
  flush(unmark = true): void {
    // forEach, not for-of: this runs once a process, unoptimised, where each step of an iterator is an object.
    this.blocks.forEach((b) => this.drop(b, unmark));
    this.singles.forEach((b) => this.drop(b, unmark));
    this.blocks.clear();
    this.singles.clear();
    this.jumpCache.fill(null);
    this.byPage = null;
    this.regionsHeld.clear();
    this.retired.clear();
    this.retiredCount = 0;
  }

  private drop(b: Block, unmark = true): void {
    if (!b.valid) return;
    b.valid = false;
    if (b.region) this.unhold(b.fn);
    if (!unmark) return;
    const marks = b.marks;
    for (let k = 0; k < marks.length; k += 2) this.memory.markCode(marks[k]!, marks[k + 1]!, -1);
  }

  /**
   * A store wrote [start, end): every block whose marked bytes it overlaps is dropped (and
   * nothing else); `learn`: instructions whose immediate alone was written read it live from now on.
   */
  private invalidateRange(start: number, end: number, learn = true): void {
    const byPage = this.byPage ?? this.indexPages();
    for (let p = start >>> 12; p <= (end - 1) >>> 12; p++) {
      const set = byPage.get(p);
      if (!set) continue;
      for (const b of set) {
        if (!overlapsMarks(b, start, end)) continue;
        if (learn) this.learnLiveImmediates(b, start, end);
        this.remove(b);
        if (learn) this.retire(b);
      }
    }
  }

  /** Instructions of `b` whose bytes in [start, end) are all immediate: from now on they read it live. */
  private learnLiveImmediates(b: Block, start: number, end: number): void {
    for (const i of b.insns) {
      const from = Math.max(start, i.address);
      const to = Math.min(end, i.address + i.length);
      if (from >= to) continue;
      const field = immediateField(i);
      if (field && from >= i.address + field[0]) this.liveImmediates.add(i.address);
    }
  }

  private retire(b: Block): void {
    if (this.retiredCount >= MAX_RETIRED) {
      this.retired.clear();
      this.retiredCount = 0;
    }
    let list = this.retired.get(b.start);
    if (!list) this.retired.set(b.start, (list = []));
    else if (list.length >= RETIRED_PER_ADDRESS) {
      list.shift();
      this.retiredCount--;
    }
    list.push(b);
    this.retiredCount++;
  }

  /** A retired block at `address` whose marked bytes hold what it was compiled from (and reads no immediate that has since become live), back in service. */
  private revive(address: number, single: boolean): Block | null {
    const list = this.retired.get(address);
    if (!list) return null;
    for (let k = list.length - 1; k >= 0; k--) {
      const b = list[k]!;
      if (b.single !== single || b.breakpoint !== this.stopsAt.has(address)) continue;
      const now = this.spanBytes(b.spans);
      if (now === null || !sameMarkedBytes(b, now)) continue;
      if (b.insns.some((i) => this.liveImmediates.has(i.address) && immediateField(i) !== null && markedImmediate(b, i))) continue;
      list.splice(k, 1);
      this.retiredCount--;
      b.valid = true;
      this.enter(b);
      return b;
    }
    return null;
  }

  /** The bytes of `spans` ([start, end) pairs) one after another as memory holds them now; null when one cannot be fetched. */
  private spanBytes(spans: readonly number[]): Uint8Array | null {
    let length = 0;
    for (let k = 0; k < spans.length; k += 2) length += spans[k + 1]! - spans[k]!;
    const out = new Uint8Array(length);
    let at = 0;
    for (let k = 0; k < spans.length; k += 2) {
      const part = this.memory.read(spans[k]!, spans[k + 1]! - spans[k]!, PROT_EXEC);
      if (!(part instanceof Uint8Array)) return null;
      out.set(part, at);
      at += part.length;
    }
    return out;
  }

  private remove(b: Block): void {
    this.drop(b);
    const byPage = this.byPage;
    if (byPage !== null) {
      for (const p of b.pages) {
        const set = byPage.get(p);
        if (!set) continue;
        set.delete(b);
        if (set.size === 0) byPage.delete(p);
      }
    }
    if (this.blocks.get(b.start) === b) this.blocks.delete(b.start);
    if (this.singles.get(b.start) === b) this.singles.delete(b.start);
  }

  // ---- compilation ----

  /** The block at `address` (compiled on first use), or a stop when its first byte cannot be fetched. */
  private block(address: number, single: boolean): Block | Stop {
    const cache = single ? this.singles : this.blocks;
    const cached = cache.get(address);
    if (cached && cached.valid) return cached;
    const revived = this.revive(address, single);
    if (revived) {
      cache.set(address, revived);
      return revived;
    }
    const known = findTranslation(address, single, this.memory, this.stopsAt, this.liveImmediates, this.regionsHeld);
    if (known !== null) {
      const b = this.instance(known);
      cache.set(address, b);
      return b;
    }
    const insns = decodeBlock(this.memory, address, this.stopsAt, single ? 1 : MAX_BLOCK);
    if (!Array.isArray(insns)) return { kind: 'fault', fault: { ...insns, vector: 'PF' }, address };
    // First compiled in the cold tier; warm (or heat) gives it the full form once it ran HOT_RUNS times.
    const b = this.build(insns, single, false, true);
    cache.set(address, b);
    return b;
  }

  /**
   * The block `b` (which ran HOT_RUNS times) compiled again going on past its conditional
   * jumps, in its place; null when that would decode to the same instructions.
   */
  private heat(b: Block): Block | null {
    // The blocks the CPU ran from `b` on each end at the next conditional jump (blocks that are
    // not hot stop at the first): the hot block goes on at the fall-through when one of them
    // took it (its successor slot 0 is set), else at a forward target when that was taken (slot
    // 1: a jump taken every time so far, an error check's skip), else it ends there. A backward
    // target is a loop's head: going on there would copy the loop's body into the block. Code
    // past a side never taken would have no type feedback when V8 optimises the block, and would
    // deoptimise it the first time it ran. A jump back to the block's start ends it (a
    // self-loop: the code after the loop, run once per loop, is a block of its own instead of a
    // part of the loop's function, which is compiled in two forms, and in V8 the larger the slower).
    let from: Block | null = b;
    const follow: Follow = (jcc) => {
      if (jcc.target >>> 0 === b.start) return null;
      const ran = from;
      if (ran === null || !ran.valid || ran.hot || ran.insns[ran.insns.length - 1]!.address !== jcc.address) {
        from = null;
        return 'next';
      }
      if (ran.s0 !== null) {
        from = ran.s0;
        return 'next';
      }
      from = ran.s1;
      return ran.s1 !== null && ran.s1.start === jcc.target >>> 0 && jcc.target >>> 0 > jcc.address ? 'target' : null;
    };
    const insns = decodeBlock(this.memory, b.start, this.stopsAt, MAX_BLOCK, follow);
    if (!Array.isArray(insns) || insns.length <= b.length) return null;
    this.remove(b);
    const hot = this.build(insns, false, true);
    this.blocks.set(hot.start, hot);
    return hot;
  }

  /**
   * Counts the targets a settled block's register `jmp *` went to that its successor slot did not
   * hold; after each REGION_AFTER of them at one such instruction, its hot blocks that are in no
   * region yet (all of them again after a store dropped a region) become a dispatch region
   * (formRegion). True when one was formed.
   */
  private dispatchLoop(from: Block): boolean {
    const last = from.insns[from.insns.length - 1]!;
    if (last.op !== Op.JmpIndirect || last.hasMem) return false;
    const seen = (this.dispatchMisses.get(last.address) ?? 0) + 1;
    this.dispatchMisses.set(last.address, seen);
    if (seen % REGION_AFTER !== 0) return false;
    if (this.formRegion(last.address)) return true;
    this.regionless.add(last.address);
    return false;
  }

  /** This CPU's block of a translation compiled earlier (by any CPU). */
  private instance(t: Translation): Block {
    const b = newBlock(t);
    this.enter(b);
    this.compiledBlocks++;
    return b;
  }

  /** Compiles `insns` into a new block (`coldTier`: in the cold tier, where compile.ts allows it) and keeps its translation. */
  private build(insns: Instruction[], single: boolean, hot = false, coldTier = false): Block {
    const start = insns[0]!.address;
    const last = insns[insns.length - 1]!;
    const end = (last.address + last.length) >>> 0;
    const breakpoint = this.stopsAt.has(start);
    const live = this.liveImmediates;
    const { fn, source, cold } = compileInstructions(insns, !single && !breakpoint, live, coldTier);
    // Every byte was just fetched for decoding, so the read cannot fault.
    const { spans, pages, marks, bytes } = this.extent(insns);
    const b = newBlock({ start, pc: start | 0, end, length: insns.length, fn, cold, insns, spans, marks, bytes, single, hot, region: false, flow: null, pages, breakpoint, source });
    this.enter(b);
    this.compiledBlocks++;
    this.keep(b);
    return b;
  }

  /** Keeps block `b` (compiled by this CPU, no region's) for other CPUs (translations.ts). */
  private keep(b: Block): void {
    const live = this.liveImmediates;
    const { start, pc, end, length, fn, cold, insns, spans, marks, bytes, single, hot, pages, breakpoint, source } = b;
    keepTranslation({
      start, pc, end, length, fn, cold, insns, spans, marks, bytes, single, hot, region: false, flow: null, pages, breakpoint, source,
      live: insns.filter((i) => live.has(i.address)).map((i) => i.address),
    });
  }

  /**
   * A cold block (compiled in the cold tier) that ran HOT_RUNS times and that heat did not
   * replace (no conditional jump to go on past) takes the full form of the same instructions,
   * in place (its counts, successor slots and marks stay): a full translation of it when
   * another CPU compiled one, else compiled now.
   */
  private warm(b: Block): void {
    const known = findTranslation(b.start, b.single, this.memory, this.stopsAt, this.liveImmediates, this.regionsHeld, b.length);
    if (known !== null) {
      b.fn = known.fn;
      b.source = known.source;
    } else {
      const { fn, source } = compileInstructions(b.insns, !b.single && !b.breakpoint, this.liveImmediates);
      b.fn = fn;
      b.source = source;
    }
    b.cold = false;
    if (known === null) this.keep(b);
  }

  /** Where compiled `insns` come from: their address ranges, pages, the bytes marked as code (less live immediates), and their bytes now. */
  private extent(insns: readonly Instruction[]): { spans: number[]; pages: number[]; marks: number[]; bytes: Uint8Array } {
    const live = this.liveImmediates;
    const spans: number[] = [];
    for (const i of insns) {
      if (spans.length > 0 && spans[spans.length - 1] === i.address) spans[spans.length - 1] = i.address + i.length;
      else spans.push(i.address, i.address + i.length);
    }
    const pages: number[] = [];
    for (let k = 0; k < spans.length; k += 2) {
      for (let p = spans[k]! >>> 12; p <= ((spans[k + 1]! - 1) >>> 12); p++) if (!pages.includes(p)) pages.push(p);
    }
    const marks: number[] = [];
    for (const i of insns) {
      const field = live.has(i.address) ? immediateField(i) : null;
      const to = i.address + (field ? field[0] : i.length);
      if (marks.length > 0 && marks[marks.length - 1] === i.address) marks[marks.length - 1] = to;
      else marks.push(i.address, to);
    }
    return { spans, pages, marks, bytes: this.spanBytes(spans)! };
  }

  /**
   * The settled blocks (settled()) ending in the register `jmp *` at `jump` (an interpreter's dispatch whose
   * targets keep changing) compiled into one dispatch region (compile.ts compileRegion), which
   * takes each member's place; false when there are not two such blocks.
   */
  private formRegion(jump: number): boolean {
    const members: Block[] = [];
    let total = 0;
    for (const b of this.blocks.values()) {
      if (!b.valid || !settled(b) || b.region || b.breakpoint || b.insns[b.insns.length - 1]!.address !== jump) continue;
      if (members.length === REGION_MEMBERS || total + b.length > REGION_INSTRUCTIONS) break;
      members.push(b);
      total += b.length;
    }
    if (members.length < 2) return false;
    members.sort((a, b) => a.start - b.start);
    const { fn, source } = compileRegion(members.map((b) => b.insns), this.liveImmediates);
    for (const member of members) this.remove(member);
    this.replaceByRegion(members, fn, source, null, members);
    return true;
  }

  /**
   * True for a block that may join a flow: this CPU's current one at its start, settled, in no
   * region, no breakpoint at it, not ending in a register `jmp *` (a dispatch loop's, which
   * becomes a dispatch region) unless no region could be made of its jump's blocks (regionless). A self-loop may: the flow calls its function as the run loop
   * would, and it goes round inside that call (a string function's loop between the blocks of
   * its callers, docs/speed-and-exactness.md).
   */
  private mayJoin(b: Block): boolean {
    const last = b.insns[b.length - 1]!;
    return b.valid && settled(b) && !b.region && !b.single && !b.breakpoint && this.blocks.get(b.start) === b &&
      !(last.op === Op.JmpIndirect && !last.hasMem && !this.regionless.has(last.address));
  }

  /**
   * The block `seed` and the blocks its successor slots lead to (entered FLOW_MEMBER_RUNS times),
   * called one after another by one dispatcher function (compile.ts compileFlow) which takes each
   * member's place; false when there are not two.
   */
  private formFlow(seed: Block): boolean {
    const members: Block[] = [];
    const taken = new Set<Block>();
    const admit = (b: Block | null): void => {
      if (b === null || taken.has(b) || members.length === FLOW_MEMBERS || !this.mayJoin(b)) return;
      taken.add(b);
      members.push(b);
    };
    admit(seed);
    for (let k = 0; k < members.length; k++) {
      const b = members[k]!;
      if (b.s0 !== null && b.s0.runs >= FLOW_MEMBER_RUNS) admit(b.s0);
      if (b.s1 !== null && b.s1.runs >= FLOW_MEMBER_RUNS) admit(b.s1);
    }
    if (members.length < 2) return this.formFlowOver(seed);
    members.sort((a, b) => a.start - b.start);
    const flow = members.map(flowMember);
    const { fn, source } = compileFlow(flow);
    for (const member of members) this.remove(member);
    this.replaceByRegion(flow, fn, source, flow, flow);
    return true;
  }

  /**
   * A block that may join a flow but whose successors are in flows already (it sits between
   * them, a run-loop turn each time: docs/speed-and-exactness.md) and the members of those flows
   * (FLOW_MEMBERS at most), called by one new flow entered at `seed` only: the other flows keep
   * their blocks and translations. False when no successor is a flow's.
   */
  private formFlowOver(seed: Block): boolean {
    if (!this.mayJoin(seed)) return false;
    const flow: FlowMember[] = [flowMember(seed)];
    const starts = new Set<number>([seed.start]);
    for (const next of [seed.s0, seed.s1]) {
      if (next === null || !next.valid || next.flow === null) continue;
      for (const member of next.flow) {
        if (flow.length === FLOW_MEMBERS || starts.has(member.start)) continue;
        starts.add(member.start);
        flow.push(member);
      }
    }
    if (flow.length < 2) return false;
    flow.sort((a, b) => a.start - b.start);
    const { fn, source } = compileFlow(flow);
    this.remove(seed);
    this.replaceByRegion(flow, fn, source, flow, [flow.find((m) => m.start === seed.start)!]);
    return true;
  }

  /**
   * The flow entered at `from` (a flow's block, whose flow left to `to`, a block of another flow)
   * and the members of `to`'s flow called by one new flow entered at `from` only (FLOW_MEMBERS at
   * most): each flow the run loop went from one to the other is a turn of the run loop
   * (docs/speed-and-exactness.md). The other blocks of both flows, and their translations, stay.
   */
  private joinFlows(from: Block, to: Block): void {
    if (!from.valid || from.flow === null || to.flow === null || from.fn === to.fn || from.breakpoint || this.blocks.get(from.start) !== from) return;
    // Counted first without making anything: in a steady run the flows are already joined, and
    // this is asked again each JOIN_RUNS entries (docs/speed-and-exactness.md).
    const joining = newMembers(from.flow, to.flow);
    if (joining === 0 || from.flow.length + joining > FLOW_MEMBERS) return;
    const flow = [...from.flow];
    const starts = new Set(flow.map((m) => m.start));
    for (const member of to.flow) {
      if (starts.has(member.start)) continue;
      starts.add(member.start);
      flow.push(member);
    }
    // Code that stores have rewritten (its blocks were retired) joins no more: each rewrite would drop the joined flow again.
    if (flow.some((m) => this.retired.has(m.start))) return;
    flow.sort((a, b) => a.start - b.start);
    const { fn, source } = compileFlow(flow);
    this.remove(from);
    this.replaceByRegion(flow, fn, source, flow, [flow.find((m) => m.start === from.start)!]);
  }

  /**
   * Each of `entries` (some of `members`, whose blocks the caller removed) replaced by a block
   * entering `fn` (a dispatch region's or a flow's function, `flow` its members) at its start
   * whose instructions are all of the members' (its own first: a translation is checked for
   * breakpoints after its first instruction), so that a store to any member, or a breakpoint in
   * one, drops them all.
   */
  private replaceByRegion(members: readonly FlowMember[], fn: BlockFunction, source: string, flow: readonly FlowMember[] | null, entries: readonly FlowMember[]): void {
    const live = this.liveImmediates;
    for (const member of entries) {
      const insns = [member, ...members.filter((b) => b !== member)].flatMap((b) => b.insns);
      const { spans, pages, marks, bytes } = this.extent(insns);
      const { start, end, length } = member;
      const b = newBlock({ start, pc: start | 0, end, length, fn, cold: false, insns, spans, marks, bytes, single: false, hot: true, region: true, flow, pages, breakpoint: false, source });
      this.enter(b);
      this.blocks.set(start, b);
      this.jumpCache[jumpHash(start)] = b;
      this.compiledBlocks++;
      keepTranslation({ start, pc: start | 0, end, length, fn, cold: false, insns, spans, marks, bytes, single: false, hot: true, region: true, flow, pages, breakpoint: false, source, live: insns.filter((i) => live.has(i.address)).map((i) => i.address) });
    }
  }

  /** Marks a valid block's bytes as code and indexes it by page. */
  private enter(b: Block): void {
    if (b.region) this.regionsHeld.set(b.fn, (this.regionsHeld.get(b.fn) ?? 0) + 1);
    const marks = b.marks;
    for (let k = 0; k < marks.length; k += 2) this.memory.markCode(marks[k]!, marks[k + 1]!, 1);
    if (this.byPage !== null) indexBlock(this.byPage, b);
  }

  /** byPage made now: every valid block is in `blocks` or `singles` (each entered block goes into one, and leaves it only by remove or flush). */
  private indexPages(): Map<number, Set<Block>> {
    const byPage = new Map<number, Set<Block>>();
    for (const b of this.blocks.values()) if (b.valid) indexBlock(byPage, b);
    for (const b of this.singles.values()) if (b.valid) indexBlock(byPage, b);
    this.byPage = byPage;
    return byPage;
  }

  /** One valid block of the dispatch region or flow whose function is `fn` fewer (regionsHeld). */
  private unhold(fn: BlockFunction): void {
    const held = this.regionsHeld.get(fn)! - 1;
    if (held === 0) this.regionsHeld.delete(fn);
    else this.regionsHeld.set(fn, held);
  }

  /** The generated JavaScript of the block at `address` (for inspection). */
  blockSource(address: number): string | null {
    const b = this.block(address >>> 0, false);
    return 'fn' in b ? b.source : null;
  }

  // ---- running ----

  /**
   * The registers were put back to a checkpoint (the debugger's reverse execution): a
   * breakpoint at eip is hit before anything runs. Decoded blocks stay; the memory's
   * restore invalidated those on pages that changed.
   */
  restored(): void {
    this.resumeFrom = -1;
  }

  /** The next run steps over a breakpoint at `address` if it starts there (a debugger resuming from a stop it reported). */
  stepOverBreakpointAt(address: number): void {
    this.resumeFrom = address >>> 0;
  }

  /**
   * Runs at most `budget` instructions. A breakpoint at the starting eip is stepped over
   * when the last run stopped on it or the caller said it resumes from there; elsewhere (the
   * kernel moved eip to a signal handler, a budget ran out just before it) it is hit before
   * anything runs. Returns why it stopped; `state.icount` is exact.
   */
  run(budget: number): Stop {
    const resuming = (this.state.eip >>> 0) === this.resumeFrom;
    this.resumeFrom = -1;
    const stop = this.runFrom(budget, resuming);
    if (stop.kind === 'breakpoint') this.resumeFrom = stop.address >>> 0;
    return stop;
  }

  private runFrom(budget: number, resuming: boolean): Stop {
    const s = this.state;
    const m = this.memory;
    const H = this.helpers;
    const jc = this.jumpCache;
    const limit = s.icount + budget;
    let prev: Block | null = null;
    let slot = -1;
    let first = resuming;
    m.ev = 0;
    if ((s.flagsOther & RF) !== 0 && budget > 0) {
      // RF (set by the kernel after an instruction breakpoint's trap): the next instruction
      // runs past a breakpoint at it, and the CPU clears RF.
      s.flagsOther = (s.flagsOther & ~RF) >>> 0;
      first = true;
    }
    for (;;) {
      const left = limit - s.icount;
      if (left <= 0) return BUDGET_STOP;
      const pc = s.pc;
      const eip = pc >>> 0;
      if ((s.flagsOther & TF) !== 0) {
        if (!first && this.stopsAt.has(eip)) return { kind: 'breakpoint', address: eip };
        first = false;
        const stop = this.step(eip);
        if (stop) return stop;
        prev = null;
        continue;
      }
      // A computed jump (ret, call *reg) keeps its last target in slot 0, which such a block
      // does not otherwise use; every cached successor is checked against eip.
      let b: Block | null = slot === EXIT_SLOT0 || slot === EXIT_DYNAMIC ? prev!.s0 : slot === EXIT_SLOT1 ? prev!.s1 : null;
      if (b === null || !b.valid || b.pc !== pc) {
        // Then the jump cache (a computed jump with many targets: a switch's table, a ret
        // from several call sites), then the block table.
        const h = jumpHash(pc);
        b = jc[h]!;
        if (b === null || !b.valid || b.pc !== pc) {
          const found = this.block(eip, false);
          if (!('fn' in found)) return found;
          b = found;
          jc[h] = b;
        }
        if (slot === EXIT_SLOT0 || slot === EXIT_DYNAMIC) prev!.s0 = b;
        else if (slot === EXIT_SLOT1) prev!.s1 = b;
        if (slot === EXIT_DYNAMIC && settled(prev!) && !prev!.region && this.dispatchLoop(prev!)) {
          prev = null;
          slot = -1;
          continue;
        }
      }
      const runs = ++b.runs;
      if (runs === HOT_RUNS && !b.hot) {
        const hot = this.heat(b);
        if (hot !== null) {
          b = hot;
          jc[jumpHash(pc)] = b;
          if (slot === EXIT_SLOT0 || slot === EXIT_DYNAMIC) prev!.s0 = b;
          else if (slot === EXIT_SLOT1) prev!.s1 = b;
        } else if (b.cold) {
          this.warm(b);
        }
      } else if (runs === FLOW_RUNS && !b.region && this.formFlow(b)) {
        prev = null;
        slot = -1;
        continue;
      } else if ((runs & (JOIN_RUNS - 1)) === 0 && b.flow !== null && prev !== null) {
        // A flow entered this often (each JOIN_RUNS times) from another flow's block: that block's flow goes on into this one.
        this.joinFlows(prev, b);
      }
      if (b.breakpoint && !first) return { kind: 'breakpoint', address: eip };
      first = false;
      if (b.length > left) {
        const single = this.block(eip, true);
        if (!('fn' in single)) return single;
        b = single;
      }
      const code = b.fn(s, m, H, left);
      if (code === EXIT_STOP) {
        const stop = H.stop!;
        H.stop = null;
        if (stop.kind !== 'kernel' || this.kernelHook === undefined) return stop;
        const after = this.kernelHook(stop);
        if (after !== null) return after;
        // The call is done and the CPU is back in user mode: on from the eip it left (memory
        // events the kernel's own accesses raised are dropped, as a new run would).
        m.ev = 0;
        // The block that entered the kernel keeps the one the call returned to in its slot 0
        // (a kernel stop ends a block, so the slot is otherwise unused): no lookup next time.
        prev = b;
        slot = EXIT_SLOT0;
        continue;
      }
      prev = b;
      slot = code;
    }
  }

  /** One instruction with TF set: #DB after it unless it faulted, or mov/pop ss delays the trap. */
  private step(eip: number): Stop | null {
    const s = this.state;
    s.inhibitTrap = false;
    const single = this.block(eip, true);
    if (!('fn' in single)) return single;
    const code = single.fn(s, this.memory, this.helpers, 1);
    if (code === EXIT_STOP) {
      const stop = this.helpers.stop!;
      this.helpers.stop = null;
      return stop;
    }
    if (s.inhibitTrap) {
      s.inhibitTrap = false;
      return null;
    }
    return { kind: 'fault', fault: { vector: 'DB', reason: 'single-step' }, address: eip };
  }
}

const JUMP_CACHE_SIZE = 4096;

/** Targets a register `jmp *` went to that its block's slot missed, after which its blocks become a dispatch region; a region's most members and instructions. */
const REGION_AFTER = 2048;
const REGION_MEMBERS = 64;
const REGION_INSTRUCTIONS = 1024;
/** Entries into a settled block after which it and the blocks it leads to become a flow (formFlow); entries a successor needs to join; a flow's most members. */
const FLOW_RUNS = 4096;
const FLOW_MEMBER_RUNS = 16;
const FLOW_MEMBERS = 64;
/** Entries into a flow's block after which (and after each as many again) the flow the run loop came from goes on into it (joinFlows). */
const JOIN_RUNS = 1024;

/** Lists `b` under each page holding its bytes. */
function indexBlock(byPage: Map<number, Set<Block>>, b: Block): void {
  for (const p of b.pages) {
    let set = byPage.get(p);
    if (!set) byPage.set(p, (set = new Set()));
    set.add(b);
  }
}

/** How many members of `to` (told apart by start) `from` lacks: what joinFlows would add. */
function newMembers(from: readonly FlowMember[], to: readonly FlowMember[]): number {
  let count = 0;
  for (let k = 0; k < to.length; k++) {
    const start = to[k]!.start;
    let known = false;
    for (let j = 0; j < from.length && !known; j++) known = from[j]!.start === start;
    for (let j = 0; j < k && !known; j++) known = to[j]!.start === start;
    if (!known) count++;
  }
  return count;
}

/** What a flow keeps of a member block (compile.ts FlowMember). */
function flowMember(b: Block): FlowMember {
  return { start: b.start, end: b.end, length: b.length, fn: b.fn, insns: b.insns };
}

/**
 * Entries into a block after which it is compiled again in the full form (compile.ts tiers),
 * going on past its conditional jumps where it has any.
 */
export const HOT_RUNS = 100;

/** The jump cache's entry for a block starting at `pc` (signed or not: the same entry). */
function jumpHash(pc: number): number {
  return (pc ^ (pc >>> 12)) & (JUMP_CACHE_SIZE - 1);
}

/** True for a block that is made hot no more: hot, or entered HOT_RUNS times (it had no conditional jump to go on past). */
function settled(b: Block): boolean {
  return b.hot || b.runs >= HOT_RUNS;
}

/** Retired blocks kept per start address, and in all. */
const RETIRED_PER_ADDRESS = 4;
const MAX_RETIRED = 4096;

/** True when `now` (the bytes of b.spans) equals what `b` was compiled from wherever `b` marks code. */
function sameMarkedBytes(b: Block, now: Uint8Array): boolean {
  const marks = b.marks;
  for (let k = 0; k < marks.length; k += 2) {
    const at = spanOffset(b, marks[k]!);
    for (let a = marks[k]!; a < marks[k + 1]!; a++) if (now[at + a - marks[k]!] !== b.bytes[at + a - marks[k]!]) return false;
  }
  return true;
}

/** Where address `a` (inside one of b.spans) sits in b.bytes. */
function spanOffset(b: Block, a: number): number {
  const spans = b.spans;
  let at = 0;
  for (let k = 0; k < spans.length; k += 2) {
    if (spans[k]! <= a && a < spans[k + 1]!) return at + a - spans[k]!;
    at += spans[k + 1]! - spans[k]!;
  }
  return -1;
}

/** True when `b` marks (compiled as a constant) the immediate of `i`. */
function markedImmediate(b: Block, i: Instruction): boolean {
  const at = i.address + i.length - 1;
  const marks = b.marks;
  for (let k = 0; k < marks.length; k += 2) if (marks[k]! <= at && at < marks[k + 1]!) return true;
  return false;
}

/** True when [start, end) overlaps bytes `b` marked as code. */
function overlapsMarks(b: Block, start: number, end: number): boolean {
  const marks = b.marks;
  for (let k = 0; k < marks.length; k += 2) if (start < marks[k + 1]! && marks[k]! < end) return true;
  return false;
}
