// Owns one CFI step: given a frame's registers and the CFI row covering its pc, compute the
// frame's CFA and its caller's registers by the row's rules (offset, val_offset, register,
// expression, val_expression, same_value, undefined), with the defaults gdb applies on i386
// to registers the row does not mention:
//   - esp: the CFA (gdb's DWARF2_FRAME_REG_CFA default for the stack pointer);
//   - eip: the return-address column's rule (for i386 CIEs that column is 8, eip itself);
//   - eax ecx edx ebx ebp esi edi: "same value" as in the callee. gdb does this for every
//     unspecified register (dwarf2/frame.c, DWARF2_FRAME_REG_UNSPECIFIED), not only for the
//     psABI's callee-saved ebx esi edi ebp, because GCC omits same_value rules; the origin
//     'unspecified' lets a debugger show that eax ecx edx may in truth have been clobbered;
//   - eflags: undefined unless a rule gives it (a signal frame's CFI may).
import { describeFailure, evaluateExpression, type EvaluationFailure, type EvaluationTarget } from './evaluate';
import type { DwarfExpression, RegisterRule, Row } from './types';
import { regname } from './registers';
import { UNWIND_REGISTER_COUNT, type MemoryReader, type RegisterOrigin, type RegisterValues, type UnwindStop } from './unwind-types';

const ESP = 4;
const EIP = 8;
const EFLAGS = 9;

export type StepResult =
  | { readonly ok: true; readonly cfa: number; readonly caller: RegisterValues; readonly origins: readonly RegisterOrigin[] }
  | { readonly ok: false; readonly stop: UnwindStop; readonly cfa: number | undefined };

/** Thrown inside a step; carries the stop reason out. */
class StepStop {
  constructor(readonly stop: UnwindStop) {}
}

function fromFailure(f: EvaluationFailure, what: string): UnwindStop {
  if (f.kind === 'unreadable-memory') return { kind: 'unreadable-memory', address: f.address, size: f.size, what };
  if (f.kind === 'unknown-register') return { kind: 'unknown-register', reg: f.reg, what };
  return { kind: 'bad-expression', detail: describeFailure(f), what };
}

/**
 * Applies `row` to a frame whose registers are `regs`.
 * @param raColumn the CIE's return-address column
 * @param bias     the image's load bias (for DW_OP_addr)
 */
export function applyRow(row: Row, raColumn: number, regs: RegisterValues, memory: MemoryReader, bias: number): StepResult {
  const target: EvaluationTarget = {
    readRegister: (reg) => (reg < UNWIND_REGISTER_COUNT ? regs[reg] : undefined),
    readMemory: (address, size) => memory.readMemory(address, size),
  };
  const register = (reg: number, what: string): number => {
    const v = reg < UNWIND_REGISTER_COUNT ? regs[reg] : undefined;
    if (v === undefined) throw new StepStop({ kind: 'unknown-register', reg, what });
    return v;
  };
  const read = (address: number, what: string): number => {
    const v = memory.readMemory(address >>> 0, 4);
    if (v === undefined) throw new StepStop({ kind: 'unreadable-memory', address: address >>> 0, size: 4, what });
    return v >>> 0;
  };
  const evaluate = (expression: DwarfExpression, initial: number[], cfa: number | undefined, what: string) => {
    const r = evaluateExpression(expression, target, { initialStack: initial, ...(cfa !== undefined ? { cfa } : {}), addressBias: bias });
    if (!r.ok) throw new StepStop(fromFailure(r.failure, what));
    return r.location;
  };

  let cfa: number | undefined;
  try {
    if (row.cfa.kind === 'register') {
      cfa = (register(row.cfa.reg, 'the CFA') + row.cfa.offset) >>> 0;
    } else {
      // gdb and libgcc both start a CFA expression with 0 on the stack.
      const loc = evaluate(row.cfa.expression, [0], undefined, 'the CFA');
      cfa = loc.kind === 'memory' ? loc.address : loc.kind === 'value' ? loc.value : register(loc.reg, 'the CFA');
    }
    const cfaValue = cfa;
    const caller: (number | undefined)[] = new Array(UNWIND_REGISTER_COUNT).fill(undefined);
    const origins: RegisterOrigin[] = new Array(UNWIND_REGISTER_COUNT).fill('undefined');
    const ruleValue = (reg: number, rule: RegisterRule, what: string): number | undefined => {
      switch (rule.kind) {
        case 'undefined': return undefined;
        case 'same_value': return regs[reg];
        case 'offset': return read(cfaValue + rule.offset, what);
        case 'val_offset': return (cfaValue + rule.offset) >>> 0;
        case 'register': return register(rule.reg, what);
        case 'expression': {
          const loc = evaluate(rule.expression, [cfaValue], cfaValue, what);
          if (loc.kind === 'memory') return read(loc.address, what);
          if (loc.kind === 'register') return register(loc.reg, what);
          throw new StepStop({ kind: 'bad-expression', detail: 'DW_CFA_expression gave a value, not a location', what });
        }
        case 'val_expression': {
          const loc = evaluate(rule.expression, [cfaValue], cfaValue, what);
          if (loc.kind === 'register') return register(loc.reg, what);
          return loc.kind === 'memory' ? loc.address : loc.value;
        }
      }
    };
    for (let reg = 0; reg < UNWIND_REGISTER_COUNT; reg++) {
      const what = reg === EIP || reg === raColumn ? 'the return address' : `register ${regname(reg, true)}`;
      const rule = row.registers.get(reg === EIP ? raColumn : reg);
      if (rule) {
        caller[reg] = ruleValue(reg === EIP ? raColumn : reg, rule, what);
        origins[reg] = rule.kind;
      } else if (reg === ESP) {
        caller[reg] = cfaValue;
        origins[reg] = 'cfa';
      } else if (reg === EFLAGS || reg === EIP) {
        caller[reg] = undefined;
        origins[reg] = 'undefined';
      } else {
        caller[reg] = regs[reg];
        origins[reg] = 'unspecified';
      }
    }
    return { ok: true, cfa: cfaValue, caller, origins };
  } catch (e) {
    if (e instanceof StepStop) return { ok: false, stop: e.stop, cfa };
    throw e;
  }
}
