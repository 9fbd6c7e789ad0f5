// Places where the assembler's object or messages differed from GNU as --32, checked
// against `as --32` at test time: the symbol table's order when `.equ` names come before a
// section that `.pushsection` creates (GAS makes a section's symbol with the section, so the
// ABS locals made earlier come first), and constants that do not fit their field (an absolute
// address above 0xffff in .code16, a 16- or 8-bit immediate or displacement): GAS's warning
// "0x10000 shortened to 0x0" on the same line, and the encoding GAS chooses from the value
// before it is shortened (a disp16, not a disp8; an imm16, not an imm8); and a branch to an
// absolute address, whose relocation names no symbol; nop and loop in .code16 (no 66 or 67).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { runOverFiles } from '../support/run-tool';
import { assembleWithBoth, type AssemblerRun } from './gas-compare';

/** Assembles `source` with as --32 and with `vdso-lab asm -c`, both of which must succeed; both objects and both stderr texts. */
async function both(name: string, source: string): Promise<{ gas: AssemblerRun; lab: AssemblerRun }> {
  const runs = await assembleWithBoth(name, source);
  assert.equal(runs.gas.status, 0, runs.gas.stderr);
  assert.equal(runs.lab.status, 0, runs.lab.stderr);
  return runs;
}

/** readelf's `option` output for our object and GAS's, from one readelf over both (run-tool.ts runOverFiles). */
function readelfBoth(option: string, lab: AssemblerRun, gas: AssemblerRun): [string, string] {
  const [ours, theirs] = runOverFiles('readelf', [option], [lab.path, gas.path]);
  return [ours!, theirs!];
}

/** `LINE: Warning: TEXT` per message (vdso-lab adds the column after the line, GAS 2.40 does not). */
function messages(stderr: string, file: string): string[] {
  return stderr.split('\n').flatMap((line) => {
    const m = new RegExp(`^${file.replace('.', '\\.')}:(\\d+)(?::\\d+)?: (.*)$`).exec(line);
    return m ? [`${m[1]}: ${m[2]}`] : [];
  });
}

test('.equ names before a .pushsection of a new section: the symbol table in GNU as\'s order', async () => {
  const { gas, lab } = await both('equ-pushsection', `
	.equ FOO, 1
	.set BAR, 2
	.pushsection .mysec, "a"
1:	.byte 1
	.popsection
	.equ LATER, 3
	.text
here:	nop
	.long 1b
	.long .Lx
	.section .other, "a"
	.long .Ly
.Ly:	.byte 0
	.data
.Lx:	.long here
`);
  assert.equal(...readelfBoth('-sW', lab, gas));
  assert.deepEqual(readFileSync(lab.path), readFileSync(gas.path));
});

test('constants too wide for their field: GNU as\'s "shortened" warnings on the same lines and its encodings', async () => {
  const source = `
	.code16
	movl %eax, 65536
	movw 0x12345, %ax
	movw 0x10005(%bx), %ax
	movw -0x10000(%bx), %ax
	movw 0x1fffe(%bx,%si), %ax
	movw 0xffff8000, %ax
	movw $0x8000ffff, %ax
	addw $0x10000, %bx
	movw $-70000, %ax
	movb $-200, %al
	movl %eax, -65537
	movl %eax, -1
	movl %eax, 0x10000(%ebx)
	.code32
	movw $0x12345, (%eax)
	addb $0x100, %al
	pushw $0x10000
	addw $0x1ff80, %cx
	movb %al, 0x12345(%bx)
	movl $0x100000000, %eax
	movl 0x100000000(%ebx), %eax
`;
  const { gas, lab } = await both('shortened', source);
  const expected = messages(gas.stderr, 'shortened.s');
  assert.ok(expected.some((m) => m === '3: Warning: 0x10000 shortened to 0x0'), gas.stderr);
  assert.deepEqual(messages(lab.stderr, 'shortened.s'), expected);
  assert.deepEqual(readFileSync(lab.path), readFileSync(gas.path));
});

test('branches to absolute addresses: relocations with no symbol (index 0), the object GNU as writes', async () => {
  const { gas, lab } = await both('absolute-branches', `
	jmp 0x12345
	call 0x100
	.code16
	call 0x100
	jmp 0x200
`);
  assert.equal(...readelfBoth('-rW', lab, gas));
  assert.deepEqual(readFileSync(lab.path), readFileSync(gas.path));
});

test('.code16 nop and loop: no 66 or 67 prefix (loop takes the code\'s address size, loopl/loopzw name theirs)', async () => {
  const { gas, lab } = await both('code16-loop', `
	.code16
	nop
	loop .
	loopl .
	loopw .
	loopz .
	loopnel .
	loopzw .
	jecxz .
	jcxz .
	.code32
	nop
	loop .
	loopl .
	loopw .
	loopzw .
	loopnew .
	jcxz .
`);
  assert.deepEqual(readFileSync(lab.path), readFileSync(gas.path));
});

test('.octa (signed or unsigned fill above 64 bits, bignums) and character constants with digits after them, as GNU as reads them', async () => {
  const { gas, lab } = await both('octa-chars', `
	.data
	.octa 0x0123456789abcdef0123456789abcdef, -1, 5, 0x8000000000000000, 1 << 63, ~0, ~5
	.octa -5, -0x8000000000000000, -(3 - 5), - -5, -5 + 0, 0 + -5, -5 >> 1, -~0, ~-5, -0, !0, !-5, +-5
	.octa 0x1234567890abcdef1234567890abcdef12, 0x10000000000000000 + 1
a:	.long 0
b:	.octa b - a
	.byte '\\101, 'A, '\\n, 'A', 'B1
	.long '\\101, 'A1
	movb $'\\101, %al
`);
  const expected = messages(gas.stderr, 'octa-chars.s');
  assert.ok(expected.includes('5: Warning: bignum truncated to 16 bytes'), gas.stderr);
  assert.ok(expected.includes('8: Warning: value 0x1325 truncated to 0x25'), gas.stderr);
  assert.deepEqual(messages(lab.stderr, 'octa-chars.s'), expected);
  assert.deepEqual(readFileSync(lab.path), readFileSync(gas.path));
});

/** Assembles `source` with as --32 and with `vdso-lab asm -c`, both of which must fail; both stderr texts. */
async function bothFail(name: string, source: string): Promise<{ gas: string; lab: string }> {
  const { gas, lab } = await assembleWithBoth(name, source);
  assert.notEqual(gas.status, 0, 'GNU as fails');
  assert.notEqual(lab.status, 0, 'vdso-lab asm fails');
  return { gas: gas.stderr, lab: lab.stderr };
}

test('numeric labels referred to but not defined, and .octa of a symbol: GNU as\'s errors, on its lines', async () => {
  const { gas, lab } = await bothFail('undefined-numeric', `
	.text
	jmp 1b
1:	jmp 1f
1:	jmp 2f
	jmp 1b
	.data
	.octa foo
`);
  // GAS names no line for a forward reference never defined (it finds it at the end); vdso-lab puts it at the end of the file.
  const texts = (stderr: string) => stderr.split('\n').flatMap((line) => /(Error|Warning): .*$/.exec(line)?.[0] ?? []).sort();
  assert.ok(texts(gas).some((t) => t.includes('instance number 1 of a fb label') && t.includes('"2"')), gas);
  assert.deepEqual(texts(lab), texts(gas));
  const lined = messages(gas, 'undefined-numeric.s');
  assert.deepEqual(messages(lab, 'undefined-numeric.s').filter((m) => lined.includes(m)), lined);
});

test('a section named again with another type or flags: GNU as\'s warning for the sections it knows by name, its error for others', async () => {
  const { gas, lab } = await bothFail('changed-sections', `
	.section .alt,"a"
	.section .alt,"aw"
	.section .text,"aw"
	.section .data,"ax"
	.section .foo,"a",@progbits
	.section .foo,"a",@nobits
	.section .mybss,"aw",@nobits
	.section .mybss,"aw"
	.section .bss,"aw"
	.section .bss,"a"
	.section .rodata.x,"a"
	.section .rodata.x,"aw"
	.section .note.foo,"a"
	.section .note.foo,""
	.section .note.foo,"ax"
	.section .my,"a"
	.section .my,"a",@note
	.section .my
	.section .tdata.z,"awT"
	.section .tdata.z,"aw"
	.section .text.hot,"ax"
	.section .text.hot,"a"
	.section .textual,"ax"
	.section .textual,"a"
	.section .m,"aMS",@progbits,1
	.section .m,"a"
	.section .x,"aw"
	.section .x,"aw",@progbits
`);
  const expected = messages(gas, 'changed-sections.s');
  assert.ok(expected.includes('3: Error: changed section attributes for .alt'), gas);
  assert.ok(expected.includes('4: Warning: ignoring changed section attributes for .text'), gas);
  assert.deepEqual(messages(lab, 'changed-sections.s'), expected);
});

test('.section and .pushsection NAME, "FLAGS" met again (read once per text): the same sections, flags and warnings as GNU as', async () => {
  const source = `
	.section .alt, "a"
	.byte 1
	.text
	nop
	.section .alt, "a"
	.byte 2
	.pushsection .alt, "a"
	.byte 3
	.popsection
	.section .text, "a"
	.section .text, "a"
	.section .text, "ax"
	nop
	.section .data, "a"
	.long 5
	.section .data, "a"
	.section .rep, "ax"
	ret
	.pushsection .rep,"ax"
	ret
	.popsection
	.section .rep, "ax"
	.section "quoted", "aw"
	.byte 6
	.section "quoted", "aw"
`;
  const { gas, lab } = await both('section-forms', source);
  assert.deepEqual(messages(lab.stderr, 'section-forms.s'), messages(gas.stderr, 'section-forms.s'));
  assert.equal(...readelfBoth('-SW', lab, gas));
  assert.deepEqual(readFileSync(lab.path), readFileSync(gas.path));
});

test('data directives of differences of labels, `.` and undefined symbols, within and across sections: the object GNU as writes', async () => {
  const { gas, lab } = await both('differences', `
	.text
t1:	nop
	.long t2 - t1, t1 - t2, . - t1, t1 - ., u1 - ., u1 - t1, u1 - t2, t2 - t2
	.byte t2 - t1
	.word 140f - t1
t2:	nop
	.long t2 - t1
140:	.skip 3
	.data
d1:	.long d1 - d2, u2 - d1, u1 - u1
d2:	.long 0
	.pushsection .altinstructions,"a"
	.long 661f - ., 662f - .
	.popsection
661:	.long d2 - d1
662:	.byte 662b - 661b
`);
  assert.equal(...readelfBoth('-rW', lab, gas));
  assert.deepEqual(readFileSync(lab.path), readFileSync(gas.path));
});

test('.nops SIZE[, CONTROL]: the NOPs, the jump over long runs and the warnings, as GNU as writes them', async () => {
  const { gas, lab } = await both('nops', `
	.text
	.nops 0
	.nops
	.nops 1+2
	.nops 11, 5
	.nops 15, 4
	.nops 7, 1
	.nops 9, 3
	.nops 23, 2
	.nops 23, 6
	.nops 130, 2
	.nops 300, 3
	.nops 3, -1
	.nops -1
	.zero -1
	nop
	.data
	.nops 5
`);
  const expected = messages(gas.stderr, 'nops.s');
  assert.ok(expected.includes('14: Warning: negative nop control byte, ignored'), gas.stderr);
  assert.deepEqual(messages(lab.stderr, 'nops.s'), expected);
  assert.deepEqual(readFileSync(lab.path), readFileSync(gas.path));
});

test('sections created by name alone take the type, flags and entry size GNU as gives BFD\'s special sections', async () => {
  const nobits = ['.bss', '.bss.x', '.tbss', '.tbss.x', '.noinit', '.gnu.linkonce.b.x', '.persistent.bss'];
  const progbits = [
    '.comment', '.data', '.data.x', '.data1', '.fini', '.fini_array', '.fini_array.5', '.gnu.linkonce.p.x', '.got', '.init', '.init_array',
    '.interp', '.line', '.note', '.note.foo', '.notes', '.note.GNU-stack', '.persistent', '.preinit_array', '.preinit_array.1', '.plt',
    '.rodata', '.rodata.x', '.rodata1', '.text.x', '.tdata', '.tdata.x', '.foo', '.ctf', '.gnu.lto_x', '.zdebug_line',
  ];
  const source = [...nobits.map((n) => `\t.section ${n}\n\t.skip 1`), ...progbits.map((n) => `\t.section ${n}\n\t.byte 1`)].join('\n') + '\n';
  const { gas, lab } = await both('special-sections', source);
  assert.deepEqual(messages(lab.stderr, 'special-sections.s'), messages(gas.stderr, 'special-sections.s'));
  assert.deepEqual(...readelfBoth('-SW', lab, gas));
  assert.deepEqual(readFileSync(lab.path), readFileSync(gas.path));
});
