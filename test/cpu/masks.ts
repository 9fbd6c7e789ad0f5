// Owns the differential test's list of flags it does not compare, each with its reason: where
// the Intel SDM leaves a flag undefined AND qemu-i386 (the oracle) is known to produce a value
// different from the Intel behaviour the emulator reproduces (emulator/x86/undefined-flags.ts).
// A flag in a mask is ignored from that instruction until an instruction defines it again;
// the generator never places an instruction that reads a masked flag while it is masked.
import { AF, OF, Op, PF, SF } from '../../toolchain/isa/ops';

export interface FlagMask {
  readonly op: Op;
  readonly flags: number;
  readonly reason: string;
}

const BT_REASON = 'bt/bts/btr/btc leave OF SF AF PF undefined; the emulator keeps them (as Intel parts do), ' +
  'qemu recomputes them from its lazy state of the previous operation (AF and OF change)';

export const QEMU_FLAG_MASKS: readonly FlagMask[] = [
  { op: Op.Bt, flags: OF | SF | AF | PF, reason: BT_REASON },
  { op: Op.Bts, flags: OF | SF | AF | PF, reason: BT_REASON },
  { op: Op.Btr, flags: OF | SF | AF | PF, reason: BT_REASON },
  { op: Op.Btc, flags: OF | SF | AF | PF, reason: BT_REASON },
];


/** Flags masked after `op`. */
export function maskedAfter(op: Op): number {
  let m = 0;
  for (const x of QEMU_FLAG_MASKS) if (x.op === op) m |= x.flags;
  return m;
}
