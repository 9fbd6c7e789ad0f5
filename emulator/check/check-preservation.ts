// Owns check b, preservation: after the call every register but eax is what the caller had
// (esp back above the return address), eax holds the kernel's result, and the flags the
// kernel restores from pt_regs->flags on every exit (IRET, SYSEXIT's popfl, SYSRETL's r11)
// come back: CF PF AF ZF SF OF, DF, IF and TF. RF, NT, AC, ID and the reserved bits are not
// compared (SYSRETL clears RF; the stub's own instructions never touch the others).
import { CF, DF, IF, OF, PF, SF, TF, ZF, AF } from '../x86/state';
import { outcome, didNotReturn, type Check } from './context';
import { PROBE_RESULT } from './probe';
import { GPR_NAMES } from './session';
import { hex, type Finding } from './types';

export const KEPT_FLAGS = CF | PF | AF | ZF | SF | OF | DF | IF | TF;

const FLAG_NAMES: ReadonlyArray<readonly [number, string]> = [[CF, 'CF'], [PF, 'PF'], [AF, 'AF'], [ZF, 'ZF'], [SF, 'SF'], [TF, 'TF'], [IF, 'IF'], [DF, 'DF'], [OF, 'OF']];

function flagList(v: number): string {
  return FLAG_NAMES.filter(([bit]) => v & bit).map(([, n]) => n).join(' ') || 'none';
}

export const checkPreservation: Check = (ctx) => {
  const run = ctx.plain();
  const s = run.session;
  if (!run.end) return outcome('b', 'the call did not return', [didNotReturn('b', 'the call did not return', run.failed ?? '')]);
  const findings: Finding[] = [];
  const changedAt = (name: keyof typeof run.lastChange): Finding['where'] => {
    const at = run.lastChange[name];
    return at === undefined ? undefined : s.place(at);
  };
  for (const name of GPR_NAMES) {
    if (name === 'eax') continue;
    if (run.end[name] !== run.start[name]) {
      findings.push({ check: 'b', what: `${name} changed by the call (last changed by the instruction here)`, where: changedAt(name), expected: hex(run.start[name]), actual: hex(run.end[name]) });
    }
  }
  if (run.end.eax !== PROBE_RESULT) findings.push({ check: 'b', what: 'eax does not hold the kernel\'s result', where: changedAt('eax'), expected: hex(PROBE_RESULT), actual: hex(run.end.eax) });
  const before = run.start.eflags & KEPT_FLAGS;
  const after = run.end.eflags & KEPT_FLAGS;
  if (before !== after) {
    findings.push({ check: 'b', what: `eflags changed: ${flagList(before ^ after)}`, where: changedAt('eflags'), expected: `${hex(before)} (${flagList(before)})`, actual: `${hex(after)} (${flagList(after)})` });
  }
  const exit = run.record?.exit;
  return outcome('b', `ebx ecx edx esi edi ebp esp and ${flagList(KEPT_FLAGS)} kept${exit ? ` across ${exit.path.toUpperCase()}` : ''}`, findings);
};
