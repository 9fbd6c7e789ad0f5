// The emulator runs from the same rows the listing prints: a form the table leaves undefined
// (objdump's `(bad)`) or lists as not covered (a row of table-uncovered.ts) stops the CPU with
// #UD naming its prefix and opcode bytes; a covered form next to them in the same opcode group
// runs, as the one instruction objdump -d reads there (lfence with any modrm.rm, tzcnt as bsf
// on a CPU model that reports no BMI1).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildGuest, loadElf } from '../cpu/guest';
import { objdump } from './compare';

const CASES: readonly (readonly number[])[] = [
  [0x66, 0xf3, 0x0f, 0x38, 0x00, 0xc1], // two mandatory prefixes before pshufb: undefined
  [0xf2, 0xf3, 0x0f, 0x38, 0xf0, 0x01], // f3 last: movbe/crc32 have no f3 form
  [0xf3, 0xf2, 0x0f, 0x38, 0xf0, 0x01], // f2 last: crc32b, not covered
  [0x0f, 0x38, 0xf0, 0xc1], // movbe with a register operand: undefined
  [0x0f, 0x58, 0xc1], // addps
  [0x66, 0x0f, 0x3a, 0x0f, 0xc1, 0x08], // palignr $8, not covered
  [0x0f, 0x3a, 0xf0, 0xc1, 0x08], // rorx is VEX only
  [0xf3, 0x0f, 0x14, 0xc1], // unpcklps has no f3 form
  [0x0f, 0x13, 0xc1], // movlps stores to memory only
  [0x0f, 0xae, 0xe9], // lfence, modrm.rm ignored: runs
  [0xf3, 0x0f, 0xbc, 0xc1], // tzcnt: runs (as bsf, the CPU model reports no BMI1)
];

const RUNS = new Set([9, 10]);

test('undefined and not-covered forms of the 0f maps raise #UD; covered ones run', () => {
  const source = ['.globl _start', '_start:', ...CASES.map((b, n) => `c${n}: .byte ${b.join(',')}`), 'end: nop'].join('\n');
  const g = buildGuest('undefined-run', `${source}\n`);
  const listing = objdump(g.path);
  const p = loadElf(g.path);
  CASES.forEach((bytes, n) => {
    const at = g.symbols.get(`c${n}`)!;
    const next = g.symbols.get(n + 1 < CASES.length ? `c${n + 1}` : 'end')!;
    const od = listing.lines.get(at)!;
    p.cpu.state.eip = at;
    const stop = p.cpu.run(1);
    const hex = bytes.map((b) => b.toString(16).padStart(2, '0')).join(' ');
    if (RUNS.has(n)) {
      assert.equal(od.length, bytes.length, `${hex}: objdump reads ${od.text}`);
      assert.equal(p.cpu.state.eip, next, `${hex} (${od.text}) runs`);
      assert.notEqual(stop.kind, 'fault', hex);
    } else {
      const opcodeEnd = bytes.indexOf(0x0f) + (bytes[bytes.indexOf(0x0f) + 1] === 0x38 || bytes[bytes.indexOf(0x0f) + 1] === 0x3a ? 3 : 2);
      assert.deepEqual(stop, { kind: 'fault', fault: { vector: 'UD', bytes: bytes.slice(0, opcodeEnd) }, address: at }, `${hex} (${od.text})`);
    }
  });
});
