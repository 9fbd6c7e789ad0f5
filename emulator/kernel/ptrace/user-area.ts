// Owns the tracer's view of a stopped task's registers (docs/kernel-facts.md §12): getreg and
// putreg over struct user_regs_struct (segment selectors must have RPL 3, cs/ss may not be
// null: EIO; eflags takes only FLAG_MASK and hides or keeps a TF the tracer forced),
// PEEKUSER/POKEUSER over struct user (the registers, u_debugreg[0..7], the rest reads 0; a
// misaligned or out-of-range offset is EIO; writing the other fields is EIO on a 32-bit
// kernel and ignored by the compat code of a 64-bit one, which also accepts the offset just
// past the end), GETREGS/SETREGS, and the x87 state as struct user_i387_struct (the fsave
// image) and struct user_fxsr_struct (the fxsave image).
import { E } from '../linux-abi';
import type { Process } from '../process';
import type { PtRegs } from '../seams';
import { FLAG_MASK, USER_DEBUGREG, USER_FXSR_SIZE, USER_REGS, USER_REGS_SIZE, USER_SIZE } from './abi';
import type { Tracee } from './tracee';

const TF = 0x100;
const SEGMENTS = new Set<keyof PtRegs>(['ds', 'es', 'fs', 'gs', 'cs', 'ss']);

/** getreg: the value at `offset` (a multiple of 4 below USER_REGS_SIZE). */
export function getreg(t: Tracee, regs: PtRegs, offset: number): number {
  const field = USER_REGS[offset >> 2]!;
  const v = regs[field];
  if (field === 'flags') return (t.forcedTF ? v & ~TF : v) >>> 0;
  if (SEGMENTS.has(field)) return v & 0xffff;
  return v >>> 0;
}

/** putreg: 0, or -EIO for a selector the kernel refuses. */
export function putreg(t: Tracee, regs: PtRegs, offset: number, value: number): number {
  const field = USER_REGS[offset >> 2]!;
  value >>>= 0;
  if (SEGMENTS.has(field)) {
    const sel = value & 0xffff;
    if (sel !== 0 && (sel & 3) !== 3) return -E.EIO;
    if ((field === 'cs' || field === 'ss') && sel === 0) return -E.EIO;
    regs[field] = sel;
    return 0;
  }
  if (field === 'flags') {
    // set_flags: a TF the tracer writes is its own; one it forced stays while it steps.
    if (value & TF) t.forcedTF = false;
    else if (t.forcedTF) value |= TF;
    regs.flags = ((regs.flags & ~FLAG_MASK) | (value & FLAG_MASK)) >>> 0;
    return 0;
  }
  regs[field] = field === 'ax' || field === 'orig_ax' ? value | 0 : value;
  return 0;
}

function offsetValid(p: Process, offset: number): boolean {
  if (offset & 3) return false;
  return p.options.kernel === 'native32' ? offset < USER_SIZE : offset <= USER_SIZE;
}

/** PEEKUSER: the word at `offset` of struct user, or -EIO. */
export function peekUser(p: Process, t: Tracee, regs: PtRegs, offset: number): { value: number } | { error: number } {
  if (!offsetValid(p, offset)) return { error: -E.EIO };
  if (offset < USER_REGS_SIZE) return { value: getreg(t, regs, offset) };
  if (offset >= USER_DEBUGREG && offset < USER_DEBUGREG + 32) return { value: t.debug.read((offset - USER_DEBUGREG) >> 2) };
  return { value: 0 };
}

/** POKEUSER: 0 or -errno. */
export function pokeUser(p: Process, t: Tracee, regs: PtRegs, offset: number, value: number): number {
  if (!offsetValid(p, offset)) return -E.EIO;
  if (offset < USER_REGS_SIZE) return putreg(t, regs, offset, value);
  if (offset >= USER_DEBUGREG && offset < USER_DEBUGREG + 32) return t.debug.write((offset - USER_DEBUGREG) >> 2, value, p.cpu);
  return p.options.kernel === 'native32' ? -E.EIO : 0;
}

/** GETREGS: struct user_regs_struct. */
export function userRegs(t: Tracee, regs: PtRegs): Uint8Array {
  const b = new Uint8Array(USER_REGS_SIZE);
  const v = new DataView(b.buffer);
  for (let off = 0; off < USER_REGS_SIZE; off += 4) v.setUint32(off, getreg(t, regs, off), true);
  return b;
}

/** SETREGS: every register through putreg, in order; the first refusal stops it (earlier ones stay). */
export function setUserRegs(t: Tracee, regs: PtRegs, b: Uint8Array): number {
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  for (let off = 0; off < USER_REGS_SIZE; off += 4) {
    const r = putreg(t, regs, off, v.getUint32(off, true));
    if (r < 0) return r;
  }
  return 0;
}

/** GETFPXREGS: the 512-byte fxsave image (the xmm registers the model does not have read 0). */
export function fxsrImage(p: Process): Uint8Array {
  const b = new Uint8Array(USER_FXSR_SIZE);
  b.set(p.cpu.state.fpu.fxsaveArea());
  return b;
}
