// Owns the semantics of the string instructions movs cmps stos lods scas (ins and outs are
// privileged rows: sem-system.ts) with rep/repe/repne: one iteration per counted instruction,
// interruptible between iterations (a fault, the data breakpoint or the end of the budget
// leaves eip on the instruction with the registers of the iterations done, as the hardware
// does).
import { PFX_REP, PFX_REPNE, PrefixCode } from '../../toolchain/isa/instruction';
import { RepKind } from '../../toolchain/isa/entry';
import { Op } from '../../toolchain/isa/ops';
import { EXIT_MEMORY_EVENT, EXIT_PAGE_FAULT, EXIT_SLOT0, hex, type Emitter } from './emit';
import { FK, fopOf } from './flags';
import type { SemanticsTable } from './semantics-types';

type StringKind = 'movs' | 'cmps' | 'stos' | 'lods' | 'scas';

/** The repeat prefix in effect: 0 none, 1 rep/repe (f3), 2 repne (f2); the last one wins. */
function repeatPrefix(e: Emitter): number {
  const i = e.i;
  if (!(i.prefixes & (PFX_REP | PFX_REPNE)) || i.entry!.rep === RepKind.None) return 0;
  let last = 0;
  for (let k = 0; k < 8; k++) {
    const code = (i.prefixSeq >>> (4 * k)) & 15;
    if (code === PrefixCode.Rep) last = 1;
    else if (code === PrefixCode.Repne) last = 2;
  }
  if (last === 0) last = i.prefixes & PFX_REP ? 1 : 2;
  return last;
}

function stringOp(kind: StringKind) {
  return (e: Emitter): void => {
    const i = e.i;
    const ops = i.entry!.operands;
    const w = Math.min(e.width(ops[0]!), e.width(ops[1]!));
    const a16 = i.addrSize === 2;
    const rep = repeatPrefix(e);
    const conditional = i.entry!.rep === RepKind.RepCond;
    if (!rep) {
      single(e, kind, w, a16);
      return;
    }
    const at = hex(i.address);
    const k = e.k;
    const index = (n: number) => (a16 ? `(r${n} & 0xffff)` : `r${n}`);
    const advance = (n: number) => (a16 ? `r${n} = (r${n} & -65536) | ((r${n} + d) & 0xffff);` : `r${n} = (r${n} + d) | 0;`);
    const rd = w === 4 ? 'rd32' : w === 2 ? 'rd16' : 'rd8';
    const wr = w === 4 ? 'wr32' : w === 2 ? 'wr16' : 'wr8';
    const acc = e.reg(0, w);
    const pf = `if ((m.ev & 1) !== 0) ${e.exit(at, `${e.exitCount(k)} + it`, String(EXIT_PAGE_FAULT))}`;
    const src = e.withSegBase(index(6), i.memSeg);
    const dst = index(7);
    const body: string[] = [];
    switch (kind) {
      case 'movs':
        body.push(`const v = m.${rd}(${src});`, pf, `m.${wr}(${dst}, v);`, pf, advance(6), advance(7));
        break;
      case 'stos':
        body.push(`m.${wr}(${dst}, ${acc});`, pf, advance(7));
        break;
      case 'lods':
        body.push(`const v = m.${rd}(${src});`, pf);
        body.push(w === 4 ? 'r0 = v;' : w === 2 ? 'r0 = (r0 & -65536) | v;' : 'r0 = (r0 & -256) | v;');
        body.push(advance(6));
        break;
      case 'cmps':
        body.push(`const a = m.${rd}(${src});`, pf, `const b = m.${rd}(${dst});`, pf);
        body.push(`fop = ${fopOf(FK.Sub, w)}; fa = a; fb = b; fr = ${e.norm('a - b', w)}; fc = 0;`, advance(6), advance(7));
        break;
      case 'scas':
        body.push(`const a = ${acc};`, `const b = m.${rd}(${dst});`, pf);
        body.push(`fop = ${fopOf(FK.Sub, w)}; fa = a; fb = b; fr = ${e.norm('a - b', w)}; fc = 0;`, advance(7));
        break;
    }
    if (kind === 'lods') e.ctx.dirty.add(0);
    if (kind === 'movs' || kind === 'lods' || kind === 'cmps') e.ctx.dirty.add(6);
    if (kind !== 'lods') e.ctx.dirty.add(7);
    if (kind === 'cmps' || kind === 'scas') {
      e.ctx.flagsDirty = true;
      e.ctx.known = fopOf(FK.Sub, w);
    }
    e.directMemory();
    const step = `const d = (s.flagsOther & 0x400) !== 0 ? ${-w} : ${w};`;
    // A rep loop checks events after each iteration itself, and always ends the block.
    e.touchesMemory = false;
    e.ctx.dirty.add(1);
    const counter = a16 ? '(r1 & 0xffff)' : 'r1';
    const decrement = a16 ? 'r1 = (r1 & -65536) | ((r1 - 1) & 0xffff);' : 'r1 = (r1 - 1) | 0;';
    const stillEqual = rep === 1 ? 'fr === 0' : 'fr !== 0';
    const continues = conditional ? `${counter} !== 0 && ${stillEqual}` : `${counter} !== 0`;
    // rep movs and rep stos (32-bit addresses) first try the bulk path (string-bulk.ts) at each
    // iteration, until it has done none twice (pages it cannot take: the loop does those).
    const bulk = a16 || (kind !== 'movs' && kind !== 'stos') ? '' : [
      `if (tries !== 0) {const c = H.${kind === 'movs' ? `repMovs(m, ${src}, r7, ` : `repStos(m, r7, ${acc}, `}Math.min(r1 >>> 0, limit - (${e.count(k)}) - it), ${w}, d);`,
      `if (c !== 0) {${kind === 'movs' ? 'r6 = (r6 + c * d) | 0; ' : ''}r7 = (r7 + c * d) | 0; r1 = (r1 - c) | 0; it += c; continue;} tries--;}`,
    ].join(' ');
    e.post.push(`{${step} let it = 0, tries = 2;`,
      `for (;;) {`,
      `if (${counter} === 0) break;`,
      `if (${e.count(k)} + it >= limit) ${e.exit(at, `${e.exitCount(k)} + it`, '2')}`,
      bulk,
      `{${body.join(' ')}}`,
      decrement,
      'it++;',
      `if (m.ev !== 0) ${e.exit(`(${continues}) ? ${at} : ${hex(e.next)}`, `${e.exitCount(k)} + it`, `(ia = ${at}, ${EXIT_MEMORY_EVENT})`)}`,
      conditional ? `if (!(${stillEqual})) break;` : '',
      '}',
      e.exit(hex(e.next), `${e.exitCount(k)} + (it > 0 ? it : 1)`, String(EXIT_SLOT0)),
      '}');
    e.ended = true;
  };
}

/**
 * One iteration without a repeat prefix, as plain loads and stores (emit.ts: the TLB read in
 * place, memory sites in a self-loop, the fault exit before anything is committed, the event
 * exit after it), then esi/edi advanced by the direction flag: a byte-copy loop of `movsb`
 * runs as fast as one of `mov`s.
 */
function single(e: Emitter, kind: StringKind, w: number, a16: boolean): void {
  const index = (n: number) => (a16 ? `(r${n} & 0xffff)` : `r${n}`);
  const src = e.withSegBase(index(6), e.i.memSeg);
  const dst = index(7);
  const d = e.tmp(`(s.flagsOther & 0x400) !== 0 ? ${-w} : ${w}`);
  const advance = (n: number) => e.setReg(n, a16 ? 2 : 4, `r${n} + ${d}`);
  switch (kind) {
    case 'movs':
      e.store(dst, w, e.load(src, w));
      advance(6);
      advance(7);
      return;
    case 'stos':
      e.store(dst, w, e.reg(0, w));
      advance(7);
      return;
    case 'lods':
      e.setReg(0, w, e.load(src, w));
      advance(6);
      return;
    case 'cmps': {
      const a = e.load(src, w);
      const b = e.load(dst, w);
      e.setFlags(FK.Sub, w, a, b, e.norm(`${a} - ${b}`, w));
      advance(6);
      advance(7);
      return;
    }
    case 'scas': {
      const a = e.tmp(e.reg(0, w));
      const b = e.load(dst, w);
      e.setFlags(FK.Sub, w, a, b, e.norm(`${a} - ${b}`, w));
      advance(7);
      return;
    }
  }
}

export const stringSemantics: SemanticsTable = {
  [Op.Movs]: stringOp('movs'),
  [Op.Cmps]: stringOp('cmps'),
  [Op.Stos]: stringOp('stos'),
  [Op.Lods]: stringOp('lods'),
  [Op.Scas]: stringOp('scas'),
};
