// Owns the one handler signature every semantics family uses: an emitter of JavaScript for
// one decoded instruction, keyed by the table's semantic id (Op).
import type { Op } from '../../toolchain/isa/ops';
import type { Emitter } from './emit';

export type Semantics = (e: Emitter) => void;
export type SemanticsTable = Partial<Record<Op, Semantics>>;
