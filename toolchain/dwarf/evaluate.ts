// Owns evaluating a decoded DWARF expression (toolchain/dwarf/expression.ts) the way a CFI
// unwinder does on i386: a stack of 32-bit values, registers and memory read through an
// injected target, bra/skip byte targets mapped to operation indexes, bounded in steps and
// stack depth. The result is a location (memory address or register) or a value
// (DW_OP_stack_value), or a failure with its reason and the operation's byte offset.
import type { DwarfExpression, DwarfOp } from './types';

/** What an expression reads: the registers of the frame being unwound and the process's memory. */
export interface EvaluationTarget {
  /** The register's value (DWARF number), or undefined when it is not known in this frame. */
  readRegister(dwarfReg: number): number | undefined;
  /** `size` bytes (1, 2 or 4) little-endian at `address`, or undefined when unreadable. */
  readMemory(address: number, size: number): number | undefined;
}

export interface EvaluateOptions {
  /** Pushed before the first operation, bottom first (the CFA for DW_CFA_[val_]expression). */
  readonly initialStack?: readonly number[];
  /** What DW_OP_call_frame_cfa pushes; without it that operation is a failure. */
  readonly cfa?: number;
  /** Added to DW_OP_addr operands (the image's load bias). */
  readonly addressBias?: number;
  /** Operations executed at most (default 10000): a bra loop cannot hang the unwinder. */
  readonly maxSteps?: number;
  /** Stack entries at most (default 1024). */
  readonly maxStack?: number;
}

/** Where the expression's result is. */
export type EvaluatedLocation =
  /** The usual result: the top of the stack is an address. */
  | { readonly kind: 'memory'; readonly address: number }
  /** A lone DW_OP_reg* / DW_OP_regx: the value is in that register. */
  | { readonly kind: 'register'; readonly reg: number }
  /** DW_OP_stack_value: the top of the stack is the value itself. */
  | { readonly kind: 'value'; readonly value: number };

export type EvaluationFailure =
  | { readonly kind: 'unreadable-memory'; readonly address: number; readonly size: number; readonly at: number }
  | { readonly kind: 'unknown-register'; readonly reg: number; readonly at: number }
  | { readonly kind: 'bad-op'; readonly at: number; readonly name: string; readonly detail: string }
  | { readonly kind: 'stack-underflow'; readonly at: number; readonly name: string }
  | { readonly kind: 'stack-overflow'; readonly at: number; readonly name: string }
  | { readonly kind: 'division-by-zero'; readonly at: number; readonly name: string }
  | { readonly kind: 'step-limit'; readonly steps: number }
  | { readonly kind: 'empty-stack' };

export type EvaluationResult =
  | { readonly ok: true; readonly location: EvaluatedLocation; readonly steps: number }
  | { readonly ok: false; readonly failure: EvaluationFailure };

const hex = (n: number): string => '0x' + n.toString(16);

/** A one-line description of a failure ("unreadable memory at 0x1234 (4 bytes), op at offset 3"). */
export function describeFailure(f: EvaluationFailure): string {
  switch (f.kind) {
    case 'unreadable-memory': return `unreadable memory at ${hex(f.address)} (${f.size} bytes), op at offset ${f.at}`;
    case 'unknown-register': return `register r${f.reg} is not known in this frame, op at offset ${f.at}`;
    case 'bad-op': return `bad op ${f.name} at offset ${f.at}: ${f.detail}`;
    case 'stack-underflow': return `stack underflow in ${f.name} at offset ${f.at}`;
    case 'stack-overflow': return `stack overflow in ${f.name} at offset ${f.at}`;
    case 'division-by-zero': return `division by zero in ${f.name} at offset ${f.at}`;
    case 'step-limit': return `step limit of ${f.steps} operations reached (a loop?)`;
    case 'empty-stack': return 'the expression left the stack empty';
  }
}

const u32 = (n: number): number => n >>> 0;
const s32 = (n: number): number => n | 0;
/** An exact operand truncated to 32 bits, as libgcc's _Unwind_Word does on i386. */
const word = (b: bigint): number => Number(BigInt.asUintN(32, b));

/** Thrown inside the evaluation loop only; turned into a failure result at its end. */
class Stop {
  constructor(readonly failure: EvaluationFailure) {}
}

/** Index of the operation starting at each byte offset, and the end offset (= ops.length). */
function opIndexByOffset(expr: DwarfExpression): Map<number, number> {
  const map = new Map<number, number>();
  expr.ops.forEach((op, i) => map.set(op.at, i));
  map.set(expr.length, expr.ops.length);
  return map;
}

const DW_OP_addr = 0x03, DW_OP_deref = 0x06, DW_OP_const1u = 0x08, DW_OP_consts = 0x11;
const DW_OP_dup = 0x12, DW_OP_drop = 0x13, DW_OP_over = 0x14, DW_OP_pick = 0x15, DW_OP_swap = 0x16, DW_OP_rot = 0x17;
const DW_OP_abs = 0x19, DW_OP_and = 0x1a, DW_OP_div = 0x1b, DW_OP_minus = 0x1c, DW_OP_mod = 0x1d, DW_OP_mul = 0x1e;
const DW_OP_neg = 0x1f, DW_OP_not = 0x20, DW_OP_or = 0x21, DW_OP_plus = 0x22, DW_OP_plus_uconst = 0x23;
const DW_OP_shl = 0x24, DW_OP_shr = 0x25, DW_OP_shra = 0x26, DW_OP_xor = 0x27, DW_OP_bra = 0x28;
const DW_OP_eq = 0x29, DW_OP_ge = 0x2a, DW_OP_gt = 0x2b, DW_OP_le = 0x2c, DW_OP_lt = 0x2d, DW_OP_ne = 0x2e, DW_OP_skip = 0x2f;
const DW_OP_lit0 = 0x30, DW_OP_lit31 = 0x4f, DW_OP_reg0 = 0x50, DW_OP_reg31 = 0x6f, DW_OP_breg0 = 0x70, DW_OP_breg31 = 0x8f;
const DW_OP_regx = 0x90, DW_OP_bregx = 0x92, DW_OP_deref_size = 0x94, DW_OP_nop = 0x96, DW_OP_call_frame_cfa = 0x9c;
const DW_OP_stack_value = 0x9f;

/**
 * Evaluates `expr` against `target`. Arithmetic is modulo 2^32; div, shra, abs and the
 * comparisons are signed, mod and shr unsigned (as libgcc and gdb do on i386).
 */
export function evaluateExpression(expr: DwarfExpression, target: EvaluationTarget, options: EvaluateOptions = {}): EvaluationResult {
  const maxSteps = options.maxSteps ?? 10000;
  const maxStack = options.maxStack ?? 1024;
  const stack: number[] = (options.initialStack ?? []).map(u32);
  const ops = expr.ops;
  let targets: Map<number, number> | undefined;
  let steps = 0;

  const push = (op: DwarfOp, v: number): void => {
    if (stack.length >= maxStack) throw new Stop({ kind: 'stack-overflow', at: op.at, name: op.name });
    stack.push(u32(v));
  };
  const pop = (op: DwarfOp): number => {
    const v = stack.pop();
    if (v === undefined) throw new Stop({ kind: 'stack-underflow', at: op.at, name: op.name });
    return v;
  };
  const peek = (op: DwarfOp, depth: number): number => {
    if (depth >= stack.length) throw new Stop({ kind: 'stack-underflow', at: op.at, name: op.name });
    return stack[stack.length - 1 - depth]!;
  };
  const register = (op: DwarfOp, reg: number): number => {
    const v = target.readRegister(reg);
    if (v === undefined) throw new Stop({ kind: 'unknown-register', reg, at: op.at });
    return u32(v);
  };
  const memory = (op: DwarfOp, address: number, size: number): number => {
    const v = target.readMemory(address, size);
    if (v === undefined) throw new Stop({ kind: 'unreadable-memory', address, size, at: op.at });
    return u32(v);
  };
  const bad = (op: DwarfOp, detail: string): never => {
    throw new Stop({ kind: 'bad-op', at: op.at, name: op.name, detail });
  };
  const jump = (op: DwarfOp): number => {
    targets ??= opIndexByOffset(expr);
    const to = op.at + op.length + Number(op.operands[0]!);
    const index = targets.get(to);
    if (index === undefined) bad(op, `target offset ${to} is not the start of an operation`);
    return index!;
  };
  const binary = (op: DwarfOp, f: (a: number, b: number) => number): void => {
    const b = pop(op);
    const a = pop(op);
    push(op, f(a, b));
  };

  try {
    let i = 0;
    while (i < ops.length) {
      if (++steps > maxSteps) throw new Stop({ kind: 'step-limit', steps: maxSteps });
      const op = ops[i]!;
      let next = i + 1;
      const code = op.opcode;
      if (op.undecodable) bad(op, 'not decodable in call frame information');
      if (code >= DW_OP_lit0 && code <= DW_OP_lit31) push(op, code - DW_OP_lit0);
      else if (code >= DW_OP_breg0 && code <= DW_OP_breg31) push(op, register(op, code - DW_OP_breg0) + word(op.operands[0]!));
      else if ((code >= DW_OP_reg0 && code <= DW_OP_reg31) || code === DW_OP_regx) {
        if (i !== ops.length - 1) bad(op, 'a register location must be the last operation');
        const reg = code === DW_OP_regx ? Number(op.operands[0]!) : code - DW_OP_reg0;
        return { ok: true, location: { kind: 'register', reg }, steps };
      } else if (code >= DW_OP_const1u && code <= DW_OP_consts) push(op, word(op.operands[0]!));
      else {
        switch (code) {
          case DW_OP_addr: push(op, word(op.operands[0]!) + (options.addressBias ?? 0)); break;
          case DW_OP_bregx: push(op, register(op, Number(op.operands[0]!)) + word(op.operands[1]!)); break;
          case DW_OP_dup: push(op, peek(op, 0)); break;
          case DW_OP_drop: pop(op); break;
          case DW_OP_over: push(op, peek(op, 1)); break;
          case DW_OP_pick: push(op, peek(op, Number(op.operands[0]!))); break;
          case DW_OP_swap: { const a = pop(op); const b = pop(op); push(op, a); push(op, b); break; }
          case DW_OP_rot: {
            // The top three entries rotate: the top moves to third place, the others up one.
            const a = pop(op); const b = pop(op); const c = pop(op);
            push(op, a); push(op, c); push(op, b);
            break;
          }
          case DW_OP_deref: push(op, memory(op, pop(op), 4)); break;
          case DW_OP_deref_size: {
            const size = Number(op.operands[0]!);
            if (size !== 1 && size !== 2 && size !== 4) bad(op, `size ${size} is not 1, 2 or 4 on a 32-bit target`);
            push(op, memory(op, pop(op), size));
            break;
          }
          case DW_OP_abs: { const a = s32(pop(op)); push(op, a < 0 ? -a : a); break; }
          case DW_OP_neg: push(op, -s32(pop(op))); break;
          case DW_OP_not: push(op, ~pop(op)); break;
          case DW_OP_plus_uconst: push(op, pop(op) + word(op.operands[0]!)); break;
          case DW_OP_and: binary(op, (a, b) => a & b); break;
          case DW_OP_or: binary(op, (a, b) => a | b); break;
          case DW_OP_xor: binary(op, (a, b) => a ^ b); break;
          case DW_OP_plus: binary(op, (a, b) => a + b); break;
          case DW_OP_minus: binary(op, (a, b) => a - b); break;
          case DW_OP_mul: binary(op, (a, b) => Math.imul(a, b)); break;
          case DW_OP_div: binary(op, (a, b) => {
            if (b === 0) throw new Stop({ kind: 'division-by-zero', at: op.at, name: op.name });
            return Math.trunc(s32(a) / s32(b));
          }); break;
          case DW_OP_mod: binary(op, (a, b) => {
            if (b === 0) throw new Stop({ kind: 'division-by-zero', at: op.at, name: op.name });
            return a % b;
          }); break;
          case DW_OP_shl: binary(op, (a, b) => (b >= 32 ? 0 : a << b)); break;
          case DW_OP_shr: binary(op, (a, b) => (b >= 32 ? 0 : a >>> b)); break;
          case DW_OP_shra: binary(op, (a, b) => s32(a) >> Math.min(b, 31)); break;
          case DW_OP_eq: binary(op, (a, b) => Number(s32(a) === s32(b))); break;
          case DW_OP_ne: binary(op, (a, b) => Number(s32(a) !== s32(b))); break;
          case DW_OP_lt: binary(op, (a, b) => Number(s32(a) < s32(b))); break;
          case DW_OP_le: binary(op, (a, b) => Number(s32(a) <= s32(b))); break;
          case DW_OP_gt: binary(op, (a, b) => Number(s32(a) > s32(b))); break;
          case DW_OP_ge: binary(op, (a, b) => Number(s32(a) >= s32(b))); break;
          case DW_OP_skip: next = jump(op); break;
          case DW_OP_bra: { const cond = pop(op); const to = jump(op); if (cond !== 0) next = to; break; }
          case DW_OP_nop: break;
          case DW_OP_call_frame_cfa:
            if (options.cfa === undefined) bad(op, 'no CFA is known here (not valid while computing the CFA)');
            push(op, options.cfa!);
            break;
          case DW_OP_stack_value:
            if (i !== ops.length - 1) bad(op, 'DW_OP_stack_value must be the last operation');
            return { ok: true, location: { kind: 'value', value: peek(op, 0) }, steps };
          default:
            bad(op, 'not supported in call frame information');
        }
      }
      i = next;
    }
  } catch (e) {
    if (e instanceof Stop) return { ok: false, failure: e.failure };
    throw e;
  }
  const top = stack[stack.length - 1];
  if (top === undefined) return { ok: false, failure: { kind: 'empty-stack' } };
  return { ok: true, location: { kind: 'memory', address: top }, steps };
}
