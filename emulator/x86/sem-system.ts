// Owns the semantics of flag instructions (clc stc cmc cld std), BCD adjustment (aaa aas daa
// das aam aad), traps and kernel entries (int3, int n, into, ud2, bound, sysenter/syscall gated
// by CPU model and kernel mode), arpl, cpuid, rdtsc and rdtscp (the instruction count;
// rdtscp's ecx is IA32_TSC_AUX), rdpid (IA32_TSC_AUX), fences, pause and nops; and what a
// privileged form does at CPL 3 (#GP), for every row whose gate says so (hlt, cli, sti, in,
// out, ins, outs, sysexit, sysret, lgdt, mov to cr0...): no list of operations, the row decides.
import { GATE_SEP, GATE_SYSCALL, GATES_PRIVILEGED } from '../../toolchain/isa/entry';
import { CF, Op, ZF } from '../../toolchain/isa/ops';
import { hex, type Emitter } from './emit';
import type { SemanticsTable } from './semantics-types';

function bcd(name: 'aaa' | 'aas' | 'daa' | 'das' | 'aam' | 'aad') {
  return (e: Emitter): void => {
    const f = e.flags();
    if (name === 'aam') e.faultIf(`${e.i.imm & 0xff} === 0`, 'H.F_DE');
    const ax = e.tmp(`H.bcd('${name}', r0 & 0xffff, ${f}, ${e.i.imm & 0xff})`);
    const nf = e.tmp('H.out');
    e.setReg(0, 2, ax);
    e.setFlagsExplicit(nf);
  };
}

/** Whether a row's gates make it a privileged form (gate=cpl0, or gate=iopl: Linux runs user code at IOPL 0). */
export function isPrivileged(gate: number): boolean {
  return (gate & GATES_PRIVILEGED) !== 0;
}

/**
 * A privileged form at CPL 3: #GP(0) before it reads or writes anything, except that sysexit
 * and sysret are #UD where the CPU model in this kernel mode has no SYSENTER or 32-bit SYSCALL
 * (the opcode is not there to check the privilege of). Linux makes the #GP SIGSEGV SI_KERNEL
 * with no address. Facts: docs/kernel-facts.md §15.
 */
export function privilegedForm(e: Emitter): void {
  const gate = e.i.gate;
  const ud = `H.ud(m, ${hex(e.i.address)}, ${e.i.length})`;
  if (gate & GATE_SEP) e.faultIf('!H.sysenterValid(s)', ud);
  if (gate & GATE_SYSCALL) e.faultIf('!H.syscallValid(s)', ud);
  e.faultNow('H.gp(0)');
}

export const systemSemantics: SemanticsTable = {
  [Op.Clc]: (e) => e.setFlagsExplicit(`${e.flags()} & ~${CF}`),
  [Op.Stc]: (e) => e.setFlagsExplicit(`${e.flags()} | ${CF}`),
  [Op.Cmc]: (e) => e.setFlagsExplicit(`${e.flags()} ^ ${CF}`),
  [Op.Cld]: (e) => e.post.push('s.flagsOther &= ~0x400;'),
  [Op.Std]: (e) => e.post.push('s.flagsOther |= 0x400;'),
  [Op.Aaa]: bcd('aaa'),
  [Op.Aas]: bcd('aas'),
  [Op.Daa]: bcd('daa'),
  [Op.Das]: bcd('das'),
  [Op.Aam]: bcd('aam'),
  [Op.Aad]: bcd('aad'),
  [Op.Int3]: (e) => e.stopAfter(`H.trap(H.F_BP, ${hex(e.i.address)})`),
  [Op.Int1]: (e) => e.stopAfter(`H.trap(H.F_ICEBP, ${hex(e.i.address)})`),
  [Op.Int]: (e) => e.stopAfter(`H.kernel('int', ${e.i.imm & 0xff}, ${hex(e.i.address)})`),
  [Op.Into]: (e) => {
    const o = e.cond(0);
    e.post.push(`if (${o}) ${e.exitAfter(`H.trap(H.F_OF, ${hex(e.i.address)})`)}`);
  },
  [Op.Ud2]: (e) => e.undefinedOpcode(),
  [Op.Invalid]: (e) => e.undefinedOpcode(),
  [Op.NotCovered]: (e) => e.undefinedOpcode(),
  [Op.Bound]: (e) => {
    const w = e.i.opSize;
    const index = e.signed(e.tmp(e.reg(e.i.reg, w)), w);
    const address = e.addr();
    const lower = e.signed(e.load(address, w), w);
    const upper = e.signed(e.load(`(${address} + ${w}) | 0`, w), w);
    e.faultIf(`${index} < ${lower} || ${index} > ${upper}`, 'H.F_BR');
  },
  [Op.Arpl]: (e) => {
    const dest = e.read(0);
    const src = e.read(1);
    const raise = e.tmp(`(${dest} & 3) < (${src} & 3)`);
    e.write(0, e.tmp(`${raise} ? (${dest} & ~3) | (${src} & 3) : ${dest}`));
    const f = e.flags();
    e.setFlagsExplicit(`(${f} & ~${ZF}) | (${raise} ? ${ZF} : 0)`);
  },
  [Op.Sysenter]: (e) => {
    e.faultIf('!H.sysenterValid(s)', `H.ud(m, ${hex(e.i.address)}, ${e.i.length})`);
    e.stopAfter(`H.kernel('sysenter', 0, ${hex(e.i.address)})`);
  },
  [Op.Syscall]: (e) => {
    e.faultIf('!H.syscallValid(s)', `H.ud(m, ${hex(e.i.address)}, ${e.i.length})`);
    e.stopAfter(`H.kernel('syscall', 0, ${hex(e.i.address)})`);
  },
  [Op.Cpuid]: (e) => {
    const out = e.tmp('H.cpuid(s, r0, r1)');
    e.setReg(0, 4, `${out}[0]`);
    e.setReg(3, 4, `${out}[1]`);
    e.setReg(1, 4, `${out}[2]`);
    e.setReg(2, 4, `${out}[3]`);
  },
  [Op.Rdtsc]: (e) => {
    const t = e.tmp(`s.icount + ${e.count(e.k)}`);
    e.setReg(0, 4, `${t} % 4294967296`);
    e.setReg(2, 4, `Math.floor(${t} / 4294967296)`);
  },
  [Op.Rdtscp]: (e) => {
    const t = e.tmp(`s.icount + ${e.count(e.k)}`);
    e.setReg(0, 4, `${t} % 4294967296`);
    e.setReg(2, 4, `Math.floor(${t} / 4294967296)`);
    e.setReg(1, 4, 's.tscAux');
  },
  [Op.Rdpid]: (e) => e.write(0, 's.tscAux'),
  [Op.Lfence]: () => undefined,
  [Op.Mfence]: () => undefined,
  [Op.Sfence]: () => undefined,
  [Op.Pause]: () => undefined,
  [Op.Nop]: (e) => {
    if (e.i.hasMem) e.addr();
  },
};
