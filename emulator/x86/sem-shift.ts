// Owns the semantics of the shift and rotate family: shl/sal shr sar, rol ror rcl rcr, and the
// double shifts shld shrd, with the count masked to 5 bits and "count 0 changes no flag".
import { OperandKind } from '../../toolchain/isa/entry';
import { CF, OF, Op } from '../../toolchain/isa/ops';
import type { Emitter } from './emit';
import { FK, rotatedRecord } from './flags';
import type { SemanticsTable } from './semantics-types';

/** The masked count: a compile-time number for immediates and One, else a temp. */
function count(e: Emitter, index: number): number | string {
  const kind = e.i.entry!.operands[index]!;
  if (kind === OperandKind.One) return 1;
  if (kind === OperandKind.CL) return e.tmp('r1 & 31');
  return e.i.imm & 31;
}

/** Wraps flag-record statements emitted by `body` in `if (count !== 0)` when the count is not constant. */
function whenCount(e: Emitter, cnt: number | string, body: () => void): void {
  if (typeof cnt === 'number') {
    if (cnt !== 0) body();
    return;
  }
  const at = e.post.length;
  body();
  if (e.post.length > at) {
    e.post.splice(at, 0, `if (${cnt} !== 0) {`);
    e.post.push('}');
    e.ctx.known = -1;
  }
}

function shift(kind: FK.Shl | FK.Shr | FK.Sar) {
  return (e: Emitter): void => {
    const w = e.width(e.i.entry!.operands[0]!);
    const a = e.read(0);
    const cnt = count(e, 1);
    if (cnt === 0) return;
    const expr = kind === FK.Shl ? `${a} << ${cnt}` : kind === FK.Shr ? `${w === 4 ? `${a} >>> ${cnt}` : `${a} >>> ${cnt}`}` : `${e.signed(a, w)} >> ${cnt}`;
    const r = e.tmp(e.norm(expr, w));
    e.write(0, r);
    whenCount(e, cnt, () => e.setFlags(kind, w, a, String(cnt), r));
  };
}

function rotate(op: 'rol' | 'ror' | 'rcl' | 'rcr') {
  const code = op === 'rol' ? 0 : op === 'ror' ? 1 : op === 'rcl' ? 2 : 3;
  return (e: Emitter): void => {
    const w = e.width(e.i.entry!.operands[0]!);
    const bits = w * 8;
    const a = e.read(0);
    const cnt = count(e, 1);
    if (cnt === 0) return;
    if (code >= 2) {
      const f = e.flags();
      const r = e.tmp(`H.rotate(${code}, ${w}, ${a}, ${cnt}, ${f})`);
      const nf = e.tmp('H.out');
      e.write(0, r);
      whenCount(e, cnt, () => e.setFlagsExplicit(nf));
      return;
    }
    const k = typeof cnt === 'number' ? String(cnt % bits) : bits === 32 ? cnt : e.tmp(`${cnt} % ${bits}`);
    const expr = op === 'rol' ? `(${a} << ${k}) | (${a} >>> (${bits} - ${k}))` : `(${a} >>> ${k}) | (${a} << (${bits} - ${k}))`;
    const r = e.tmp(e.norm(expr, w));
    e.write(0, r);
    if (e.flagsLive && e.ctx.known < 0) {
      // The producer before is unknown here: its flags stay lazy under the rotate's CF and OF.
      const [cf, of] = rotateCarryOverflow(code, w, r);
      whenCount(e, cnt, () => e.setFlagsRecord(rotatedRecord(cf, of)));
    } else if (e.flagsLive) {
      const f = e.flags();
      whenCount(e, cnt, () => e.setFlagsExplicit(rotateFlagsSource(code, w, r, f)));
    } else {
      e.setFlags(FK.Explicit, w, '0', '0', '0');
    }
  };
}

/**
 * The status flags after rol (code 0) / ror (1) of a w-byte value with result `r` (a name), `f`
 * the flags before: CF and OF as the undefined-flags choice 2 says, the others kept.
 */
export function rotateFlagsSource(code: number, w: number, r: string, f: string): string {
  const [cf, of] = rotateCarryOverflow(code, w, r);
  return `(${f} & ${~(CF | OF)}) | ${cf} | (${of} << 11)`;
}

/** rol's (code 0) / ror's (1) new CF and OF, each as an expression of 0 or 1 over the result `r`. */
function rotateCarryOverflow(code: number, w: number, r: string): [string, string] {
  const bits = w * 8;
  const top = `((${r} >>> ${bits - 1}) & 1)`;
  const cf = code === 0 ? `(${r} & 1)` : top;
  return [cf, code === 0 ? `(${top} ^ ${cf})` : `(${top} ^ ((${r} >>> ${bits - 2}) & 1))`];
}

function double(left: boolean) {
  return (e: Emitter): void => {
    const w = e.width(e.i.entry!.operands[0]!);
    const a = e.read(0);
    const b = e.read(1);
    const cnt = count(e, 2);
    if (cnt === 0) return;
    const f = e.flags();
    const r = e.tmp(`H.shiftDouble(${left}, ${w}, ${a}, ${b}, ${cnt}, ${f})`);
    const nf = e.tmp('H.out');
    e.write(0, r);
    whenCount(e, cnt, () => e.setFlagsExplicit(nf));
  };
}

export const shiftSemantics: SemanticsTable = {
  [Op.Shl]: shift(FK.Shl),
  [Op.Shr]: shift(FK.Shr),
  [Op.Sar]: shift(FK.Sar),
  [Op.Rol]: rotate('rol'),
  [Op.Ror]: rotate('ror'),
  [Op.Rcl]: rotate('rcl'),
  [Op.Rcr]: rotate('rcr'),
  [Op.Shld]: double(true),
  [Op.Shrd]: double(false),
};
