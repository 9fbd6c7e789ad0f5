// Owns the flat dispatch table: semantic id (Op) -> the one emitter of that operation's
// semantics, joined from the family files. Both the block compiler and the one-instruction
// slow path look instructions up here; nothing else describes what an instruction does.
import { OP_COUNT, Op } from '../../toolchain/isa/ops';
import { aluSemantics } from './sem-alu';
import { bitSemantics } from './sem-bits';
import { controlSemantics } from './sem-control';
import { moveSemantics } from './sem-move';
import { mulDivSemantics } from './sem-muldiv';
import { segmentSemantics } from './sem-segment';
import { shiftSemantics } from './sem-shift';
import { stackSemantics } from './sem-stack';
import { stringSemantics } from './sem-string';
import { systemSemantics } from './sem-system';
import { x87Semantics } from './sem-x87';
import type { Semantics } from './semantics-types';

export const SEMANTICS: readonly (Semantics | undefined)[] = (() => {
  const table: (Semantics | undefined)[] = new Array(OP_COUNT).fill(undefined);
  for (const family of [aluSemantics, bitSemantics, controlSemantics, moveSemantics, mulDivSemantics, segmentSemantics, shiftSemantics,
    stackSemantics, stringSemantics, systemSemantics, x87Semantics]) {
    for (const [op, sem] of Object.entries(family)) table[Number(op)] = sem;
  }
  return table;
})();

/** Semantic ids with no emitter (should be none; the tests check). */
export function uncoveredOps(): string[] {
  const out: string[] = [];
  for (let op = 0; op < OP_COUNT; op++) if (!SEMANTICS[op]) out.push(Op[op]!);
  return out;
}
