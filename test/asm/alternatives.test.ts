// Checks the built-in ALTERNATIVE macros: the same source assembled by real `as --32` with
// the prelude's GAS macro text (and the feature numbers as symbols) must give the same .text,
// .altinstructions and .altinstr_replacement bytes and relocations; the recorded sites must
// match the entries read back from GAS's object; the vDSO's ALTERNATIVE_2 pads with four
// 0x90; a file's own macro of the same name wins over the built-in; CFI_* names work.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assemble } from '../../toolchain/asm/assembler';
import { PRELUDE_TEXT } from '../../toolchain/asm/prelude';
import { X86_FEATURES } from '../../toolchain/asm/builtin-features';
import { comparableFromElf, comparableFromModule, gas } from './gas-object';

const SOURCE = `
.text
.globl __kernel_vsyscall
__kernel_vsyscall:
pushl %ecx
pushl %edx
pushl %ebp
ALTERNATIVE_2 "", "movl %esp,%ebp; sysenter", X86_FEATURE_SYSENTER32, "movl %ecx,%ebp; syscall", X86_FEATURE_SYSCALL32
int $0x80
ALTERNATIVE "", "movl %esp,%ebp; sysenter", X86_FEATURE_SEP
ALTERNATIVE "movl $1, %eax; movl $2, %ebx", "nop", X86_FEATURE_XENPV
ALTERNATIVE_3 "nop", "lfence", X86_FEATURE_LFENCE_RDTSC, "lfence; lfence", X86_FEATURE_RDTSCP, "pushl %eax; popl %eax; nop; nop", X86_FEATURE_RDPID
ALTERNATIVE_TERNARY "", X86_FEATURE_SMAP, "cld", "std; nop"
ALTERNATIVE "jmp 1f", "call 2f", X86_FEATURE_ALWAYS
1: nop
2: ret
`;

function featureSymbols(): string {
  return [...X86_FEATURES].map(([name, f]) => `${name} = ${f.value}\n`).join('');
}

function le32(b: Uint8Array, at: number): number {
  return (b[at]! | (b[at + 1]! << 8) | (b[at + 2]! << 16) | (b[at + 3]! << 24)) >>> 0;
}

test('ALTERNATIVE built-ins give the bytes and relocations real as gives with the same GAS macros', () => {
  const prefix = PRELUDE_TEXT + featureSymbols();
  const oracle = gas('alternatives', prefix + SOURCE);
  assert.ok(oracle.elf, JSON.stringify(oracle.messages));
  const module = assemble({ file: 'alternatives.s', text: SOURCE });
  assert.deepEqual(module.diagnostics, []);
  const want = comparableFromElf(oracle.elf);
  const got = comparableFromModule(module);
  for (const name of ['.text', '.altinstructions', '.altinstr_replacement']) {
    assert.deepEqual(got.sections.find((s) => s.name === name), want.sections.find((s) => s.name === name), name);
  }
  assert.deepEqual(got.relocations, want.relocations);
  const table = oracle.elf.section('.altinstructions')!.data;
  const sites = [];
  for (let k = 0; k + 14 <= table.length; k += 14) {
    sites.push({ offset: le32(table, k), replacementOffset: le32(table, k + 4), ftFlags: le32(table, k + 8), length: table[k + 12], replacementLength: table[k + 13] });
  }
  assert.equal(sites.length, 10);
  assert.deepEqual(module.alternatives.map((a) => ({ offset: a.offset, replacementOffset: a.replacementOffset, ftFlags: a.ftFlags, length: a.length, replacementLength: a.replacementLength })), sites);
  assert.deepEqual(module.alternatives.slice(0, 2).map((a) => a.featureName), ['X86_FEATURE_SYSENTER32', 'X86_FEATURE_SYSCALL32']);
  assert.ok(module.alternatives.every((a) => a.section === '.text'));
});

/**
 * Sites whose operands the built-in macros' own statements must not be confused by: empty
 * originals (padding), originals longer than every replacement, forward and backward numeric
 * references in the arguments (to the file's labels and to the macro's own 140..146), an
 * argument defining a label the macro uses, several statements and data in an argument, flags
 * that are an expression or a symbol defined later, a site in another section and in a .rept.
 */
const ODD_SOURCE = `
.text
odd:
ALTERNATIVE "", "movl %esp,%ebp; sysenter", X86_FEATURE_SEP
ALTERNATIVE "movl $1, %eax; movl $2, %ebx; movl $3, %ecx", "nop", X86_FEATURE_XENPV
ALTERNATIVE "jmp 1f", "jmp 2f", (1 << 16) | X86_FEATURE_SMAP
ALTERNATIVE "jmp 140b", "jmp 143f; nop", X86_FEATURE_ALWAYS
ALTERNATIVE "140: nop", "143: lfence; lfence", later
ALTERNATIVE_2 "", ".byte 0x0f, 0x01, 0xcb", X86_FEATURE_SMAP, "lfence; lfence; lfence", X86_FEATURE_RDTSCP
ALTERNATIVE_2 "nop; nop; nop; nop; nop; nop", "nop", X86_FEATURE_SEP, "nop; nop", X86_FEATURE_SYSCALL32
ALTERNATIVE_2 "call 3f", "call 2f", X86_FEATURE_SYSENTER32, "", X86_FEATURE_SYSCALL32
1: nop
2: ret
3: ret
.section .text.other,"ax"
ALTERNATIVE_3 "", "nop", X86_FEATURE_LFENCE_RDTSC, "lfence; nop", X86_FEATURE_RDTSCP, "pushl %eax; popl %eax; lfence", X86_FEATURE_RDPID
.rept 2
ALTERNATIVE "", "rdtscp", X86_FEATURE_RDTSCP
.endr
ALTERNATIVE_TERNARY "", X86_FEATURE_SMAP, "cld", "std; nop"
later = 3*32+21
`;

test('ALTERNATIVE sites with odd operands give the bytes, relocations and sites real as gives', () => {
  const oracle = gas('alternatives-odd', PRELUDE_TEXT + featureSymbols() + ODD_SOURCE);
  assert.ok(oracle.elf, JSON.stringify(oracle.messages));
  const module = assemble({ file: 'odd.s', text: ODD_SOURCE });
  assert.deepEqual(module.diagnostics, []);
  const want = comparableFromElf(oracle.elf);
  const got = comparableFromModule(module);
  for (const name of ['.text', '.text.other', '.altinstructions', '.altinstr_replacement']) {
    assert.deepEqual(got.sections.find((s) => s.name === name), want.sections.find((s) => s.name === name), name);
  }
  assert.deepEqual(got.relocations, want.relocations);
  const table = oracle.elf.section('.altinstructions')!.data;
  const entries = [];
  for (let k = 0; k + 14 <= table.length; k += 14) entries.push({ ftFlags: le32(table, k + 8), length: table[k + 12], replacementLength: table[k + 13] });
  assert.equal(entries.length, 18);
  assert.deepEqual(module.alternatives.map((a) => ({ ftFlags: a.ftFlags, length: a.length, replacementLength: a.replacementLength })), entries);
  assert.deepEqual([entries[0]!.length, entries[0]!.replacementLength], [4, 4], 'the empty original is padded to its replacement');
});

test('the vDSO ALTERNATIVE_2 leaves four 0x90 at offsets 3-6 and entries with features 111 and 110', () => {
  const module = assemble({ file: 'v.s', text: SOURCE });
  const text = module.sections.find((s) => s.name === '.text')!.bytes;
  assert.deepEqual([...text.slice(0, 9)], [0x51, 0x52, 0x55, 0x90, 0x90, 0x90, 0x90, 0xcd, 0x80]);
  const [a, b] = module.alternatives;
  assert.deepEqual([a!.offset, a!.length, a!.replacementLength, a!.ftFlags], [3, 4, 4, 3 * 32 + 15]);
  assert.deepEqual([b!.offset, b!.length, b!.replacementLength, b!.ftFlags], [3, 4, 4, 3 * 32 + 14]);
  const repl = module.sections.find((s) => s.name === '.altinstr_replacement')!.bytes;
  assert.deepEqual([...repl.slice(a!.replacementOffset, a!.replacementOffset + 4)], [0x89, 0xe5, 0x0f, 0x34]);
  assert.deepEqual([...repl.slice(b!.replacementOffset, b!.replacementOffset + 4)], [0x89, 0xcd, 0x0f, 0x05]);
});

test("a file's own ALTERNATIVE macro and X86_FEATURE value replace the built-ins", () => {
  const module = assemble({
    file: 'own.s',
    text: '.macro ALTERNATIVE a, b, c\n.byte 0x77, \\c\n.endm\nX86_FEATURE_SEP = 5\nALTERNATIVE "", "", X86_FEATURE_SEP\n',
  });
  assert.deepEqual(module.diagnostics, []);
  assert.deepEqual([...module.sections.find((s) => s.name === '.text')!.bytes], [0x77, 5]);
  assert.equal(module.sections.some((s) => s.name === '.altinstructions'), false);
});

test('CFI_* built-ins become the .cfi_* directives', () => {
  const module = assemble({
    file: 'cfi.s',
    text: 'f:\nCFI_STARTPROC\npushl %ebp\nCFI_ADJUST_CFA_OFFSET 4\nCFI_REL_OFFSET ebp, 0\npopl %ebp\nCFI_RESTORE ebp\nCFI_ADJUST_CFA_OFFSET -4\nret\nCFI_ENDPROC\n',
  });
  assert.deepEqual(module.diagnostics, []);
  assert.equal(module.cfi.length, 1);
  assert.deepEqual(module.cfi[0]!.instructions.map((i) => [i.offset, i.op]), [
    [1, { kind: 'def_cfa_offset', offset: 8 }],
    [1, { kind: 'offset', register: 5, offset: -8 }],
    [2, { kind: 'restore', register: 5 }],
    [2, { kind: 'def_cfa_offset', offset: 4 }],
  ]);
  assert.deepEqual([module.cfi[0]!.start, module.cfi[0]!.end], [0, 3]);
});

/**
 * A kernel tree's own ALTERNATIVE macros in the older struct alt_instr layouts (asm/alternative.h
 * of 4.1 to 5.12: `.word feature` and a pad_len byte, 13 bytes; of 5.13 to 6.2: `.word feature`,
 * 12 bytes; ALT_NOT there is the feature's bit 15).
 */
function olderMacros(padlen: boolean): string {
  return `.macro altinstr_entry orig alt feature orig_len alt_len pad_len
	.long \\orig - .
	.long \\alt - .
	.word \\feature
	.byte \\orig_len
	.byte \\alt_len
${padlen ? '\t.byte \\pad_len\n' : ''}.endm
.macro ALTERNATIVE oldinstr, newinstr, feature
140:
	\\oldinstr
141:
	.skip -(((144f-143f)-(141b-140b)) > 0) * ((144f-143f)-(141b-140b)),0x90
142:
	.pushsection .altinstructions,"a"
	altinstr_entry 140b,143f,\\feature,142b-140b,144f-143f,142b-141b
	.popsection
	.pushsection .altinstr_replacement,"ax"
143:
	\\newinstr
144:
	.popsection
.endm
`;
}

for (const layout of [12, 13] as const) {
  test(`a kernel tree's ${layout}-byte .altinstructions (its own macros) gives the sites GNU as's entries hold`, () => {
    const source = `${olderMacros(layout === 13)}
.text
__kernel_vsyscall:
	pushl %ebp
	ALTERNATIVE "", "movl %esp,%ebp; sysenter", 3*32+15
	int $0x80
	ALTERNATIVE "nop", "movl %ecx,%ebp; syscall; nop", (1 << 15) | (3*32+14)
	ALTERNATIVE "movl $1, %eax; movl $2, %ebx", "nop", 8*32+16
	popl %ebp
	ret
`;
    const oracle = gas(`layout${layout}`, source);
    assert.ok(oracle.elf, JSON.stringify(oracle.messages));
    const module = assemble({ file: `layout${layout}.s`, text: source });
    assert.deepEqual(module.diagnostics, []);
    const table = oracle.elf.section('.altinstructions')!.data;
    assert.equal(table.length, 3 * layout);
    const sites = [];
    for (let k = 0; k < table.length; k += layout) {
      const cpuid = table[k + 8]! | (table[k + 9]! << 8);
      // REL: each offset field holds its target's offset in its section.
      sites.push({ offset: le32(table, k), replacementOffset: le32(table, k + 4), ftFlags: (cpuid & 0x7fff) | (cpuid & 0x8000 ? 1 << 16 : 0), length: table[k + 10], replacementLength: table[k + 11] });
    }
    assert.deepEqual(module.alternatives.map((a) => ({ offset: a.offset, replacementOffset: a.replacementOffset, ftFlags: a.ftFlags, length: a.length, replacementLength: a.replacementLength })), sites);
    assert.deepEqual(module.alternatives.map((a) => a.length), [4, 5, 10], 'each site padded to its longest replacement');
  });
}
