// Owns the corpus of GNU as sources the front end is compared on: one small file per group
// of directives, macro forms and instruction forms, each assembled by `as --32` at test time.
import { prng } from '../support/prng';

export interface CorpusFile {
  readonly name: string;
  readonly source: string;
}

/**
 * `.skip` counts that relaxation settles: random expressions of numbers and differences of
 * labels defined later (so each count waits for the layout), with the operators whose value
 * evaluate.ts's `smallValue` takes and those it leaves to the full evaluator.
 */
function relaxedSkips(): string {
  const random = prng(0x5eed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;
  const operand = (depth: number): string => {
    const r = random();
    if (depth > 2 || r < 0.3) return String(Math.floor(random() * 9));
    if (r < 0.55) return `(${pick(['e', 'f', 'g'])}${Math.floor(random() * 8)} - ${pick(['e', 'f', 'g'])}${Math.floor(random() * 8)})`;
    if (r < 0.65) return `${pick(['-', '~', '!', '+'])}${operand(depth + 1)}`;
    // No shifts: a count out of 0..63 and `>>` of a negative value are GAS's own matter (not yet ours).
    const op = pick(['+', '-', '*', '/', '%', '&', '|', '^', '&&', '||', '==', '!=', '<>', '<', '>', '<=', '>=']);
    // A divisor is a number other than 0 (GAS's message for 0 in a relaxed count is its own matter).
    return `(${operand(depth + 1)} ${op} ${op === '/' || op === '%' ? 1 + Math.floor(random() * 8) : operand(depth + 1)})`;
  };
  const lines = ['.data'];
  for (const group of ['e', 'f', 'g']) {
    for (let i = 0; i < 40; i++) {
      // A count from 0 to 3 whatever the operands give: two comparisons, each -1 or 0.
      lines.push(`.skip -((${operand(0)}) > (${operand(0)})) * 2 - ((${operand(0)}) <= (${operand(0)})), 0x${(i + 16).toString(16)}`);
    }
    for (let i = 0; i < 8; i++) lines.push(`${group}${i}: .byte ${i}`, `.skip ${(i * 7) % 5}`);
  }
  return lines.join('\n') + '\n';
}

const alignPads = Array.from({ length: 40 }, (_, n) => `.byte 0xcc\n.skip ${n}, 0xcc\n.p2align 6\n`).join('');

export const CORPUS: readonly CorpusFile[] = [
  {
    // Instruction texts that differ only in the symbols they name (the encoding table's
    // shapes): labels, globals, weak and undefined targets, equated values that change, and
    // the names whose encoding depends on the name itself. Relaxed branches to undefined or
    // weak symbols get their relocations after the section's others, as GAS makes them late.
    name: 'same-shape-texts',
    source: `
	.text
	.set small, 5
	.set big, 500
	.weak wk
	.globl g1
g1:	movl small, %eax
	movl big, %eax
	addl $small, %eax
	addl $big, %eax
	jmp l1
	jmp g1
	jmp undef1
	jmp wk
	call l1
	call undef2
	call wk
	movl $l1, %eax
	movl $undef3, %eax
	movl l1+4(%ebx), %ecx
	movl undef4+4(%ebx), %ecx
	pushl $small
	pushl $big
	leal small(%eax,%ebx,2), %ecx
	leal big(%eax,%ebx,2), %ecx
	.data
d1:	.long 0
	.text
	movl d1, %eax
	movl l1, %eax
l1:	nop
	jmp l2
	.fill 200, 1, 0x90
l2:	jmp l1
	jmp l3
l3:	ret
	.set later, 3
	addl $later, %eax
	addl $small, %eax
	.set small, 1000
	addl $small, %eax
	movl $_GLOBAL_OFFSET_TABLE_, %ebx
	addl $_GLOBAL_OFFSET_TABLE_, %ebx
	movl foo@GOTOFF(%ebx), %eax
	movl bar@GOTOFF(%ebx), %eax
`,
  },
  {
    name: 'integers',
    source: `
.data
.byte 1, 2, -1, 255, 'a, '\\n
.word 0x1234, -2
.short 7
.hword 8
.value 9
.2byte 10
.long 0x12345678, -1, 1 << 20
.int 3
.4byte 4
.quad 0x1122334455667788, -5
.8byte 6
.byte 3 * 4 + 1, 17 / 3, 17 % 3, 1 << 3, 256 >> 2, 6 & 3, 6 | 1, 6 ^ 3, ~0 & 0xff, !0, !5
.byte (1 == 1) & 0xff, (1 != 1), (2 < 3) & 1, (2 > 3), 1 && 2, 0 || 0, -(-3), 0x10, 010, 0b101
.long 7 <> 8, 5 <= 5, 6 >= 7
`,
  },
  {
    name: 'strings',
    source: `
.section .rodata
.ascii "abc", "de\\n\\t\\\\\\"q"
.asciz "z"
.string "hello", "x"
.ascii "\\101\\x42\\0end"
.string16 "ab"
.string32 "c"
.ascii "a" "b"
`,
  },
  {
    name: 'leb128-fill-space',
    source: `
.data
.uleb128 0, 127, 128, 300, 0xffffffff
.sleb128 0, -1, 63, 64, -64, -65, -129, 100000
.fill 3, 2, 0x1234
.fill 2, 4
.fill 1, 1, 0xab
.fill 2, 8, 0x01020304
.space 5
.space 3, 0x41
.skip 2, 7
.zero 4
a: .byte 1, 2, 3
b:
.uleb128 b - a, a - b + 1000
.sleb128 a - b
.org 128
.byte 9
.org 134, 0xee
.byte 8
`,
  },
  {
    name: 'alignment-data',
    source: `
.data
.byte 1
.align 4
.byte 2
.balign 8, 0xaa
.byte 3
.p2align 3, 0xbb
.short 4
.balignw 8, 0x1122
.long 5
.balignl 16, 0x11223344
.byte 6
.p2align 4,,3
.byte 7
.p2align 4, 0xcc, 15
.short 8
.p2alignw 2, 0x3344
.long 9
.p2alignl 3, 0x55667788
.section .rodata
.p2align 5
.long 1
`,
  },
  {
    name: 'alignment-code-nops',
    source: `.text\n${alignPads}.byte 0xcc\n.skip 3\n.p2align 8\n.byte 1\n.balign 16, 0x90\n.byte 2\n.p2align 4,,5\n.byte 3\n.p2align 4,,15\nnop\n`,
  },
  {
    name: 'symbols',
    source: `
.globl g1, g2
.global g3
.weak w1
.local l1
.hidden h1
.protected p1
.internal i1
x = 5
.set y, x + 1
.equ z, lab
.equiv q, 42
.set later, 0
.set later, 7
.text
lab: .byte y, z - lab, q
l1: .byte 0
g1: .byte 1
.type g1, @function
.size g1, . - g1
g2: .long 0
.type g2, %object
.size g2, 4
g3: .type g3, STT_FUNC
.long undef1, w1
h1: p1: i1:
.type lab, @function
.size lab, 3
.comm c1, 8, 4
.comm c2, 16
.comm c3, 2
.lcomm lc1, 12
.lcomm lc2, 3
.lcomm lc3, 4
.long c1
.L1: .L2: .long .L1
ab$c: .byte 0
`,
  },
  {
    name: 'sections',
    source: `
.text
.byte 1
.data
.byte 2
.bss
.skip 4
.section .rodata
.byte 3
.section .rodata.str1.1,"aMS",@progbits,1
.asciz "merged"
.section .foo,"aw",@progbits
.byte 4
.section .nob,"aw",@nobits
.skip 8
.section .note.test,"a",@note
.long 4, 4, 1
.asciz "abc"
.long 7
.section .exec,"ax"
nop
.pushsection .data
.byte 5
.popsection
nop
.section .text
.byte 6
.previous
.byte 7
.text 2
.byte 0x22
.text 1
.byte 0x11
.text
.byte 0x10
.data 1
.byte 0x51
.data
.byte 0x50
.section .init_array,"aw"
.long 0
.section .grp,"axG",@progbits,grpsig,comdat
.byte 1
.section "quoted.name","a"
.byte 2
.section .tdata,"awT",@progbits
.long 1
`,
  },
  {
    name: 'relocations-data',
    source: `
.data
d1: .long 0
.text
.globl g
g: nop
l: nop
.long g - .
.long l - .
.long d1 - .
.long d1
.long d1 + 8
.long undef - .
.long undef
.long undef + 4
.long g
.long g + 2
.long g - l
.word undef, l
.byte undef
.section .rodata
.long l
.long g
.long l - .
.long .
.long undef@GOTOFF
.long undef@GOT
.long l@GOTOFF
`,
  },
  {
    name: 'local-labels',
    source: `
.text
1: .byte 1
1: .byte 2
.byte 1b - .
.byte 1f - .
1: .byte 3
2: .long 2f - 1b
2: .long 1b, 2b
.L9: .byte .L9 - 1b
99: .byte 99b - 2b
`,
  },
  {
    name: 'macros',
    source: `
.macro m a b=7 c:vararg
.ascii "\\a"
.byte \\b
.ascii "[\\c]"
.endm
m "x y", 3, 1 2 3
m abc
m "q" 4 5 , 6
m 4 + 5
m 4+5, x y
m (4 + 5)
m 1,,3
.macro k name=3, val:req
.byte \\name, \\val
.endm
k val=9
k 1 2
.macro cc x
.ascii "\\x\\()_y \\@"
.endm
cc q
cc "a b"
.macro rec n
.byte \\n
.if \\n
rec (\\n - 1)
.endif
.endm
rec 3
.macro early v
.byte 0xe0
.if \\v
.exitm
.endif
.byte 0xe1
.endm
early 1
early 0
.macro gone
.byte 0x66
.endm
gone
.purgem gone
.macro gone
.byte 0x67
.endm
gone
.macro Label name
\\name\\():
.long \\name
.endm
Label foo
.macro lbl
.Lx\\@: .byte .Lx\\@ - .
.endm
lbl
lbl
`,
  },
  {
    // One invocation text met again: its expansion is the same statements (assembler.ts keeps
    // them), each time at its own place, with its own numeric labels, conditions and \\@.
    name: 'macros-repeated',
    source: `
.macro site v
1: .byte \\v
.if \\v - 2
.byte 0x11
.exitm
.endif
2: .byte 2b - 1b, 1f - 2b
1:
.endm
.macro twice a b
site \\a+\\b
.byte \\a
.endm
.set n, 2
site n
.set n, 3
site n
site n
twice 1 1
twice 1 1
site 1 + 1
site 1 + 1
.rept 3
site 2
.endr
.macro tag
.Lt\\@: .byte .Lt\\@ - 1b
.endm
1: tag
tag
.macro gone x
.byte \\x
.endm
gone 5
.purgem gone
.macro gone x
.byte \\x + 1
.endm
gone 5
`,
  },
  { name: 'relaxed-skips', source: relaxedSkips() },
  {
    name: 'repeat',
    source: `
.data
.rept 3
.byte 0xaa
.endr
.rept 0
.byte 0xbb
.endr
.irp r, a, b c,d
.ascii "\\r"
.endr
.irp n, 1, 2, 3
.rept \\n
.byte \\n
.endr
.endr
.irpc r, 123
.byte \\r
.endr
.irpc c, ab
.ascii "<\\c>"
.endr
.irp empty
.byte 5
.endr
`,
  },
  {
    name: 'conditionals',
    source: `
.data
x = 3
.if x == 3
.byte 1
.else
.byte 2
.endif
.if 0
.byte 3
.elseif x
.byte 4
.elseif 1
.byte 5
.else
.byte 6
.endif
.ifdef x
.byte 7
.endif
.ifndef nothere
.byte 8
.endif
.ifnotdef x
.byte 9
.endif
.ifeq x - 3
.byte 10
.endif
.ifne x
.byte 11
.endif
.ifgt x
.byte 12
.endif
.ifge 0
.byte 13
.endif
.iflt -1
.byte 14
.endif
.ifle 1
.byte 15
.endif
.ifb
.byte 16
.endif
.ifnb x
.byte 17
.endif
.ifc a,a
.byte 18
.endif
.ifnc a,b
.byte 20
.endif
.ifeqs "s", "s"
.byte 21
.endif
.ifnes "s", "t"
.byte 22
.endif
.if 0
.if 1
.byte 23
.else
.byte 24
.endif
.else
.byte 25
.endif
a: .byte 0
b:
.if b - a == 1
.byte 26
.endif
`,
  },
  {
    name: 'statements-and-comments',
    source: `
.text
# a comment line
nop; nop ; .byte 1 # trailing
/* block */ .byte 2 /* inner */ ; .byte 3
x: y: .byte 4; z: .byte 5
.byte 6 /* spans
lines */ ; .byte 7
`,
  },
  {
    name: 'instructions',
    source: `
.text
.globl f
f:
pushl %ebp
movl %esp, %ebp
movl 8(%ebp), %eax
addl $1, %eax
addl $1000, %eax
subl $4, %esp
movl $msg, %ecx
movl msg, %edx
call f
call local
call undef
leal 4(%esp,%ecx,2), %ebx
int $0x80
local:
popl %ebp
ret
sysenter
movl $(msg2 - msg), %eax
movl $later, %eax
later = 5
.data
msg: .ascii "hi"
msg2:
`,
  },
  {
    name: 'relaxation',
    source: `
.text
.globl gl
start:
jmp 1f
je 1f
jne start
jmp far
jz far
1: nop
.fill 200, 1, 0x90
far:
jmp start
jmp undef
je undef
jmp gl
gl: nop
jmp 2f
.p2align 4
.skip 100
2: jl 2b
jmp 0x1000
loop 2b
jecxz 2b
jmp near1
.skip 125
near1: jmp near2
.skip 126
near2: nop
`,
  },
  {
    name: 'data-in-code-with-relax',
    source: `
.text
a: jmp b
.skip 130
b: nop
.long b - a
.uleb128 b - a
.byte (b - a) & 0xff
c: jmp d
d:
.equ dist, d - c
.byte dist
`,
  },
  {
    name: 'cfi',
    source: `
.text
.globl f
f:
.cfi_startproc
pushl %ebp
.cfi_adjust_cfa_offset 4
.cfi_rel_offset %ebp, 0
movl %esp, %ebp
.cfi_def_cfa_register ebp
pushl %ebx
.cfi_offset 3, -12
.cfi_remember_state
popl %ebx
.cfi_restore %ebx
.cfi_restore_state
.cfi_undefined eax
.cfi_same_value %esi
.cfi_register %edi, %ecx
.cfi_val_offset edx, -8
.cfi_escape 0x2e, 0x10
leave
.cfi_def_cfa esp, 4
ret
.cfi_endproc
g:
.cfi_startproc simple
.cfi_def_cfa_offset 8
.cfi_return_column 8
.cfi_signal_frame
nop
.cfi_endproc
`,
  },
  {
    name: 'misc-directives',
    source: `
.file "misc.c"
.ident "vdso-lab test"
.code32
.arch i686
.text
.byte 1
.print "printed"
.ident "second"
.end
.byte 2
`,
  },
];
