// DWARF expression evaluation (toolchain/dwarf/evaluate.ts, through the unwinder) against gdb's
// own evaluator: three assembly functions written here describe seven of their caller's
// registers each with DW_CFA_val_expression rules (.cfi_escape) covering the CFI operation set
// (lit, const1u/1s/2u/4u, breg, bregx, reg, dup, drop, over, pick, swap, rot, deref, deref_size,
// plus, plus_uconst, minus, mul, div, mod, and, or, xor, not, neg, abs, shl, shr, shra, the
// comparisons, bra and skip forward to an operation and to the end, nop). readelf must decode
// each expression to the same operations as our decoder; the program runs under qemu-i386, gdb
// stops in the innermost function, and the registers gdb computes for each frame must equal ours.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildC, readBytes, readelf } from '../support/oracles';
import { parseElf32 } from '../../toolchain/elf/reader';
import { unwindImageFromElf } from '../../toolchain/dwarf/unwind-image';
import { gdbSnapshots } from './gdb-oracle';
import { compareWithGdb, replay } from './compare';

const lit = (n: number): number[] => [0x30 + n];
const breg4 = (offset: number): number[] => [0x74, offset];
const c1u = (v: number): number[] => [0x08, v];
const c1s = (v: number): number[] => [0x09, v & 0xff];
const c2u = (v: number): number[] => [0x0a, v & 0xff, v >> 8];
const c4u = (v: number): number[] => [0x0c, v & 0xff, (v >> 8) & 0xff, (v >> 16) & 0xff, v >>> 24];
const OP = {
  deref: 0x06, dup: 0x12, drop: 0x13, over: 0x14, swap: 0x16, rot: 0x17, abs: 0x19, and: 0x1a, div: 0x1b, minus: 0x1c,
  mod: 0x1d, mul: 0x1e, neg: 0x1f, not: 0x20, or: 0x21, plus: 0x22, shl: 0x24, shr: 0x25, shra: 0x26, xor: 0x27,
  eq: 0x29, ge: 0x2a, gt: 0x2b, le: 0x2c, lt: 0x2d, ne: 0x2e, nop: 0x96,
};
const bra = (rel: number): number[] => [0x28, rel & 0xff, (rel >> 8) & 0xff];
const skip = (rel: number): number[] => [0x2f, rel & 0xff, (rel >> 8) & 0xff];

/** Per function, the val_expression of each register (DWARF number -> expression bytes). */
const EXPRESSIONS: Record<string, Record<number, number[]>> = {
  expr_a: {
    0: [...lit(7), ...lit(3), OP.shl, ...lit(5), OP.minus],
    1: [OP.dup, ...lit(4), OP.plus, OP.swap, OP.minus],
    2: [...c1s(-20), ...lit(2), OP.shra],
    3: [...breg4(0), OP.deref],
    5: [...lit(1), ...bra(5), ...c1u(0x11), ...skip(2), ...c1u(0x22), OP.nop],
    6: [...lit(1), ...lit(2), ...lit(3), OP.rot, OP.over, OP.minus, 0x15, 2, OP.mul, OP.plus, OP.plus],
    7: [...breg4(4), OP.deref, ...lit(0), OP.lt],
  },
  expr_b: {
    0: [...c4u(0x12345678), ...c2u(0xff00), OP.and],
    1: [...c1s(-7), OP.abs],
    2: [...c1s(-100), ...lit(7), OP.div],
    3: [...c2u(1000), ...lit(7), OP.mod],
    5: [...breg4(8), OP.deref, ...lit(1), OP.shr],
    6: [...breg4(12), 0x94, 2],
    7: [...lit(0), ...bra(1), ...lit(9)],
  },
  expr_c: {
    0: [...lit(5), OP.neg, OP.not],
    1: [...c1u(0xf0), ...lit(15), OP.or, ...lit(3), OP.xor],
    2: [...lit(3), ...lit(5), OP.ge, ...lit(3), ...lit(5), OP.le, OP.plus, ...lit(4), ...lit(4), OP.eq, OP.plus,
      ...lit(4), ...lit(4), OP.ne, OP.plus, ...lit(9), ...lit(2), OP.gt, OP.plus],
    3: [0x92, 4, 12, OP.deref, 0x23, 0xe8, 0x07],
    5: [0x56],
    6: [...lit(2), ...lit(3), ...lit(4), OP.drop, OP.mul, ...lit(1), OP.plus],
    7: [...lit(31), ...lit(1), OP.shl, ...lit(2), OP.swap, OP.minus],
  },
};

/** One assembly function: a frame with four known words at esp, the rules, a call to `callee`. */
function asmFunction(name: string, callee: string): string {
  const escapes = Object.entries(EXPRESSIONS[name]!).map(([reg, bytes]) =>
    `  .cfi_escape 0x16, ${reg}, ${bytes.length}, ${bytes.map((b) => '0x' + b.toString(16)).join(', ')}`);
  return [
    `  .globl ${name}`, `  .type ${name}, @function`, `${name}:`, '  .cfi_startproc',
    '  push %ebp', '  .cfi_adjust_cfa_offset 4', '  push %ebx', '  .cfi_adjust_cfa_offset 4',
    '  sub $16, %esp', '  .cfi_adjust_cfa_offset 16',
    '  movl $0x1234, 0(%esp)', '  movl $-77, 4(%esp)', '  movl $0x80000001, 8(%esp)', '  movl $0xabcdef01, 12(%esp)',
    ...escapes,
    `  call ${callee}`,
    '  add $16, %esp', '  .cfi_adjust_cfa_offset -16', '  pop %ebx', '  .cfi_adjust_cfa_offset -4',
    '  pop %ebp', '  .cfi_adjust_cfa_offset -4', '  ret', '  .cfi_endproc', `  .size ${name}, .-${name}`,
  ].join('\n');
}

const PROGRAM = `
volatile int sink;
__attribute__((noinline)) void target_leaf(void) { sink++; }
void expr_a(void);
__asm__(".text\\n" ${JSON.stringify(asmFunction('expr_a', 'expr_b') + '\n' + asmFunction('expr_b', 'expr_c') + '\n' + asmFunction('expr_c', 'target_leaf') + '\n')});
int main(void) { expr_a(); return 0; }
`;

test('val_expression rules evaluate as gdb evaluates them, and decode as readelf decodes them', () => {
  const path = buildC('unwind-expressions', PROGRAM, ['-static', '-O2', '-fomit-frame-pointer']);
  const elf = parseElf32(readBytes(path), path);
  const image = unwindImageFromElf(elf);

  // Decoding: readelf's operation names, expression by expression, in section order.
  const readelfOps = readelf(['--debug-dump=frames', path]).split('\n')
    .map((line) => /DW_CFA_val_expression: r(\d+) \([a-z]+\) \((.*)\)$/.exec(line))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => `r${m[1]}: ${m[2]!.split('; ').map((op) => op.split(/[ :]/)[0]).join(' ')}`);
  const ourOps = (image.ehFrame?.fdes ?? []).flatMap((fde) => fde.instructions)
    .flatMap((insn) => (insn.op === 'val_expression' ? [`r${insn.reg}: ${insn.expression.ops.map((op) => op.name).join(' ')}`] : []));
  assert.equal(readelfOps.length, 21, 'readelf shows the 21 val_expression rules');
  assert.deepEqual(ourOps, readelfOps);

  const [snapshot] = gdbSnapshots({ program: path, breakpoints: ['*target_leaf'], steps: 0, maxHits: 1 });
  assert.ok(snapshot, 'gdb stopped at target_leaf');
  const result = replay(snapshot, elf, [image]);
  const counts = { registers: 0, frames: 0 };
  assert.deepEqual(compareWithGdb(snapshot, result, counts), []);
  // Frames 2-4 are the assembly functions' callers: every described register was evaluated by both.
  let evaluated = 0;
  for (let level = 2; level <= 4; level++) {
    for (const reg of [0, 1, 2, 3, 5, 6, 7]) {
      assert.equal(result.frames[level]!.origins[reg], 'val_expression', `frame ${level} r${reg}`);
      assert.notEqual(snapshot.frames[level]!.regs[reg], null, `gdb evaluated frame ${level} r${reg}`);
      evaluated++;
    }
  }
  assert.equal(evaluated, 21);
});
