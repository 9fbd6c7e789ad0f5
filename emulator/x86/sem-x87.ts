// Owns the generated code of every x87 row: one call into the FPU executor (fpu/exec.ts)
// with the row, the memory operand's address and the instruction's encoding facts, an exit
// when it faulted (#PF, #MF, #GP) before anything was committed, and the integer-side
// effects: fnstsw %ax writes ax, fcomi and friends write ZF PF CF (clearing OF SF AF), and
// fcmovcc passes its condition, evaluated on EFLAGS here.
import { OperandKind } from '../../toolchain/isa/entry';
import { PFX_WAIT } from '../../toolchain/isa/instruction';
import { Cond, isX87, Op, OP_COUNT } from '../../toolchain/isa/ops';
import { EXIT_PAGE_FAULT, hex, type Emitter } from './emit';
import type { Semantics, SemanticsTable } from './semantics-types';

const FCMOV_COND: Partial<Record<Op, Cond>> = {
  [Op.Fcmovb]: Cond.B, [Op.Fcmove]: Cond.E, [Op.Fcmovbe]: Cond.BE, [Op.Fcmovu]: Cond.P,
  [Op.Fcmovnb]: Cond.AE, [Op.Fcmovne]: Cond.NE, [Op.Fcmovnbe]: Cond.A, [Op.Fcmovnu]: Cond.NP,
};

const EFLAGS_COMPARES = new Set<Op>([Op.Fcomi, Op.Fcomip, Op.Fucomi, Op.Fucomip]);

const x87: Semantics = (e: Emitter) => {
  const i = e.i;
  // frstpm existed on the 80287 alone: later processors (and qemu-i386) raise #UD.
  if (i.op === Op.Frstpm) { e.undefinedOpcode(); return; }
  const entry = i.entry!;
  const ea = i.hasMem ? e.addr() : '0';
  if (i.hasMem) {
    e.touchesMemory = true;
    e.directMemory();
  }
  const cc = FCMOV_COND[i.op];
  const cond = cc === undefined ? 'false' : e.cond(cc);
  const info = (i.rm & 7) | (i.opSize === 2 ? 8 : 0) | ((i.memSeg & 7) << 4) | (i.hasMem ? 0x80 : 0) |
    (i.prefixes & PFX_WAIT ? 0x100 : 0) | ((((i.opcode & 7) << 8) | (i.modrm & 0xff)) << 9);
  const r = e.tmp(`H.x87(s, m, ${entry.id}, ${ea}, ${info}, ${cond}, ${hex(i.address)})`);
  e.pre.push(`if (${r} !== 0) ${e.exitBefore(`(${r} === 1 ? ${EXIT_PAGE_FAULT} : ${r})`)}`);
  if (i.op === Op.Fnstsw && entry.operands[0] === OperandKind.AX) e.setReg(0, 2, e.tmp('H.x87out.value'));
  if (EFLAGS_COMPARES.has(i.op)) {
    const v = e.tmp('H.x87out.value');
    // An unmasked invalid operand leaves EFLAGS alone (value -1).
    e.setFlagsExplicit(`${v} < 0 ? ${e.flags()} : ${v}`);
  }
};

export const x87Semantics: SemanticsTable = (() => {
  const t: SemanticsTable = {};
  for (let op = 0; op < OP_COUNT; op++) if (isX87(op)) t[op as Op] = x87;
  return t;
})();
