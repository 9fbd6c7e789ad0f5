// Owns the semantics of the bit family (bt bts btr btc, bsf bsr, bswap) and the exchange
// family (xchg, xadd, cmpxchg, cmpxchg8b).
import { OperandKind } from '../../toolchain/isa/entry';
import { CF, Op, ZF } from '../../toolchain/isa/ops';
import type { Emitter } from './emit';
import { FK } from './flags';
import type { SemanticsTable } from './semantics-types';

function bitTest(mode: 'bt' | 'bts' | 'btr' | 'btc') {
  return (e: Emitter): void => {
    const i = e.i;
    const w = i.opSize;
    const bits = w * 8;
    const immediate = i.entry!.operands[1] !== OperandKind.Gv;
    let off: string;
    let v: string;
    let address = '';
    if (immediate) {
      off = String(i.imm & (bits - 1));
      v = e.read(0);
      if (i.hasMem) address = e.addr();
    } else {
      const raw = e.read(1);
      if (i.hasMem) {
        const base = e.addr();
        const signedOff = w === 4 ? raw : `((${raw} << 16) >> 16)`;
        address = e.tmp(`(${base} + ((${signedOff} >> ${Math.log2(bits)}) * ${w})) | 0`);
        v = e.load(address, w);
      } else {
        v = e.read(0);
      }
      off = e.tmp(`${raw} & ${bits - 1}`);
    }
    const cf = e.tmp(`(${v} >>> ${off}) & 1`);
    if (mode !== 'bt') {
      const js = mode === 'bts' ? `${v} | (1 << ${off})` : mode === 'btr' ? `${v} & ~(1 << ${off})` : `${v} ^ (1 << ${off})`;
      const r = e.tmp(e.norm(js, w));
      if (i.hasMem) e.store(address, w, r);
      else e.setReg(i.rm, w, r);
    }
    if (e.flagsLive) {
      const f = e.flags();
      e.setFlagsExplicit(`(${f} & ~${CF}) | ${cf}`);
    }
  };
}

function bitScan(reverse: boolean) {
  return (e: Emitter): void => {
    const w = e.i.opSize;
    const src = e.read(1);
    const old = e.tmp(e.reg(e.i.reg, w));
    const index = reverse ? `31 - Math.clz32(${src})` : `31 - Math.clz32(${src} & -${src})`;
    e.setReg(e.i.reg, w, `${src} === 0 ? ${old} : ${index}`);
    e.setFlags(FK.Logic, w, '0', '0', src);
  };
}

export const bitSemantics: SemanticsTable = {
  [Op.Bt]: bitTest('bt'),
  [Op.Bts]: bitTest('bts'),
  [Op.Btr]: bitTest('btr'),
  [Op.Btc]: bitTest('btc'),
  [Op.Bsf]: bitScan(false),
  [Op.Bsr]: bitScan(true),
  [Op.Bswap]: (e) => {
    const n = e.i.reg;
    if (e.i.opSize === 2) {
      e.setReg(n, 2, '0');
      return;
    }
    const v = e.tmp(`r${n}`);
    e.setReg(n, 4, `(${v} << 24) | ((${v} & 0xff00) << 8) | ((${v} >>> 8) & 0xff00) | (${v} >>> 24)`);
  },
  [Op.Xchg]: (e) => {
    const a = e.read(0);
    const b = e.read(1);
    e.write(0, b);
    e.write(1, a);
  },
  [Op.Xadd]: (e) => {
    const w = e.width(e.i.entry!.operands[0]!);
    const a = e.read(0);
    const b = e.read(1);
    const r = e.tmp(e.norm(`${a} + ${b}`, w));
    e.write(1, a);
    e.write(0, r);
    e.setFlags(FK.Add, w, a, b, r);
  },
  [Op.Cmpxchg]: (e) => {
    const w = e.width(e.i.entry!.operands[0]!);
    const dest = e.read(0);
    const acc = e.tmp(e.reg(0, w));
    const src = e.read(1);
    const eq = e.tmp(`${acc} === ${dest}`);
    const r = e.tmp(e.norm(`${acc} - ${dest}`, w));
    const result = e.tmp(`${eq} ? ${src} : ${dest}`);
    e.setReg(0, w, `${eq} ? ${acc} : ${dest}`);
    e.write(0, result);
    e.setFlags(FK.Sub, w, acc, dest, r);
  },
  [Op.Cmpxchg8b]: (e) => {
    const address = e.addr();
    const [lo, hi] = e.load64(address);
    const eq = e.tmp(`${lo} === r0 && ${hi} === r2`);
    e.store64(address, `${eq} ? r3 : ${lo}`, `${eq} ? r1 : ${hi}`);
    e.setReg(0, 4, `${eq} ? r0 : ${lo}`);
    e.setReg(2, 4, `${eq} ? r2 : ${hi}`);
    const f = e.flags();
    e.setFlagsExplicit(`(${f} & ~${ZF}) | (${eq} ? ${ZF} : 0)`);
  },
};
