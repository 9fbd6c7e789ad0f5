// Compares the front end's messages with GNU as 2.40's on files with mistakes: the same
// lines, severities and wording (several per file, the rest still assembled), and checks
// that the statements around the mistakes still produce their bytes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assemble } from '../../toolchain/asm/assembler';
import { gas } from './gas-object';

const FILES: readonly { name: string; source: string; anyOrder?: boolean }[] = [
  {
    name: 'mixed',
    source: `.text
movl %eax
.byte 1
.bogus 3
foo: nop
foo: nop
.if undefined_sym_xyz
.endif
.byte 1 +
.cfi_endproc
.endr
.error "custom failure"
.warning "custom warning"
.err
.long 1
.macro m a:req
.byte \\a
.endm
m
movl $1, %eax
.endif
.else
`,
  },
  {
    name: 'data',
    source: `.data
.byte 256, -257
.word 0x10000
.fill -1, 1, 0
.space -3
.equiv e, 1
.equiv e, 2
.long e
.macro twice
.endm
.macro twice
.endm
.purgem nothere
x: .skip 3
.lcomm negative, -4
.section .b,"aw",@nobits
.byte 1
`,
  },
  {
    name: 'instructions',
    source: `.text
movb %eax, %ebx
addl $1
frob %eax
pushl %ebp
constructor
lock constructor
__proto__ %eax
FROB %bogus
frob a,,b
frob (x
frob x  y
VDSO_END(x)
x$y 1
Foo_1 a + b , c
frob "a  b"
rep frob
frob (a , b)
ret
`,
  },
  {
    // GNU as reports a .fill, .space or .zero count at the end, when it settles the frags;
    // the front end reports it at the statement.
    name: 'operands-not-numbers',
    anyOrder: true,
    source: `.text
.fill u,1,0
.space u
.skip u, 1
.fill 2,u,0
.fill 2,1,u
.fill 1+u
x: .fill x
.rept u
.endr
.zero u
.if u
.endif
.ifle u
.endif
.align u
.balign 4, u
.p2align u
.org 4, u
.cfi_startproc
.cfi_def_cfa_offset u
.cfi_endproc
.comm c, u
.comm c2, 4, u
.lcomm c3, u
.section .a,"aM",@progbits,u
.text u
.space y
y: nop
.nops u
.nops 2,u
.nops 3,
`,
  },
  {
    // Checked when the frags are written: GNU as writes none after an earlier error, so alone.
    name: 'nops-control',
    source: `.text
.nops 23,8
.nops 2,7
.nops -1
`,
  },
  {
    name: 'type-names',
    source: `.text
a: nop
.type a, function
.type a, @Function
.type a, stt_func
.type a, @2
.type a, 1
.type a, @6
.type a, @0
.type a, 10
.type a, @3
.type a, #function
.type a, @common
.type a, 5
.type a, @"object"
.type a
.type a,
.type , @function
.type a, @nosuch
`,
  },
];

for (const f of FILES) {
  test(`errors ${f.name}: the same lines and messages as as --32`, () => {
    const oracle = gas(f.name, f.source);
    const module = assemble({ file: `${f.name}.s`, text: f.source });
    const want = oracle.messages.map((m) => `${m.line} ${m.severity}: ${m.message}`);
    const got = module.diagnostics.map((d) => `${d.location.line} ${d.severity}: ${d.message}`);
    const byLine = (a: string, b: string): number => parseInt(a, 10) - parseInt(b, 10);
    if (f.anyOrder) assert.deepEqual([...got].sort(byLine), [...want].sort(byLine));
    else assert.deepEqual(got, want);
    assert.ok(module.diagnostics.every((d) => d.location.file === `${f.name}.s` && d.location.column >= 1));
  });
}

test('statements after errors are still assembled', () => {
  const m = assemble({ file: 'e.s', text: '.text\nfrob\n.byte 7\nmovl %eax\nnop\n' });
  assert.equal(m.diagnostics.length, 2);
  assert.deepEqual([...m.sections.find((s) => s.name === '.text')!.bytes], [7, 0x90]);
});

test('a string left open in any directive that reads one is one message at its line, never an exception', () => {
  // GNU as warns and reads the string on into the next lines; the front end reads a line at
  // a time, so it reports the string with GNU as's words as an error and goes on.
  const directives = ['.ident "GCC: (Debian', '.section .a,"aw', '.section "open', '.ascii "x', '.string "x', '.asciz "a" "b', '.ifc "a,"b', '.file "x.c', 'nop; .ascii "x; nop'];
  for (const d of directives) {
    const text = `.text\n${d}\n.byte 7\n`;
    const module = assemble({ file: 'open.s', text });
    assert.ok(module.diagnostics.length >= 1, d);
    for (const m of module.diagnostics) {
      assert.equal(`${m.location.file}:${m.location.line}`, 'open.s:2', `${d}: ${m.message}`);
      assert.ok(!m.message.includes('\n'), d);
    }
  }
});
