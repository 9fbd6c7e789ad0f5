// Owns check a, arguments: the kernel sees the caller's ebx, ecx, edx, esi, edi, ebp as
// system call arguments 1-6 and its eax as the number, whichever instruction entered (the
// configuration's fast entry, or the int $0x80 fallback on a CPU without one).
import type { PtRegs } from '../kernel/seams';
import { outcome, didNotReturn, type Check } from './context';
import { PROBE_NR } from './probe';
import { CALL_ARGS } from './session';
import { hex, type Finding } from './types';

const ARG_FIELDS: ReadonlyArray<readonly [keyof PtRegs, string]> = [['bx', 'ebx'], ['cx', 'ecx'], ['dx', 'edx'], ['si', 'esi'], ['di', 'edi'], ['bp', 'ebp']];

export const checkArguments: Check = (ctx) => {
  const run = ctx.plain();
  const s = run.session;
  const findings: Finding[] = [];
  const seen = s.probe.calls[0];
  const record = run.record;
  if (!seen || !record) {
    findings.push(didNotReturn('a', 'the test call never reached the kernel', run.failed ?? 'no entry into the kernel'));
    return outcome('a', 'no entry', findings);
  }
  const where = s.place(record.entry.address);
  if (seen.orig_ax !== PROBE_NR) findings.push({ check: 'a', what: 'the system call number (eax) the kernel saw', where, expected: String(PROBE_NR), actual: String(seen.orig_ax) });
  ARG_FIELDS.forEach(([field, reg], i) => {
    const got = (seen[field] as number) >>> 0;
    if (got !== CALL_ARGS[i]) {
      findings.push({
        check: 'a', what: `argument ${i + 1} (the caller's ${reg}) as the kernel saw it after ${record.entry.via === 'int' ? 'int $0x80' : record.entry.via}`,
        where, expected: hex(CALL_ARGS[i]!), actual: hex(got) + describeValue(got, s.caller.labels.after, s.callEsp),
      });
    }
  });
  const via = record.entry.via === 'int' ? 'int $0x80' : record.entry.via;
  return outcome('a', `args 1-6 and nr via ${via} at ${s.symbolize(record.entry.address)}`, findings);
};

/** Names a value a stub may pass by mistake: the return address, or a stack address. */
function describeValue(v: number, returnAddress: number, callEsp: number): string {
  if (v === returnAddress) return ' (the caller\'s return address)';
  if (v <= callEsp && v >= callEsp - 64) return ` (a stack address: the caller's esp - ${callEsp - v})`;
  return '';
}
