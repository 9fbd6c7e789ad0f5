// Owns the semantics of data movement: mov (incl. moffs and segment registers), movzx/movsx,
// lea, cbw/cwde, cwd/cdq, lahf/sahf, xlat, salc, lds/les/lfs/lgs/lss, and the conditional
// moves and sets (setcc, cmovcc).
import { OperandKind } from '../../toolchain/isa/entry';
import { Op } from '../../toolchain/isa/ops';
import type { Emitter } from './emit';
import type { SemanticsTable } from './semantics-types';

/** Loads a segment register in the commit phase after checking the selector (#GP, #NP). */
export function loadSegment(e: Emitter, seg: number, selector: string): void {
  if (seg === 1) {
    e.undefinedOpcode();
    return;
  }
  e.faultIf(`!H.segmentOk(s, ${seg}, ${selector})`, 'H.segmentFault');
  e.post.push(`H.setSegment(s, ${seg}, ${selector});`);
}

function farLoad(seg: number) {
  return (e: Emitter): void => {
    const w = e.i.opSize;
    const address = e.addr();
    const offset = e.load(address, w);
    const selector = e.load(`(${address} + ${w}) | 0`, 2);
    loadSegment(e, seg, selector);
    e.setReg(e.i.reg, w, offset);
  };
}

export const moveSemantics: SemanticsTable = {
  [Op.Mov]: (e) => e.write(0, e.read(1)),
  [Op.MovFromSeg]: (e) => e.write(0, e.tmp(`s.seg[${e.i.reg}]`)),
  [Op.MovToSeg]: (e) => {
    const v = e.read(1);
    loadSegment(e, e.i.reg, `(${v} & 0xffff)`);
  },
  [Op.Movzx]: (e) => e.setReg(e.i.reg, e.i.opSize, e.read(1)),
  [Op.Movsx]: (e) => {
    const srcWidth = e.i.entry!.operands[1] === OperandKind.Eb ? 1 : 2;
    e.setReg(e.i.reg, e.i.opSize, e.signed(e.read(1), srcWidth));
  },
  [Op.Lea]: (e) => e.setReg(e.i.reg, e.i.opSize, e.addr(true)),
  [Op.Cbw]: (e) => {
    if (e.i.opSize === 4) e.setReg(0, 4, e.tmp('(r0 << 16) >> 16'));
    else e.setReg(0, 2, e.tmp('(r0 << 24) >> 24'));
  },
  [Op.Cwd]: (e) => {
    if (e.i.opSize === 4) e.setReg(2, 4, e.tmp('r0 >> 31'));
    else e.setReg(2, 2, e.tmp('(r0 << 16) >> 31'));
  },
  [Op.Lahf]: (e) => {
    const f = e.flags();
    e.setReg(4, 1, `(${f} & 0xd5) | 2`);
  },
  [Op.Sahf]: (e) => {
    const f = e.flags();
    const ah = e.tmp('(r0 >> 8) & 0xd5');
    e.setFlagsExplicit(`(${f} & 0x800) | ${ah}`);
  },
  [Op.Xlat]: (e) => {
    const i = e.i;
    const sum = i.addrSize === 2 ? '((r3 + (r0 & 0xff)) & 0xffff)' : '((r3 + (r0 & 0xff)) | 0)';
    const v = e.load(e.withSegBase(sum, i.memSeg), 1);
    e.setReg(0, 1, v);
  },
  [Op.Salc]: (e) => e.setReg(0, 1, `${e.carry()} ? 0xff : 0`),
  [Op.Lds]: farLoad(3),
  [Op.Les]: farLoad(0),
  [Op.Lfs]: farLoad(4),
  [Op.Lgs]: farLoad(5),
  [Op.Lss]: farLoad(2),
  [Op.Setcc]: (e) => e.write(0, `${e.cond(e.i.entry!.cond as number)} ? 1 : 0`),
  [Op.Cmovcc]: (e) => {
    const v = e.read(1);
    const c = e.cond(e.i.entry!.cond as number);
    const w = e.i.opSize;
    e.setReg(e.i.reg, w, `${c} ? ${v} : ${e.reg(e.i.reg, w)}`);
  },
};
