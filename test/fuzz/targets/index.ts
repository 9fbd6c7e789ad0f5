// Owns the list of fuzz targets `npm run fuzz` and test/fuzz/fuzz.test.ts run, in order.
import type { FuzzTarget } from '../target';
import { cfiTarget, debugInfoTarget, debugLineTarget, decoderTarget, dwarfExpressionTarget, elfTarget, lz4Target } from './readers';
import { asmTarget, cppTarget } from './sources';
import { dapTarget, lspTarget } from './servers';
import { guestAbiTarget, guestLoadTarget } from './guest-abi';

export const TARGETS: readonly FuzzTarget<never>[] = [
  elfTarget, cfiTarget, dwarfExpressionTarget, debugLineTarget, debugInfoTarget, lz4Target, decoderTarget,
  cppTarget, asmTarget, dapTarget, lspTarget, guestLoadTarget, guestAbiTarget,
] as readonly FuzzTarget<unknown>[] as unknown as readonly FuzzTarget<never>[];
