// Owns check d, restart: the test call returns a restart code while a signal is pending
// and the kernel model applies the restart rules (docs/kernel-facts.md §4). In three cases (a
// handler with SA_RESTART and -ERESTARTSYS; a handler without it and -ERESTARTNOINTR; no
// handler and -ERESTART_RESTARTBLOCK, restart_syscall) the call must be re-entered by an
// int $0x80 at regs->ip - 2, with the arguments the kernel saw the first time (and eax the
// number again, or 0 for restart_syscall), and the caller must get the second call's result.
import { SA, SI } from '../kernel/signals/abi';
import { signalsOf } from '../kernel/signals/deliver';
import type { SyscallRecord } from '../kernel/seams';
import { outcome, type CellContext, type Check } from './context';
import { PROBE_NR } from './probe';
import { hex, type Finding } from './types';

const SIGUSR1 = 10;
const ERESTARTSYS = 512, ERESTARTNOINTR = 513, ERESTART_RESTARTBLOCK = 516;
const RESTARTED_RESULT = 0x600d;

interface RestartCase {
  readonly name: string;
  readonly code: number;
  /** The handler's sa_flags, or undefined for no handler. */
  readonly handlerFlags: number | undefined;
  /** The number the restarted entry carries. */
  readonly nr: number;
}

const CASES: readonly RestartCase[] = [
  { name: 'SA_RESTART, -ERESTARTSYS', code: ERESTARTSYS, handlerFlags: SA.RESTART | SA.RESTORER, nr: PROBE_NR },
  { name: '-ERESTARTNOINTR', code: ERESTARTNOINTR, handlerFlags: SA.RESTORER, nr: PROBE_NR },
  { name: 'restart_syscall', code: ERESTART_RESTARTBLOCK, handlerFlags: undefined, nr: 0 },
];

function runCase(ctx: CellContext, c: RestartCase): Finding[] {
  const s = ctx.newSession();
  const p = s.process;
  const labels = s.caller.labels;
  if (c.handlerFlags !== undefined) {
    signalsOf(p).actions[SIGUSR1] = { handler: labels.handler, flags: c.handlerFlags, restorer: labels.restorer, mask: 0n };
  }
  s.probe.script.push((proc) => {
    if (c.handlerFlags !== undefined) signalsOf(proc).send(SIGUSR1, SI.USER);
    else proc.restartBlock = () => RESTARTED_RESULT;
    return -c.code;
  });
  s.probe.script.push(() => RESTARTED_RESULT);
  s.prepare('call');
  const r = s.runTo([labels.after]);
  const findings: Finding[] = [];
  const first = s.probe.calls[0];
  const firstRecord = s.syscalls.find((t) => t.nr === PROBE_NR);
  if (!first || !firstRecord) return [{ check: 'd', what: `${c.name}: the call never reached the kernel`, expected: 'an entry', actual: 'failed' in r ? r.failed : 'none' }];
  const restartAt = (first.ip - 2) >>> 0;
  const again: SyscallRecord | undefined = s.syscalls.slice(s.syscalls.indexOf(firstRecord) + 1).find((t) => t.nr !== 119 && t.nr !== 173);
  const where = s.place(restartAt);
  if (!again) {
    findings.push({ check: 'd', what: `${c.name}: the call was not re-entered`, where, expected: `int $0x80 at ${hex(restartAt)} (regs->ip - 2)`, actual: 'failed' in r ? r.failed : 'no second entry' });
    return findings;
  }
  const via = again.entry.via === 'int' ? 'int $0x80' : again.entry.via;
  if (again.entry.via !== 'int' || again.entry.address !== restartAt) {
    findings.push({ check: 'd', what: `${c.name}: the restart did not re-execute an int $0x80 at regs->ip - 2`, where, expected: `int $0x80 at ${hex(restartAt)}`, actual: `${via} at ${s.where(again.entry.address)}` });
  }
  if (again.nr !== c.nr) findings.push({ check: 'd', what: `${c.name}: the restarted call's number`, where, expected: String(c.nr), actual: String(again.nr) });
  const firstArgs = [first.bx, first.cx, first.dx, first.si, first.di, first.bp].map((v) => v >>> 0);
  const againRegs = c.nr === PROBE_NR ? s.probe.calls[1] : undefined;
  const againArgs = againRegs ? [againRegs.bx, againRegs.cx, againRegs.dx, againRegs.si, againRegs.di, againRegs.bp].map((v) => v >>> 0) : again.args.map((v) => v >>> 0);
  firstArgs.forEach((v, i) => {
    if (againArgs[i] !== undefined && againArgs[i] !== v) {
      findings.push({ check: 'd', what: `${c.name}: argument ${i + 1} of the restarted call differs from the first entry's`, where, expected: hex(v), actual: hex(againArgs[i]!) });
    }
  });
  if ('failed' in r) findings.push({ check: 'd', what: `${c.name}: the restarted call did not return`, where, expected: 'return to the caller', actual: r.failed });
  else {
    const eax = p.cpu.state.r[0]! >>> 0;
    if (eax !== RESTARTED_RESULT) findings.push({ check: 'd', what: `${c.name}: the caller got the wrong result`, where: s.place(labels.after), expected: hex(RESTARTED_RESULT), actual: hex(eax) });
  }
  return findings;
}

export const checkRestart: Check = (ctx) => {
  const findings = CASES.flatMap((c) => runCase(ctx, c));
  return outcome('d', `${CASES.map((c) => c.name).join('; ')}: int $0x80 at regs->ip - 2, same args, result ${hex(RESTARTED_RESULT)}`, findings);
};

