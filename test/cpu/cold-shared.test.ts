// Cold blocks of the same shape share one compiled function (emulator/x86/cold-functions.ts):
// the same code linked at two addresses, its data at two distances, compiles to sources that
// differ only in their large numbers. Run one after the other in this process, each program
// still ends as under qemu-i386: its output holds addresses (a return address, a data
// address), so a block taking the other program's numbers would print the other's; the block
// that writes it (no load or store: shared too) names the data's address. And the
// shared function computes what the block's own source computes: numbers inside quotes,
// names and floats stay as written.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { coldFunction, coldFunctionsTaken } from '../../emulator/x86/cold-functions';
import type { CpuState } from '../../emulator/x86/state';
import type { Memory } from '../../emulator/memory/memory';
import type { Helpers } from '../../emulator/x86/helpers';
import { buildGuest, EXIT, loadElf, qemuOutput, runGuest, writeOut } from './guest';

/** `pad` bytes before the code and `gap` bytes before the data: the same instructions at other addresses. */
function program(pad: number, gap: number): string {
  return `
.skip ${pad}, 0xcc
.globl _start
_start:
  mov $3, %esi
1:
  call f
  dec %esi
  jnz 1b
  ${writeOut(8)}
  ${EXIT}
f:
  mov (%esp), %ecx
  add %ecx, out
  movl $out+0x1234, out+4
  ret

.data
.skip ${gap}
out: .long 0, 0
`;
}

test('the same code at two addresses, run one after the other, ends as under qemu-i386 each time, sharing its cold functions', () => {
  const before = coldFunctionsTaken();
  for (const [pad, gap] of [[0, 0], [0x1230, 0x2468]] as const) {
    const g = buildGuest(`cold-shared-${pad}`, program(pad, gap));
    const r = runGuest(loadElf(g.path));
    assert.equal(r.exitCode, 0);
    assert.deepEqual(r.stdout, qemuOutput(g.path), `code after ${pad} bytes, data after ${gap}`);
  }
  assert.ok(coldFunctionsTaken() > before, 'the second program took a cold function compiled for the first');
});

test('a shared cold function computes what its block\'s own source computes', () => {
  const body = (big: number): string => `
const a = 'int 12345' + "x 99999" + '\\'7777';
const b = [1.5e300, 2.5, 300.5, 4096e3, 1e5, .5, 0x8049570 + ${big}, -593652, ${big} | 0, s.r3 + 70000, X[1], limit, r9 => 0];
return [a, b.slice(0, -1).join(','), typeof b[12]].join(';');`;
  const exits = new Int32Array([0x8049570, 0x8049575]);
  const s = { r3: 41 } as unknown as CpuState;
  for (const big of [300, 4096, 0x7fffffff]) {
    const shared = coldFunction(body(big), exits) as unknown as (s: CpuState, m: Memory, H: Helpers, limit: number) => string;
    // What V8 makes of the block's own source, every number as written.
    const own = new Function('X', `return (function (s, m, H, limit) {${body(big)}});`)(exits) as typeof shared;
    assert.equal(shared(s, {} as Memory, {} as Helpers, 123456), own(s, {} as Memory, {} as Helpers, 123456), `with ${big}`);
  }
});
