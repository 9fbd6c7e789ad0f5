// Owns the test system call the checks make through the stub: its handler records pt_regs
// as the kernel saw them on each entry (arguments, orig_ax, ip, sp, flags) and returns a
// recognizable result, or does what the check scripted for that call (return a restart
// code, queue a signal, change regs->ip as a debugger would).
import type { PtRegs } from '../kernel/seams';
import type { Process } from '../kernel/process';
import { row, type SyscallRow } from '../kernel/syscalls/table';

/** A number no i386 system call has. */
export const PROBE_NR = 999;
/** What the call returns when nothing else was scripted. */
export const PROBE_RESULT = 0x5eed;

export type ProbeAction = (p: Process, regs: PtRegs) => number;

export class Probe {
  /** pt_regs at each entry, in order. */
  readonly calls: PtRegs[] = [];
  /** What each next call does; a call with nothing scripted returns PROBE_RESULT. */
  readonly script: ProbeAction[] = [];

  row(): SyscallRow {
    return row(PROBE_NR, 'vdso_lab_probe', 'xxxxxx', (p, regs) => {
      this.calls.push({ ...regs });
      const action = this.script.shift();
      return action ? action(p, regs) : PROBE_RESULT;
    });
  }
}
