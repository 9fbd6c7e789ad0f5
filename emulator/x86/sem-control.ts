// Owns the semantics of control transfer: jcc, jmp and call (relative, indirect, far), ret
// and retf (with an immediate), iret, loop/loope/loopne, jecxz. Every one ends its block.
import { Op } from '../../toolchain/isa/ops';
import { hex, type Emitter } from './emit';
import { push, pop } from './sem-stack';
import type { SemanticsTable } from './semantics-types';

/** The target masked to the operand size (a 16-bit jump wraps ip). */
function target(e: Emitter, v: string): string {
  return e.i.opSize === 2 ? `(${v}) & 0xffff` : v;
}

/**
 * Far transfers stay in the one flat user code segment; a 64-bit code segment (0x33 on a
 * 64-bit kernel) is a stop (64-bit code is not emulated); any other selector is #GP.
 */
function checkCodeSelector(e: Emitter, selector: string): void {
  e.pre.push(`if (H.longModeCode(s, ${selector})) ${e.exitBefore(`H.unemulated('64-bit code', ${hex(e.i.address)})`)}`);
  e.faultIf(`(${selector}) !== s.seg[1]`, `H.gp((${selector}) & 0xfffc)`);
}

export const controlSemantics: SemanticsTable = {
  [Op.Jcc]: (e) => e.branch(e.cond(e.i.entry!.cond as number), e.i.target),
  [Op.Jmp]: (e) => {
    e.post.push(e.jump(e.i.target, 0));
    e.ended = true;
  },
  [Op.Call]: (e) => {
    push(e, hex(e.next), e.i.opSize);
    e.post.push(e.jump(e.i.target, 0));
    e.ended = true;
  },
  [Op.CallIndirect]: (e) => {
    const t = e.read(0);
    push(e, hex(e.next), e.i.opSize);
    e.jumpDynamic(target(e, t));
  },
  [Op.JmpIndirect]: (e) => e.jumpDynamic(target(e, e.read(0))),
  [Op.Ret]: (e) => {
    const [v, sp] = pop(e, e.i.opSize, e.i.imm & 0xffff);
    e.setReg(4, 4, sp);
    e.jumpDynamic(v);
  },
  [Op.JmpFar]: (e) => {
    checkCodeSelector(e, String(e.i.imm2 & 0xffff));
    e.jumpDynamic(target(e, String(e.i.imm >>> 0)));
  },
  [Op.CallFar]: (e) => {
    const w = e.i.opSize;
    checkCodeSelector(e, String(e.i.imm2 & 0xffff));
    e.store(`(r4 - ${w}) | 0`, w, 's.seg[1]');
    e.store(`(r4 - ${2 * w}) | 0`, w, hex(e.next));
    e.setReg(4, 4, `(r4 - ${2 * w}) | 0`);
    e.jumpDynamic(target(e, String(e.i.imm >>> 0)));
  },
  [Op.JmpFarIndirect]: (e) => {
    const w = e.i.opSize;
    const address = e.addr();
    const offset = e.load(address, w);
    const selector = e.load(`(${address} + ${w}) | 0`, 2);
    checkCodeSelector(e, selector);
    e.jumpDynamic(target(e, offset));
  },
  [Op.CallFarIndirect]: (e) => {
    const w = e.i.opSize;
    const address = e.addr();
    const offset = e.load(address, w);
    const selector = e.load(`(${address} + ${w}) | 0`, 2);
    checkCodeSelector(e, selector);
    e.store(`(r4 - ${w}) | 0`, w, 's.seg[1]');
    e.store(`(r4 - ${2 * w}) | 0`, w, hex(e.next));
    e.setReg(4, 4, `(r4 - ${2 * w}) | 0`);
    e.jumpDynamic(target(e, offset));
  },
  [Op.RetFar]: (e) => {
    const w = e.i.opSize;
    const offset = e.load('r4', w);
    const selector = e.load(`(r4 + ${w}) | 0`, 2);
    checkCodeSelector(e, selector);
    e.setReg(4, 4, `(r4 + ${2 * w + (e.i.imm & 0xffff)}) | 0`);
    e.jumpDynamic(offset);
  },
  [Op.Iret]: (e) => {
    const w = e.i.opSize;
    const offset = e.load('r4', w);
    const selector = e.load(`(r4 + ${w}) | 0`, 2);
    const flags = e.load(`(r4 + ${2 * w}) | 0`, w);
    checkCodeSelector(e, selector);
    e.setReg(4, 4, `(r4 + ${3 * w}) | 0`);
    e.post.push(`s.flagsOther = H.popOther(s.flagsOther, ${flags}, ${w});`);
    e.setFlagsExplicit(flags);
    e.jumpDynamic(offset);
  },
  [Op.Loop]: (e) => loop(e, ''),
  [Op.Loope]: (e) => loop(e, 'e'),
  [Op.Loopne]: (e) => loop(e, 'ne'),
  [Op.Jcxz]: (e) => e.branch(e.i.addrSize === 2 ? '(r1 & 0xffff) === 0' : 'r1 === 0', e.i.target),
};

function loop(e: Emitter, kind: '' | 'e' | 'ne'): void {
  const a16 = e.i.addrSize === 2;
  const c = e.tmp(a16 ? '(r1 - 1) & 0xffff' : '(r1 - 1) | 0');
  const z = kind === '' ? 'true' : e.cond(kind === 'e' ? 4 : 5);
  const taken = e.tmp(`${c} !== 0 && ${z}`);
  e.setReg(1, a16 ? 2 : 4, c);
  e.branch(taken, e.i.target);
}
