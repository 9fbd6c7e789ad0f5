// Dispatch regions (compile.ts compileRegion, cpu.ts formRegion): the hot blocks of an
// interpreter's `jmp *%reg` loop compiled into one function. A bytecode interpreter that
// stores, loads, leaves the loop on a conditional jump, rewrites an immediate and flips an
// opcode in one of its cases ends as under qemu-i386 (and natively where the host runs i386)
// with the same instruction count whatever the budget slices; a breakpoint set at a case
// inside a formed region, the watchpoint on a case's store and single-stepping through the
// region stop where the one-instruction path stops.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { scaled } from '../support/scale';
import { buildGuest, EXIT, qemuOutput, RUN_ONCE_PAGE } from './guest';
import { sameBreakpointHits, sameTrapFlagSteps, sameWatchpointStop, sameWhateverTheSlices, warmedPair } from './fast-slow';

/**
 * The interpreter running its bytecode `rounds` times (each 256th flips the opcode op_patch
 * rewrites): its loop on one page; its start, its end and its data on the next (guest.ts
 * RUN_ONCE_PAGE), so the only stores into the loop's page are op_patch's.
 */
function interpreter(rounds: number): string {
  return `
.globl _start
restart:
  mov $prog, %esi
next:
  movzbl (%esi), %ebx
  inc %esi
  mov table(,%ebx,4), %ebx
  jmp *%ebx
op_add:
  add $3, %eax
  jmp next
op_xor:
  xor %ecx, %eax
  jmp next
op_rol:
  rol $5, %eax
  jmp next
op_st:
  mov %eax, mem(,%edx,4)
  inc %edx
  and $15, %edx
  jmp next
op_ld:
  add mem(,%edx,4), %eax
  jmp next
op_patch:
  mov %ecx, imm+1
  test $255, %ecx
  jnz next
  xorb $0x28, imm
  jmp next
op_imm:
imm:
  add $0x11111111, %eax
  jmp next
op_loop:
  dec %ecx
  jz done
  jmp restart

${RUN_ONCE_PAGE}
_start:
  mov $${rounds}, %ecx
  xor %eax, %eax
  xor %edx, %edx
  jmp restart
done:
  mov %eax, mem+64
  mov $4, %eax
  mov $1, %ebx
  mov $mem, %ecx
  mov $68, %edx
  int $0x80
  ${EXIT}
.data
table: .long op_add, op_xor, op_rol, op_st, op_ld, op_patch, op_imm, op_loop
prog: .byte 0, 3, 2, 1, 4, 6, 3, 0, 2, 5, 4, 1, 6, 3, 2, 7
mem: .fill 17, 4, 0
`;
}

/** Instructions run before the region is looked at: enough for every case to be hot and the region formed (cpu.ts REGION_AFTER). */
const WARM = 120_000;

test('an interpreter whose dispatch becomes a region ends as under qemu-i386, whatever the budget slices', () => {
  // qemu-i386 runs it slowly (op_patch's store into its code each round): a smaller run takes 1000 rounds, three flips.
  const g = buildGuest('dispatch-region', interpreter(scaled(3000, 1000)), true);
  const expected = qemuOutput(g.path);
  assert.equal(expected.length, 68);
  sameWhateverTheSlices(g.path, expected, [1, 5, 97, 10007]);
});

test('a breakpoint set at a case inside a formed region, the watchpoint on a case\'s store and single-stepping stop where the one-instruction path does', () => {
  const g = buildGuest('dispatch-region-stops', interpreter(3000), true);
  const { fast, slow } = warmedPair(g.path, WARM);
  assert.match(fast.cpu.blockSource(g.symbols.get('op_st')!) ?? '', /switch \(pc\)/, 'the cases are a region by now');

  // A breakpoint at a case: the region is dropped and the run stops before the case.
  sameBreakpointHits(fast, slow, g.symbols.get('op_rol')!);

  // The watchpoint on the word op_st writes next: the run stops after that store.
  sameWatchpointStop(fast, slow, g.symbols.get('mem')! + 4 * fast.cpu.state.r[2]!);

  // Back into the region, then TF: each instruction traps after it runs, as on the slow path.
  sameTrapFlagSteps(fast, slow);
});
