// Checks the fixups kept as rows of their subsection's columns (toolchain/asm/fixups.ts) against
// as --32: random sources that move between sections and subsections while they make fixups of
// every kind (calls and relaxed branches to local, global, weak, other-section and undefined
// targets, data words of labels and differences, fields too small for their value), so that a
// frag credited with another frag's rows, a converted branch's fixup given to the wrong frag, or
// a relocation or message out of GAS's order shows as objects or messages that differ.
import { test } from 'node:test';
import { compareWithGas } from './gas-compare';
import { prng } from '../support/prng';
import { sampled } from '../support/scale';

const PLACES = ['\t.text', '\t.text 1', '\t.text 2', '\t.data', '\t.data 1', '\t.section .rodata', '\t.section .altinstructions, "a"', '\t.text 3', '\t.previous'];

/** A source of `statements` statements from `seed`; `withErrors` adds 1-byte fields that cannot hold their value and differences of labels of two sections. */
function source(seed: number, statements: number, withErrors: boolean): string {
  const next = prng(seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)]!;
  const labels: string[] = [];
  const lines = ['\t.globl g0', '\t.weak w0', '\t.text'];
  const target = (): string => pick([...labels, 'g0', 'w0', 'undef0', 'undef1', 'far0']);
  for (let k = 0; k < statements; k++) {
    const r = next();
    if (r < 0.1) lines.push(pick(PLACES));
    else if (r < 0.2) {
      const name = next() < 0.5 ? `.L${k}` : `l${k}`;
      labels.push(name);
      lines.push(`${name}:`);
    } else if (r < 0.32) lines.push(`\tcall ${target()}`);
    else if (r < 0.5) lines.push(`\t${pick(['jmp', 'jz', 'jnz', 'jle'])} ${target()}`);
    else if (r < 0.62) lines.push(`\t.long ${target()}${next() < 0.3 ? ` + ${Math.floor(next() * 100)}` : ''}`);
    else if (r < 0.68 && withErrors && labels.length >= 2) lines.push(`\t.long ${pick(labels)} - ${pick(labels)}`);
    else if (r < 0.72) lines.push(`\tmovl ${target()}, %eax`);
    else if (r < 0.76) lines.push(`\t.p2align ${1 + Math.floor(next() * 3)}`);
    else if (r < 0.8 && withErrors && labels.length > 0) lines.push(`\t.byte ${pick(labels)}`);
    else if (r < 0.84) lines.push(`\t.fill ${Math.floor(next() * 90)}, 1, 0x90`);
    else lines.push(`\t${pick(['nop', 'pushl %ebp', 'movl %esp, %ebp', 'addl $300, %eax', 'ret'])}`);
  }
  lines.push('\t.text', 'g0:\tnop', 'w0:\tnop', '\t.data', 'far0:\t.long 0', '');
  return lines.join('\n');
}

test('fixups made across sections and subsections are written and relocated as --32 does', async () => {
  for (const seed of sampled([1, 2, 3, 4, 5, 6], 2)) await compareWithGas(`fixup-rows-${seed}`, source(seed, 600, false));
});

test('fixups whose fields cannot hold their value, or whose difference spans two sections, are reported as --32 reports them, in its order', async () => {
  for (const seed of sampled([11, 12, 13])) await compareWithGas(`fixup-rows-errors-${seed}`, source(seed, 600, true));
});
