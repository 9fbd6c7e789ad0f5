// Owns the encoder's entry points: AT&T operand text -> ParsedOperand[], and one instruction
// (prefixes + mnemonic + operands) -> the bytes GNU as 2.40 (`as --32`) emits, read from the
// one opcode table (toolchain/isa/table.ts) through entriesByMnemonic (table-index.ts).
//
// API (stable; the assembler front end calls it):
//   parseOperands(text: string): ParsedOperand[]
//     Registers (`%eax`, `%es`), immediates `$expr`, memory `%seg:disp(%base,%index,scale)`
//     with any part omitted, `*` for indirect jmp/call, far `$seg,$off` (two immediates).
//     Throws OperandError { message (GAS's wording), column (0-based, in `text`) }.
//   encodeInstruction(mnemonicWithPrefixes: string, operands: ParsedOperand[], ctx: EncodeContext): EncodeResult
//     `mnemonicWithPrefixes`: e.g. "movl", "lock incl", "rep movsb", "cs", "data16" (prefix
//     words lock rep repe repz repne repnz data16 data32 addr16 addr32 cs ds es fs gs ss;
//     prefixes alone give their bytes). ctx: { codeSize: 32 | 16, evaluate(expr) ->
//     absolute value | relocatable symbol+addend | unknown (forward reference) }.
//     Result, one of:
//       { error }                         GAS's message ("operand type mismatch for `mov'").
//       { bytes, fixups, warnings }       fixups: { offset, size 1|2|4, expr, pcrel, relocType }
//                                         for every field not absolute now (bytes there are 0).
//                                         pcrel fields end the instruction and hold expr − next
//                                         instruction's address (call, loop, jecxz: never relaxed).
//       { relax: { short, near, target }, warnings }
//                                         jmp/jcc to a direct target (symbolic or absolute).
//
// Relaxation, as GNU as 2.40 does it for ELF i386 (found by experiment with `as --32`):
//   - target a symbol defined (now or later) in the same section, local or global but not
//     weak: start with `short` (eb/7x rel8); grow to `near` (e9 / 0f 8x rel32) when the
//     displacement does not fit in -128..127 once offsets are known; no relocation.
//   - target undefined, weak, or in another section: `near` at once, R_386_PC32 against the
//     symbol (the section symbol for a local in another section), in-place addend -4.
//   - target an absolute value (`jmp 0x1000`, or a symbol `.set` to a constant, even later):
//     `near` with R_386_PC32 against no symbol (index 0), in-place value = value - 4 - (offset of the field).
// GAS choices reproduced (verified by test/asm-encoder against as --32): shortest form, ties
// to the sign-extended imm8 form (83 /x ib), then the store direction (89 /r for mov reg,reg)
// and table order; accumulator forms (05 id, a8 ib); moffs a0-a3 for disp-only operands with
// al/ax/eax; `shl $1` -> d1; `int $3` -> cc (GAS 2.40 does turn it into int3); `aam`/`aad`
// default to 10; a segment override equal to the default segment is dropped; without suffix or
// register operand GAS uses the 32-bit form and warns ("no instruction mnemonic suffix given
// and no register operands; using default for `add'"), except for push/pop/call/jmp/ret-like rows.
import { Op } from '../../isa/ops';
import { OperandKind as K, RepKind, Suffix, suffixSpellsOpSize } from '../../isa/entry';
import type { Expr } from '../expr';
import { EmitError, absolute, emitForm, memOperand, type PrefixSlots } from './emit';
import { matchForms, resolveMnemonic, type Form } from './match';
import { type ParsedOperand } from './operands';
import { regSize } from './registers';
import {
  R_386_PC16, R_386_PC32, R_386_PC8, R_386_PLT32, type EncodeContext, type EncodeResult, type RelaxForm,
} from './types';

export { parseOperands, OperandError } from './operands';
export type { ParsedOperand, RegOperand, ImmOperand, MemOperand } from './operands';
export * from './types';

// A map, not an object's keys: `constructor` or `__proto__` as an op is no prefix (GAS: no such instruction).
const PREFIX_WORDS: ReadonlyMap<string, { slot: 'seg' | 'addr' | 'data' | 'lockRep'; byte: number }> = new Map(Object.entries({
  lock: { slot: 'lockRep', byte: 0xf0 },
  rep: { slot: 'lockRep', byte: 0xf3 }, repe: { slot: 'lockRep', byte: 0xf3 }, repz: { slot: 'lockRep', byte: 0xf3 },
  repne: { slot: 'lockRep', byte: 0xf2 }, repnz: { slot: 'lockRep', byte: 0xf2 },
  data16: { slot: 'data', byte: 0x66 }, data32: { slot: 'data', byte: 0x66 },
  addr16: { slot: 'addr', byte: 0x67 }, addr32: { slot: 'addr', byte: 0x67 },
  es: { slot: 'seg', byte: 0x26 }, cs: { slot: 'seg', byte: 0x2e }, ss: { slot: 'seg', byte: 0x36 },
  ds: { slot: 'seg', byte: 0x3e }, fs: { slot: 'seg', byte: 0x64 }, gs: { slot: 'seg', byte: 0x65 },
}));

/** Rows whose size, when nothing gives it, defaults silently to the code size. */
function defaultsSilently(f: Form): boolean {
  const e = f.entry;
  return e.suffix === Suffix.If16 || e.suffix === Suffix.If16Mem || e.op === Op.Jmp || e.op === Op.Call || e.op === Op.Jcc ||
    e.suffix === Suffix.Movx || suffixSpellsOpSize(e);
}

function hasImm8s(f: Form): boolean {
  return f.entry.operands.includes(K.Ibs);
}

/** Encodes one instruction as GNU as 2.40 would (see the header for the contract). */
export function encodeInstruction(mnemonicWithPrefixes: string, operands: readonly ParsedOperand[], ctx: EncodeContext): EncodeResult {
  const lower = mnemonicWithPrefixes.toLowerCase();
  // Most statements are one word (no prefix): no split.
  const words = /\s/.test(lower) ? lower.trim().split(/\s+/).filter(Boolean) : lower === '' ? [] : [lower];
  const slots: PrefixSlots = { lockRep: [] };
  const written: number[] = [];
  const warnings: string[] = [];
  let lockWord = '';
  let repWord = '';
  while (words.length > 0 && PREFIX_WORDS.has(words[0]!)) {
    const w = words.shift()!;
    const p = PREFIX_WORDS.get(w)!;
    if (p.slot === 'lockRep') {
      if (slots.lockRep.includes(p.byte) || (p.byte !== 0xf0 && slots.lockRep.some((b) => b !== 0xf0))) return { error: 'same type of prefix used twice' };
      slots.lockRep.push(p.byte);
      if (p.byte === 0xf0) lockWord = w; else repWord = w;
    } else {
      if (slots[p.slot] !== undefined) return { error: 'same type of prefix used twice' };
      slots[p.slot] = p.byte;
    }
    written.push(p.byte);
    if (words.length === 0 && (p.slot === 'data' || p.slot === 'addr')) warnings.push(`stand-alone \`${w}' prefix`);
  }
  if (words.length === 0) {
    if (operands.length > 0) return { error: `no such instruction: \`${mnemonicWithPrefixes.trim()}'` };
    return { bytes: Uint8Array.from(written), fixups: [], warnings };
  }
  if (words.length > 1) return { error: `no such instruction: \`${words.join(' ')}'` };
  let mnemonic = words[0]!;
  let ops = operands;
  const defaultSize: 2 | 4 = ctx.codeSize === 16 ? 2 : 4;
  // An immediate's value, or a bare address's (a branch target) when it is a constant.
  const valueOf = (o: ParsedOperand): bigint | undefined =>
    (o.kind === 'imm' ? absolute(ctx, o.expr) : o.kind === 'mem' && !o.hasParens && !o.base && !o.index && o.disp ? absolute(ctx, o.disp) : undefined);
  // GNU as emits `int $3` as the one-byte int3.
  if (mnemonic === 'int' && ops.length === 1 && ops[0]!.kind === 'imm' && valueOf(ops[0]!) === 3n) {
    mnemonic = 'int3';
    ops = [];
  }
  const resolved = resolveMnemonic(mnemonic);
  if (!resolved) {
    const opText = operands.map((o) => o.text).join(',');
    return { error: `no such instruction: \`${opText ? `${mnemonic} ${opText}` : mnemonic}'` };
  }
  const name = resolved.name;
  if (resolved.candidates.length === 0) return { error: `invalid instruction suffix for \`${name}'` };
  let { forms, failure } = matchForms(resolved.candidates, ops, defaultSize, valueOf);
  if (forms.length === 0) {
    if (resolved.suffix) {
      const loose = matchForms(resolved.loose, ops, defaultSize, valueOf);
      if (loose.forms.length > 0) {
        const width = { b: 1, w: 2, l: 4 }[resolved.suffix as 'b' | 'w' | 'l'];
        const fixedRegs = new Set(loose.forms[0]!.entry.operands.flatMap((k, i) =>
          k === K.CL || k === K.DX || (loose.forms[0]!.entry.suffix === Suffix.Movx && k !== K.Gv) ? [loose.forms[0]!.bound[i]] : []));
        for (const o of [...ops].reverse()) {
          if (o.kind !== 'reg' || !regSize(o.reg) || fixedRegs.has(o) || regSize(o.reg) === width) continue;
          if (width === 1) return { error: `\`%${o.reg.name}' not allowed with \`${mnemonic}'` };
          return { error: `incorrect register \`%${o.reg.name}' used with \`${resolved.suffix}' suffix` };
        }
        failure = 'type';
      }
    }
    const what = failure === 'count' ? 'number of operands mismatch' : failure === 'size' ? 'operand size mismatch' : 'operand type mismatch';
    return { error: `${what} for \`${name}'` };
  }
  if (forms.some((f) => f.sized)) forms = forms.filter((f) => f.sized);
  else if (new Set(forms.map((f) => f.width)).size > 1) {
    if (!forms.every(defaultsSilently)) warnings.push(`no instruction mnemonic suffix given and no register operands; using default for \`${name}'`);
    const preferred = forms.filter((f) => f.width === defaultSize);
    forms = preferred.length > 0 ? preferred : forms.filter((f) => f.opSize === defaultSize);
  }
  const first = forms[0]!;
  if ((first.entry.op === Op.CallIndirect || first.entry.op === Op.JmpIndirect) && forms.every((f) => f.entry.op === first.entry.op)) {
    const target = first.bound[0];
    if (target && 'star' in target && !target.star) warnings.push(`indirect ${first.entry.op === Op.CallIndirect ? 'call' : 'jmp'} without \`*'`);
  }
  if (first.entry.op === Op.Lea && memOperand(first)?.seg) warnings.push("segment override on `lea' is ineffectual");
  // fldl/fstl/fstpl/fcoml/fcompl with a stack register: GNU as drops the suffix and says so.
  if (first.entry.operands.includes(K.STi) && name !== first.entry.mnemonic) {
    const canonical = operands.map((o) => (o.kind === 'reg' && o.reg.cls === 'st' ? (o.reg.num ? `%st(${o.reg.num})` : '%st') : o.text));
    warnings.push(`translating to \`${first.entry.mnemonic} ${canonical.join(',')}'`);
  }
  const lockable = (f: Form) => f.entry.lockable && memOperand(f) !== undefined;
  if (lockWord) {
    forms = forms.filter(lockable);
    if (forms.length === 0) return { error: `expecting lockable instruction after \`lock'` };
  }
  if (repWord) {
    forms = forms.filter((f) => f.entry.rep !== RepKind.None || f.entry.op === Op.Ret || f.entry.op === Op.Nop);
    if (forms.length === 0) return { error: `invalid instruction \`${name}' after \`${repWord}'` };
  }
  try {
    const branch = forms.find((f) => f.entry.op === Op.Jmp || f.entry.op === Op.Jcc);
    if (branch) {
      const short = forms.find((f) => (f.entry.op === Op.Jmp || f.entry.op === Op.Jcc) && f.entry.operands[0] === K.Jb);
      const near = forms.find((f) => (f.entry.op === Op.Jmp || f.entry.op === Op.Jcc) && f.entry.operands[0] === K.Jz && f.opSize === (short ? defaultSize : f.opSize));
      const target = branch.bound[0];
      if (short && near && target?.kind === 'mem' && target.disp) {
        return { relax: { short: relaxForm(short, slots, ctx), near: relaxForm(near, slots, ctx), target: target.disp }, warnings };
      }
    }
    const encoded = forms.map((f, index) => ({ f, index, out: emitForm(f, slots, ctx) }));
    encoded.sort((a, b) => a.out.bytes.length - b.out.bytes.length || Number(hasImm8s(b.f)) - Number(hasImm8s(a.f)) ||
      Number(a.f.swapped) - Number(b.f.swapped) || a.index - b.index);
    const best = encoded[0]!.out;
    return { bytes: best.bytes, fixups: best.fixups, warnings: best.warnings.length ? [...warnings, ...best.warnings] : warnings };
  } catch (e) {
    if (e instanceof EmitError) return { error: e.message };
    throw e;
  }
}

function relaxForm(f: Form, slots: PrefixSlots, ctx: EncodeContext): RelaxForm {
  const out = emitForm(f, slots, ctx);
  const fix = out.fixups[out.fixups.length - 1]!;
  const plt = findReloc(fix.expr) === 'PLT';
  const relocType = fix.size === 1 ? R_386_PC8 : fix.size === 2 ? R_386_PC16 : plt ? R_386_PLT32 : R_386_PC32;
  return { bytes: out.bytes, fixupOffset: fix.offset, relocType };
}

function findReloc(e: Expr): string | undefined {
  if (e.kind === 'symbol') return e.reloc?.toUpperCase();
  if (e.kind === 'unary') return findReloc(e.operand);
  if (e.kind === 'binary') return findReloc(e.left) ?? findReloc(e.right);
  return undefined;
}
