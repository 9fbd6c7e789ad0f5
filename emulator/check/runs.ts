// Owns the runs several checks share: the plain call stepped one instruction at a time
// (the registers and the CFI unwind at every point inside the vDSO, the instruction that
// last changed each register), and the call made with TF set, each SIGTRAP stopped at the
// handler and its signal frame read (the point and registers a trap handler observes).
import { unwind } from '../../toolchain/dwarf/unwind';
import { unwindImageFromElf } from '../../toolchain/dwarf/unwind-image';
import type { MemoryReader, UnwindImage, UnwindResult } from '../../toolchain/dwarf/unwind-types';
import { SA } from '../kernel/signals/abi';
import { signalsOf } from '../kernel/signals/deliver';
import type { SyscallRecord } from '../kernel/seams';
import { PROBE_NR } from './probe';
import { GPR_NAMES, Session, type GprName, type Registers } from './session';

/** One state of the machine inside the stub, with what the CFI makes of it. */
export interface ObservedPoint {
  readonly regs: Registers;
  readonly unwound: UnwindResult;
  /** How the point was observed: stepping, or a SIGTRAP handler's frame. */
  readonly how: 'step' | 'trap';
}

export interface SteppedCall {
  readonly session: Session;
  readonly start: Registers;
  /** Every state with eip inside the vDSO, in order. */
  readonly points: readonly ObservedPoint[];
  /** eip after each instruction, from the call instruction to the return (inclusive). */
  readonly eips: readonly number[];
  /** Indexes into `eips` of the instructions that entered the kernel (eips[i] is where it returned to). */
  readonly kernelEntries: ReadonlySet<number>;
  /** The instruction that last changed each register (undefined: never changed). */
  readonly lastChange: Partial<Record<GprName | 'eflags', number>>;
  readonly end: Registers | undefined;
  readonly failed: string | undefined;
  /** The test call's record (entry, exit path) once it returned. */
  readonly record: SyscallRecord | undefined;
}

export function memoryReader(session: Session): MemoryReader {
  const m = session.process.memory;
  return {
    readMemory(address, size) {
      const b = m.read(address >>> 0, size);
      if (!(b instanceof Uint8Array)) return undefined;
      let v = 0;
      for (let i = size - 1; i >= 0; i--) v = v * 256 + b[i]!;
      return v >>> 0;
    },
  };
}

/** Each session's view of its vDSO for the unwinder: its CFI parsed once, the row tables built on it kept. */
const unwindImages = new WeakMap<Session, UnwindImage>();

/** The CFI unwind of the state `regs` with the vDSO's own .eh_frame. */
export function unwindAt(session: Session, regs: Registers): UnwindResult {
  let image = unwindImages.get(session);
  if (!image) {
    image = unwindImageFromElf(session.vdso.elf, session.vdso.base, 'vdso');
    unwindImages.set(session, image);
  }
  const values = [regs.eax, regs.ecx, regs.edx, regs.ebx, regs.esp, regs.ebp, regs.esi, regs.edi, regs.eip, regs.eflags];
  return unwind([image], values, memoryReader(session), { maxFrames: 4 });
}

export function probeRecord(session: Session, index = 0): SyscallRecord | undefined {
  return session.syscalls.filter((r) => r.nr === PROBE_NR)[index];
}

/** The plain call, stepped; at most `maxSteps` instructions. */
export function steppedCall(session: Session, maxSteps = 400): SteppedCall {
  const start = session.prepare('call');
  const after = session.caller.labels.after;
  const points: ObservedPoint[] = [];
  const eips: number[] = [];
  const kernelEntries = new Set<number>();
  const lastChange: SteppedCall['lastChange'] = {};
  let regs = start;
  let failed: string | undefined;
  for (let n = 0; ; n++) {
    if (n >= maxSteps) {
      failed = `the call had not returned after ${maxSteps} instructions (at ${session.where(regs.eip)})`;
      break;
    }
    const at = regs.eip;
    const calls = session.syscalls.length;
    const r = session.step();
    if (r.kind !== 'budget' && r.kind !== 'breakpoint') {
      failed = `${session.describe(r)} (after the instruction at ${session.where(at)})`;
      break;
    }
    const next = session.registers();
    for (const name of [...GPR_NAMES, 'eflags'] as const) if (next[name] !== regs[name]) lastChange[name] = at;
    regs = next;
    if (session.syscalls.length !== calls) kernelEntries.add(eips.length);
    eips.push(regs.eip);
    if (regs.eip === after) break;
    if (session.inVdso(regs.eip)) points.push({ regs, unwound: unwindAt(session, regs), how: 'step' });
  }
  return { session, start, points, eips, kernelEntries, lastChange, end: failed ? undefined : regs, failed, record: probeRecord(session) };
}

/** A SIGTRAP as the handler saw it: the interrupted registers from its sigcontext. */
export interface Trap {
  readonly regs: Registers;
  readonly unwound: UnwindResult | undefined;
}

export interface TfCall {
  readonly session: Session;
  readonly start: Registers;
  readonly traps: readonly Trap[];
  readonly failed: string | undefined;
  /** Registers at tf_done (TF cleared again by the caller). */
  readonly end: Registers | undefined;
  readonly record: SyscallRecord | undefined;
}

const SIGTRAP = 5;
/** struct sigframe: the sigcontext at +8; its fields (docs/kernel-facts.md §5). */
const SIGFRAME_SC = 8;
export const SC = { di: 16, si: 20, bp: 24, sp: 28, bx: 32, dx: 36, cx: 40, ax: 44, ip: 56, flags: 64 } as const;

/** The registers a sigcontext at `sc` holds. */
export function readSigcontext(session: Session, sc: number): Registers | undefined {
  const m = memoryReader(session);
  const f = (off: number): number | undefined => m.readMemory(sc + off, 4);
  const v = [f(SC.ax), f(SC.cx), f(SC.dx), f(SC.bx), f(SC.sp), f(SC.bp), f(SC.si), f(SC.di), f(SC.ip), f(SC.flags)];
  if (v.some((x) => x === undefined)) return undefined;
  const [eax, ecx, edx, ebx, esp, ebp, esi, edi, eip, eflags] = v as number[];
  return { eax: eax!, ecx: ecx!, edx: edx!, ebx: ebx!, esp: esp!, ebp: ebp!, esi: esi!, edi: edi!, eip: eip!, eflags: eflags! };
}

/** The call with TF set: SIGTRAP has a handler (no SA_SIGINFO, the caller's restorer). */
export function tfCall(session: Session, maxTraps = 200): TfCall {
  const labels = session.caller.labels;
  signalsOf(session.process).actions[SIGTRAP] = { handler: labels.handler, flags: SA.RESTORER, restorer: labels.restorer, mask: 0n };
  const start = session.prepare('tf_set');
  const traps: Trap[] = [];
  let failed: string | undefined;
  let end: Registers | undefined;
  for (let n = 0; ; n++) {
    if (n > maxTraps) {
      failed = `more than ${maxTraps} traps`;
      break;
    }
    const r = session.runTo([labels.handler, labels.tf_done], 5_000);
    if ('failed' in r) {
      failed = r.failed;
      break;
    }
    if (r.at === labels.tf_done) {
      end = session.registers();
      break;
    }
    const sp = session.process.cpu.state.r[4]! >>> 0;
    const regs = readSigcontext(session, sp + SIGFRAME_SC);
    if (!regs) {
      failed = `the SIGTRAP frame at ${sp.toString(16)} cannot be read`;
      break;
    }
    traps.push({ regs, unwound: session.inVdso(regs.eip) ? unwindAt(session, regs) : undefined });
  }
  return { session, start, traps, failed, end, record: probeRecord(session) };
}
