// Owns turning guest code into JavaScript: decode a basic block at an address (through the
// ISA decoder), work out which status flags each instruction must really record (backward
// liveness, with every possible exit needing all of them), emit each instruction through
// the one semantics table, and build the block function with new Function. A block ends at a
// control transfer, at an instruction that changes how the next one runs (segment loads,
// rep strings; popf leaves its block only when it sets TF), before an armed breakpoint, or at MAX_BLOCK instructions; a
// direct jmp or call does not end it (decoding goes on at the target). A block with a jump
// back to its start (a self-loop) runs as a JS loop, its loads and stores through memory sites;
// the blocks of a dispatch loop can be compiled into one function (a dispatch region).
// Two tiers: a block is first compiled cold (most code runs a few times: the source, and
// V8's work on it, is what such code costs), each load and store one call of Memory and
// its fault check, no TLB read in place, no block site, no instruction comments; once the
// CPU entered it HOT_RUNS times (cpu.ts) it is compiled again in the full form, as a hot
// block going on past its conditional jumps or, with none to go past, the same
// instructions in place. Both forms run the same semantics through the same exits, so the
// tier is invisible to the guest and to the debugger. Self-loops, regions, flows and
// blocks made hot are always full; one-instruction blocks (the slow path) always cold.
import { decode } from '../../toolchain/isa/decoder';
import { DecodeStatus, PFX_LOCK, PFX_REP, PFX_REPNE, type Instruction } from '../../toolchain/isa/instruction';
import { OperandKind, RepKind } from '../../toolchain/isa/entry';
import { Op, STATUS_FLAGS, TF } from '../../toolchain/isa/ops';
import type { Memory } from '../memory/memory';
import { coldFunction } from './cold-functions';
import { BlockContext, Emitter, EXIT_DYNAMIC, EXIT_SLOT0, EXIT_STOP, hex, KEPT_SITES, SITE_MARK, SITES_RESET } from './emit';
import type { Helpers } from './helpers';
import { SEMANTICS } from './semantics';
import { isPrivileged, privilegedForm } from './sem-system';
import type { CpuState } from './state';
import type { PageFault } from '../memory/memory';

export const MAX_BLOCK = 64;

/** A compiled block: runs from its start with at most `limit` instructions, returns an EXIT_* code. */
export type BlockFunction = (s: CpuState, m: Memory, H: Helpers, limit: number) => number;

export interface Block {
  readonly start: number;
  /** `start` as an int32, as CpuState.pc holds it (the run loop compares the two). */
  readonly pc: number;
  /** Address after the last instruction. */
  readonly end: number;
  /** Number of instructions. */
  readonly length: number;
  /** Its function (a cold block's is replaced by its full form in place when it turns hot: cpu.ts warm). */
  fn: BlockFunction;
  /** Compiled in the cold tier (compact code: emit.ts BlockContext.cold); false for the full form. */
  cold: boolean;
  /** The decoded instructions (an invalidating store is matched against their fields). */
  readonly insns: readonly Instruction[];
  /** The byte ranges marked as code in memory, as [start, end) pairs: the block's bytes less the immediates it reads live. */
  readonly marks: readonly number[];
  /** The address ranges the instructions came from, as [start, end) pairs (more than one when the block followed a jump). */
  readonly spans: readonly number[];
  /** The bytes of `spans`, one after another, as they were compiled (a dropped block is revived when the marked ones are back). */
  readonly bytes: Uint8Array;
  /** A one-instruction block of the slow path. */
  readonly single: boolean;
  /** Compiled after the block at `start` ran often: it goes on past conditional jumps too. */
  readonly hot: boolean;
  /**
   * Its function is a dispatch region's (compileRegion) or a flow's (compileFlow), entered here
   * at `start`: `insns`, `spans`, `marks` and `bytes` are all of the members' (this member's
   * first), `length` this member's.
   */
  readonly region: boolean;
  /**
   * A flow's block (compileFlow): the members its function calls, each as compiled alone (a
   * block that joins no flow because its successors are in flows already makes a flow of itself
   * and theirs: cpu.ts formFlowOver). Null for every other block.
   */
  readonly flow: readonly FlowMember[] | null;
  /** Times the CPU entered the block while it was not hot (counted up to when it is made hot). */
  runs: number;
  /** Pages holding the block's bytes (the CPU's index for invalidation). */
  readonly pages: readonly number[];
  /** An instruction breakpoint is armed at `start`. */
  readonly breakpoint: boolean;
  valid: boolean;
  /** Cached successors for exits 0 and 1. */
  s0: Block | null;
  s1: Block | null;
  /** The generated source (for the debugger's curiosity and tests). */
  source: string;
}

/** A block's fields fixed when it is made (the rest start valid, unrun, with no successors). */
export type BlockParts = Readonly<Omit<Block, 'valid' | 's0' | 's1' | 'runs'>>;

/**
 * A new block of `p`. Every block is made here, so that all have one shape (one hidden class:
 * a second shape, from a literal in another order, sends V8's run loop back to unoptimized code
 * in each new process that takes translations: docs/speed-and-exactness.md).
 */
export function newBlock(p: BlockParts): Block {
  return {
    start: p.start, pc: p.pc, end: p.end, length: p.length, fn: p.fn, cold: p.cold, insns: p.insns, marks: p.marks, spans: p.spans,
    bytes: p.bytes, single: p.single, hot: p.hot, region: p.region, flow: p.flow, runs: 0, pages: p.pages, breakpoint: p.breakpoint,
    valid: true, s0: null, s1: null, source: p.source,
  };
}

/** What a flow keeps of each member: the block function it calls, where it starts and ends, its instructions. */
export type FlowMember = Pick<Block, 'start' | 'end' | 'length' | 'fn' | 'insns'>;

const TERMINATORS = new Set<Op>([
  Op.Jcc, Op.Jmp, Op.Call, Op.CallIndirect, Op.CallFar, Op.CallFarIndirect, Op.JmpIndirect, Op.JmpFar,
  Op.JmpFarIndirect, Op.Ret, Op.RetFar, Op.Iret, Op.Loop, Op.Loope, Op.Loopne, Op.Jcxz, Op.Int3, Op.Int1, Op.Int, Op.Into,
  Op.Ud2, Op.Hlt, Op.Sysenter, Op.Syscall, Op.Sysexit, Op.Sysret, Op.Invalid, Op.NotCovered, Op.MovToSeg,
  Op.Lss, Op.Lds, Op.Les, Op.Lfs, Op.Lgs, Op.Cli, Op.Sti, Op.In, Op.Out, Op.Ins, Op.Outs, Op.Bound,
]);

/** Static jumps that make a block a self-loop when they target its first instruction (the last one's, or a conditional one's in a hot block). */
const SELF_LOOP_JUMPS = new Set<Op>([Op.Jcc, Op.Jmp, Op.Loop, Op.Loope, Op.Loopne, Op.Jcxz]);

/** Register-only operations that can neither fault nor trap (flags may be dropped around them). */
const QUIET = new Set<Op>([
  Op.Add, Op.Or, Op.Adc, Op.Sbb, Op.And, Op.Sub, Op.Xor, Op.Cmp, Op.Test, Op.Inc, Op.Dec, Op.Not, Op.Neg,
  Op.Rol, Op.Ror, Op.Rcl, Op.Rcr, Op.Shl, Op.Shr, Op.Sar, Op.Shld, Op.Shrd, Op.Mul, Op.Imul1, Op.Imul,
  Op.Bt, Op.Bts, Op.Btr, Op.Btc, Op.Bsf, Op.Bsr, Op.Bswap, Op.Xadd, Op.Cmpxchg, Op.Xchg, Op.Mov, Op.Movzx,
  Op.Movsx, Op.Lea, Op.Cbw, Op.Cwd, Op.Lahf, Op.Sahf, Op.Salc, Op.Setcc, Op.Cmovcc, Op.Clc, Op.Stc, Op.Cmc,
  Op.Cld, Op.Std, Op.Aaa, Op.Aas, Op.Daa, Op.Das, Op.Aad, Op.Nop, Op.Pause, Op.Lfence, Op.Mfence, Op.Sfence,
  Op.Jcc, Op.Jmp, Op.Loop, Op.Loope, Op.Loopne, Op.Jcxz, Op.Rdtsc, Op.Cpuid, Op.MovFromSeg, Op.Arpl,
]);

/** Operations whose record fully defines the six status flags from their operands. */
const FULL_WRITERS = new Set<Op>([
  Op.Add, Op.Or, Op.Adc, Op.Sbb, Op.And, Op.Sub, Op.Xor, Op.Cmp, Op.Test, Op.Neg, Op.Mul, Op.Imul1, Op.Imul,
  Op.Bsf, Op.Bsr, Op.Xadd, Op.Cmpxchg, Op.Popf, Op.Iret, Op.Daa, Op.Das, Op.Aam, Op.Aad,
]);

/** Operations whose immediate reaches the semantics only through Emitter.read (it may be read from memory when the code runs). */
const LIVE_IMMEDIATE_OPS = new Set<Op>([
  Op.Add, Op.Or, Op.Adc, Op.Sbb, Op.And, Op.Sub, Op.Xor, Op.Cmp, Op.Test, Op.Mov, Op.Push, Op.Imul,
]);

/**
 * Where the immediate of `i` sits in its encoding ([offset, size]: it is always last), when
 * compiled code may read it from guest memory as the instruction executes (a program that
 * rewrites its own immediates); null for every other instruction.
 */
export function immediateField(i: Instruction): [number, number] | null {
  if (i.status !== DecodeStatus.Ok || !i.entry || !LIVE_IMMEDIATE_OPS.has(i.op)) return null;
  let size = 0;
  for (const kind of i.entry.operands) {
    if (kind === OperandKind.Ib || kind === OperandKind.Ibs) size += 1;
    else if (kind === OperandKind.Iw) size += 2;
    else if (kind === OperandKind.Iz) size += i.opSize;
  }
  return size === 0 ? null : [i.length - size, size];
}

function quiet(i: Instruction): boolean {
  return QUIET.has(i.op) && (!i.hasMem || i.op === Op.Lea || i.op === Op.Nop) && !(i.prefixes & PFX_LOCK);
}

/** Flags an instruction kills (defines whatever came before) and reads (needs from before). */
function flagEffect(i: Instruction): { kill: number; reads: number } {
  const e = i.entry;
  if (!e) return { kill: 0, reads: STATUS_FLAGS };
  const op = i.op;
  if (FULL_WRITERS.has(op)) return { kill: STATUS_FLAGS, reads: e.flagsRead & STATUS_FLAGS };
  if (op === Op.Shl || op === Op.Shr || op === Op.Sar) {
    const kind = e.operands[1];
    const known = kind === OperandKind.One || (kind === OperandKind.Ib && (i.imm & 31) !== 0);
    return { kill: known ? STATUS_FLAGS : 0, reads: 0 };
  }
  if (op === Op.Inc || op === Op.Dec) return { kill: STATUS_FLAGS & ~1, reads: 1 };
  if ((e.flagsWritten | e.flagsUndefined) & STATUS_FLAGS) return { kill: 0, reads: STATUS_FLAGS | e.flagsRead };
  return { kill: 0, reads: e.flagsRead & STATUS_FLAGS };
}

function isTerminator(i: Instruction): boolean {
  if (TERMINATORS.has(i.op)) return true;
  if (i.op === Op.Pop && i.entry && i.entry.operands[0] === OperandKind.SS) return true;
  if (i.entry && i.entry.rep !== RepKind.None && i.prefixes & (PFX_REP | PFX_REPNE)) return true;
  if (i.status !== DecodeStatus.Ok) return true;
  if (i.prefixes & PFX_LOCK && (!i.entry || !i.entry.lockable || !i.hasMem)) return true;
  return false;
}

/**
 * Which side of a conditional jump a hot block goes on at ('next': the fall-through, 'target':
 * the jump's target), or null where it ends; the other side leaves the block.
 */
export type Follow = (jcc: Instruction) => 'next' | 'target' | null;

/**
 * Decodes the instructions of the block at `start`; a fetch fault on the first byte is
 * returned. `follow` makes it a hot block: it goes on past each conditional jump at the side
 * `follow` names.
 */
export function decodeBlock(m: Memory, start: number, breakpoints: ReadonlySet<number>, max: number, follow: Follow | null = null): Instruction[] | PageFault {
  const insns: Instruction[] = [];
  // The return addresses of the calls the block went on through, innermost last.
  const returns: number[] = [];
  let address = start >>> 0;
  while (insns.length < max) {
    if (insns.length > 0 && breakpoints.has(address)) break;
    const bytes = m.fetch(address, 15);
    if (!(bytes instanceof Uint8Array)) {
      if (insns.length === 0) return bytes;
      break;
    }
    const i = decode(bytes, 0, address);
    if (i.status === DecodeStatus.Truncated && bytes.length < 15) {
      if (insns.length === 0) return { kind: 'page-fault', address: (address + bytes.length) >>> 0, access: 'execute', protection: m.protection(address + bytes.length) >= 0 };
      break;
    }
    insns.push(i);
    if (isTerminator(i)) {
      const on = followed(i, follow, returns);
      if (on < 0 || insns.some((d) => d.address === on)) break;
      if (i.op === Op.Call) returns.push((i.address + i.length) >>> 0);
      address = on;
      continue;
    }
    address = (address + i.length) >>> 0;
  }
  return insns;
}

/**
 * Where the block goes on decoding after a control transfer that need not end it, or -1: a
 * direct jmp or call at its target (its one successor is known when it is compiled, so no
 * exit and no dispatch is needed), a `ret` of a call the block went on through (`returns`,
 * innermost last) at that call's return address (the ret leaves when it pops another), and in
 * a hot block (one the CPU saw run often) a conditional jump at the side `follow` names (the
 * other side leaves the block). Only 32-bit ones without prefixes; the caller never goes on at
 * an instruction already in the block (a jump back to the start is the block's loop).
 */
function followed(i: Instruction, follow: Follow | null, returns: number[]): number {
  if (i.status !== DecodeStatus.Ok || i.opSize !== 4 || i.prefixes !== 0) return -1;
  if (i.op === Op.Jmp || i.op === Op.Call) return i.target >>> 0;
  if (i.op === Op.Ret) return returns.pop() ?? -1;
  if (i.op !== Op.Jcc || follow === null) return -1;
  const side = follow(i);
  return side === 'next' ? (i.address + i.length) >>> 0 : side === 'target' ? i.target >>> 0 : -1;
}

/** JavaScript for one instruction (its statements in read, store, commit order). */
function emitInstruction(i: Instruction, k: number, ctx: BlockContext): string {
  const e = new Emitter(i, k, ctx);
  const sem = SEMANTICS[i.op];
  if (isPrivileged(i.gate) && !(i.prefixes & PFX_LOCK)) privilegedForm(e);
  else if (i.status !== DecodeStatus.Ok || !sem || (i.prefixes & PFX_LOCK && (!i.entry!.lockable || !i.hasMem))) e.undefinedOpcode();
  else sem(e);
  ctx.forgetAddresses(e.written);
  ctx.ended = e.ended;
  // Cold code names no instruction (the source is smaller, and so V8's work on it).
  const parts = ctx.cold ? [...e.pre, ...e.mem, ...e.post] : [`// ${hex(i.address)} ${i.entry ? i.entry.intel : 'invalid'}`, ...e.pre, ...e.mem, ...e.post];
  // Memory reached by a helper may have changed what the block's sites hold (emit.ts BlockContext.siteChoices).
  if (e.reachedOtherwise) parts.push(SITES_RESET);
  if (e.touchesMemory && !e.ended) {
    const events = e.memoryEventExit();
    // A fault check right before the event check leaves through the same exit (emit.ts memoryExit) with nothing done between: the one check does.
    if (ctx.cold && events !== '' && parts[parts.length - 1] === events.replace('if (m.ev)', 'if (m.ev & 1)')) parts.pop();
    parts.push(events);
  }
  return `{\n${parts.join('\n')}\n}`;
}

/**
 * Builds the block function for decoded instructions (`loop`: a jump to the start continues
 * in place; `live`: addresses of instructions whose immediate is read from memory each time;
 * `cold`: in the cold tier, which a self-loop never is). Says which tier it built.
 */
export function compileInstructions(insns: readonly Instruction[], loop: boolean, liveImmediates: ReadonlySet<number>, cold = false): { fn: BlockFunction; source: string; cold: boolean } {
  const start = insns[0]!.address;
  const selfLoop = loop && insns.some((i) => SELF_LOOP_JUMPS.has(i.op) && i.target === start);
  let source: string;
  if (!selfLoop) {
    source = blockSource(emitBlock(insns, false, liveImmediates, 'none', '', -1, cold));
    // Cold code of the same shape shares one compiled function between addresses and programs
    // (cold-functions.ts), with or without loads and stores: its numbers are then read from a
    // table, so it takes the full form, which has them in place, when it turns hot (cpu.ts warm).
    if (cold) return { fn: coldFunction(source, exitTable(insns)), source, cold };
    // Generated code is the point of the block compiler (docs/speed-and-exactness.md); its input is our own emitters' output.
    // Named by its start and length, so that CPU profiles and V8's traces tell blocks apart.
    // In parentheses (here and for regions, flows and self-loops): V8 compiles such a function
    // with its outer one, where it would pre-parse it and parse it again at its first call.
    return { fn: new Function('X', `return (function blk_${start.toString(16)}_${insns.length}(s, m, H, limit) {\n${source}\n});`)(exitTable(insns)) as BlockFunction, source, cold: false };
  }
  const fast = emitBlock(insns, true, liveImmediates, 'fast', 'continue pass;');
  if (fast.unsitable) source = loopSource(null, emitBlock(insns, true, liveImmediates, 'none', 'continue out;'));
  // The inner loop with the sites' pages; from where a site misses, a pass through Memory (`plain`), whose accesses give the sites their pages.
  else source = loopSource(fast, emitBlock(insns, true, liveImmediates, 'take', `{from = ${insns.length}; continue out;}`));
  return { fn: new Function('X', source)(exitTable(insns)) as BlockFunction, source, cold: false };
}

/**
 * One function for the blocks of a dispatch loop (`members`, each ending in the same register
 * `jmp *`: an interpreter's switch), entered at any member's start (`s.eip`): a member's
 * indirect jump goes on at the member it targets inside the function (`for (;;) switch (pc)`,
 * the registers and the flag record staying in locals) while the longest member fits in the
 * budget; a target that is no member, and every other exit, leaves as the member's own block
 * would, with the count of the instructions completed (`n` counts the members before; a
 * member's instruction k is the region's base + k, in counts and in the exit table).
 */
export function compileRegion(members: readonly (readonly Instruction[])[], liveImmediates: ReadonlySet<number>): { fn: BlockFunction; source: string } {
  const ctxs: BlockContext[] = [];
  const cases: string[] = [];
  let base = 0;
  const bases: number[] = [];
  for (const insns of members) {
    const ctx = emitBlock(insns, false, liveImmediates, 'none', '', base);
    if (!ctx.ended) throw new Error('block compiler: a region member must end with its own exits');
    ctxs.push(ctx);
    bases.push(base);
    base += insns.length;
  }
  // The members' code with their block sites settled (entry).
  const head = entry(ctxs);
  ctxs.forEach((ctx, k) => cases.push(`case ${ctx.insns[0]!.address | 0}: {n = (n - ${bases[k]!}) | 0;`, ...ctx.body, '}'));
  const all = new BlockContext(members.flat(), liveImmediates);
  all.region = true;
  for (const ctx of ctxs) {
    for (const r of ctx.dirty) all.dirty.add(r);
    all.flagsDirty ||= ctx.flagsDirty;
    all.memoryExits ||= ctx.memoryExits;
    all.eventCodes ||= ctx.eventCodes;
  }
  const longest = Math.max(...members.map((insns) => insns.length));
  const source = [
    head,
    'let pc = s.pc;',
    `const room = limit - ${longest};`,
    'out: for (;;) {',
    'switch (pc) {',
    ...cases,
    `default: {ex = pc >>> 0; nc = 0; rc = ${EXIT_DYNAMIC}; break out;}`,
    '}',
    '}',
    writeBack(all),
  ].join('\n');
  const start = members[0]![0]!.address;
  // Generated code is the point of the block compiler (docs/speed-and-exactness.md); its input is our own emitters' output.
  const fn = new Function('X', `return (function region_${start.toString(16)}_${members.length}(s, m, H, limit) {\n${source}\n});`)(exitTable(members.flat())) as BlockFunction;
  return { fn, source };
}

/**
 * One function calling the block functions of `members` one after another (a flow): entered at
 * a member's start (`s.pc`), after each member it goes on at the member starting where that one
 * left, while that member fits in the budget, no stop was returned, TF is clear and no store
 * reached code (`H.codeWrites`); else it returns the last member's code, as that member's block
 * would have. Where it goes on is found by a binary search of `pc` over the members' starts
 * (constants), each member's call at its leaf (flowDispatch): no table, no second dispatch. The
 * calls have one target each, so V8 calls them directly.
 */
export function compileFlow(members: readonly { readonly start: number; readonly length: number; readonly fn: BlockFunction }[]): { fn: BlockFunction; source: string } {
  const source = [
    'const stop = s.icount + limit, writes = H.codeWrites;',
    'let pc = s.pc, rc = 2;',
    'for (;;) {',
    'const left = stop - s.icount;',
    flowDispatch(members.map((b) => b.start | 0), (k) => `{if (left < ${members[k]!.length}) return rc; rc = F${k}(s, m, H, left);}`, 'return rc;'),
    `if (rc === ${EXIT_STOP} || (s.flagsOther & ${TF}) !== 0 || H.codeWrites !== writes) return rc;`,
    'pc = s.pc;',
    '}',
  ].join('\n');
  const start = members[0]!.start;
  const consts = members.map((_, k) => `F${k} = F[${k}]`).join(', ');
  // Generated code is the point of the block compiler (docs/speed-and-exactness.md); its input is our own emitters' output.
  const fn = new Function('F', `const ${consts};\nreturn (function flow_${start.toString(16)}_${members.length}(s, m, H, limit) {\n${source}\n});`)(members.map((b) => b.fn)) as BlockFunction;
  return { fn, source };
}

/**
 * Statements that run `member(k)` for the k with `starts[k] === pc` (`starts` as int32, in member
 * order) and `none` for every other `pc`: a binary search over constants. It replaced a hash table
 * (typed arrays) and a `switch` over the member's index, whose loads V8 chains before the jump
 * table's indirect jump (docs/speed-and-exactness.md).
 */
export function flowDispatch(starts: readonly number[], member: (k: number) => string, none: string): string {
  const sorted = starts.map((a, k) => [a, k] as const).sort((x, y) => x[0] - y[0]);
  const search = (lo: number, hi: number): string => {
    if (hi - lo <= 2) return sorted.slice(lo, hi).map(([a, k]) => `if (pc === ${a}) ${member(k)} else `).join('') + none;
    const mid = (lo + hi) >> 1;
    return `if (pc < ${sorted[mid]![0]}) {${search(lo, mid)}} else {${search(mid, hi)}}`;
  };
  return search(0, sorted.length);
}

/** Flag liveness, then each instruction's code (in `ctx.body`); `backEdge` goes round a self-loop. */
function emitBlock(insns: readonly Instruction[], loop: boolean, liveImmediates: ReadonlySet<number>, siteMode: BlockContext['siteMode'], backEdge: string, regionBase = -1, cold = false): BlockContext {
  const ctx = new BlockContext(insns, liveImmediates);
  ctx.cold = cold;
  ctx.loop = loop;
  ctx.region = regionBase >= 0;
  ctx.base = Math.max(0, regionBase);
  ctx.siteMode = siteMode;
  ctx.backEdge = backEdge;
  let live = STATUS_FLAGS;
  const liveOut: number[] = new Array(insns.length);
  for (let k = insns.length - 1; k >= 0; k--) {
    const i = insns[k]!;
    if (quiet(i) && (i.op !== Op.Jcc || k === insns.length - 1)) {
      liveOut[k] = live;
      const { kill, reads } = flagEffect(i);
      const e = i.entry;
      const written = e ? (e.flagsWritten | e.flagsUndefined) & STATUS_FLAGS : STATUS_FLAGS;
      // Flags nobody reads are not recorded (Emitter.setFlags), so the record before passes through.
      if (e && (live & written) === 0) live |= e.flagsRead & STATUS_FLAGS;
      else live = (live & ~kill) | reads;
    } else {
      liveOut[k] = STATUS_FLAGS;
      live = STATUS_FLAGS;
    }
  }
  ctx.liveOut = liveOut;
  ctx.body = insns.map((i, k) => emitInstruction(i, k, ctx));
  return ctx;
}

/**
 * The block's exit table (`X` in its code), two entries per instruction: its address, and the
 * address the block goes on at after it (the next instruction's, or the fall-through after the
 * last). An instruction's memory exit (emit.ts `memoryExit`) leaves with its index in `x`.
 */
function exitTable(insns: readonly Instruction[]): Int32Array {
  const table = new Int32Array(2 * insns.length);
  for (let k = 0; k < insns.length; k++) {
    const i = insns[k]!;
    table[2 * k] = i.address;
    table[2 * k + 1] = k + 1 < insns.length ? insns[k + 1]!.address : i.address + i.length;
  }
  return table;
}

/**
 * What a block function starts with: the registers its code names and the flag record (when
 * its code names it) in locals, and the counters of its exits (`x`: the instruction whose
 * memory exit was taken).
 */
function entry(ctxs: readonly BlockContext[]): string {
  const sites = finishSites(ctxs);
  const code = ctxs.map((c) => c.body.join('\n')).join('\n');
  const named = new Set<number>();
  for (const match of code.matchAll(/\br([0-7])\b/g)) named.add(Number(match[1]));
  const regs: string[] = [];
  for (let r = 0; r < 8; r++) if (ctxs.some((c) => c.dirty.has(r)) || named.has(r)) regs.push(`r${r} = R[${r}]`);
  const lines: string[] = [];
  if (regs.length > 0) lines.push('const R = s.r;', `let ${regs.join(', ')};`);
  // Memory's TLB, read in place by the block's loads and stores (emit.ts tlbAccess).
  const tlb = [...new Set(ctxs.flatMap((c) => [...c.tlb]))].sort();
  if (tlb.length > 0) lines.push(`const ${tlb.map((name) => `${name} = m.${TLB_FIELD[name]!}`).join(', ')};`);
  // Each block site starts empty, its array one of the TLB's (so that its type never changes).
  // A kept site (emit.ts KEPT_SITES) starts from what Memory holds for it.
  if (sites.size > 0) lines.push(`let ${[...sites].map(([name, array]) => KEPT_SITES[name] ? `sb${name} = m.${KEPT_SITES[name]![0]}, sc${name} = m.${KEPT_SITES[name]![1]}` : `sb${name} = 4, sc${name} = ${array}[0]`).join(', ')};`);
  // Every field of the record is an int32 to flags.ts; saying so keeps them int32 in a loop.
  if (/\bf(op|a|b|r|c)\b/.test(code)) lines.push('let fop = s.fop | 0, fa = s.fa | 0, fb = s.fb | 0, fr = s.fr | 0, fc = s.fc | 0;');
  // Cold code has no `pend` (emit.ts eventPending).
  lines.push(ctxs.every((c) => c.cold) ? 'let n = 0, ex = 0, nc = 0, rc = 0, ia = 0, x = -1;' : 'let n = 0, ex = 0, nc = 0, rc = 0, ia = 0, x = -1, pend = 0;');
  return lines.join('\n');
}

/**
 * Settles the block sites of one function's code (emit.ts BlockContext.siteChoices): a site
 * that more than one access uses, or any where the code goes round (a self-loop, a region),
 * is taken by all of them; every other access reads the TLB alone. Where the code forgets
 * the sites, it forgets those taken. Returns them, by name, with the TLB array each holds.
 */
function finishSites(ctxs: readonly BlockContext[]): Map<string, string> {
  const uses = new Map<string, number>();
  for (const c of ctxs) for (const site of c.siteChoices) uses.set(site.name, (uses.get(site.name) ?? 0) + 1);
  const least = ctxs.some((c) => c.loop || c.region) ? 1 : 2;
  const taken = new Map<string, string>();
  for (const c of ctxs) for (const site of c.siteChoices) if (uses.get(site.name)! >= least || KEPT_SITES[site.name]) taken.set(site.name, site.array);
  const forget = [...taken.keys()].map((name) => `sb${name} = 4;`).join(' ');
  const choice = new RegExp(`${SITE_MARK}(\\d+)${SITE_MARK}`, 'g');
  for (const c of ctxs) {
    if (c.siteChoices.length === 0 && !c.body.some((code) => code.includes(SITE_MARK))) continue;
    c.body = c.body.map((code) => code.replace(choice, (_, k: string) => {
      const site = c.siteChoices[Number(k)]!;
      return taken.has(site.name) ? site.sited : site.plain;
    }).split(SITES_RESET).join(forget));
  }
  return taken;
}

/** Memory's field behind each TLB array name of generated code (emit.ts tlbAccess). */
const TLB_FIELD: Record<string, string> = {
  RT: 'rTag', RI: 'rI32', RH: 'rU16', RB: 'rU8', WT: 'wTag', WI: 'wI32', WH: 'wU16', WB: 'wU8',
};

/** The fall-through exit after the last instruction. */
function fallthrough(ctx: BlockContext): string {
  const last = ctx.insns[ctx.insns.length - 1]!;
  return `{ex = ${hex(last.address + last.length)}; nc = ${ctx.insns.length}; rc = ${EXIT_SLOT0}; break out;}`;
}

/** After the block's loop: the registers and flag record it changed written back, and its exit. */
function writeBack(ctx: BlockContext): string {
  const wb: string[] = [];
  for (const r of [...ctx.dirty].sort()) wb.push(`R[${r}] = r${r};`);
  if (ctx.flagsDirty) wb.push('s.fop = fop; s.fa = fa; s.fb = fb; s.fr = fr; s.fc = fc;');
  // An instruction's memory exit (emit.ts memoryExit) leaves through the helper that tells a fault from events.
  if (ctx.memoryExits) wb.push('if (x >= 0) return H.memoryExit(s, m, X, x, n);');
  if (ctx.eventCodes) wb.push('if (rc >= 4) rc = rc === 4 ? H.pageFault(m, ex) : H.memEvent(m, ia);');
  // `n` counts a self-loop's or a region's passes (0 elsewhere); each exit set `nc` beyond it (emit.ts Emitter.exitCount).
  wb.push(ctx.loop || ctx.region ? 's.pc = ex | 0; s.icount += n + nc; return rc;' : 's.pc = ex | 0; s.icount += nc; return rc;');
  return wb.join('\n');
}

/** The body of a block function that is no self-loop: the instructions in a labelled loop that every exit breaks. */
function blockSource(ctx: BlockContext): string {
  // After a last instruction that ends the block with its own exits, the fall-through is dead code.
  return [entry([ctx]), 'out: for (;;) {', ...ctx.body, ctx.ended ? '' : fallthrough(ctx), '}', writeBack(ctx)].join('\n');
}

/** Calls of a new self-loop that go round once only (below). */
const FIRST_CALLS = 32;

/**
 * A self-loop's block function, built by a closure that keeps state across calls: a count of
 * calls, and with memory sites (`fast`), each site's page (`C<k>` its typed array; `B<k>` and
 * `W<k>` its base as the tags of loads and stores, or 4, which no masked address equals),
 * forgotten when the memory or its TLB changed (`Memory.tlbEpoch`, which no two address spaces
 * share: a flush, a copy on write, new code marks, another process).
 *
 * The first FIRST_CALLS calls go round at most twice: V8 has then seen the write-back and
 * the exits run before it optimises the loop while it runs (on-stack replacement). Without
 * that, the optimised code leaves through code it has no type feedback for, deoptimises
 * there, and is entered again on the next call, each call.
 *
 * With sites, each call starts in the inner loop (`pass`), which sees the sites as constants
 * and makes no call, with the pages the sites took in earlier calls (valid while the epoch
 * is the same). A site that misses (one that holds no page yet, or another page) leaves it
 * before its instruction with nothing of it done, and the rest of that pass runs in `plain`'s
 * code from there (`from`: every access through Memory, after which its site takes the page
 * Memory's TLB holds). Loops that go round a few times a call (the C library's string
 * functions) gain most (docs/speed-and-exactness.md, "The call-heavy row's strings part").
 */
function loopSource(fast: BlockContext | null, plain: BlockContext): string {
  const L = plain.insns.length;
  // Named like a block function (`loop_<start>_<length>`), so that CPU profiles tell self-loops apart.
  const header = `return (function loop_${plain.insns[0]!.address.toString(16)}_${L}(s, m, H, limit) {`;
  if (!fast) {
    const room = `const room = (calls < ${FIRST_CALLS} ? (calls++, ${L}) : limit < 0x3fffffff ? limit | 0 : 0x3fffffff) - ${L};`;
    return ['let calls = 0;', header, entry([plain]), room, 'out: for (;;) {', ...plain.body, fallthrough(plain), '}', writeBack(plain), '});'].join('\n');
  }
  const sites = fast.sites;
  if (plain.sites.length !== sites.length) throw new Error('block compiler: the two codes of a self-loop number their memory sites differently');
  for (const r of fast.dirty) plain.dirty.add(r);
  plain.flagsDirty ||= fast.flagsDirty;
  plain.memoryExits ||= fast.memoryExits;
  plain.eventCodes ||= fast.eventCodes;
  return [
    `let calls = 0, EP = 0${sites.map((array, k) => `, B${k} = 4, W${k} = 4, C${k} = new ${ARRAY_TYPE[array]}(0)`).join('')};`,
    header,
    entry([plain, fast]),
    'const lim = limit < 0x3fffffff ? limit | 0 : 0x3fffffff;',
    `const room = (calls < ${FIRST_CALLS} && lim > ${2 * L} ? (calls++, ${2 * L}) : lim) - ${L};`,
    `let from = ${L};`,
    'out: for (;;) {',
    `if (m.tlbEpoch !== EP) {EP = m.tlbEpoch;${sites.map((_, k) => ` B${k} = 4; W${k} = 4;`).join('')}}`,
    `if (from < ${L}) {`,
    ...plain.body.map((code, k) => `if (from <= ${k}) ${code}`),
    fallthrough(plain),
    '}',
    ...sites.map((_, k) => `const b${k} = B${k} | 0, w${k} = W${k} | 0, c${k} = C${k};`),
    'pass: for (;;) {',
    ...fast.body,
    fallthrough(fast),
    '}',
    '}',
    writeBack(plain),
    '});',
  ].join('\n');
}

const ARRAY_TYPE = { i32: 'Int32Array', u16: 'Uint16Array', u8: 'Uint8Array' } as const;

