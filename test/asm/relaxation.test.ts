// Compares branch relaxation with GNU as (`as --32`) where a pass moves code: padding whose
// size is known only once a later section is laid out (the kernel's ALTERNATIVE `.skip`)
// grows in the first pass, and a short forward branch after enough of it must be measured as
// GAS measures it (the target assumed to move with the code before it, unless an alignment
// lies between), or it goes long where GAS keeps it short (toolchain/asm/finish.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assemble } from '../../toolchain/asm/assembler';
import { comparableFromElf, comparableFromModule, gas } from './gas-object';

/** `count` functions, each with a site padded to a replacement defined later, then a short forward jz; `align` puts a .p2align in some. */
function source(count: number, align: boolean): string {
  const lines = ['\t.text'];
  for (let k = 0; k < count; k++) {
    lines.push(
      `f${k}:`,
      '770:',
      '771:',
      `\t.skip -(((773f - 772f) - (771b - 770b)) > 0) * ((773f - 772f) - (771b - 770b)), 0x90`,
      '\t.pushsection .altinstr_replacement, "ax"',
      '772:',
      k % 3 === 0 ? '\tmovl %esp, %ebp; sysenter' : '\tsyscall',
      '773:',
      '\t.popsection',
      '1:\ttestl %eax, %eax',
      '\tjnz 1b',
      `\tjz .Lout${k}`,
      '\tint $0x80',
      `.Lout${k}:`,
      '\tret',
    );
    if (align && k % 7 === 6) lines.push('\t.p2align 4');
    if (k % 10 === 9) lines.push(`\tjmp f${k - 9}`, `\tjmp .Lout${k - 9}`);
  }
  return `${lines.join('\n')}\n`;
}

for (const [count, align] of [[40, false], [120, false], [120, true]] as const) {
  test(`${count} padded sites${align ? ' with alignments between' : ''}: branches relax as as --32 relaxes them`, () => {
    const text = source(count, align);
    const oracle = gas('relaxation', text);
    assert.ok(oracle.elf, `as --32 rejected the source: ${JSON.stringify(oracle.messages.slice(0, 3))}`);
    const module = assemble({ file: 'relaxation.s', text });
    assert.deepEqual(module.diagnostics.filter((d) => d.severity === 'error'), [], 'no errors expected');
    const want = comparableFromElf(oracle.elf);
    const got = comparableFromModule(module);
    for (const name of ['.text', '.altinstr_replacement']) {
      assert.deepEqual(got.sections.find((s) => s.name === name), want.sections.find((s) => s.name === name), name);
    }
    assert.deepEqual(got.relocations, want.relocations, 'relocations');
  });
}
