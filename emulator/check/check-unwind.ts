// Owns check c, unwinding: at every point inside the vDSO the plain stepped call passes
// through, and at every point a SIGTRAP handler observes during the TF call (including the
// landing pad right after the kernel returned), the stub's CFI (the unwinder on the image's
// .eh_frame) must give the caller's CFA (its esp before the call), the return address, and
// the caller's ecx, edx, ebx, ebp, esi, edi. The truth is the emulator's: the values the
// checker put in the registers before the call. A register the run did not preserve is not
// compared (check b reports it): only what the call keeps can be recovered.
import type { UnwindResult } from '../../toolchain/dwarf/unwind-types';
import { describeStop } from '../../toolchain/dwarf/unwind';
import { outcome, type Check } from './context';
import type { Registers, Session } from './session';
import { hex, type Finding } from './types';

const SAVED: ReadonlyArray<readonly [keyof Registers, number]> = [['ecx', 1], ['edx', 2], ['ebx', 3], ['ebp', 5], ['esi', 6], ['edi', 7]];

interface Truth {
  readonly cfa: number;
  readonly returnAddress: number;
  readonly start: Registers;
  readonly end: Registers | undefined;
}

/** The findings at one observed point (at most one per point: the first thing wrong). */
function judge(s: Session, regs: Registers, unwound: UnwindResult, truth: Truth, how: string): Finding | undefined {
  const where = s.place(regs.eip);
  const frame = unwound.frames[0];
  if (!frame?.cfi) return { check: 'c', what: `no CFI covers the pc (${how})`, where, expected: 'an FDE and row for the pc', actual: describeStop(unwound.stop) };
  const row = frame.cfi.row;
  const rowText = `row at ${hex(frame.cfi.image.base + row.start)}`;
  if (frame.cfa !== truth.cfa) {
    return { check: 'c', what: `CFA wrong (${how}, ${rowText})`, where, expected: `${hex(truth.cfa)} (the caller's esp before the call)`, actual: frame.cfa === undefined ? 'undefined' : hex(frame.cfa) };
  }
  const caller = unwound.frames[1];
  if (!caller) return { check: 'c', what: `no caller frame (${how}, ${rowText})`, where, expected: `return address ${hex(truth.returnAddress)}`, actual: describeStop(unwound.stop) };
  if (caller.registers[8] !== truth.returnAddress) {
    return { check: 'c', what: `return address wrong (${how}, ${rowText})`, where, expected: hex(truth.returnAddress), actual: caller.registers[8] === undefined ? 'undefined' : hex(caller.registers[8]) };
  }
  for (const [name, dw] of SAVED) {
    if (!truth.end || truth.end[name] !== truth.start[name]) continue;
    const got = caller.registers[dw];
    if (got !== truth.start[name]) {
      const origin = caller.origins[dw];
      return {
        check: 'c', what: `caller's ${name} wrong (${how}, ${rowText}, recovered as ${typeof origin === 'string' ? origin : JSON.stringify(origin)})`,
        where, expected: hex(truth.start[name]), actual: got === undefined ? 'undefined' : hex(got),
      };
    }
  }
  return undefined;
}

export const checkUnwind: Check = (ctx) => {
  const findings: Finding[] = [];
  const plain = ctx.plain();
  const s = plain.session;
  const truth = (start: Registers, end: Registers | undefined, returnAddress: number): Truth => ({ cfa: s.callEsp, returnAddress, start, end });
  let points = 0;
  const covered = new Set<number>();
  const plainTruth = truth(plain.start, plain.end, s.caller.labels.after);
  for (const p of plain.points) {
    points++;
    covered.add(p.regs.eip);
    const f = judge(s, p.regs, p.unwound, plainTruth, 'stepping');
    if (f) findings.push(f);
  }
  const tf = ctx.tf();
  const tfTruth = truth(tf.start, tf.end, tf.session.caller.labels.tf_after);
  let traps = 0;
  for (const t of tf.traps) {
    if (!t.unwound) continue;
    traps++;
    covered.add(t.regs.eip);
    const f = judge(tf.session, t.regs, t.unwound, tfTruth, 'SIGTRAP handler');
    if (f) findings.push(f);
  }
  const range = s.stubRange();
  const summary = range === undefined
    ? 'no stub called (the caller entered with int $0x80 itself)'
    : `CFA, return address, saved registers at ${points} stepped points and ${traps} SIGTRAP points (${covered.size} distinct pcs)`;
  return outcome('c', summary, dedupe(findings));
};

/** One finding per pc and kind: stepping and trapping at the same pc say the same thing. */
function dedupe(findings: Finding[]): Finding[] {
  const seen = new Set<string>();
  return findings.filter((f) => {
    const key = `${f.where?.address}:${f.what.replace(/\(.*?\)/, '')}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
