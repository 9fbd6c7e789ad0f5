// Checks the assembler's lists that a large source makes long (toolchain/chunked-list.ts: the
// CFI procedures and their rows, the symbols in creation order, the fixups' expressions, the
// line entries' frags, a section's relocations) past their first chunk against as --32: a
// source with more than one chunk (8,192) of each, its object byte for byte as GNU as's.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { assembleWithBoth } from './gas-compare';

/** Past one chunk of each list. */
const FUNCTIONS = 9_000;

/** Each function: a label, a procedure with one CFI row, a relaxed jump (a frag of its own), a relocated word. */
function source(): string {
  const lines = ['\t.text'];
  for (let k = 0; k < FUNCTIONS; k++) {
    lines.push(`f${k}:`, '\t.cfi_startproc', '\tpushl %ebp', '\t.cfi_def_cfa_offset 8', `\tjmp .Lx${k}`, `\t.long f${(k * 7) % FUNCTIONS} + ${k % 5}`, `.Lx${k}:`, '\tpopl %ebp', '\tret', '\t.cfi_endproc');
  }
  lines.push('\t.globl f0', '');
  return lines.join('\n');
}

test('a source past one chunk of every long list assembles to GNU as --32\'s object, byte for byte', async () => {
  const { gas, lab } = await assembleWithBoth('long-lists', source());
  assert.equal(gas.status, 0, gas.stderr);
  assert.equal(lab.status, 0, lab.stderr);
  assert.ok(readFileSync(lab.path).equals(readFileSync(gas.path)), 'the objects differ');
});
