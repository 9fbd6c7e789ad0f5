// Owns recognizing a Linux i386 signal trampoline by its code where no CFI covers it (glibc's
// static __restore/__restore_rt have none), as gdb's i386 Linux sigtramp unwinder does: the
// sigreturn sequence `58 b8 77 00 00 00 cd 80` or the rt_sigreturn sequence
// `b8 ad 00 00 00 cd 80`, with pc at any of their instructions; then the interrupted
// registers are read from the struct sigcontext (layout in docs/kernel-facts.md §5).
import { regname } from './registers';
import { UNWIND_REGISTER_COUNT, type FrameSigtramp, type MemoryReader, type RegisterOrigin, type RegisterValues } from './unwind-types';

const SIGRETURN = [0x58, 0xb8, 0x77, 0x00, 0x00, 0x00, 0xcd, 0x80];
const RT_SIGRETURN = [0xb8, 0xad, 0x00, 0x00, 0x00, 0xcd, 0x80];
/** Byte offsets of each instruction in the sequences: where pc may be. */
const SIGRETURN_STARTS = [0, 1, 6];
const RT_SIGRETURN_STARTS = [0, 5];

/** struct sigcontext_32 offsets by DWARF register number (eax ecx edx ebx esp ebp esi edi eip eflags). */
const SIGCONTEXT_OFFSETS = [44, 40, 36, 32, 28, 24, 20, 16, 56, 64];
/** offsetof(struct ucontext, uc_mcontext) on i386: uc_flags, uc_link, uc_stack (12 bytes). */
const UC_MCONTEXT = 20;

function matchesAt(memory: MemoryReader, start: number, bytes: readonly number[]): boolean {
  for (let i = 0; i < bytes.length; i++) {
    if (memory.readMemory((start + i) >>> 0, 1) !== bytes[i]) return false;
  }
  return true;
}

/** Which sequence pc is in, and the offset of pc from the sequence's start; undefined if none. */
export function recognizeSigtramp(memory: MemoryReader, pc: number): { kind: FrameSigtramp['kind']; offset: number } | undefined {
  for (const offset of SIGRETURN_STARTS) {
    if (matchesAt(memory, pc - offset, SIGRETURN)) return { kind: 'sigreturn', offset };
  }
  for (const offset of RT_SIGRETURN_STARTS) {
    if (matchesAt(memory, pc - offset, RT_SIGRETURN)) return { kind: 'rt_sigreturn', offset };
  }
  return undefined;
}

export type SigtrampStep =
  | { readonly ok: true; readonly sigtramp: FrameSigtramp; readonly cfa: number; readonly caller: RegisterValues; readonly origins: readonly RegisterOrigin[] }
  | { readonly ok: false; readonly address: number; readonly what: string };

/**
 * The interrupted registers of a trampoline frame whose esp is `sp`. The handler's `ret` has
 * popped pretcode, so sp points at the frame's `sig`: the sigframe's sigcontext follows it
 * (sp + 4, or sp once `pop %eax` ran); the rt_sigframe's `puc` pointer is at sp + 8.
 * The frame's CFA is the interrupted esp (sigcontext.sp), as the vDSO's CFI defines it.
 */
export function sigtrampStep(memory: MemoryReader, sp: number, found: { kind: FrameSigtramp['kind']; offset: number }): SigtrampStep {
  let sigcontext: number;
  if (found.kind === 'sigreturn') {
    sigcontext = (found.offset === 0 ? sp + 4 : sp) >>> 0;
  } else {
    const puc = memory.readMemory((sp + 8) >>> 0, 4);
    if (puc === undefined) return { ok: false, address: (sp + 8) >>> 0, what: 'the rt_sigframe puc pointer' };
    sigcontext = (puc + UC_MCONTEXT) >>> 0;
  }
  const caller: number[] = [];
  for (let reg = 0; reg < UNWIND_REGISTER_COUNT; reg++) {
    const address = (sigcontext + SIGCONTEXT_OFFSETS[reg]!) >>> 0;
    const v = memory.readMemory(address, 4);
    if (v === undefined) return { ok: false, address, what: `the sigcontext slot of register ${regname(reg, true)}` };
    caller.push(v >>> 0);
  }
  const origins: RegisterOrigin[] = new Array(UNWIND_REGISTER_COUNT).fill('sigcontext');
  return { ok: true, sigtramp: { kind: found.kind, sigcontext }, cfa: caller[4]!, caller, origins };
}
