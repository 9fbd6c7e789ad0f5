// Flags read in compiled blocks after a producer known when the block is compiled (emit.ts
// flags/carry/cond through flags.ts flagsSource and condSource, rol/ror's new CF and OF through
// sem-shift.ts rotateFlagsSource): expressions instead of helper calls; and rol/ror after a
// producer of an earlier block (the record FK.Rotated, flags.ts rotatedRecord). Each producer
// kind at 8, 16 and 32 bits, on operands at the carry, overflow, sign and parity edges,
// followed in its block by the sixteen conditions (setcc), pushf, adc (the carry), and rol/ror
// (the flags before them kept), and by rol/ror in the next block and again in the one after,
// in a loop run often enough for the blocks to be compiled hot, ends as under qemu-i386 (and
// the real CPU where the host runs i386 code); and flagsSource equals the helper's
// computeFlags on every record kind.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { computeFlags, flagsSource, condOfFlags, condSource } from '../../emulator/x86/flags';
import { scaled } from '../support/scale';
import { buildGuest, EXIT, loadElf, qemuOutput, runGuest, writeOut } from './guest';

const OPERANDS: Array<[number, number]> = [
  [0x7fffffff, 0x00000001], [0x80000000, 0xffffffff], [0xffffffff, 0x00000001], [0x00000000, 0x00000000],
  [0x0000007f, 0x00000081], [0x00008000, 0x00007fff], [0x12345678, 0x9abcdef0], [0xfffffffe, 0x0000001f],
  [0x00000080, 0x00000009], [0x00000001, 0x00000021], [0xc0000001, 0x00000002], [0x000000ff, 0x00000010],
];

/** The status flags the SDM defines after a producer (the host CPU and qemu-i386 differ in the others). */
const ALL = 0x8d5, NO_AF = 0x8c5, NO_AF_OF = 0xc5, CF_OF = 0x801;
const FLAG_BITS: Record<string, number> = { o: 0x800, b: 1, e: 0x40, be: 0x41, s: 0x80, p: 4, l: 0x880, le: 0x8c0 };

/** Producers by width with the flags they define: `a` the destination (eax), `b` the source (ebx), cl the count. */
function producers(a: string, b: string, w: string): Array<[string, number]> {
  return [
    [`add ${b}, ${a}`, ALL], [`stc\n adc ${b}, ${a}`, ALL], [`sub ${b}, ${a}`, ALL], [`stc\n sbb ${b}, ${a}`, ALL], [`cmp ${b}, ${a}`, ALL],
    [`and ${b}, ${a}`, NO_AF], [`or ${b}, ${a}`, NO_AF], [`inc ${a}`, ALL], [`dec ${a}`, ALL], [`neg ${a}`, ALL],
    [`shl $1, ${a}`, NO_AF], [`shr $1, ${a}`, NO_AF], [`sar $1, ${a}`, NO_AF], [`shl $5, ${a}`, NO_AF_OF], [`shr $7, ${a}`, NO_AF_OF], [`sar $3, ${a}`, NO_AF_OF],
    // A count from cl may exceed 8 or 16 bits' width (CF undefined then): 32-bit only.
    ...(w === 'l' ? [[`shl %cl, ${a}`, NO_AF_OF], [`shr %cl, ${a}`, NO_AF_OF], [`sar %cl, ${a}`, NO_AF_OF], [`imul ${b}, ${a}`, CF_OF]] as Array<[string, number]> : []),
  ];
}

const REGS: Array<[string, string, string]> = [['%al', '%bl', 'b'], ['%ax', '%bx', 'w'], ['%eax', '%ebx', 'l']];
const CONDS = ['o', 'no', 'b', 'ae', 'e', 'ne', 'be', 'a', 's', 'ns', 'p', 'np', 'l', 'ge', 'le', 'g'];

/** The flags condition `c` reads. */
function reads(c: string): number {
  const pair = ['o', 'b', 'e', 'be', 's', 'p', 'l', 'le'][CONDS.indexOf(c) >> 1]!;
  return FLAG_BITS[pair]!;
}

/** One case: the producer, then reads of the flags it defines in the same block and after a rotate in the next, stored at (%edi) and on. */
function block(p: string, defined: number, a: string, rotate: string, count: number): string {
  const load = 'mov (%esi), %eax\n mov 4(%esi), %ebx\n mov 4(%esi), %ecx';
  // rol/ror leave OF undefined for a count other than 1, and define CF.
  const afterRotate = (defined & ~(count === 1 ? 0 : 0x800)) | 1;
  return [
    load, p, ...CONDS.map((c, k) => ((reads(c) & defined) === reads(c) ? `set${c} ${k}(%edi)` : `movb $2, ${k}(%edi)`)),
    load, p, 'pushf', 'pop %edx', `and $${defined}, %edx`, 'mov %edx, 16(%edi)',
    load, p, 'adc $0, %eax', 'mov %eax, 20(%edi)',
    load, p, `${rotate} $${count}, ${a}`, 'pushf', 'pop %edx', `and $${afterRotate}, %edx`, 'mov %edx, 24(%edi)', 'mov %eax, 28(%edi)',
    // The rotate in the next block (the producer unknown there: its flags stay lazy under the
    // rotate's CF and OF), then another rotate after that one, each in a block of its own.
    load, p, 'push $1f', 'ret', '1:', `${rotate} $${count}, ${a}`, 'pushf', 'pop %edx', `and $${afterRotate}, %edx`, 'mov %edx, 32(%edi)',
    'setc 36(%edi)', count === 1 ? 'seto 37(%edi)' : 'movb $2, 37(%edi)', (defined & 0x40) !== 0 ? 'setz 38(%edi)' : 'movb $2, 38(%edi)',
    'adc $0, %eax', 'mov %eax, 40(%edi)', 'push $1f', 'ret', '1:', `${rotate} $${count}, ${a}`, 'pushf', 'pop %edx', `and $${afterRotate}, %edx`, 'mov %edx, 44(%edi)',
    'add $48, %edi',
  ].join('\n ');
}

/**
 * Passes over the operand pairs: each case's blocks run once per pair (12 a pass), made hot
 * (cpu.ts HOT_RUNS, 100 entries) in the ninth pass; a smaller run stops at the fifteenth.
 */
const PASSES = scaled(150, 15);

function source(): { text: string; size: number } {
  const cases: string[] = [];
  for (const [a, b, w] of REGS) {
    producers(a, b, w).forEach(([p, defined], k) => cases.push(block(p, defined, a, `${k % 2 === 0 ? 'rol' : 'ror'}${w}`, 1 + (k % 3) * 3)));
  }
  const size = OPERANDS.length * cases.length * 48;
  const text = `
.globl _start
_start:
  mov $${PASSES}, %ebp
again:
  mov $pairs, %esi
  mov $out, %edi
pair:
 ${cases.join('\n ')}
  add $8, %esi
  cmp $pairsEnd, %esi
  jne pair
  dec %ebp
  jnz again
${writeOut('outEnd-out')}${EXIT}
.data
pairs:
${OPERANDS.map(([x, y]) => `  .long ${x}, ${y}`).join('\n')}
pairsEnd:
out: .fill ${size}
outEnd:
`;
  return { text, size };
}

test('flags read after a producer known at compile time end as under qemu-i386 at every width', () => {
  const { text } = source();
  const g = buildGuest('known-flags', text);
  const expected = qemuOutput(g.path);
  const p = loadElf(g.path);
  const r = runGuest(p);
  assert.equal(r.stop, null, JSON.stringify(r.stop));
  assert.deepEqual(r.stdout, expected);
  // The cases ran as compiled blocks reading the flags in place (no helper call for a known producer).
  const code = p.cpu.blockSource(g.symbols.get('pair')!)!;
  assert.ok(code.includes('0x9669'), 'the pair block computes a known producer\'s flags inline');
});

test('flagsSource equals computeFlags, and condSource condOfFlags, on every record kind and width', () => {
  const values = [0, 1, 2, 0x7f, 0x80, 0xff, 0x100, 0x7fff, 0x8000, 0xffff, 0x10000, 0x7fffffff, -0x80000000, -1, -2, 0x12345678, -0x6543210f, 31, 32, 33];
  for (let kind = 1; kind <= 11; kind++) {
    for (let sz = 0; sz < 3; sz++) {
      const fop = (kind << 2) | sz;
      const f = new Function('fa', 'fb', 'fr', 'fc', `return ${flagsSource(fop)};`) as (a: number, b: number, r: number, c: number) => number;
      for (const a of values) for (const b of values) for (const r of [a, b, (a + b) | 0, (a - b) | 0, 0]) for (const c of [0, 1]) {
        assert.equal(f(a, b, r, c), computeFlags(fop, a, b, r, c), `fop ${fop} fa ${a} fb ${b} fr ${r} fc ${c}`);
      }
    }
  }
  for (let cc = 0; cc < 16; cc++) {
    const g = new Function('f', `return ${condSource(cc, 'f')};`) as (f: number) => boolean;
    for (let flags = 0; flags < 0x1000; flags++) assert.equal(g(flags), condOfFlags(cc, flags), `cc ${cc} flags ${flags.toString(16)}`);
  }
});
