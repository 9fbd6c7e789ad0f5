// Owns the choice of table rows for one AT&T instruction: the mnemonic's spellings (size
// suffixes, movzx/movsx letters, aliases from the table) become candidate rows, and each row
// is matched against the parsed operands (AT&T order reversed to the table's Intel order),
// giving every Form that fits, or the reason none does (GAS's type/size mismatch wording).
import { OperandKind as K, ModKind, Suffix, suffixSpellsOpSize, type OpcodeEntry } from '../../isa/entry';
import { Op } from '../../isa/ops';
import { entriesByMnemonic } from '../../isa/table-index';
import type { MemOperand, ParsedOperand } from './operands';
import { regSize } from './registers';
import { fieldValue } from './emit';

export interface Candidate {
  readonly entry: OpcodeEntry;
  /** Operand size the spelling forces (suffix w/l, `cbw`, `movzbw`), 0 when free. */
  readonly opSize: 0 | 2 | 4;
  /** Width the b/w/l suffix asks of the operation, 0 without suffix. */
  readonly suffixWidth: 0 | 1 | 2 | 4;
  /** Address size the spelling forces (jcxz, loopw), 0 when free. */
  readonly addrSize: 0 | 2 | 4;
}

export interface Resolved {
  /** The name GAS puts in its messages (`mov` for `movl`, `movzb` for `movzbl`). */
  readonly name: string;
  readonly suffix: string;
  readonly candidates: readonly Candidate[];
  /** Every row of the name whatever the suffix, for GAS's register-versus-suffix messages. */
  readonly loose: readonly Candidate[];
}

/** Is `name` a mnemonic of its own, not a `w` suffix on another (loopw is loop + w)? */
function realName(e: OpcodeEntry, name: string): boolean {
  if (name === e.mnemonic || e.aliases.some((a) => a.name === name)) return true;
  return name === e.mnemonic16 && name !== `${e.mnemonic}w`;
}

const SUFFIX_WIDTH: Readonly<Record<string, 1 | 2 | 4>> = { b: 1, w: 2, l: 4 };

function spell(e: OpcodeEntry, name: string): { opSize: 0 | 2 | 4; addrSize: 0 | 2 | 4 } {
  const alias = e.aliases.find((a) => a.name === name);
  if (alias) return { opSize: alias.opSize, addrSize: 0 };
  if (e.mnemonic16 === e.mnemonic) return { opSize: 0, addrSize: 0 };
  // loop (whose 16-bit name is loopw) takes the code's address size; jecxz names its own.
  if (e.addrSizeMnemonic && name === e.mnemonic && e.mnemonic16 === `${e.mnemonic}w`) return { opSize: 0, addrSize: 0 };
  const size = name === e.mnemonic16 ? 2 : 4;
  return e.addrSizeMnemonic ? { opSize: 0, addrSize: size } : { opSize: size, addrSize: 0 };
}

/** Mnemonics resolved so far (the answer depends on the name alone); bounded, as names come from the source. */
const RESOLVED = new Map<string, Resolved | undefined>();
const MAX_RESOLVED = 1024;

/** The rows a mnemonic (without prefixes) can mean; undefined for "no such instruction". */
export function resolveMnemonic(m: string): Resolved | undefined {
  let r = RESOLVED.get(m);
  if (r === undefined && !RESOLVED.has(m)) {
    if (RESOLVED.size >= MAX_RESOLVED) RESOLVED.clear();
    r = resolveUncached(m);
    RESOLVED.set(m, r);
  }
  return r;
}

function resolveUncached(m: string): Resolved | undefined {
  const mx = /^mov([sz])(x?)([bw]?)([wl]?)$/.exec(m);
  if (mx && (mx[2] || mx[3])) {
    const [, kind, x, src, dst] = mx;
    if (!(x && !src && dst)) {
      const candidates: Candidate[] = [];
      for (const e of entriesByMnemonic().get(`mov${kind}`) ?? []) {
        if (e.suffix !== Suffix.Movx) continue;
        const srcWidth = e.operands[1] === K.Eb ? 1 : 2;
        if (src && SUFFIX_WIDTH[src] !== srcWidth) continue;
        candidates.push({ entry: e, opSize: dst ? (SUFFIX_WIDTH[dst] as 2 | 4) : 0, suffixWidth: 0, addrSize: 0 });
      }
      const name = x ? (src ? `mov${kind}x${src}` : `mov${kind}x`) : `mov${kind}${src}`;
      if (dst === 'w' && src === 'w') return { name, suffix: '', candidates: [], loose: [] };
      if (!x && !dst) {
        // movsb/movsw are also the string moves with a suffix.
        const plain = resolvePlain(m);
        if (plain && plain.candidates.length > 0) return { ...plain, candidates: [...plain.candidates, ...candidates] };
      }
      return { name, suffix: '', candidates, loose: candidates };
    }
  }
  return resolvePlain(m);
}

function resolvePlain(m: string): Resolved | undefined {
  const byName = entriesByMnemonic();
  const direct = (byName.get(m) ?? []).filter((e) => e.suffix !== Suffix.Movx);
  const candidates: Candidate[] = direct.map((e) => ({ entry: e, ...spell(e, m), suffixWidth: 0 }));
  const last = m[m.length - 1] ?? '';
  const base = m.slice(0, -1);
  const width = SUFFIX_WIDTH[last];
  let name = m;
  let suffix = '';
  if (width && candidates.length === 0 && (byName.get(base) ?? []).some((e) => realName(e, base))) {
    name = base;
    suffix = last;
    for (const e of byName.get(base)!) {
      if (e.suffix === Suffix.Movx || !e.asmSuffixes.includes(last)) continue;
      if (base !== e.mnemonic && !e.aliases.some((a) => a.name === base && a.opSize === 0)) continue;
      const s = spell(e, base);
      if (s.opSize && width !== 1 && s.opSize !== width) continue;
      // loopl, loopzw: the suffix names the address size (ecx or cx).
      if (e.addrSizeMnemonic) candidates.push({ entry: e, opSize: 0, addrSize: width as 2 | 4, suffixWidth: 0 });
      else candidates.push({ entry: e, opSize: s.opSize, addrSize: s.addrSize, suffixWidth: width });
    }
  }
  const loose = suffix ? (byName.get(base) ?? []).filter((e) => e.suffix !== Suffix.Movx)
    .map((e) => ({ entry: e, opSize: 0 as const, addrSize: 0 as const, suffixWidth: 0 as const })) : candidates;
  if (candidates.length === 0 && !(byName.get(name) ?? []).some((e) => realName(e, name))) return undefined;
  return { name, suffix, candidates, loose };
}

/** One way to encode: a row, an operand size, and the operand bound to each of its kinds. */
export interface Form {
  readonly entry: OpcodeEntry;
  readonly opSize: 2 | 4;
  /** Address size for addrSizeMnemonic rows (jcxz, loopw), 0 otherwise. */
  readonly addrSize: 0 | 2 | 4;
  /** Per entry operand (Intel order): the operand written, or undefined when omitted. */
  readonly bound: readonly (ParsedOperand | undefined)[];
  /** Operand size came from a register, the suffix or the spelling (not a default). */
  readonly sized: boolean;
  /** Width of the operation in bytes (1, 2, 4, 8). */
  readonly width: number;
  /** The operands were taken in the other order (commutative xchg/test). */
  readonly swapped: boolean;
}

export type Failure = 'count' | 'type' | 'size';

const V_KINDS = new Set([K.Ev, K.Gv, K.Zv, K.eAX, K.Xv, K.Yv, K.Ov, K.Iz, K.Jz, K.Ap, K.Mp]);
const IMM_KINDS = new Set([K.Ib, K.Ibs, K.Iw, K.Iz, K.One]);
const STRING_KINDS = new Set([K.Xb, K.Xv, K.Yb, K.Yv, K.Bb]);
const PORT_OPS = new Set([Op.In, Op.Out, Op.Stos, Op.Lods, Op.Scas, Op.Ins, Op.Outs]);

/** Does the row's encoding follow the operand size (so that 16 and 32 are both forms)? */
export function followsOpSize(e: OpcodeEntry): boolean {
  if (e.fixedWidth && e.operands.length > 0 && !e.operands.some((k) => V_KINDS.has(k) || k === K.Esw)) return false;
  return e.operands.some((k) => V_KINDS.has(k) || k === K.Esw) || e.suffix === Suffix.If16 || e.suffix === Suffix.If16Mem ||
    (e.mnemonic16 !== e.mnemonic && !e.addrSizeMnemonic) || suffixSpellsOpSize(e);
}

function optional(e: OpcodeEntry, k: K): boolean {
  if (STRING_KINDS.has(k) || k === K.One) return true;
  if ((k === K.AL || k === K.eAX || k === K.DX) && PORT_OPS.has(e.op)) return true;
  return (e.op === Op.Aam || e.op === Op.Aad) && k === K.Ib;
}

/** Operand lists to try, in Intel order, for a row and the written operands (AT&T order). */
function alignments(e: OpcodeEntry, ops: readonly ParsedOperand[]): { bound: (ParsedOperand | undefined)[]; swapped: boolean }[] {
  const kinds = e.operands;
  if (kinds.includes(K.Ap)) return ops.length === 2 && ops[0]!.kind === 'imm' ? [{ bound: [ops[1], ops[0]], swapped: false }] : [];
  const intel = e.noReverse ? [...ops] : [...ops].reverse();
  const out: { bound: (ParsedOperand | undefined)[]; swapped: boolean }[] = [];
  if (e.op === Op.Imul && kinds.length === 3 && ops.length === 2 && ops[0]!.kind === 'imm') {
    return [{ bound: [ops[1], ops[1], ops[0]], swapped: false }];
  }
  const n = kinds.length;
  for (let mask = 0; mask < 1 << n; mask++) {
    // Bits set = kinds left out; every left-out kind must be optional.
    let dropped = 0;
    let ok = true;
    for (let i = 0; i < n; i++) if (mask & (1 << i)) { dropped++; if (!optional(e, kinds[i]!)) ok = false; }
    if (!ok || n - dropped !== intel.length) continue;
    if (kinds.some((k) => STRING_KINDS.has(k)) && mask !== 0 && mask !== (1 << n) - 1) {
      // String operands: all or none, except that stos/lods/scas may leave out the register.
      const regOnly = kinds.every((k, i) => (mask & (1 << i) ? k === K.AL || k === K.eAX : true));
      if (!(regOnly && (e.op === Op.Stos || e.op === Op.Lods || e.op === Op.Scas))) continue;
    }
    const bound: (ParsedOperand | undefined)[] = [];
    let j = 0;
    for (let i = 0; i < n; i++) bound.push(mask & (1 << i) ? undefined : intel[j++]);
    out.push({ bound, swapped: false });
  }
  if ((e.op === Op.Xchg || e.op === Op.Test) && n === 2 && intel.length === 2 && !IMM_KINDS.has(kinds[1]!)) {
    out.push({ bound: [intel[1], intel[0]], swapped: true });
  }
  return out;
}

function isReg(o: ParsedOperand | undefined, cls: string, num?: number): boolean {
  return o?.kind === 'reg' && o.reg.cls === cls && (num === undefined || o.reg.num === num);
}

function plainMem(o: ParsedOperand): o is MemOperand {
  return o.kind === 'mem' && !(o.base?.cls === 'r16' && o.base.num === 2);
}

/** A register operand of `size` bytes (any size when `sizeless`). */
function checkReg(o: ParsedOperand, size: number, ev: { sized: boolean }, sizeless: boolean): 'ok' | 'size' | 'type' {
  if (o.kind !== 'reg') return 'type';
  const s = regSize(o.reg);
  if (s === 0) return 'type';
  if (s !== size && !sizeless) return 'size';
  ev.sized = true;
  return 'ok';
}

/**
 * Checks one operand against one kind. Returns 'ok', or why not: 'size' when the operand is of
 * the right sort but the wrong size, 'type' otherwise. `sized` collects size evidence.
 */
function check(e: OpcodeEntry, k: K, o: ParsedOperand | undefined, opSize: 2 | 4, ev: { sized: boolean; width: number },
  evaluate: (o: ParsedOperand) => bigint | undefined, sizeless = false): 'ok' | 'size' | 'type' {
  // A left-out operand (string operands, the shift count 1, aam's 10) was allowed by alignments().
  if (o === undefined) return 'ok';
  const branchy = e.op === Op.CallIndirect || e.op === Op.JmpIndirect || e.op === Op.CallFarIndirect || e.op === Op.JmpFarIndirect;
  if ('star' in o && o.star && !branchy) return 'type';
  const vsize = opSize;
  switch (k) {
    case K.Eb: case K.Ew: case K.Ed: case K.Ev: {
      if (o.kind === 'mem') {
        if (e.mod === ModKind.Reg || !plainMem(o)) return 'type';
        if (!o.hasParens && !o.star && !branchy && (e.op === Op.Call || e.op === Op.Jmp)) return 'type';
        if (!o.hasParens && branchy && !o.star) return 'type';
        return 'ok';
      }
      if (e.mod === ModKind.Mem) return 'type';
      return checkReg(o, k === K.Eb ? 1 : k === K.Ew ? 2 : k === K.Ed ? 4 : vsize, ev, sizeless);
    }
    case K.Esw:
      if (o.kind === 'mem') return plainMem(o) ? 'ok' : 'type';
      if (o.kind !== 'reg' || (o.reg.cls !== 'r16' && o.reg.cls !== 'r32')) return 'type';
      if (e.op === Op.MovToSeg) { ev.sized = true; return 'ok'; }
      return checkReg(o, vsize, ev, sizeless);
    case K.Gb: case K.Zb: return checkReg(o, 1, ev, sizeless);
    case K.Gw: return checkReg(o, 2, ev, sizeless);
    case K.Gd: case K.Zd: return checkReg(o, 4, ev, sizeless);
    case K.Gv: case K.Zv: return checkReg(o, vsize, ev, sizeless);
    case K.ST: return isReg(o, 'st', 0) ? 'ok' : 'type';
    case K.STi: return o.kind === 'reg' && o.reg.cls === 'st' ? 'ok' : 'type';
    case K.AX: return isReg(o, 'r16', 0) ? 'ok' : 'type';
    case K.Mw: case K.Md: case K.Mt: case K.Me: case K.Ms: case K.Mx:
      return o.kind === 'mem' && plainMem(o) ? 'ok' : 'type';
    case K.M: case K.Mp: case K.Ma: case K.Mq:
      if (o.kind !== 'mem' || !plainMem(o)) return 'type';
      if ((e.op === Op.CallFarIndirect || e.op === Op.JmpFarIndirect) && !o.star) return 'type';
      return 'ok';
    case K.Sw: return o.kind === 'reg' && o.reg.cls === 'seg' ? 'ok' : 'type';
    case K.ES: case K.CS: case K.SS: case K.DS: case K.FS: case K.GS:
      return isReg(o, 'seg', k - K.ES) ? 'ok' : 'type';
    case K.AL: return isReg(o, 'r8', 0) ? (ev.sized = true, 'ok') : o.kind === 'reg' && regSize(o.reg) ? 'size' : 'type';
    case K.CL: return isReg(o, 'r8', 1) ? 'ok' : 'type';
    case K.eAX:
      if (o.kind !== 'reg' || o.reg.num !== 0 || regSize(o.reg) === 0) return o.kind === 'reg' && regSize(o.reg) ? 'size' : 'type';
      return checkReg(o, vsize, ev, sizeless);
    case K.DX:
      return isReg(o, 'r16', 2) || (o.kind === 'mem' && o.base?.cls === 'r16' && o.base.num === 2 && !o.index && !o.disp) ? 'ok' : 'type';
    case K.Ib: case K.Ibs: case K.Iw: case K.Iz: {
      if (o.kind !== 'imm') return o.kind === 'reg' && e.operands.length === 1 ? 'size' : 'type';
      if (k === K.Ibs) {
        const v = evaluate(o);
        if (v === undefined) return 'type';
        const w = fieldValue(v, opSize);
        if (w < -128n || w > 127n) return 'type';
      }
      return 'ok';
    }
    case K.One: {
      if (o.kind !== 'imm') return 'type';
      return evaluate(o) === 1n ? 'ok' : 'type';
    }
    case K.Jb: case K.Jz:
      if (!(o.kind === 'mem' && !o.hasParens && !o.seg && !o.star)) return 'type';
      // A rel8 reaches an absolute address GAS takes for a disp8 (-0x80..0x7f once wrapped to
      // the operand size; a PC8 relocation against nothing); any other is GAS's size mismatch.
      const target = k === K.Jb ? evaluate(o) : undefined;
      if (target !== undefined) {
        const w = fieldValue(target, opSize);
        return w < -128n || w > 127n ? 'size' : 'ok';
      }
      return 'ok';
    case K.Ap: return o.kind === 'imm' ? 'ok' : 'type';
    case K.Ob: case K.Ov:
      return o.kind === 'mem' && !o.base && !o.index && o.disp !== undefined && !o.star ? 'ok' : 'type';
    case K.Xb: case K.Xv:
      return o.kind === 'mem' && o.base?.num === 6 && !o.index && (o.base.cls === 'r32' || o.base.cls === 'r16') && !o.disp ? 'ok' : 'type';
    case K.Yb: case K.Yv:
      return o.kind === 'mem' && o.base?.num === 7 && !o.index && (o.base.cls === 'r32' || o.base.cls === 'r16') && !o.disp &&
        (!o.seg || o.seg.num === 0) ? 'ok' : 'type';
    case K.Bb:
      return o.kind === 'mem' && o.base?.num === 3 && !o.index && (o.base.cls === 'r32' || o.base.cls === 'r16') && !o.disp ? 'ok' : 'type';
  }
  return 'type';
}

/** Width of a form's operation: 1 for byte rows, the fixed width, else the operand size. */
function formWidth(e: OpcodeEntry, opSize: 2 | 4, bound: readonly (ParsedOperand | undefined)[]): number {
  const esw = e.operands.indexOf(K.Esw);
  const sw = bound[esw];
  if (esw >= 0 && sw?.kind === 'mem' && !e.operands.includes(K.Gv)) return 2;
  if (e.op === Op.MovToSeg && sw?.kind === 'reg') return regSize(sw.reg);
  if (e.suffix === Suffix.Movx) return opSize;
  return e.fixedWidth || opSize;
}

/**
 * Every form of the candidates that fits the operands. `failure` says why the closest
 * candidate did not fit when there is none.
 */
export function matchForms(cands: readonly Candidate[], ops: readonly ParsedOperand[], defaultSize: 2 | 4,
  evaluate: (o: ParsedOperand) => bigint | undefined): { forms: Form[]; failure: Failure } {
  const forms: Form[] = [];
  let failure: Failure = 'count';
  const worse = (f: Failure) => { if (failure === 'count' || (failure === 'size' && f === 'type')) failure = f; };
  let sawSize = false;
  for (const c of cands) {
    const e = c.entry;
    // A row without operands (nop) takes no 66 for the size it decodes at.
    const sizes: (2 | 4)[] = e.opSizeOnly && e.operands.length > 0 ? [e.opSizeOnly as 2 | 4] : e.asmSuffixes === 'l' ? [4] : followsOpSize(e) ? [4, 2] : [defaultSize];
    for (const al of alignments(e, ops)) {
      for (const opSize of sizes) {
        if (c.opSize && opSize !== c.opSize) continue;
        const ev = { sized: c.opSize !== 0, width: 0 };
        let result: 'ok' | 'size' | 'type' = 'ok';
        for (let i = 0; i < e.operands.length && result === 'ok'; i++) {
          result = check(e, e.operands[i]!, al.bound[i], opSize, ev, evaluate);
        }
        // mov to a segment register never takes 66; from one to memory neither.
        if (result === 'ok' && e.op === Op.MovToSeg && opSize !== defaultSize) continue;
        const width = formWidth(e, opSize, al.bound);
        // A segment or system-register store to memory never takes 66 either (lar/lsl size by their register).
        if (result === 'ok' && e.operands.includes(K.Esw) && !e.operands.includes(K.Gv) && al.bound[e.operands.indexOf(K.Esw)]?.kind === 'mem' &&
          opSize !== defaultSize) continue;
        if (result === 'ok' && c.suffixWidth) {
          if (c.suffixWidth !== width) result = 'type';
          else ev.sized = true;
        }
        if (result === 'ok') {
          forms.push({ entry: e, opSize, addrSize: c.addrSize, bound: al.bound, sized: ev.sized, width, swapped: al.swapped });
        } else {
          worse('type');
          let loose: 'ok' | 'size' | 'type' = 'ok';
          for (let i = 0; i < e.operands.length && loose === 'ok'; i++) {
            loose = check(e, e.operands[i]!, al.bound[i], opSize, { sized: false, width: 0 }, evaluate, true);
          }
          if (loose === 'ok' || result === 'size' && loose === 'size') sawSize = true;
        }
      }
    }
  }
  if (failure !== 'count') {
    const sizes = new Set(ops.flatMap((o) => (o.kind === 'reg' && regSize(o.reg) ? [regSize(o.reg)] : [])));
    failure = ops.length === 1 || (sawSize && sizes.size <= 1) ? 'size' : 'type';
  }
  return { forms, failure };
}
