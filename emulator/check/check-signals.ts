// Owns check f, signals: a signal sent while the test call runs is delivered on the return
// from it. Its handler must run with the interrupted context in its frame pointing where
// the call returns from the kernel (regs->ip of the entry), sigreturn must come back to
// exactly that place with every register as the frame saved it, and the caller must then
// get the call's result. Run twice: with SA_SIGINFO (rt_sigreturn) and without (sigreturn),
// through the image's __kernel_rt_sigreturn / __kernel_sigreturn when it has them (else
// the caller's own SA_RESTORER restorers).
import { SA, SI } from '../kernel/signals/abi';
import { signalsOf } from '../kernel/signals/deliver';
import { outcome, type CellContext, type Check } from './context';
import { KEPT_FLAGS } from './check-preservation';
import { PROBE_RESULT } from './probe';
import { readSigcontext } from './runs';
import { GPR_NAMES, type Registers } from './session';
import { hex, type Finding } from './types';

const SIGUSR1 = 10;
/** Where the sigcontext is from the handler's esp: rt_sigframe.uc.uc_mcontext, sigframe.sc. */
const RT_SC = 164, SC = 8;

function runCase(ctx: CellContext, rt: boolean): { findings: Finding[]; via: string } {
  const s = ctx.newSession();
  const p = s.process;
  const labels = s.caller.labels;
  const trampoline = rt ? s.vdso.symbols.rtSigreturn : s.vdso.symbols.sigreturn;
  const flags = (rt ? SA.SIGINFO : 0) | (trampoline === undefined ? SA.RESTORER : 0);
  signalsOf(p).actions[SIGUSR1] = { handler: labels.handler, flags, restorer: rt ? labels.rt_restorer : labels.restorer, mask: 0n };
  const name = rt ? 'SA_SIGINFO' : 'no SA_SIGINFO';
  const via = trampoline === undefined ? 'the caller\'s restorer' : s.symbolize(trampoline);
  s.probe.script.push((proc) => {
    signalsOf(proc).send(SIGUSR1, SI.USER);
    return PROBE_RESULT;
  });
  s.prepare('call');
  const findings: Finding[] = [];
  const atHandler = s.runTo([labels.handler, labels.after]);
  const entry = s.probe.calls[0];
  if ('failed' in atHandler || atHandler.at !== labels.handler || !entry) {
    findings.push({ check: 'f', what: `${name}: the handler did not run`, expected: 'the handler runs on the return from the call', actual: 'failed' in atHandler ? atHandler.failed : 'the call returned without it' });
    return { findings, via };
  }
  const sp = p.cpu.state.r[4]! >>> 0;
  const saved = readSigcontext(s, sp + (rt ? RT_SC : SC));
  if (!saved) return { findings: [{ check: 'f', what: `${name}: the signal frame cannot be read`, expected: 'a frame', actual: hex(sp) }], via };
  const returnPoint = entry.ip >>> 0;
  if (saved.eip !== returnPoint) {
    findings.push({ check: 'f', what: `${name}: the frame's interrupted ip is not where the call returns from the kernel`, where: s.place(saved.eip), expected: s.where(returnPoint), actual: s.where(saved.eip) });
  }
  const back = s.runTo([saved.eip]);
  if ('failed' in back) {
    findings.push({ check: 'f', what: `${name}: sigreturn (through ${via}) did not come back to the interrupted ip`, where: s.place(saved.eip), expected: s.where(saved.eip), actual: back.failed });
    return { findings, via };
  }
  const now = s.registers();
  for (const reg of [...GPR_NAMES, 'eflags'] as const) {
    const want = reg === 'eflags' ? saved.eflags & KEPT_FLAGS : saved[reg as keyof Registers];
    const got = reg === 'eflags' ? now.eflags & KEPT_FLAGS : now[reg as keyof Registers];
    if (want !== got) findings.push({ check: 'f', what: `${name}: ${reg} after sigreturn (through ${via}) differs from the frame`, where: s.place(saved.eip), expected: hex(want), actual: hex(got) });
  }
  const done = s.registers().eip === labels.after ? { at: labels.after } : s.runTo([labels.after]);
  if ('failed' in done) findings.push({ check: 'f', what: `${name}: the call did not return after the handler`, expected: 'return to the caller', actual: done.failed });
  else if ((p.cpu.state.r[0]! >>> 0) !== PROBE_RESULT) {
    findings.push({ check: 'f', what: `${name}: the caller got the wrong result after the handler`, where: s.place(labels.after), expected: hex(PROBE_RESULT), actual: hex(p.cpu.state.r[0]!) });
  }
  return { findings, via };
}

export const checkSignals: Check = (ctx) => {
  const rt = runCase(ctx, true);
  const plain = runCase(ctx, false);
  return outcome('f', `handler on return, sigreturn via ${rt.via} and ${plain.via}, registers intact`, [...rt.findings, ...plain.findings]);
};
