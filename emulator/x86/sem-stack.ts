// Owns the semantics of the stack family: push/pop (registers, memory, immediates, segment
// registers), pusha/popa, pushf/popf (user-mode rules), enter/leave. The stack is 32-bit
// (SS is flat); the 66 prefix selects 2-byte pushes and pops.
import { OperandKind } from '../../toolchain/isa/entry';
import { Op, STATUS_FLAGS } from '../../toolchain/isa/ops';
import { EXIT_DYNAMIC, type Emitter } from './emit';
import { USER_WRITABLE_FLAGS } from './state';
import { loadSegment } from './sem-move';
import type { SemanticsTable } from './semantics-types';

const SEGMENT_KINDS: Partial<Record<OperandKind, number>> = {
  [OperandKind.ES]: 0, [OperandKind.CS]: 1, [OperandKind.SS]: 2, [OperandKind.DS]: 3, [OperandKind.FS]: 4, [OperandKind.GS]: 5,
};

/** Pushes `v` (width w) in the store phase; returns the new esp temp (committed by the caller or here). */
export function push(e: Emitter, v: string, w: number, commit = true): string {
  const sp = e.tmp(`(r4 - ${w}) | 0`);
  e.store(sp, w, v);
  if (commit) e.setReg(4, 4, sp);
  return sp;
}

/** Loads the value on top of the stack (read phase); returns [value, esp after the pop]. */
export function pop(e: Emitter, w: number, extra = 0): [string, string] {
  const v = e.load('r4', w);
  return [v, e.tmp(`(r4 + ${w + extra}) | 0`)];
}

export const stackSemantics: SemanticsTable = {
  [Op.Push]: (e) => {
    const kind = e.i.entry!.operands[0]!;
    const w = e.i.opSize;
    const seg = SEGMENT_KINDS[kind];
    if (seg !== undefined) {
      // A segment register push with a 32-bit operand size writes only the low 16 bits (recent Intel parts).
      const sp = e.tmp(`(r4 - ${w}) | 0`);
      e.store(sp, 2, `s.seg[${seg}]`);
      e.setReg(4, 4, sp);
      return;
    }
    push(e, e.read(0), w);
  },
  [Op.Pop]: (e) => {
    const kind = e.i.entry!.operands[0]!;
    const w = e.i.opSize;
    const seg = SEGMENT_KINDS[kind];
    if (seg !== undefined) {
      const [v, sp] = pop(e, w);
      loadSegment(e, seg, `(${v} & 0xffff)`);
      e.setReg(4, 4, sp);
      if (seg === 2) e.post.push('s.inhibitTrap = true;');
      return;
    }
    const [v, sp] = pop(e, w);
    e.espBias = w;
    e.setReg(4, 4, sp);
    e.write(0, v);
  },
  [Op.Pusha]: (e) => {
    const w = e.i.opSize;
    const values = [0, 1, 2, 3, 4, 5, 6, 7].map((n) => e.tmp(e.reg(n, w)));
    values.forEach((v, n) => e.store(`(r4 - ${(n + 1) * w}) | 0`, w, v));
    e.setReg(4, 4, `(r4 - ${8 * w}) | 0`);
  },
  [Op.Popa]: (e) => {
    const w = e.i.opSize;
    const values = [7, 6, 5, 4, 3, 2, 1, 0].map((n, slot) => [n, e.load(`(r4 + ${slot * w}) | 0`, w)] as const);
    for (const [n, v] of values) if (n !== 4) e.setReg(n, w, v);
    e.setReg(4, 4, `(r4 + ${8 * w}) | 0`);
  },
  [Op.Pushf]: (e) => {
    const w = e.i.opSize;
    const f = e.flags();
    push(e, `(${f} | s.flagsOther | 2) & ${w === 2 ? 0xffff : 0xfcffff}`, w);
  },
  [Op.Popf]: (e) => {
    const w = e.i.opSize;
    const [v, sp] = pop(e, w);
    const mask = (w === 2 ? USER_WRITABLE_FLAGS & 0xffff : USER_WRITABLE_FLAGS) & ~STATUS_FLAGS;
    e.setReg(4, 4, sp);
    e.post.push(`s.flagsOther = ((s.flagsOther & ~${mask}) | (${v} & ${mask}) | 2) >>> 0;`);
    e.setFlagsExplicit(v);
    // With TF now set, the next instruction must run on the single-step path.
    e.post.push(`if ((s.flagsOther & 0x100) !== 0) ${e.exitAfter(String(EXIT_DYNAMIC))}`);
  },
  [Op.Enter]: (e) => {
    // Sequential like the hardware: the frame-pointer copies read what the first push wrote.
    const w = e.i.opSize;
    const size = e.i.imm & 0xffff;
    const level = e.i.imm2 & 31;
    const frame = e.tmp(`(r4 - ${w}) | 0`);
    e.store(frame, w, e.reg(5, w));
    for (let n = 1; n < level; n++) {
      const v = e.loadLate(`(r5 - ${n * w}) | 0`, w);
      e.store(`(${frame} - ${n * w}) | 0`, w, v);
    }
    if (level > 0) e.store(`(${frame} - ${level * w}) | 0`, w, w === 4 ? frame : `${frame} & 0xffff`);
    e.setReg(5, w, frame);
    e.setReg(4, 4, `(${frame} - ${level * w} - ${size}) | 0`);
  },
  [Op.Leave]: (e) => {
    const w = e.i.opSize;
    const v = e.load('r5', w);
    e.setReg(4, 4, `(r5 + ${w}) | 0`);
    e.setReg(5, w, v);
  },
};
