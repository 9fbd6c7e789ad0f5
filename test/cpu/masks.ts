// Owns the differential test's list of flags it does not compare, each with its reason: where
// the Intel SDM leaves a flag undefined AND qemu-i386 (the oracle) is known to produce a value
// different from the Intel behaviour the emulator reproduces (emulator/x86/undefined-flags.ts).
// A flag in a mask is ignored from that instruction until an instruction defines it again;
// the generator never places an instruction that reads a masked flag while it is masked.
import { AF, CF, OF, Op, PF, SF, ZF } from '../../toolchain/isa/ops';

export interface FlagMask {
  readonly op: Op;
  readonly flags: number;
  readonly reason: string;
}

export const QEMU_FLAG_MASKS: readonly FlagMask[] = [];

void [AF, CF, OF, PF, SF, ZF];

/** Flags masked after `op`. */
export function maskedAfter(op: Op): number {
  let m = 0;
  for (const x of QEMU_FLAG_MASKS) if (x.op === op) m |= x.flags;
  return m;
}
