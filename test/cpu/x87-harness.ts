// Owns the x87 differential test's program and comparison: a driver loop gives each case its
// scratch memory, loads its FPU state with frstor and its flags with popfl, calls the case's
// code (set-up, the instruction, ret), then records EFLAGS, eax, the whole FPU state (fnsave: environment and the eight
// registers) and the 512-byte scratch area; the records of qemu-i386 and the emulator are
// compared field by field, with the differences qemu is known to have (x87-deviations.ts)
// taken out.
import { Op } from '../../toolchain/isa/ops';
import { X87_SCRATCH, X87_SCRATCH_INIT, type X87Case } from './x87-generate';
import {
  APPROXIMATE, C1_KEPT, EFLAGS_IGNORED, FIP_IGNORED, IGNORED_IMAGE_BYTES, NO_PE, QUOTIENT_IGNORED, STATUS_IGNORED, closeEnough,
} from './x87-deviations';

/** fnsave image, eflags, eax, scratch. */
export const X87_RECORD = 108 + 4 + 4 + X87_SCRATCH;

export function x87ProgramSource(cases: readonly X87Case[]): string {
  // One driver loop (compiled once) calls each case's code: the set-up, the instruction, ret.
  const text: string[] = ['.globl _start', '.text', '_start:', 'xorl %ebp, %ebp', 'next:', `cmpl $${cases.length}, %ebp`, 'je done',
    'cld', 'movl %ebp, %eax', `imull $${X87_SCRATCH_INIT}, %eax`, 'leal init(%eax), %esi', 'movl $scratch, %edi',
    `movl $${X87_SCRATCH_INIT / 4}, %ecx`, 'rep movsl',
    'xorl %eax, %eax', `movl $${(X87_SCRATCH - X87_SCRATCH_INIT) / 4}, %ecx`, 'rep stosl',
    'imull $108, %ebp, %eax', 'frstor img(%eax)', 'pushl flags(,%ebp,4)', 'popfl', 'movl $0x5a5a5a5a, %eax',
    'call *code(,%ebp,4)',
    'pushfl', `imull $${X87_RECORD}, %ebp, %edi`, 'popl out+108(%edi)', 'movl %eax, out+112(%edi)', 'fnsave out(%edi)',
    'cld', 'leal out+116(%edi), %edi', 'movl $scratch, %esi', `movl $${X87_SCRATCH / 4}, %ecx`, 'rep movsl',
    'incl %ebp', 'jmp next',
    'done:', 'movl $4, %eax', 'movl $1, %ebx', 'movl $out, %ecx', `movl $${cases.length * X87_RECORD}, %edx`, 'int $0x80',
    'movl $1, %eax', 'xorl %ebx, %ebx', 'int $0x80'];
  const data: string[] = ['.data', '.balign 16'];
  const img: string[] = [];
  const init: string[] = [];
  cases.forEach((c, n) => {
    text.push(`# case ${n}: ${c.entry.intel}`, `c${n}:`, ...c.lines, 'ret');
    img.push(`.byte ${[...c.image].join(',')}`);
    init.push(`.byte ${[...c.scratch].join(',')}`);
  });
  data.push(`code: .long ${cases.map((_, n) => `c${n}`).join(',')}`, `flags: .long ${cases.map((c) => c.flags).join(',')}`,
    'img:', ...img, 'init:', ...init);
  const bss = ['.bss', '.balign 16', `scratch: .fill ${X87_SCRATCH}`, `out: .fill ${cases.length * X87_RECORD}`];
  return [...text, ...data, ...bss, ''].join('\n');
}

const hex = (v: number) => '0x' + v.toString(16);

function u16(b: Uint8Array, at: number): number {
  return b[at]! | (b[at + 1]! << 8);
}

function reg80(b: Uint8Array, at: number): string {
  let s = '';
  for (let k = 9; k >= 0; k--) s += b[at + k]!.toString(16).padStart(2, '0');
  return s;
}

/** Differences between the two records of case `n` (empty when they agree). */
export function compareX87(expected: Uint8Array, actual: Uint8Array, n: number, c: X87Case): string[] {
  const at = n * X87_RECORD;
  const e = expected.subarray(at, at + X87_RECORD);
  const a = actual.subarray(at, at + X87_RECORD);
  const diffs: string[] = [];
  const op = c.entry.op;
  const approx = APPROXIMATE.has(op);
  const ignored = IGNORED_IMAGE_BYTES;
  // The environment part of the fnsave image.
  const swMask = ~(C1_KEPT.has(op) ? 0 : 0x0200) & ~STATUS_IGNORED & ~(NO_PE.has(op) ? 0x20 : 0) & ~(QUOTIENT_IGNORED.has(op) ? 0x4300 : 0);
  if (u16(e, 0) !== u16(a, 0)) diffs.push(`cw: qemu ${hex(u16(e, 0))} emulator ${hex(u16(a, 0))}`);
  if ((u16(e, 4) & swMask) !== (u16(a, 4) & swMask)) diffs.push(`sw: qemu ${hex(u16(e, 4))} emulator ${hex(u16(a, 4))}`);
  if (u16(e, 8) !== u16(a, 8)) diffs.push(`tw: qemu ${hex(u16(e, 8))} emulator ${hex(u16(a, 8))}`);
  for (let k = 12; k < 28; k++) {
    if (ignored.has(k) || (FIP_IGNORED.has(op) && k < 18)) continue;
    if (e[k] !== a[k]) { diffs.push(`env byte ${k}: qemu ${hex(e[k]!)} emulator ${hex(a[k]!)}`); break; }
  }
  for (let i = 0; i < 8; i++) {
    const x = reg80(e, 28 + 10 * i);
    const y = reg80(a, 28 + 10 * i);
    if (x !== y && !(approx && closeEnough(op, x, y))) diffs.push(`ST(${i}): qemu ${x} emulator ${y}`);
  }
  const fl = (b: Uint8Array) => (b[108]! | (b[109]! << 8)) & (EFLAGS_IGNORED.has(op) ? 0x45 : 0x8d5);
  if (fl(e) !== fl(a)) diffs.push(`eflags: qemu ${hex(fl(e))} emulator ${hex(fl(a))}`);
  const ax = (b: Uint8Array) => (b[112]! | (b[113]! << 8) | (b[114]! << 16) | (b[115]! << 24)) >>> 0;
  if (ax(e) !== ax(a)) diffs.push(`eax: qemu ${hex(ax(e))} emulator ${hex(ax(a))}`);
  const images = op === Op.Fnstenv || op === Op.Fnsave || op === Op.Fxsave || op === Op.Fldenv || op === Op.Frstor || op === Op.Fxrstor;
  for (let k = 0; k < X87_SCRATCH; k++) {
    if (images && IGNORED_STATE_BYTES(op, k)) continue;
    if (e[116 + k] !== a[116 + k]) { diffs.push(`scratch+${k}: qemu ${hex(e[116 + k]!)} emulator ${hex(a[116 + k]!)}`); break; }
  }
  return diffs;
}

/** Bytes of a stored image (at scratch+0) that hold what x87-deviations.ts lists. */
function IGNORED_STATE_BYTES(op: Op, k: number): boolean {
  if (op === Op.Fxsave || op === Op.Fxrstor) return k === 6 || k === 7;
  return IGNORED_IMAGE_BYTES.has(k);
}
