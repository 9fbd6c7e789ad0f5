// Compares the front end with GNU as (`as --32`) on instructions whose operands are decimal
// numbers across every size class (0-3, imm8/disp8, 8-bit unsigned, 16-bit, 32-bit) and
// their edges, each text met with many values in turn: the encoding kept by class of number
// (toolchain/asm/instructions.ts) must give GAS's bytes for every value, not only the first.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assemble } from '../../toolchain/asm/assembler';
import { comparableFromElf, comparableFromModule, gas } from './gas-object';

const VALUES = [0, 1, 2, 3, 4, 5, 9, 100, 126, 127, 128, 129, 200, 254, 255, 256, 257, 1000, 32766, 32767, 32768, 32769, 40000, 65406, 65407, 65408, 65409, 65500, 65534, 65535, 65536, 65537, 70000, 16777216, 2147483646, 2147483647];

/** Templates (`N`, `M` stand for numbers) and the largest value each takes without a warning. */
const TEMPLATES: ReadonlyArray<readonly [string, number]> = [
  ['addl $N, %eax', 2147483647], ['addl $N, %ecx', 2147483647], ['subl $N, %esp', 2147483647], ['andl $N, %esp', 2147483647],
  ['cmpl $N, M(%ebx)', 2147483647], ['testl $N, %eax', 2147483647], ['testl $N, %esi', 2147483647],
  ['addw $N, %ax', 65535], ['addw $N, %dx', 65535], ['addb $N, %al', 255], ['addb $N, %cl', 255],
  ['movl $N, %eax', 2147483647], ['movl $N, M(%esp)', 2147483647], ['movw $N, %ax', 65535], ['movb $N, M(%ebp)', 255],
  ['pushl $N', 2147483647], ['pushw $N', 65535], ['imull $N, %ecx, %edx', 2147483647], ['imull $N, %eax', 2147483647],
  ['roll $N, %eax', 255], ['shll $N, %ecx', 255], ['sarw $N, %ax', 255], ['int $N', 255], ['ret $N', 65535], ['lret $N', 65535],
  ['enter $N, $M', 255], ['outb %al, $N', 255], ['inl $N, %eax', 255], ['btl $N, %eax', 255], ['ljmp $N, $M', 65535],
  ['movl N(%ebp), %eax', 2147483647], ['movl N(%esp), %eax', 2147483647], ['movl N(%eax), %ecx', 2147483647],
  ['leal N(%eax,%ecx,4), %edx', 2147483647], ['leal N(,%ecx,4), %edx', 2147483647], ['leal N(%ebp,%esi,1), %edi', 2147483647],
  ['movl %eax, N', 2147483647], ['movl N, %eax', 2147483647], ['movl N, %ecx', 2147483647], ['jmp *N(%eax)', 2147483647],
  ['movl $N, f', 2147483647], ['movl f, %eax', 0], ['movl N(%ebx), %eax', 2147483647], ['addl $N, M(%ecx,%edx,2)', 2147483647],
];

function source(): string {
  const lines = ['\t.text', 'f:'];
  for (const code of ['', '\t.code16']) {
    if (code) lines.push(code);
    for (const [template, max] of TEMPLATES) {
      VALUES.forEach((n, k) => {
        const m = VALUES[(k * 7 + 3) % VALUES.length]!;
        // In .code16 an address above 0xffff is shortened to 16 bits, with GAS's warning.
        if (n > max || (template.includes('$M') && m > 255 && template.startsWith('enter')) || (template.startsWith('ljmp') && m > 65535 && code)) return;
        lines.push(`\t${template.replace('N', String(n)).replace('M', String(m))}`);
      });
    }
  }
  return `${lines.join('\n')}\n`;
}

test('instructions with numbers of every size class: the same bytes and relocations as as --32', () => {
  const text = source();
  const oracle = gas('number-classes', text);
  assert.ok(oracle.elf, `as --32 rejected the source: ${JSON.stringify(oracle.messages.slice(0, 3))}`);
  const module = assemble({ file: 'number-classes.s', text });
  assert.deepEqual(module.diagnostics.filter((d) => d.severity === 'error'), [], 'no errors expected');
  const want = comparableFromElf(oracle.elf);
  const got = comparableFromModule(module);
  assert.deepEqual(got.sections.find((s) => s.name === '.text'), want.sections.find((s) => s.name === '.text'), '.text');
  assert.deepEqual(got.relocations, want.relocations, 'relocations');
  const gasWarnings = oracle.messages.filter((m) => m.severity === 'warning').map((m) => `${m.line}: ${m.message}`);
  const ourWarnings = module.diagnostics.filter((d) => d.severity === 'warning').map((d) => `${d.location.line}: ${d.message}`);
  assert.deepEqual(ourWarnings, gasWarnings, 'warnings');
});
