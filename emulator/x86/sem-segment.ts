// Owns the semantics of the user-mode descriptor instructions: LAR, LSL, VERR and VERW (ZF
// and the loaded value from descriptors.ts), and the UMIP-covered stores SGDT, SIDT, SMSW,
// SLDT and STR (with UMIP on, the dummy values Linux's emulation returns; off, the registers
// the kernel loaded: descriptors.ts). Facts: docs/kernel-facts.md §10.
import { Op, ZF } from '../../toolchain/isa/ops';
import type { Emitter } from './emit';
import type { SemanticsTable } from './semantics-types';
import { UMIP_CR0, type SegmentProbe } from './descriptors';

/** ZF from a probe's outcome (`v` < 0: cleared); the other flags are kept. */
function setZf(e: Emitter, ok: string): void {
  const f = e.flags();
  e.setFlagsExplicit(`(${f} & ~${ZF}) | (${ok} ? ${ZF} : 0)`);
}

/** LAR/LSL: the destination is written only when ZF is set. */
function load(kind: SegmentProbe) {
  return (e: Emitter): void => {
    const v = e.tmp(`H.segmentProbe(s, '${kind}', ${e.read(1)})`);
    const ok = e.tmp(`${v} >= 0`);
    const r = e.i.reg;
    if (e.i.opSize === 4) e.setReg(r, 4, `${ok} ? ${v} | 0 : r${r}`);
    else e.setReg(r, 2, `${ok} ? ${v} & 0xffff : r${r} & 0xffff`);
    setZf(e, ok);
  };
}

function verify(kind: SegmentProbe) {
  return (e: Emitter): void => setZf(e, e.tmp(`H.segmentProbe(s, '${kind}', ${e.read(0)}) >= 0`));
}

/** SGDT/SIDT: the limit, then the base (6 bytes). */
function tableStore(table: 'gdt' | 'idt') {
  return (e: Emitter): void => {
    const a = e.addr();
    e.store(a, 2, e.tmp(`H.tableLimit(s, '${table}')`));
    e.store(`(${a} + 2) | 0`, 4, e.tmp(`H.tableBase(s, '${table}')`));
  };
}

export const segmentSemantics: SemanticsTable = {
  [Op.Lar]: load('lar'),
  [Op.Lsl]: load('lsl'),
  [Op.Verr]: verify('verr'),
  [Op.Verw]: verify('verw'),
  [Op.Sgdt]: tableStore('gdt'),
  [Op.Sidt]: tableStore('idt'),
  [Op.Smsw]: (e) => e.write(0, String(e.i.hasMem || e.i.opSize === 2 ? UMIP_CR0 & 0xffff : UMIP_CR0 | 0)),
  [Op.Sldt]: (e) => e.write(0, e.tmp('H.ldtRegister(s)')),
  [Op.Str]: (e) => e.write(0, e.tmp('H.taskRegister(s)')),
};
