// Owns the i386 signal frames byte for byte (docs/kernel-facts.md §5): struct sigframe and struct
// rt_sigframe built from pt_regs, the siginfo, the trap details and the masks; where the
// frame goes (SA_ONSTACK, the alignment that makes (sp+4) % 16 == 0 at handler entry); and
// reading a sigcontext back for sigreturn/rt_sigreturn. With an FPU the x87 state goes above
// the frame (fpstate.ts) and sigcontext.fpstate points at it; uc_flags is 0 (no XSAVE).
import type { PtRegs } from '../seams';
import {
  RETCODE_RT_SIGRETURN, RETCODE_SIGRETURN, RT_SIGFRAME, SA, SC, SIGFRAME, SS_AUTODISARM, SS_DISABLE, SS_ONSTACK,
} from './abi';
import type { AltStack, SigAction, SigInfo, TrapInfo } from './state';
import type { FpuState } from '../../x86/fpu/state';
import { buildMathFrame, type MathFrame } from './fpstate';

class Bytes {
  readonly b: Uint8Array;
  private readonly v: DataView;
  constructor(size: number) {
    this.b = new Uint8Array(size);
    this.v = new DataView(this.b.buffer);
  }
  u32(at: number, x: number): void {
    this.v.setUint32(at, x >>> 0, true);
  }
  set(at: number, bytes: ArrayLike<number>): void {
    this.b.set(bytes, at);
  }
}

function rd32(b: Uint8Array, at: number): number {
  return (b[at]! | (b[at + 1]! << 8) | (b[at + 2]! << 16) | (b[at + 3]! << 24)) >>> 0;
}

/** Writes struct siginfo (128 bytes) at `at`: signo, errno, code, then the union member. */
function writeSiginfo(out: Bytes, at: number, info: SigInfo): void {
  out.u32(at, info.signo);
  out.u32(at + 4, info.errno ?? 0);
  out.u32(at + 8, info.code);
  if (info.addr !== undefined) out.u32(at + 12, info.addr);
  else if (info.pid !== undefined) {
    out.u32(at + 12, info.pid);
    out.u32(at + 16, info.uid ?? 0);
  }
}

/** struct siginfo (128 bytes) as copy_siginfo_to_user writes it (PTRACE_GETSIGINFO). */
export function siginfoBytes(info: SigInfo): Uint8Array {
  const out = new Bytes(128);
  writeSiginfo(out, 0, info);
  return out.b;
}

/** Writes struct sigcontext_32 at `at` from pt_regs (setup_sigcontext). */
function writeSigcontext(out: Bytes, at: number, regs: PtRegs, trap: TrapInfo | undefined, oldmask: number, fpstate: number): void {
  const f: Array<[number, number]> = [
    [SC.gs, regs.gs & 0xffff], [SC.fs, regs.fs & 0xffff], [SC.es, regs.es & 0xffff], [SC.ds, regs.ds & 0xffff],
    [SC.di, regs.di], [SC.si, regs.si], [SC.bp, regs.bp], [SC.sp, regs.sp], [SC.bx, regs.bx], [SC.dx, regs.dx],
    [SC.cx, regs.cx], [SC.ax, regs.ax], [SC.trapno, trap?.trapno ?? 0], [SC.err, trap?.err ?? 0], [SC.ip, regs.ip],
    [SC.cs, regs.cs & 0xffff], [SC.flags, regs.flags], [SC.sp_at_signal, regs.sp], [SC.ss, regs.ss & 0xffff],
    [SC.fpstate, fpstate], [SC.oldmask, oldmask], [SC.cr2, trap?.cr2 ?? 0],
  ];
  for (const [off, v] of f) out.u32(at + off, v);
}

/** get_sigframe: the stack the frame goes on, and the frame's address for `size` bytes. */
export function frameAddress(regs: PtRegs, action: SigAction, altstack: AltStack, onAltStack: boolean, size: number, fpu?: FpuState): number {
  return placeFrame(regs, action, altstack, onAltStack, size, fpu).address;
}

/** get_sigframe: the stack (alternate or not), the math frame at its top when there is an FPU, the frame below. */
function placeFrame(regs: PtRegs, action: SigAction, altstack: AltStack, onAltStack: boolean, size: number, fpu: FpuState | undefined): { address: number; math: MathFrame | undefined } {
  let sp = regs.sp >>> 0;
  if (action.flags & SA.ONSTACK && !(altstack.flags & SS_DISABLE) && altstack.size !== 0 && !onAltStack) {
    sp = (altstack.sp + altstack.size) >>> 0;
  }
  const math = fpu ? buildMathFrame(fpu, sp) : undefined;
  if (math) sp = math.address;
  return { address: ((((sp - size + 4) >>> 0) & ~15) - 4) >>> 0, math };
}

/** sas_ss_flags as uc_stack.ss_flags shows it. */
function altstackFlags(altstack: AltStack, onAltStack: boolean): number {
  if (altstack.flags & SS_DISABLE || altstack.size === 0) return SS_DISABLE;
  return (onAltStack ? SS_ONSTACK : 0) | (altstack.flags & SS_AUTODISARM);
}

export interface FrameInput {
  readonly regs: PtRegs;
  readonly info: SigInfo;
  readonly trap: TrapInfo | undefined;
  readonly action: SigAction;
  /** The mask to restore on sigreturn (the blocked set before delivery, or rt_sigsuspend's saved one). */
  readonly oldMask: bigint;
  readonly altstack: AltStack;
  readonly onAltStack: boolean;
  /** The vDSO's __kernel_sigreturn / __kernel_rt_sigreturn, when a vDSO is mapped. */
  readonly vdsoRestorer: number | undefined;
  /** The thread's x87 state, saved above the frame (none: sigcontext.fpstate = 0). */
  readonly fpu?: FpuState;
}

export interface BuiltFrame {
  readonly address: number;
  readonly bytes: Uint8Array;
  /** The return address written at offset 0 and where it came from. */
  readonly pretcode: number;
  readonly restorerFrom: 'SA_RESTORER' | 'vdso' | 'retcode';
  /** Handler registers: eax = signal, edx = &info / 0, ecx = &uc / 0. */
  readonly eax: number;
  readonly edx: number;
  readonly ecx: number;
  /** The x87 state to write above the frame (sigcontext.fpstate points at it). */
  readonly math: MathFrame | undefined;
}

function restorer(input: FrameInput, address: number, retcodeOffset: number): { pretcode: number; from: BuiltFrame['restorerFrom'] } {
  if (input.action.flags & SA.RESTORER) return { pretcode: input.action.restorer, from: 'SA_RESTORER' };
  if (input.vdsoRestorer !== undefined) return { pretcode: input.vdsoRestorer, from: 'vdso' };
  return { pretcode: (address + retcodeOffset) >>> 0, from: 'retcode' };
}

/** struct sigframe (a handler without SA_SIGINFO). */
export function buildSigframe(input: FrameInput): BuiltFrame {
  const { address, math } = placeFrame(input.regs, input.action, input.altstack, input.onAltStack, SIGFRAME.SIZE, input.fpu);
  const out = new Bytes(SIGFRAME.SIZE);
  const { pretcode, from } = restorer(input, address, SIGFRAME.retcode);
  out.u32(SIGFRAME.pretcode, pretcode);
  out.u32(SIGFRAME.sig, input.info.signo);
  writeSigcontext(out, SIGFRAME.sc, input.regs, input.trap, Number(input.oldMask & 0xffffffffn), math?.address ?? 0);
  out.u32(SIGFRAME.extramask, Number((input.oldMask >> 32n) & 0xffffffffn));
  out.set(SIGFRAME.retcode, RETCODE_SIGRETURN);
  return { address, bytes: out.b, pretcode, restorerFrom: from, eax: input.info.signo, edx: 0, ecx: 0, math };
}

/** struct rt_sigframe (a handler with SA_SIGINFO). */
export function buildRtSigframe(input: FrameInput): BuiltFrame {
  const { address, math } = placeFrame(input.regs, input.action, input.altstack, input.onAltStack, RT_SIGFRAME.SIZE, input.fpu);
  const out = new Bytes(RT_SIGFRAME.SIZE);
  const { pretcode, from } = restorer(input, address, RT_SIGFRAME.retcode);
  const info = (address + RT_SIGFRAME.info) >>> 0;
  const uc = (address + RT_SIGFRAME.uc) >>> 0;
  out.u32(RT_SIGFRAME.pretcode, pretcode);
  out.u32(RT_SIGFRAME.sig, input.info.signo);
  out.u32(RT_SIGFRAME.pinfo, info);
  out.u32(RT_SIGFRAME.puc, uc);
  writeSiginfo(out, RT_SIGFRAME.info, input.info);
  out.u32(RT_SIGFRAME.uc_flags, 0);
  out.u32(RT_SIGFRAME.uc_link, 0);
  out.u32(RT_SIGFRAME.uc_stack, input.altstack.sp);
  out.u32(RT_SIGFRAME.uc_stack + 4, altstackFlags(input.altstack, input.onAltStack));
  out.u32(RT_SIGFRAME.uc_stack + 8, input.altstack.size);
  writeSigcontext(out, RT_SIGFRAME.uc_mcontext, input.regs, input.trap, Number(input.oldMask & 0xffffffffn), math?.address ?? 0);
  out.u32(RT_SIGFRAME.uc_sigmask, Number(input.oldMask & 0xffffffffn));
  out.u32(RT_SIGFRAME.uc_sigmask + 4, Number((input.oldMask >> 32n) & 0xffffffffn));
  out.set(RT_SIGFRAME.retcode, RETCODE_RT_SIGRETURN);
  return { address, bytes: out.b, pretcode, restorerFrom: from, eax: input.info.signo, edx: info, ecx: uc, math };
}

/** The registers a sigcontext holds, as restore_sigcontext reads them. */
export interface SavedContext {
  /** sigcontext.fpstate: where the x87 state is, 0 for none. */
  readonly fpstate: number;
  readonly gs: number; readonly fs: number; readonly es: number; readonly ds: number;
  readonly di: number; readonly si: number; readonly bp: number; readonly sp: number;
  readonly bx: number; readonly dx: number; readonly cx: number; readonly ax: number;
  readonly ip: number; readonly cs: number; readonly flags: number; readonly ss: number;
  readonly oldmask: number;
}

/** Reads the 88-byte sigcontext at `at` in `b`. */
export function readSigcontext(b: Uint8Array, at: number): SavedContext {
  const g = (off: number): number => rd32(b, at + off);
  return {
    fpstate: g(SC.fpstate),
    gs: g(SC.gs) & 0xffff, fs: g(SC.fs) & 0xffff, es: g(SC.es) & 0xffff, ds: g(SC.ds) & 0xffff,
    di: g(SC.di), si: g(SC.si), bp: g(SC.bp), sp: g(SC.sp), bx: g(SC.bx), dx: g(SC.dx), cx: g(SC.cx),
    ax: g(SC.ax), ip: g(SC.ip), cs: g(SC.cs) & 0xffff, flags: g(SC.flags), ss: g(SC.ss) & 0xffff, oldmask: g(SC.oldmask),
  };
}

export { rd32 as frameWord };
