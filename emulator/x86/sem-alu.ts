// Owns the semantics of the two-operand arithmetic and logic family (add or adc sbb and sub
// xor cmp test) and the one-operand inc dec not neg, as code emitters over Emitter.
import { Op } from '../../toolchain/isa/ops';
import type { Emitter } from './emit';
import { FK } from './flags';
import type { SemanticsTable } from './semantics-types';

function binary(kind: 'add' | 'or' | 'adc' | 'sbb' | 'and' | 'sub' | 'xor' | 'cmp' | 'test') {
  return (e: Emitter): void => {
    const w = e.width(e.i.entry!.operands[0]!);
    const a = e.read(0);
    const b = e.read(1);
    switch (kind) {
      case 'add': {
        const r = e.tmp(e.norm(`${a} + ${b}`, w));
        e.write(0, r);
        e.setFlags(FK.Add, w, a, b, r);
        return;
      }
      case 'adc': {
        const c = e.carry();
        const r = e.tmp(e.norm(`${a} + ${b} + ${c}`, w));
        e.write(0, r);
        e.setFlags(FK.Adc, w, a, b, r, c);
        return;
      }
      case 'sub':
      case 'cmp': {
        const r = e.tmp(e.norm(`${a} - ${b}`, w));
        if (kind === 'sub') e.write(0, r);
        e.setFlags(FK.Sub, w, a, b, r);
        return;
      }
      case 'sbb': {
        const c = e.carry();
        const r = e.tmp(e.norm(`${a} - ${b} - ${c}`, w));
        e.write(0, r);
        e.setFlags(FK.Sbb, w, a, b, r, c);
        return;
      }
      default: {
        const js = kind === 'or' ? '|' : kind === 'xor' ? '^' : '&';
        const r = e.tmp(e.norm(`${a} ${js} ${b}`, w));
        if (kind !== 'test') e.write(0, r);
        e.setFlags(FK.Logic, w, '0', '0', r);
      }
    }
  };
}

function incDec(dec: boolean) {
  return (e: Emitter): void => {
    const w = e.width(e.i.entry!.operands[0]!);
    const a = e.read(0);
    const c = e.flagsLive ? e.carry() : '0';
    const r = e.tmp(e.norm(`${a} ${dec ? '-' : '+'} 1`, w));
    e.write(0, r);
    e.setFlags(dec ? FK.Dec : FK.Inc, w, a, '1', r, c);
  };
}

export const aluSemantics: SemanticsTable = {
  [Op.Add]: binary('add'),
  [Op.Or]: binary('or'),
  [Op.Adc]: binary('adc'),
  [Op.Sbb]: binary('sbb'),
  [Op.And]: binary('and'),
  [Op.Sub]: binary('sub'),
  [Op.Xor]: binary('xor'),
  [Op.Cmp]: binary('cmp'),
  [Op.Test]: binary('test'),
  [Op.Inc]: incDec(false),
  [Op.Dec]: incDec(true),
  [Op.Not]: (e) => {
    const w = e.width(e.i.entry!.operands[0]!);
    const a = e.read(0);
    e.write(0, e.tmp(e.norm(`~(${a})`, w)));
  },
  [Op.Neg]: (e) => {
    const w = e.width(e.i.entry!.operands[0]!);
    const a = e.read(0);
    const r = e.tmp(e.norm(`-(${a})`, w));
    e.write(0, r);
    e.setFlags(FK.Sub, w, '0', a, r);
  },
};
