// Checks what `.section` makes of the sections it creates, against as --32 on the same source:
// the type operand in each of GNU as's spellings (names, numbers in C notation, quoted, unknown
// names), the types and flags of the sections BFD knows by name when the source names others,
// .eh_frame named by the source with and without CFI appended, and a retained section's object.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compareMessagesWithGas, compareWithGas } from './gas-compare';

/** A source that creates each section of `lines` (a `.section` line each) and puts a byte in it. */
function creating(lines: readonly string[]): string {
  return lines.map((l) => `\t${l}\n\t.byte 0\n`).join('');
}

test('the type operand in every spelling GNU as reads: the same types, warnings and object', async () => {
  const gas = await compareWithGas('section-types', creating([
    '.section .s1,"a",@0x70000001',
    '.section .s2,"a",@0x7',
    '.section .s3,"a","12"',
    '.section .s4,"a","12x"',
    '.section .s5,"a","0x70000001"',
    '.section .s6,"a",@unwind',
    '.section .s7,"a",@strtab',
    '.section .s8,"a","bogus"',
    '.section .s9,"a","progbits"',
    '.section .s10,"a",%note',
    '.section .s11,"a",@0',
    '.section .s12,"a",@012',
    '.section .s13,"a",@99999999999999999999999',
    '.section .s14,"a",@',
  ]));
  assert.ok(gas.messages.includes('7: Warning: extraneous characters at end of numeric section type'), gas.messages.join('\n'));
  assert.ok(gas.messages.includes('11: Warning: unrecognized section type'), gas.messages.join('\n'));
});

test('a type operand with characters after its number or name, and a quoted nobits type given data: GNU as\'s errors', async () => {
  await compareWithGas('section-type-junk', '\t.section .j1,"a",@12abc\n\t.section .j2,"a",@progbits x\n\t.section .j3,"a","nobits"\n\t.byte 1\n');
});

test('sections BFD knows by name, created with another type or other flags: GNU as\'s types, flags and warnings', async () => {
  const gas = await compareWithGas('special-created', creating([
    '.section .init_array,"aw",@progbits',
    '.section .fini_array,"a",@note',
    '.section .preinit_array,"aw",%init_array',
    '.section .init_array.5,"aw"',
    '.section .text.foo,"a"',
    '.section .rodata.x,"aw"',
    '.section .note.x,"a"',
    '.section .note.y,"ax"',
    '.section .note.GNU-stack,"x"',
    '.section .interp,"a"',
    '.section .data.x,"a",@nobits',
    '.section .rodata,"a",@note',
    '.section .rodata.p,"a",@0x70000001',
    '.section .bss.x,"aw",@progbits',
    '.section .tdata.x,"aw"',
    '.section .data.rel.ro,"a"',
    '.section .rodata.str1.1,"aMS",@progbits,1',
    '.section .comment,"MS",@progbits,1',
    '.section .text.g,"axG",@progbits,grp,comdat',
    '.section .data.g,"axG",@progbits,grp,comdat',
    '.section .data.e,"awe"',
  ]));
  assert.ok(gas.messages.includes('1: Warning: ignoring incorrect section type for .init_array'), gas.messages.join('\n'));
  assert.ok(gas.messages.includes('11: Warning: setting incorrect section attributes for .rodata.x'), gas.messages.join('\n'));
});

test('.eh_frame named by the source: no flags of its own, the generated CFI\'s added to those it names', async () => {
  await compareWithGas('eh-frame-plain', '\t.section .eh_frame\n\t.long 0\n\t.text\nf:\tret\n');
  const cfi = '\t.long 0\n\t.text\nf:\t.cfi_startproc\n\tret\n\t.cfi_endproc\n';
  await compareWithGas('eh-frame-cfi', `\t.section .eh_frame\n${cfi}`);
  await compareWithGas('eh-frame-empty-flags', `\t.section .eh_frame,""\n${cfi}`);
  await compareWithGas('eh-frame-own-type', `\t.section .eh_frame,"ax",@note\n${cfi}`);
});

test('a retained section makes the object GNU\'s (its OS/ABI byte), as GNU as does', async () => {
  const gas = await compareWithGas('retained', '\t.section .data.r,"awR"\n\t.byte 0\n');
  assert.equal(gas.object?.[7], 3, 'as --32 writes ELFOSABI_GNU for a retained section');
});

test('sections whose tables the object writer owns, created by name with flags: GNU as\'s messages, no type warning where none is named', async () => {
  // Their types differ (docs/gas-differences.md); a type not named must draw no "incorrect section type".
  const gas = await compareMessagesWithGas('table-sections', creating(['.section .dynamic,"aw"', '.section .strtab,"a"', '.section .rel.foo,""', '.section .hash,"a"']));
  assert.ok(!gas.messages.some((m) => m.includes('section type')), gas.messages.join('\n'));
});
