// Owns copying to and from guest memory the way copy_to_user/copy_from_user do for the
// signal code and the entry paths: all or nothing, honouring the page permissions, and
// reporting the first address that failed instead of throwing.
import type { Memory } from '../../memory/memory';
import { PROT_READ } from '../../memory/memory';

/** Reads `length` bytes, or the address that could not be read. */
export function copyFromUser(memory: Memory, address: number, length: number): Uint8Array | { fault: number } {
  const r = memory.read(address >>> 0, length, PROT_READ);
  if (!(r instanceof Uint8Array)) return { fault: r.address };
  memory.touch(address >>> 0, length);
  return r;
}

/** A 32-bit read, or the faulting address. */
export function getUser32(memory: Memory, address: number): { value: number } | { fault: number } {
  const v = memory.peekU32(address);
  if (v >= 0) return { value: v };
  const r = copyFromUser(memory, address, 4);
  return r instanceof Uint8Array ? { value: (r[0]! | (r[1]! << 8) | (r[2]! << 16) | (r[3]! << 24)) >>> 0 } : r;
}

/** Writes all bytes or none; returns the first unwritable address, or undefined on success. */
export function copyToUser(memory: Memory, address: number, bytes: Uint8Array): number | undefined {
  // Unsigned page numbers: (a >>> 12) << 12 would be negative above 2 GiB, and the loop
  // would then walk every page below the stack.
  const start = address >>> 0;
  const end = start + bytes.length;
  for (let page = Math.floor(start / 4096) * 4096; page < end; page += 4096) {
    const from = Math.max(page, start);
    if (!memory.canWrite(from, 1)) return from;
  }
  memory.poke(start, bytes);
  return undefined;
}
