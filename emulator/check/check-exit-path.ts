// Owns check g, exit path: which exit the kernel model took in each case and why. A call
// that entered by sysenter or syscall must leave by the fast exit in the plain case
// (SYSRETL on a 64-bit kernel, SYSEXIT on a 32-bit one) and by IRET when TF is set or when
// regs->ip was changed during the call (as a debugger or a signal would); int $0x80
// always leaves by IRET.
import type { ExitRecord, SyscallRecord } from '../kernel/seams';
import { outcome, type Check } from './context';
import { PROBE_RESULT } from './probe';
import { probeRecord } from './runs';
import type { Session } from './session';
import type { Finding } from './types';

function show(exit: ExitRecord | undefined): string {
  return exit ? `${exit.path.toUpperCase()} (${exit.reason})` : 'no exit recorded';
}

function expectPath(check: 'g', s: Session, record: SyscallRecord | undefined, fast: boolean, label: string): Finding | undefined {
  if (!record) return { check, what: `${label}: the test call did not reach the kernel`, expected: 'an entry', actual: 'none' };
  const exit = record.exit;
  const where = s.place(record.entry.address);
  const isFast = exit !== undefined && exit.path !== 'iret';
  if (fast && !isFast) return { check, what: `${label}: the fast exit was not taken after ${record.entry.via}`, where, expected: s.process.options.kernel === 'compat64' ? 'SYSRETL' : 'SYSEXIT', actual: show(exit) };
  if (!fast && (exit?.path ?? 'iret') !== 'iret') return { check, what: `${label}: a fast exit was taken where the kernel must use IRET`, where, expected: 'IRET', actual: show(exit) };
  return undefined;
}

export const checkExitPath: Check = (ctx) => {
  const findings: Finding[] = [];
  const plain = ctx.plain();
  const fastEntry = plain.record !== undefined && plain.record.entry.via !== 'int';
  const a = expectPath('g', plain.session, plain.record, fastEntry, 'plain call');
  if (a) findings.push(a);
  const tf = ctx.tf();
  const b = expectPath('g', tf.session, tf.record, false, 'TF set');
  if (b) findings.push(b);
  const s = ctx.newSession();
  const recover = s.caller.labels.recover;
  s.probe.script.push((_p, regs) => {
    regs.ip = recover;
    return PROBE_RESULT;
  });
  s.prepare('call');
  const r = s.runTo([recover, s.caller.labels.after]);
  const moved = probeRecord(s);
  const c = expectPath('g', s, moved, false, 'regs->ip changed');
  if (c) findings.push(c);
  else if ('failed' in r || r.at !== recover) {
    findings.push({ check: 'g', what: 'regs->ip changed: the return did not go to the new ip', where: s.place(recover), expected: s.where(recover), actual: 'failed' in r ? r.failed : s.where(r.at) });
  }
  const summary = `plain: ${show(plain.record?.exit)}; TF: ${tf.record?.exit?.path.toUpperCase() ?? '-'}; ip changed: ${moved?.exit?.path.toUpperCase() ?? '-'}`;
  return outcome('g', summary, findings);
};
