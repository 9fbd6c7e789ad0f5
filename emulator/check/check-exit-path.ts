// Owns check g, exit path: which exit the kernel model took in each case and why. A call
// that entered by sysenter or syscall must leave by the fast exit its ABI has on that kernel
// (fastExitOf: SYSRETL on a 64-bit kernel, SYSEXIT on a 32-bit one, none for the proposal on
// a 32-bit kernel) in the plain case, and by IRET when TF is set or when regs->ip was changed
// during the call (as a debugger or a signal would); int $0x80 always leaves by IRET.
import type { ExitPath, ExitRecord, SyscallRecord } from '../kernel/seams';
import { fastExitOf } from '../kernel/entry/exit-path';
import { outcome, type Check } from './context';
import { PROBE_RESULT } from './probe';
import { probeRecord } from './runs';
import type { Session } from './session';
import type { Finding } from './types';

function show(exit: ExitRecord | undefined): string {
  return exit ? `${exit.path.toUpperCase()} (${exit.reason})` : 'no exit recorded';
}

/** The exit `record` must take: its ABI's fast exit when `fast` and the entry was fast, else IRET. */
function expectedExit(s: Session, record: SyscallRecord, fast: boolean): ExitPath {
  const via = record.entry.via;
  if (!fast || via === 'int') return 'iret';
  const { abi, kernel } = s.process.options;
  return fastExitOf(abi, kernel, via) ?? 'iret';
}

function expectPath(check: 'g', s: Session, record: SyscallRecord | undefined, fast: boolean, label: string): Finding | undefined {
  if (!record) return { check, what: `${label}: the test call did not reach the kernel`, expected: 'an entry', actual: 'none' };
  const exit = record.exit;
  const where = s.place(record.entry.address);
  const expected = expectedExit(s, record, fast);
  const actual = exit?.path ?? 'iret';
  if (actual === expected) return undefined;
  const what = expected === 'iret' ? `${label}: a fast exit was taken where the kernel must use IRET` : `${label}: the fast exit was not taken after ${record.entry.via}`;
  return { check, what, where, expected: expected.toUpperCase(), actual: show(exit) };
}

export const checkExitPath: Check = (ctx) => {
  const findings: Finding[] = [];
  const plain = ctx.plain();
  const a = expectPath('g', plain.session, plain.record, true, 'plain call');
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
