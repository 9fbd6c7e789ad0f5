// Owns the semantics of multiplication and division: mul/imul with edx:eax (one operand),
// the truncating two- and three-operand imul, div/idiv with #DE on a zero divisor or a
// quotient that does not fit.
import { Op } from '../../toolchain/isa/ops';
import type { Emitter } from './emit';
import { FK } from './flags';
import type { SemanticsTable } from './semantics-types';

/**
 * The high half of the 64-bit product of 32-bit `a` and `b` (int32 expressions), given its low
 * half `lo` (Math.imul), as an int32 expression with no call: the product as a double is within
 * 2^11 of the true one (|product| < 2^64), and so is that double less the unsigned low half,
 * a multiple of 2^32 apart from it; rounding its quotient by 2^32 gives the high half exactly.
 */
export function mulHigh(signed: boolean, a: string, b: string, lo: string): string {
  const product = signed ? `${a} * ${b}` : `(${a} >>> 0) * (${b} >>> 0)`;
  return `Math.round((${product} - (${lo} >>> 0)) / 4294967296) | 0`;
}

function mulAcc(signed: boolean) {
  return (e: Emitter): void => {
    const w = e.width(e.i.entry!.operands[0]!);
    const b = e.read(0);
    if (w === 1) {
      const a = e.tmp(e.reg(0, 1));
      const p = e.tmp(signed ? `(${e.signed(a, 1)} * ${e.signed(b, 1)}) & 0xffff` : `${a} * ${b}`);
      const over = signed ? `(((${p} << 24) >> 24) & 0xffff) !== ${p} ? 1 : 0` : `${p} > 0xff ? 1 : 0`;
      const c = e.tmp(over);
      e.setReg(0, 2, p);
      e.setFlags(FK.Mul, 1, '0', '0', `${p} & 0xff`, c);
      return;
    }
    if (w === 2) {
      const a = e.tmp(e.reg(0, 2));
      const p = e.tmp(signed ? `(${e.signed(a, 2)} * ${e.signed(b, 2)}) | 0` : `(${a} * ${b}) | 0`);
      const lo = e.tmp(`${p} & 0xffff`);
      const hi = e.tmp(`(${p} >>> 16) & 0xffff`);
      const c = e.tmp(signed ? `((${p} << 16) >> 16) !== ${p} ? 1 : 0` : `${hi} !== 0 ? 1 : 0`);
      e.setReg(0, 2, lo);
      e.setReg(2, 2, hi);
      e.setFlags(FK.Mul, 2, '0', '0', lo, c);
      return;
    }
    const lo = e.tmp(`Math.imul(r0, ${b})`);
    const hi = e.tmp(mulHigh(signed, 'r0', b, lo));
    const c = e.tmp(signed ? `(${lo} >> 31) !== ${hi} ? 1 : 0` : `${hi} !== 0 ? 1 : 0`);
    e.setReg(0, 4, lo);
    e.setReg(2, 4, hi);
    e.setFlags(FK.Mul, 4, '0', '0', lo, c);
  };
}

/** imul Gv, Ev[, imm]: truncated signed product. */
function imulTruncating(e: Emitter): void {
  const w = e.i.opSize;
  const ops = e.i.entry!.operands;
  const a = e.read(ops.length === 3 ? 1 : 0);
  const b = e.read(ops.length === 3 ? 2 : 1);
  let r: string;
  let c: string;
  if (w === 4) {
    r = e.tmp(`Math.imul(${a}, ${b})`);
    // The product of two int32 as a double is exact below 2^53 and far outside int32 above
    // it, so it equals the truncated product exactly when that fits (CF = OF = 0). Nothing
    // is computed when no one reads the flags (a hash loop's imul).
    c = e.flagsLive ? e.tmp(`${a} * ${b} !== ${r} ? 1 : 0`) : '0';
  } else {
    const p = e.tmp(`${e.signed(a, 2)} * ${e.signed(b, 2)}`);
    r = e.tmp(`${p} & 0xffff`);
    c = e.tmp(`((${p} << 16) >> 16) !== ${p} ? 1 : 0`);
  }
  e.setReg(e.i.reg, w, r);
  e.setFlags(FK.Mul, w, '0', '0', r, c);
}

function divide(signed: boolean) {
  return (e: Emitter): void => {
    const w = e.width(e.i.entry!.operands[0]!);
    const d = e.read(0);
    const hiReg = w === 1 ? `((r0 >> 8) & 0xff)` : e.reg(2, w);
    const loReg = e.reg(0, w);
    const ok = e.tmp(`H.divide(${signed}, ${w}, ${hiReg}, ${loReg}, ${d})`);
    e.faultIf(`!${ok}`, 'H.F_DE');
    const q = e.tmp('H.out');
    const rem = e.tmp('H.out2');
    if (w === 1) {
      e.setReg(0, 2, `(${q} & 0xff) | ((${rem} & 0xff) << 8)`);
    } else {
      e.setReg(0, w, q);
      e.setReg(2, w, rem);
    }
  };
}

export const mulDivSemantics: SemanticsTable = {
  [Op.Mul]: mulAcc(false),
  [Op.Imul1]: mulAcc(true),
  [Op.Imul]: imulTruncating,
  [Op.Div]: divide(false),
  [Op.Idiv]: divide(true),
};
