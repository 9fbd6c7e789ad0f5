// Owns moving registers between the CPU and pt_regs: the snapshot an exception or int $0x80
// entry saves, and the IRET that loads every field back (cs/ss with RPL 3). The fast exits
// (SYSEXIT, SYSRETL) are in exit-path.ts.
import type { Cpu } from '../../x86/cpu';
import { CS, DS, ES, FS, GS, SS } from '../../x86/state';
import type { PtRegs } from '../seams';

const EAX = 0, ECX = 1, EDX = 2, EBX = 3, ESP = 4, EBP = 5, ESI = 6, EDI = 7;
export { EAX, ECX, EDX, EBX, ESP, EBP, ESI, EDI };

/**
 * pt_regs as an entry through an interrupt gate saves it: every register as it was; ip is
 * `ip`. Written into `into` when given (a task's own pt_regs, reused: one call at a time).
 */
export function regsFromCpu(cpu: Cpu, ip: number, origAx: number, into?: PtRegs): PtRegs {
  const s = cpu.state;
  const r = s.r;
  const g = s.seg;
  if (into === undefined) {
    return {
      bx: r[EBX]! >>> 0, cx: r[ECX]! >>> 0, dx: r[EDX]! >>> 0, si: r[ESI]! >>> 0, di: r[EDI]! >>> 0, bp: r[EBP]! >>> 0, ax: r[EAX]! | 0,
      ds: g[DS]!, es: g[ES]!, fs: g[FS]!, gs: g[GS]!,
      orig_ax: origAx, ip: ip >>> 0, cs: g[CS]!, flags: s.eflags >>> 0, sp: r[ESP]! >>> 0, ss: g[SS]!,
    };
  }
  into.bx = r[EBX]! >>> 0; into.cx = r[ECX]! >>> 0; into.dx = r[EDX]! >>> 0; into.si = r[ESI]! >>> 0; into.di = r[EDI]! >>> 0;
  into.bp = r[EBP]! >>> 0; into.ax = r[EAX]! | 0;
  into.ds = g[DS]!; into.es = g[ES]!; into.fs = g[FS]!; into.gs = g[GS]!;
  into.orig_ax = origAx; into.ip = ip >>> 0; into.cs = g[CS]!; into.flags = s.eflags >>> 0; into.sp = r[ESP]! >>> 0; into.ss = g[SS]!;
  return into;
}

/** IRET to user mode: every register from pt_regs. */
export function iretToUser(cpu: Cpu, regs: PtRegs): void {
  const s = cpu.state;
  s.r[EAX] = regs.ax;
  s.r[ECX] = regs.cx;
  s.r[EDX] = regs.dx;
  s.r[EBX] = regs.bx;
  s.r[ESP] = regs.sp;
  s.r[EBP] = regs.bp;
  s.r[ESI] = regs.si;
  s.r[EDI] = regs.di;
  s.eip = regs.ip >>> 0;
  s.eflags = regs.flags >>> 0;
  s.seg[CS] = regs.cs | 3;
  s.seg[SS] = regs.ss | 3;
  s.seg[DS] = regs.ds;
  s.seg[ES] = regs.es;
  loadTlsSelector(cpu, FS, regs.fs);
  loadTlsSelector(cpu, GS, regs.gs);
}

/** Loads fs or gs; a changed selector takes its base from the GDT entries set_thread_area defined. */
function loadTlsSelector(cpu: Cpu, seg: typeof FS | typeof GS, selector: number): void {
  const s = cpu.state;
  if (s.seg[seg] === (selector & 0xffff)) return;
  s.seg[seg] = selector & 0xffff;
  const base = (selector & 0xfffc) === 0 ? 0 : cpu.helpers.segmentBases.get(selector & 0xffff) ?? 0;
  if (seg === FS) s.fsBase = base | 0;
  else s.gsBase = base | 0;
}
