// Owns the meaning of call-frame instructions: a small interpreter that applies DW_CFA
// instructions to a register-rule state (with remember/restore state and restore to
// the CIE's initial rules), and the row table it yields for an FDE: for each address
// range, the CFA rule and each register's rule. readelf's frames-interp view and the
// unwinder both read rows from here.
import type { CfaOperation, CfaRule, Cie, Fde, RegisterRule, Row, RowTable } from './types';

/** What an instruction's factored operands are multiplied by: a CIE's two factors. */
export type Factors = Pick<Cie, 'codeAlignment' | 'dataAlignment'>;

/** The rules in force at one point of the instruction stream. */
export interface RuleState {
  /** Register and offset of the last register-based CFA definition (readelf keeps them). */
  readonly cfaReg: number;
  readonly cfaOffset: number;
  readonly cfaSigned: boolean;
  /** Set while the CFA is given by DW_CFA_def_cfa_expression. */
  readonly cfaExpression: Extract<CfaRule, { kind: 'expression' }>['expression'] | undefined;
  /** False until some DW_CFA_def_cfa* ran (the CFA is then undefined). */
  readonly cfaDefined: boolean;
  readonly registers: ReadonlyMap<number, RegisterRule>;
}

/** The state before any instruction: no CFA, no register rules. */
export const EMPTY_STATE: RuleState = { cfaReg: 0, cfaOffset: 0, cfaSigned: false, cfaExpression: undefined, cfaDefined: false, registers: new Map() };

const TWO32 = 4294967296;

/** a * b as the signed 64-bit product readelf prints (exact when it is a safe integer). */
function times(a: number, b: number): number {
  const p = a * b;
  if (Number.isSafeInteger(p)) return p === 0 ? 0 : p;
  return Number(BigInt.asIntN(64, BigInt(a) * BigInt(b)));
}

function addAddress(loc: number, delta: number): number {
  const sum = loc + delta;
  if (Number.isSafeInteger(sum)) return ((sum % TWO32) + TWO32) % TWO32;
  return Number(BigInt.asUintN(32, BigInt(loc) + BigInt(delta)));
}

/** What applying one instruction did, for callers that print as they go. */
export type StepResult = 'advance' | 'mismatched-restore' | 'stop' | undefined;

/** Applies instructions one at a time; `loc` is the address the current rules start at. */
export class CfiInterpreter {
  loc: number;
  argsSize: number | undefined;
  private cfaReg: number;
  private cfaOffset: number;
  private cfaSigned: boolean;
  private cfaExpression: RuleState['cfaExpression'];
  private cfaDefined: boolean;
  private readonly registers: Map<number, RegisterRule>;
  private readonly stack: RuleState[] = [];
  /** The register rules last handed out by `rowRules` (the initial ones at first), and whether a rule changed since. */
  private lastRules: ReadonlyMap<number, RegisterRule>;
  private changed = false;

  /**
   * @param cie       the CIE giving the factors (or the factors alone)
   * @param initial   the state to start from (the CIE's initial rules for an FDE)
   * @param cieRules  the rules DW_CFA_restore returns to (undefined while running the CIE)
   * @param loc       the first address
   */
  constructor(
    private readonly cie: Factors,
    initial: RuleState,
    private readonly cieRules: ReadonlyMap<number, RegisterRule> | undefined,
    loc: number,
  ) {
    this.loc = loc;
    this.cfaReg = initial.cfaReg;
    this.cfaOffset = initial.cfaOffset;
    this.cfaSigned = initial.cfaSigned;
    this.cfaExpression = initial.cfaExpression;
    this.cfaDefined = initial.cfaDefined;
    this.registers = copyRules(initial.registers);
    this.lastRules = initial.registers;
  }

  state(): RuleState {
    return {
      cfaReg: this.cfaReg, cfaOffset: this.cfaOffset, cfaSigned: this.cfaSigned, cfaExpression: this.cfaExpression,
      cfaDefined: this.cfaDefined, registers: new Map(this.registers),
    };
  }

  cfaRule(): CfaRule {
    if (this.cfaExpression) return { kind: 'expression', expression: this.cfaExpression };
    return { kind: 'register', reg: this.cfaReg, offset: this.cfaOffset, signed: this.cfaSigned };
  }

  /** The CFA rule, or undefined while no DW_CFA_def_cfa* has run. */
  definedCfaRule(): CfaRule | undefined {
    return this.cfaDefined || this.cfaExpression ? this.cfaRule() : undefined;
  }

  rules(): ReadonlyMap<number, RegisterRule> {
    return this.registers;
  }

  /**
   * A copy of the register rules in force that no later instruction changes: the copy handed
   * out before when no rule changed since (a row's rules are never changed, so rows with the
   * same rules share them), else a new one.
   */
  rowRules(): ReadonlyMap<number, RegisterRule> {
    if (this.changed) {
      this.lastRules = sharedRules(this.registers);
      this.changed = false;
    }
    return this.lastRules;
  }

  /** The CFA rule in force as `cfaRule` gives it, one object for each rule of few values (rows never change it). */
  rowCfaRule(): CfaRule {
    if (this.cfaExpression === undefined && Number.isInteger(this.cfaOffset) && !Object.is(this.cfaOffset, -0)) {
      const key = `${this.cfaReg}:${this.cfaOffset}:${this.cfaSigned ? 1 : 0}`;
      let rule = cfaRules.get(key);
      if (rule === undefined) {
        if (cfaRules.size >= MAX_SHARED) cfaRules.clear();
        cfaRules.set(key, (rule = this.cfaRule()));
      }
      return rule;
    }
    return this.cfaRule();
  }

  private setRule(reg: number, rule: RegisterRule): void {
    this.registers.set(reg, rule);
    this.changed = true;
  }

  /** Applies one instruction. 'advance' means `loc` moved: the rules before it form a row. */
  apply(insn: CfaOperation): StepResult {
    const daf = this.cie.dataAlignment;
    switch (insn.op) {
      case 'advance_loc': case 'advance_loc1': case 'advance_loc2': case 'advance_loc4': case 'MIPS_advance_loc8':
        this.loc = addAddress(this.loc, times(insn.delta, this.cie.codeAlignment));
        return 'advance';
      case 'set_loc':
        this.loc = insn.address.value ?? Number(BigInt.asUintN(32, insn.address.raw));
        return 'advance';
      case 'offset': case 'offset_extended': case 'offset_extended_sf':
        this.setRule(insn.reg, { kind: 'offset', offset: times(insn.offset, daf) });
        return undefined;
      case 'GNU_negative_offset_extended':
        this.setRule(insn.reg, { kind: 'offset', offset: times(-insn.offset, daf) });
        return undefined;
      case 'val_offset': case 'val_offset_sf':
        this.setRule(insn.reg, { kind: 'val_offset', offset: times(insn.offset, daf) });
        return undefined;
      case 'restore': case 'restore_extended': {
        const rule = this.cieRules?.get(insn.reg);
        if (rule) this.setRule(insn.reg, rule);
        else if (this.registers.delete(insn.reg)) this.changed = true;
        return undefined;
      }
      case 'undefined':
        this.setRule(insn.reg, { kind: 'undefined' });
        return undefined;
      case 'same_value':
        this.setRule(insn.reg, { kind: 'same_value' });
        return undefined;
      case 'register':
        this.setRule(insn.reg, { kind: 'register', reg: insn.reg2 });
        return undefined;
      case 'expression':
        this.setRule(insn.reg, { kind: 'expression', expression: insn.expression });
        return undefined;
      case 'val_expression':
        this.setRule(insn.reg, { kind: 'val_expression', expression: insn.expression });
        return undefined;
      case 'remember_state':
        this.stack.push(this.state());
        return undefined;
      case 'restore_state': {
        const saved = this.stack.pop();
        if (!saved) return 'mismatched-restore';
        this.cfaReg = saved.cfaReg;
        this.cfaOffset = saved.cfaOffset;
        this.cfaSigned = saved.cfaSigned;
        this.cfaExpression = saved.cfaExpression;
        this.cfaDefined = saved.cfaDefined;
        this.registers.clear();
        for (const [k, v] of saved.registers) this.registers.set(k, v);
        this.changed = true;
        return undefined;
      }
      case 'def_cfa':
        this.defineCfa(insn.reg, insn.offset, false);
        return undefined;
      case 'def_cfa_sf':
        this.defineCfa(insn.reg, times(insn.offset, daf), true);
        return undefined;
      case 'def_cfa_register':
        this.cfaReg = insn.reg;
        this.cfaExpression = undefined;
        this.cfaDefined = true;
        return undefined;
      case 'def_cfa_offset':
        this.cfaOffset = insn.offset;
        this.cfaSigned = false;
        this.cfaDefined = true;
        return undefined;
      case 'def_cfa_offset_sf':
        this.cfaOffset = times(insn.offset, daf);
        this.cfaSigned = true;
        this.cfaDefined = true;
        return undefined;
      case 'def_cfa_expression':
        this.cfaExpression = insn.expression;
        return undefined;
      case 'GNU_args_size':
        this.argsSize = insn.size;
        return undefined;
      case 'nop': case 'GNU_window_save':
        return undefined;
      case 'user':
        return 'stop';
    }
  }

  private defineCfa(reg: number, offset: number, signed: boolean): void {
    this.cfaReg = reg;
    this.cfaOffset = offset;
    this.cfaSigned = signed;
    this.cfaExpression = undefined;
    this.cfaDefined = true;
  }
}

const cieStates = new WeakMap<Cie, RuleState>();

/** A CIE's initial rules: the state after its initial instructions. */
export function initialState(factors: Factors, instructions: readonly CfaOperation[]): RuleState {
  const it = new CfiInterpreter(factors, EMPTY_STATE, undefined, 0);
  for (const insn of instructions) if (it.apply(insn) === 'stop') break;
  return it.state();
}

/** The CIE's initial rules: the state after its initial instructions. */
export function cieInitialState(cie: Cie): RuleState {
  const cached = cieStates.get(cie);
  if (cached) return cached;
  const state = initialState(cie, cie.instructions);
  cieStates.set(cie, state);
  return state;
}

/** An interpreter positioned at the FDE's first address with the CIE's initial rules. */
export function fdeInterpreter(fde: Fde): CfiInterpreter {
  const initial = cieInitialState(fde.cie);
  return new CfiInterpreter(fde.cie, initial, initial.registers, fde.start);
}

/** True for the instructions that move to a new address (and so end a row). */
export function advancesLocation(insn: CfaOperation): boolean {
  switch (insn.op) {
    case 'advance_loc': case 'advance_loc1': case 'advance_loc2': case 'advance_loc4': case 'MIPS_advance_loc8': case 'set_loc':
      return true;
    default:
      return false;
  }
}

/** The FDE's row table: one row per address range, in instruction order. */
export function buildRowTable(fde: Fde): RowTable {
  const initial = cieInitialState(fde.cie);
  return { fde, rows: frameRows(fde.cie, initial, fde.instructions, fde.start, fde.range), returnAddressRegister: fde.cie.returnAddressRegister };
}

/**
 * A copy of the rules in their order, entry by entry: `new Map(rules)` goes through the
 * iterator protocol, an entry array and a result object per rule (the language server copies
 * the rules of every row of every procedure of a file).
 */
function copyRules(rules: ReadonlyMap<number, RegisterRule>): Map<number, RegisterRule> {
  const out = new Map<number, RegisterRule>();
  rules.forEach(copyInto, out);
  return out;
}

function copyInto(this: Map<number, RegisterRule>, rule: RegisterRule, reg: number): void {
  this.set(reg, rule);
}

/**
 * Rows' rules and CFA rules by what they say: the rows of a file's procedures say a few rule
 * sets again and again (a Map of them kept per row was most of what a language server's CFI
 * rows keep), and a row's rules are never changed, so equal ones are one object. Bounded:
 * forgotten when full.
 */
const ruleSets = new Map<string, ReadonlyMap<number, RegisterRule>>();
const cfaRules = new Map<string, CfaRule>();
const MAX_SHARED = 4096;

/** A rule's part of a rule set's key; undefined for an expression (not shared). */
function ruleKey(reg: number, rule: RegisterRule): string | undefined {
  switch (rule.kind) {
    case 'undefined': return `${reg}u`;
    case 'same_value': return `${reg}s`;
    case 'offset': return Number.isInteger(rule.offset) && !Object.is(rule.offset, -0) ? `${reg}c${rule.offset}` : undefined;
    case 'val_offset': return Number.isInteger(rule.offset) && !Object.is(rule.offset, -0) ? `${reg}v${rule.offset}` : undefined;
    case 'register': return `${reg}r${rule.reg}`;
    default: return undefined;
  }
}

/** A rule set's key as it is built (forEach's `this`: no iterator result or entry array per rule). */
interface KeyBuilder {
  key: string | undefined;
}

function addKey(this: KeyBuilder, rule: RegisterRule, reg: number): void {
  if (this.key === undefined) return;
  const part = ruleKey(reg, rule);
  this.key = part === undefined ? undefined : `${this.key}${part};`;
}

const builder: KeyBuilder = { key: '' };

/** The rules as a rule set no one changes: the one of equal rules in the same order made before, else a copy. */
function sharedRules(rules: ReadonlyMap<number, RegisterRule>): ReadonlyMap<number, RegisterRule> {
  builder.key = '';
  rules.forEach(addKey, builder);
  const key = builder.key;
  if (key === undefined) return copyRules(rules);
  let shared = ruleSets.get(key);
  if (shared === undefined) {
    if (ruleSets.size >= MAX_SHARED) ruleSets.clear();
    ruleSets.set(key, (shared = copyRules(rules)));
  }
  return shared;
}

/**
 * The rows of an FDE given by what the row table reads of one (the CIE's factors and
 * initial rules, the FDE's instructions, first address and pc range): for frames known
 * without their bytes (emit-cfi.ts's frameInstructions), the same rows as parsed ones.
 */
export function frameRows(factors: Factors, initial: RuleState, instructions: readonly CfaOperation[], start: number, range: number): Row[] {
  return rowsOfFrame(factors, initial, instructions, start, range, true);
}

/** No register rules (the rows of frameCfaRows). */
const NO_RULES: ReadonlyMap<number, RegisterRule> = new Map();

/**
 * frameRows' rows with their register rules left out (each row's `registers` is empty): for a
 * reader of the CFA rules alone (the language server's CFI findings), without a rule set made
 * or looked up per row.
 */
export function frameCfaRows(factors: Factors, initial: RuleState, instructions: readonly CfaOperation[], start: number, range: number): Row[] {
  return rowsOfFrame(factors, initial, instructions, start, range, false);
}

function rowsOfFrame(factors: Factors, initial: RuleState, instructions: readonly CfaOperation[], start: number, range: number, registers: boolean): Row[] {
  const it = new CfiInterpreter(factors, initial, initial.registers, start);
  const rows: Row[] = [];
  const snapshot = (from: number, to: number): Row => ({
    start: from, end: to, cfa: it.rowCfaRule(), registers: registers ? it.rowRules() : NO_RULES, argsSize: it.argsSize,
  });
  for (const insn of instructions) {
    const from = it.loc;
    const result = it.apply(insn);
    // An advance changes no rule, so the rules now are the ones of [from, new loc).
    if (result === 'advance') rows.push(snapshot(from, it.loc));
    else if (result === 'stop') break;
  }
  rows.push(snapshot(it.loc, addAddress(start, range)));
  return rows;
}

/** The row covering `pc`, or undefined when no row does. */
export function rowAt(table: RowTable, pc: number): Row | undefined {
  for (let i = table.rows.length - 1; i >= 0; i--) {
    const row = table.rows[i]!;
    if (row.start <= pc && pc < row.end) return row;
  }
  return undefined;
}
