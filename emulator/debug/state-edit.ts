// Owns changing a stopped process from the debugger: a register (eax..edi, eip, eflags),
// one EFLAGS bit by name (the bits a user program may change, as popf at CPL 3 lets it),
// and guest memory (written whatever the page protection, as ptrace's POKEDATA does; code
// compiled from the bytes is dropped by the memory's code-write events).
import type { Memory } from '../memory/memory';
import { AC, AF, CF, DF, ID, IF, NT, OF, PF, RF, SF, TF, ZF, USER_WRITABLE_FLAGS, type CpuState } from '../x86/state';
import { GPR_NAMES } from './inspect';

/** EFLAGS bits the Variables view shows, in bit order. */
export const EFLAGS_BITS: ReadonlyArray<{ readonly name: string; readonly mask: number }> = [
  { name: 'CF', mask: CF }, { name: 'PF', mask: PF }, { name: 'AF', mask: AF }, { name: 'ZF', mask: ZF }, { name: 'SF', mask: SF },
  { name: 'TF', mask: TF }, { name: 'IF', mask: IF }, { name: 'DF', mask: DF }, { name: 'OF', mask: OF }, { name: 'NT', mask: NT },
  { name: 'RF', mask: RF }, { name: 'AC', mask: AC }, { name: 'ID', mask: ID },
];

/** Sets a 32-bit register of frame 0; throws with one line for a register that cannot be set. */
export function setRegister(state: CpuState, name: string, value: number): void {
  const i = (GPR_NAMES as readonly string[]).indexOf(name);
  if (i >= 0) state.r[i] = value | 0;
  else if (name === 'eip') state.eip = value >>> 0;
  else if (name === 'eflags') state.eflags = ((state.eflags & ~USER_WRITABLE_FLAGS) | (value & USER_WRITABLE_FLAGS)) >>> 0;
  else throw new Error(`${name} cannot be set here: give eax..edi, eip or eflags (segment selectors are the kernel's)`);
}

/** Sets or clears one EFLAGS bit by name; IF and RF stay the kernel's. */
export function setEflagsBit(state: CpuState, bit: string, on: boolean): void {
  const b = EFLAGS_BITS.find((x) => x.name === bit.toUpperCase());
  if (!b) throw new Error(`no EFLAGS bit '${bit.slice(0, 20)}' (${EFLAGS_BITS.map((x) => x.name).join(' ')})`);
  if (!(b.mask & USER_WRITABLE_FLAGS)) throw new Error(`${b.name} cannot be changed from user mode`);
  state.eflags = on ? (state.eflags | b.mask) >>> 0 : (state.eflags & ~b.mask) >>> 0;
}

/** Writes `bytes` at `address` up to the first unmapped byte; returns how many were written. */
export function writeGuestMemory(memory: Memory, address: number, bytes: Uint8Array): number {
  const fault = memory.poke(address >>> 0, bytes);
  if (!fault) return bytes.length;
  const n = (fault.address - address) >>> 0;
  if (n > 0 && n < bytes.length) memory.poke(address >>> 0, bytes.subarray(0, n));
  return n < bytes.length ? n : 0;
}
