// The evaluator's bounded failures: every way an expression can go wrong ends in a reason
// naming the operation's byte offset (or the address), never a hang or an exception. The
// expressions are decoded from bytes by toolchain/dwarf/expression.ts, as the unwinder does.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ByteReader } from '../../toolchain/dwarf/byte-reader';
import { decodeExpression } from '../../toolchain/dwarf/expression';
import { describeFailure, evaluateExpression, type EvaluationTarget } from '../../toolchain/dwarf/evaluate';

function expr(bytes: number[]) {
  const data = new Uint8Array(bytes);
  return decodeExpression(new ByteReader(data, 'test', '.eh_frame'), data.length, { addressSize: 4, sectionAddress: 0 });
}

const target: EvaluationTarget = {
  readRegister: (reg) => (reg === 4 ? 0x1000 : undefined),
  readMemory: (address) => (address >= 0x1000 && address < 0x1100 ? 0x55 : undefined),
};

test('failures carry their reason and the offending operation offset', () => {
  const cases: [string, number[], object][] = [
    ['a backward bra loop', [0x31, 0x28, 0xfc, 0xff], { kind: 'step-limit', steps: 100 }],
    ['deref outside memory (esp - 1 + esp)', [0x74, 0x7f, 0x74, 0x00, 0x22, 0x06], { kind: 'unreadable-memory', address: 0x1fff, size: 4, at: 5 }],
    ['drop on an empty stack', [0x96, 0x13], { kind: 'stack-underflow', at: 1, name: 'DW_OP_drop' }],
    ['a skip into the middle of an operation', [0x2f, 0x01, 0x00, 0x08, 0x05], { kind: 'bad-op', at: 0, name: 'DW_OP_skip', detail: 'target offset 4 is not the start of an operation' }],
    ['an unknown register', [0x75, 0x00], { kind: 'unknown-register', reg: 5, at: 0 }],
    ['division by zero', [0x31, 0x30, 0x1b], { kind: 'division-by-zero', at: 2, name: 'DW_OP_div' }],
    ['an operation not valid in CFI', [0x91, 0x00], { kind: 'bad-op', at: 0, name: 'DW_OP_fbreg', detail: 'not supported in call frame information' }],
    ['a register location that is not last', [0x50, 0x31], { kind: 'bad-op', at: 0, name: 'DW_OP_reg0', detail: 'a register location must be the last operation' }],
    ['DW_OP_call_frame_cfa while computing the CFA', [0x9c], { kind: 'bad-op', at: 0, name: 'DW_OP_call_frame_cfa', detail: 'no CFA is known here (not valid while computing the CFA)' }],
    ['an empty expression', [], { kind: 'empty-stack' }],
  ];
  for (const [what, bytes, failure] of cases) {
    const r = evaluateExpression(expr(bytes), target, { maxSteps: 100 });
    assert.equal(r.ok, false, what);
    if (!r.ok) {
      assert.deepEqual(r.failure, failure, what);
      assert.ok(describeFailure(r.failure).length > 0);
    }
  }
});

test('the stack limit bounds a pushing loop', () => {
  // lit1; dup; skip back to dup: the stack grows until the limit.
  const r = evaluateExpression(expr([0x31, 0x12, 0x2f, 0xfc, 0xff]), target, { maxStack: 64 });
  assert.deepEqual(r, { ok: false, failure: { kind: 'stack-overflow', at: 1, name: 'DW_OP_dup' } });
});
