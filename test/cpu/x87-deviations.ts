// Owns the one list of where qemu-i386 7.2 (the oracle of the x87 differential test) differs
// from what Intel documents and the emulator does, each with its reason; the comparison
// (x87-harness.ts) leaves exactly these out and nothing else.
import { Op } from '../../toolchain/isa/ops';

/**
 * 1. FOP, the last non-control instruction's opcode: qemu does not record it (stores 0);
 *    the emulator stores it as Intel parts do (bits 16-26 of the fourth environment dword,
 *    bytes 6-7 of the fxsave area).
 * 2. The reserved upper halves of the 32-bit environment's control, status and tag words and
 *    of the data selector: qemu stores 0; Intel parts (and Linux's fpstate) store 0xffff.
 * Both are bytes of a stored environment (fnstenv/fnsave at offset 0).
 */
export const IGNORED_IMAGE_BYTES: ReadonlySet<number> = new Set([2, 3, 6, 7, 10, 11, 18, 19, 26, 27]);

/**
 * 3. C1: qemu leaves it as it was after arithmetic, loads, stores and compares; Intel sets it
 *    to the rounding direction (1: rounded up) or clears it, and to 1/0 for stack
 *    overflow/underflow, as the emulator does. C1 is compared only for the instructions
 *    where qemu defines it.
 * 4. Stack faults: qemu ignores the tag word for operands and pushes (an empty register is read
 *    as the value it holds, a push onto a full stack overwrites), so no IE/SF and no QNaN
 *    indefinite; the emulator raises the invalid-operation stack fault as Intel does. The
 *    generator keeps every register an instruction reads in use and ST(7) free for pushes.
 */
export const C1_KEPT: ReadonlySet<Op> = new Set([Op.Fxam, Op.Fprem]);

/**
 * 6. DE (denormal operand): qemu never raises it; Intel and the emulator do for a denormal
 *    operand of an arithmetic, compare or store instruction. Not compared.
 * 7. Precision control: qemu also rounds conversions to it (fild, fbld, fld of a denormal
 *    m32/m64, fprem's remainder), and with a directed rounding mode and a reduced precision
 *    rounds a difference whose subtrahend lies wholly below the rounding position one unit too
 *    far (-1075658545 + 2^-38 at 24 bits toward zero gives 0x803a7d instead of 0x803a7e).
 *    Intel applies it only to fadd/fsub/fmul/fdiv/fsqrt results; the generator uses a
 *    reduced precision only for those, and only with round to nearest.
 * 8. fcomi/fcomip/fucomi/fucomip: qemu leaves OF SF AF as they were; Intel clears them.
 * 9. fsin/fcos/fsincos/fptan: qemu does not raise PE (its results come from the host's libm).
 *    fyl2x: Intel parts raise PE even when the product is exact (y × log2 of a power of two:
 *    the host processor gives sw 0x3820 for y × log2(2)), as the emulator does; qemu raises it
 *    only for an inexact result.
 * 10. FIP: qemu does not record fnop as the last instruction but does record fnstsw %ax;
 *    the emulator follows the SDM's list of control instructions (fnstsw is one, fnop is not).
 *    qemu also records fneni, fndisi and fnsetpm (and their waiting forms), which a 387 or
 *    later ignores entirely: on this project's Intel hosts they leave FIP at the previous
 *    x87 instruction, as the emulator does.
 */
export const STATUS_IGNORED = 0x02;
/**
 * 11. fprem1: qemu leaves the quotient bits C0 C3 C1 at 0 (5044 rem1 5 gives q = 1009, C1 = 1
 *    on Intel and in the emulator; qemu reports 0); the remainder itself agrees.
 */
export const QUOTIENT_IGNORED: ReadonlySet<Op> = new Set([Op.Fprem1]);

/*
 * 12. Two NaN operands, one of them an m32/m64 memory operand (fadd..fdivr with a real memory
 *    source): qemu returns the memory operand's NaN (quieted) whatever the significands; the
 *    emulator applies the SDM's rule for two NaNs (the larger significand) as it does for two
 *    registers, where qemu agrees. The generator never pairs a NaN in memory with a NaN in ST(0).
 */
export const EFLAGS_IGNORED: ReadonlySet<Op> = new Set([Op.Fcomi, Op.Fcomip, Op.Fucomi, Op.Fucomip]);
export const NO_PE: ReadonlySet<Op> = new Set([Op.Fsin, Op.Fcos, Op.Fsincos, Op.Fptan, Op.Fyl2x]);
export const FIP_IGNORED: ReadonlySet<Op> = new Set([Op.Fnop, Op.Fnstsw, Op.Fneni, Op.Fndisi, Op.Fnsetpm]);

/**
 * 5. The transcendental instructions: qemu computes fsin, fcos, fsincos and fptan through the
 *    host's double-precision libm (53 bits, then widened), and f2xm1, fyl2x, fyl2xp1 and
 *    fpatan with its own extended-precision approximations; Intel's results are within about
 *    one unit in the last place of the 64-bit significand, and the emulator's are correctly
 *    rounded. For these the registers are compared to the relative accuracy below (bits),
 *    and C1 (the rounding direction) is not compared; everything else is exact. Because qemu
 *    first rounds the argument of fsin/fcos/fsincos/fptan to a double (and returns through a
 *    double: a NaN loses its low payload bits, a denormal result becomes 0, ±infinity is
 *    taken as out of range with C2 = 1 instead of IE), the generator gives these finite
 *    arguments of at most 53 significant bits between 2^-20 and 2^20.
 */
export const APPROXIMATE: ReadonlyMap<Op, number> = new Map([
  [Op.Fsin, 50], [Op.Fcos, 50], [Op.Fsincos, 50], [Op.Fptan, 50],
  [Op.F2xm1, 60], [Op.Fyl2x, 60], [Op.Fyl2xp1, 60], [Op.Fpatan, 60],
]);

function parse(hex: string): { sign: number; exp: number; mant: bigint } {
  const se = parseInt(hex.slice(0, 4), 16);
  return { sign: se >> 15, exp: se & 0x7fff, mant: BigInt('0x' + hex.slice(4)) };
}

/** Are two 80-bit register images (hex, high byte first) within the op's accuracy? */
export function closeEnough(op: Op, x: string, y: string): boolean {
  const bits = APPROXIMATE.get(op);
  if (bits === undefined) return false;
  const a = parse(x);
  const b = parse(y);
  if (a.sign !== b.sign || a.exp === 0x7fff || b.exp === 0x7fff) return false;
  const ea = Math.max(a.exp, 1);
  const eb = Math.max(b.exp, 1);
  const base = Math.min(ea, eb);
  const va = a.mant << BigInt(ea - base);
  const vb = b.mant << BigInt(eb - base);
  const diff = va > vb ? va - vb : vb - va;
  const mag = va > vb ? va : vb;
  return diff === 0n || diff << BigInt(bits) <= mag;
}
