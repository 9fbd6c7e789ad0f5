// Owns turning guest code into JavaScript: decode a basic block at an address (through the
// ISA decoder), work out which status flags each instruction must really record (backward
// liveness, with every possible exit needing all of them), emit each instruction through
// the one semantics table, and build the block function with new Function. A block ends at a
// control transfer, at an instruction that changes how the next one runs (segment loads,
// rep strings; popf leaves its block only when it sets TF), before an armed breakpoint, or at MAX_BLOCK instructions; a
// direct jmp or call does not end it (decoding goes on at the target). A block whose last
// instruction jumps back to its start runs as a JS loop.
import { decode } from '../../toolchain/isa/decoder';
import { DecodeStatus, PFX_LOCK, PFX_REP, PFX_REPNE, type Instruction } from '../../toolchain/isa/instruction';
import { OperandKind, RepKind } from '../../toolchain/isa/entry';
import { Op, STATUS_FLAGS } from '../../toolchain/isa/ops';
import type { Memory } from '../memory/memory';
import { BlockContext, Emitter, EXIT_SLOT0, hex } from './emit';
import type { Helpers } from './helpers';
import { SEMANTICS } from './semantics';
import type { CpuState } from './state';
import type { PageFault } from '../memory/memory';

export const MAX_BLOCK = 64;

/** A compiled block: runs from its start with at most `limit` instructions, returns an EXIT_* code. */
export type BlockFunction = (s: CpuState, m: Memory, H: Helpers, limit: number) => number;

export interface Block {
  readonly start: number;
  /** Address after the last instruction. */
  readonly end: number;
  /** Number of instructions. */
  readonly length: number;
  readonly fn: BlockFunction;
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
  readonly source: string;
}

const TERMINATORS = new Set<Op>([
  Op.Jcc, Op.Jmp, Op.Call, Op.CallIndirect, Op.CallFar, Op.CallFarIndirect, Op.JmpIndirect, Op.JmpFar,
  Op.JmpFarIndirect, Op.Ret, Op.RetFar, Op.Iret, Op.Loop, Op.Loope, Op.Loopne, Op.Jcxz, Op.Int3, Op.Int, Op.Into,
  Op.Ud2, Op.Hlt, Op.Sysenter, Op.Syscall, Op.Sysexit, Op.Sysret, Op.Invalid, Op.NotCovered, Op.MovToSeg,
  Op.Lss, Op.Lds, Op.Les, Op.Lfs, Op.Lgs, Op.Cli, Op.Sti, Op.In, Op.Out, Op.Ins, Op.Outs, Op.Bound,
]);

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

/** Decodes the instructions of the block at `start`; a fetch fault on the first byte is returned. */
export function decodeBlock(m: Memory, start: number, breakpoints: ReadonlySet<number>, max: number, hot = false): Instruction[] | PageFault {
  const insns: Instruction[] = [];
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
      const on = followed(i, hot);
      if (on < 0 || insns.some((d) => d.address === on)) break;
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
 * exit and no dispatch is needed), and in a hot block (one the CPU saw run often) a
 * conditional jump at its fall-through (the taken side leaves the block). Only 32-bit ones
 * without prefixes; the caller never goes on at an instruction already in the block (a jump
 * back to the start is the block's loop).
 */
function followed(i: Instruction, hot: boolean): number {
  if (i.status !== DecodeStatus.Ok || i.opSize !== 4 || i.prefixes !== 0) return -1;
  if (i.op === Op.Jmp || i.op === Op.Call) return i.target >>> 0;
  if (i.op === Op.Jcc && hot) return (i.address + i.length) >>> 0;
  return -1;
}

/** JavaScript for one instruction (its statements in read, store, commit order). */
function emitInstruction(i: Instruction, k: number, ctx: BlockContext): string {
  const e = new Emitter(i, k, ctx);
  const sem = SEMANTICS[i.op];
  if (i.status !== DecodeStatus.Ok || !sem || (i.prefixes & PFX_LOCK && (!i.entry!.lockable || !i.hasMem))) e.undefinedOpcode();
  else sem(e);
  const parts = [`// ${hex(i.address)} ${i.entry ? i.entry.intel : 'invalid'}`, ...e.pre, ...e.mem, ...e.post];
  if (e.touchesMemory && !e.ended) parts.push(e.memoryEventExit());
  return `{\n${parts.join('\n')}\n}`;
}

/**
 * Builds the block function for decoded instructions (`loop`: a jump to the start continues
 * in place; `live`: addresses of instructions whose immediate is read from memory each time).
 */
export function compileInstructions(insns: readonly Instruction[], loop: boolean, liveImmediates: ReadonlySet<number>): { fn: BlockFunction; source: string } {
  const ctx = new BlockContext(insns, liveImmediates);
  ctx.loop = loop;
  let live = STATUS_FLAGS;
  const liveOut: number[] = new Array(insns.length);
  for (let k = insns.length - 1; k >= 0; k--) {
    const i = insns[k]!;
    if (quiet(i) && (i.op !== Op.Jcc || k === insns.length - 1)) {
      liveOut[k] = live;
      const { kill, reads } = flagEffect(i);
      live = (live & ~kill) | reads;
    } else {
      liveOut[k] = STATUS_FLAGS;
      live = STATUS_FLAGS;
    }
  }
  ctx.liveOut = liveOut;
  const body = insns.map((i, k) => emitInstruction(i, k, ctx));
  const last = insns[insns.length - 1]!;
  const fallthrough = `{ex = ${hex(last.address + last.length)}; nc = n + ${insns.length}; rc = ${EXIT_SLOT0}; break out;}`;
  const wb: string[] = [];
  for (const r of [...ctx.dirty].sort()) wb.push(`R[${r}] = r${r};`);
  if (ctx.flagsDirty) wb.push('s.fop = fop; s.fa = fa; s.fb = fb; s.fr = fr; s.fc = fc;');
  const source = [
    'const R = s.r;',
    'let r0 = R[0], r1 = R[1], r2 = R[2], r3 = R[3], r4 = R[4], r5 = R[5], r6 = R[6], r7 = R[7];',
    'let fop = s.fop, fa = s.fa, fb = s.fb, fr = s.fr, fc = s.fc;',
    'let n = 0, ex = 0, nc = 0, rc = 0, ia = 0;',
    'out: for (;;) {',
    ...body,
    fallthrough,
    '}',
    ...wb,
    'if (rc >= 4) rc = rc === 4 ? H.pageFault(m, ex) : H.memEvent(m, ia);',
    's.eip = ex; s.icount += nc; return rc;',
  ].join('\n');
  // Generated code is the point of the block compiler (docs/speed-and-exactness.md); its input is our own emitters' output.
  const fn = new Function('s', 'm', 'H', 'limit', source) as BlockFunction;
  return { fn, source };
}
