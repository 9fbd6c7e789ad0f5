// Owns check e, single-step: the call made with TF set must raise one SIGTRAP after every
// user instruction, at the address of the next one, none lost and none doubled across the
// kernel entry and exit: the traps from the call instruction to the return must be exactly
// the instruction sequence the plain stepped call went through (a fast entry returns by
// IRET to the same place), except after the instruction that entered the kernel, which
// Linux does not report (INT and SYSCALL clear TF, the #DB after SYSENTER is taken in the
// kernel and dropped; TF comes back with IRET and traps after the next instruction). TF
// must still be set when the call has returned.
import { TF } from '../x86/state';
import { outcome, type Check } from './context';
import { hex, type Finding } from './types';

export const checkSingleStep: Check = (ctx) => {
  const plain = ctx.plain();
  const tf = ctx.tf();
  const s = tf.session;
  const labels = s.caller.labels;
  const findings: Finding[] = [];
  if (plain.failed) return outcome('e', 'the plain call did not return', [{ check: 'e', what: 'no reference sequence: the plain call did not return', expected: 'a return', actual: plain.failed }]);
  const expected = plain.eips
    .filter((_, i) => !plain.kernelEntries.has(i))
    .map((a) => (a === plain.session.caller.labels.after ? labels.tf_after : a));
  const ips = tf.traps.map((t) => t.regs.eip);
  // popfl sets TF for the instruction after the next one (x86 delays the trap after an
  // instruction that sets TF), so the first trap is normally after the call; a CPU model
  // that traps at the call instruction itself shows one trap more, which is not counted.
  const from = ips[0] === labels.tf_call ? 1 : 0;
  // The traps that belong to the call: those inside the vDSO, then the one at the return
  // address (absent when the caller's own instruction entered the kernel, as a caller does
  // that finds no __kernel_vsyscall and uses int $0x80 itself).
  const observed: number[] = [];
  for (const ip of ips.slice(from)) {
    if (ip !== labels.tf_after && !s.inVdso(ip)) break;
    observed.push(ip);
    if (ip === labels.tf_after) break;
  }
  const n = Math.max(expected.length, observed.length);
  for (let i = 0; i < n; i++) {
    if (observed[i] === expected[i]) continue;
    const lost = observed[i] === undefined || (expected[i] !== undefined && observed.indexOf(expected[i]!, i) < 0);
    const where = s.place(expected[i] ?? observed[i]!);
    findings.push({
      check: 'e', what: `trap ${i + 1} after the call instruction: ${lost ? 'lost' : 'doubled or out of order'}`, where,
      expected: expected[i] === undefined ? 'no more traps before the return' : `SIGTRAP at ${s.where(expected[i]!)}`,
      actual: observed[i] === undefined ? (tf.failed ?? 'no trap') : `SIGTRAP at ${s.where(observed[i]!)}`,
    });
    break;
  }
  // TF must still be set once the call is over: at the trap for the return address, or, when
  // the return itself entered the kernel, at the first trap after it.
  const back = tf.traps.slice(from).find((t) => t.regs.eip === labels.tf_after || !s.inVdso(t.regs.eip));
  if (!back) findings.push({ check: 'e', what: 'no SIGTRAP after the call', where: s.place(labels.tf_after), expected: 'TF still set after the call', actual: tf.failed ?? 'TF was cleared' });
  else if ((back.regs.eflags & TF) === 0) findings.push({ check: 'e', what: 'TF cleared by the call', where: s.place(labels.tf_after), expected: 'TF set', actual: `eflags ${hex(back.regs.eflags)}` });
  return outcome('e', `${observed.length} SIGTRAPs from the call to the return, ${expected.length} instructions`, findings);
};
