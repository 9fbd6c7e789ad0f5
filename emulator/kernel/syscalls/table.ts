// Owns the shape of a system call row (docs/style.md, pattern 11: number, name, arity, handler,
// trace formatter) and the helpers handlers share: arguments from pt_regs, copies to and
// from user memory (EFAULT instead of a host exception), C strings with a bound.
import { PROT_READ, PROT_WRITE } from '../../memory/memory';
import type { PtRegs } from '../seams';
import { E, le32 } from '../linux-abi';
import type { Process } from '../process';

/**
 * Argument kinds for the trace: i signed int, u unsigned, x hex (pointer, flags), o octal
 * (modes), s C string in user memory, f fd, P a ptrace request (its name), A and D ptrace's
 * addr and data (named as the request reads them: a struct user field, a signal, options).
 */
export type ArgKind = 'i' | 'u' | 'x' | 'o' | 's' | 'f';

export interface SyscallRow {
  readonly nr: number;
  readonly name: string;
  /** The argument kinds, one per argument (the arity is its length). */
  readonly args: string;
  readonly handler: (p: Process, regs: PtRegs) => number;
  /** The call restores a whole user context (sigreturn): the value it leaves in ax is the context's eax. */
  readonly restoresContext?: boolean;
  /**
   * The call only reads the task's identity or a clock and writes its result: it never
   * blocks, signals, schedules, arms a timer or changes a mapping, so the run loop may finish
   * it without leaving the CPU's run (RunLoop's in-place path).
   */
  readonly inline?: boolean;
  /**
   * What of this call the model does not emulate for `p` (its kernel), or undefined: the run
   * loop then stops before entering the kernel (RunResult 'unemulated') with the task as it was.
   */
  readonly unemulated?: (p: Process) => string | undefined;
}

export function row(nr: number, name: string, args: string, handler: (p: Process, regs: PtRegs) => number, restoresContext?: boolean): SyscallRow {
  return restoresContext ? { nr, name, args, handler, restoresContext } : { nr, name, args, handler };
}

/** A row whose call is `inline` (see SyscallRow). */
export function inlineRow(nr: number, name: string, args: string, handler: (p: Process, regs: PtRegs) => number): SyscallRow {
  return { nr, name, args, handler, inline: true };
}

/** Argument n (0..5: bx cx dx si di bp) as an unsigned 32-bit number. */
export function arg(regs: PtRegs, n: number): number {
  switch (n) {
    case 0: return regs.bx >>> 0;
    case 1: return regs.cx >>> 0;
    case 2: return regs.dx >>> 0;
    case 3: return regs.si >>> 0;
    case 4: return regs.di >>> 0;
    default: return regs.bp >>> 0;
  }
}

/** Argument n as a signed 32-bit number. */
export function sarg(regs: PtRegs, n: number): number {
  return arg(regs, n) | 0;
}

/** copy_from_user: the bytes, or undefined when some page is not readable. */
export function copyIn(p: Process, address: number, length: number): Uint8Array | undefined {
  if (length === 0) return new Uint8Array(0);
  if (address === 0 || address + length > 2 ** 32) return undefined;
  const r = p.memory.read(address >>> 0, length, PROT_READ);
  if (!(r instanceof Uint8Array)) return undefined;
  p.memory.touch(address >>> 0, length);
  return r;
}

/** copy_to_user: false when some page is not writable by the user. */
export function copyOut(p: Process, address: number, bytes: Uint8Array): boolean {
  if (bytes.length === 0) return true;
  if (address === 0 || address + bytes.length > 2 ** 32) return false;
  if (!p.memory.canWrite(address >>> 0, bytes.length)) return false;
  return p.memory.poke(address >>> 0, bytes) === null;
}

export function readU32(p: Process, address: number): number | undefined {
  const b = copyIn(p, address, 4);
  return b ? le32(b, 0) : undefined;
}

export function writeU32(p: Process, address: number, value: number): boolean {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, value >>> 0, true);
  return copyOut(p, address, b);
}

/** A NUL-terminated string of at most `max` bytes: the text, -EFAULT or -ENAMETOOLONG. */
export function readCString(p: Process, address: number, max = 4096): string | number {
  const bytes: number[] = [];
  let at = address >>> 0;
  if (at === 0) return -E.EFAULT;
  while (bytes.length < max) {
    const chunk = Math.min(256, 4096 - (at & 4095));
    const b = p.memory.read(at, chunk, PROT_READ);
    if (!(b instanceof Uint8Array)) return -E.EFAULT;
    p.memory.touch(at, chunk);
    const nul = b.indexOf(0);
    if (nul >= 0) {
      bytes.push(...b.subarray(0, nul));
      return new TextDecoder().decode(Uint8Array.from(bytes.slice(0, max)));
    }
    bytes.push(...b);
    at = (at + chunk) >>> 0;
  }
  return -E.ENAMETOOLONG;
}

export { PROT_READ, PROT_WRITE };
