// Owns the x87's memory operands: reading each format (real32, real64, real80, int16/32/64,
// packed BCD, the state images) through the guest memory, and writing them back all or
// nothing (a store that would fault records the fault and writes no byte), so that an
// instruction that faults leaves the FPU and memory as they were.
import type { Memory } from '../../memory/memory';
import { bitLength, Ctx, DE, fromBytes, fromIeee, type F80 } from './float80';
import { fromBcd, fromInt } from './arith';

/** Memory formats of x87 operands. */
export const enum Format { Real32, Real64, Real80, Int16, Int32, Int64, Bcd }

export const FORMAT_SIZE: readonly number[] = [4, 8, 10, 2, 4, 8, 10];

/** Reads `n` bytes (0 length on a page fault, recorded in memory's event word). */
export function readBytes(m: Memory, ea: number, n: number): Uint8Array | null {
  const out = new Uint8Array(n);
  for (let k = 0; k < n; k++) {
    out[k] = m.rd8((ea + k) | 0);
    if (m.ev & 1) return null;
  }
  return out;
}

/** Writes all bytes, or none: a fault is recorded at the first byte that cannot be written. */
export function writeBytes(m: Memory, ea: number, b: Uint8Array): boolean {
  if (!m.canWrite(ea >>> 0, b.length)) {
    for (let k = 0; k < b.length; k++) {
      if (!m.canWrite((ea + k) >>> 0, 1)) { m.wr8((ea + k) | 0, 0); break; }
    }
    return false;
  }
  for (let k = 0; k < b.length; k++) m.wr8((ea + k) | 0, b[k]!);
  return (m.ev & 1) === 0;
}

function le(b: Uint8Array): bigint {
  let v = 0n;
  for (let k = b.length - 1; k >= 0; k--) v = (v << 8n) | BigInt(b[k]!);
  return v;
}

export function leBytes(v: bigint, n: number): Uint8Array {
  const out = new Uint8Array(n);
  let x = BigInt.asUintN(8 * n, v);
  for (let k = 0; k < n; k++) { out[k] = Number(x & 0xffn); x >>= 8n; }
  return out;
}

/**
 * The value of a memory operand in `format`, exactly. DE is raised (in ctx) for a denormal
 * real32/real64 source, as the x87 does when such an operand enters an arithmetic operation.
 */
export function decodeOperand(ctx: Ctx, b: Uint8Array, format: Format): F80 {
  switch (format) {
    case Format.Real32: {
      const bits = le(b);
      if ((bits & 0x7f800000n) === 0n && (bits & 0x7fffffn) !== 0n) ctx.flags |= DE;
      return fromIeee(bits, 8, 23);
    }
    case Format.Real64: {
      const bits = le(b);
      if ((bits & 0x7ff0000000000000n) === 0n && (bits & 0xfffffffffffffn) !== 0n) ctx.flags |= DE;
      return fromIeee(bits, 11, 52);
    }
    case Format.Real80: return fromBytes(b);
    case Format.Int16: return fromInt(BigInt.asIntN(16, le(b)));
    case Format.Int32: return fromInt(BigInt.asIntN(32, le(b)));
    case Format.Int64: return fromInt(BigInt.asIntN(64, le(b)));
    case Format.Bcd: return fromBcd(b);
  }
}

export { bitLength };
