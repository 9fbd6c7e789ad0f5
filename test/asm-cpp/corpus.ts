// The .S inputs the preprocessor tests run through both gcc's cpp and ours: one case per
// feature (object/function-like macros, # and ##, variadics, conditionals and expressions,
// includes and search paths, #line, comments and continuations, asm-mode quirks) plus
// kernel-shaped headers (dwarf2.h, linkage.h, a vDSO stub source using them).

export interface CppCase {
  readonly name: string;
  /** Files by path relative to the case's folder; `main.S` is preprocessed. */
  readonly files: Readonly<Record<string, string>>;
  readonly includeDirs?: readonly string[];
  readonly defines?: readonly string[];
  readonly undefines?: readonly string[];
  /** -include files, relative to the case's folder. */
  readonly includes?: readonly string[];
  /** -imacros files, relative to the case's folder. */
  readonly imacros?: readonly string[];
}

const DWARF2_H = `/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _ASM_X86_DWARF2_H
#define _ASM_X86_DWARF2_H

#ifndef __ASSEMBLY__
#warning "asm/dwarf2.h should be only included in pure assembly files"
#endif

#define CFI_STARTPROC		.cfi_startproc
#define CFI_ENDPROC		.cfi_endproc
#define CFI_DEF_CFA		.cfi_def_cfa
#define CFI_DEF_CFA_REGISTER	.cfi_def_cfa_register
#define CFI_DEF_CFA_OFFSET	.cfi_def_cfa_offset
#define CFI_ADJUST_CFA_OFFSET	.cfi_adjust_cfa_offset
#define CFI_OFFSET		.cfi_offset
#define CFI_REL_OFFSET		.cfi_rel_offset
#define CFI_REGISTER		.cfi_register
#define CFI_RESTORE		.cfi_restore
#define CFI_REMEMBER_STATE	.cfi_remember_state
#define CFI_RESTORE_STATE	.cfi_restore_state
#define CFI_UNDEFINED		.cfi_undefined
#define CFI_ESCAPE		.cfi_escape
#define CFI_SIGNAL_FRAME	.cfi_signal_frame

#ifndef BUILD_VDSO
	/*
	 * Emit CFI data in .debug_frame sections, not .eh_frame sections.
	 */
	.cfi_sections .debug_frame
#else
	 /*
	  * For the vDSO, emit both runtime unwind information and debug
	  * symbols for the .dbg file.
	  */
	.cfi_sections .eh_frame, .debug_frame
#endif

#endif /* _ASM_X86_DWARF2_H */
`;

const LINKAGE_H = `#ifndef _LINUX_LINKAGE_H
#define _LINUX_LINKAGE_H

#include <asm/linkage.h>

#ifndef ASM_NL
#define ASM_NL		 ;
#endif

#define __ALIGN		.balign 4, 0x90
#define __ALIGN_STR	".balign 4, 0x90"
#define ALIGN __ALIGN
#define ALIGN_STR __ALIGN_STR

#ifndef ENTRY
/* deprecated, use SYM_FUNC_START */
#define ENTRY(name) \\
	.globl name ASM_NL \\
	ALIGN ASM_NL \\
	name:
#endif

#define SYM_T_FUNC			STT_FUNC
#define SYM_T_OBJECT			STT_OBJECT
#define SYM_T_NONE			STT_NOTYPE

#define SYM_A_ALIGN			ALIGN
#define SYM_A_NONE			/* nothing */

#define SYM_L_GLOBAL(name)		.globl name
#define SYM_L_WEAK(name)		.weak name
#define SYM_L_LOCAL(name)		/* nothing */

#define SYM_ENTRY(name, linkage, align...)		\\
	linkage(name) ASM_NL				\\
	align ASM_NL					\\
	name:

#define SYM_START(name, linkage, align...)		\\
	SYM_ENTRY(name, linkage, align)

#define SYM_END(name, sym_type)				\\
	.type name sym_type ASM_NL			\\
	.set .L__sym_size_##name, .-name ASM_NL		\\
	.size name, .L__sym_size_##name

#define SYM_FUNC_START(name)				\\
	SYM_START(name, SYM_L_GLOBAL, SYM_A_ALIGN)

#define SYM_FUNC_START_LOCAL(name)			\\
	SYM_START(name, SYM_L_LOCAL, SYM_A_ALIGN)

#define SYM_FUNC_END(name)				\\
	SYM_END(name, SYM_T_FUNC)

#define SYM_CODE_START_NOALIGN(name)			\\
	SYM_START(name, SYM_L_GLOBAL, SYM_A_NONE)

#endif
`;

const ASM_LINKAGE_H = `#ifndef _ASM_X86_LINKAGE_H
#define _ASM_X86_LINKAGE_H

#ifdef CONFIG_X86_64
#define __ALIGN_BITS 4
#define ASM_PTR .quad
#else
#define __ALIGN_BITS 2
#define ASM_PTR .long
#define asmlinkage CPP_ASMLINKAGE __attribute__((regparm(0)))
#endif

#if defined(__i386__) && !defined(CONFIG_X86_64) && __ALIGN_BITS == 2
#define ARCH_IS_32 1
#endif

#endif
`;

const ALTERNATIVE_H = `#ifndef _ASM_ALT_H
#define _ASM_ALT_H
#define X86_FEATURE_SYSENTER32 ( 3*32+15)
#define X86_FEATURE_SYSCALL32 ( 3*32+14)
#define ALT_INSTR(feat, orig, alt)			\\
	.long 661b - . ASM_NL				\\
	.long 663f - . ASM_NL				\\
	.word feat ASM_NL				\\
	.byte 662b-661b ASM_NL				\\
	.byte 664f-663f

#define ALTERNATIVE_2(oldinstr, newinstr1, feature1, newinstr2, feature2) \\
	661: oldinstr ; 662: ; \\
	.pushsection .altinstructions,"a" ; \\
	ALT_INSTR(feature1, 661b, 663f) ; \\
	ALT_INSTR(feature2, 661b, 663f) ; \\
	.popsection ; \\
	.pushsection .altinstr_replacement,"ax" ; \\
	663: newinstr1 ; 664: ; \\
	663: newinstr2 ; 664: ; \\
	.popsection
#endif
`;

const VSYSCALL_S = `/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Code for the vDSO.  This version uses the old int $0x80 method.
 */

#include <linux/linkage.h>
#include <asm/dwarf2.h>
#include <asm/alternative.h>

	.text
	.globl __kernel_vsyscall
	.type __kernel_vsyscall,@function
	ALIGN
__kernel_vsyscall:
	CFI_STARTPROC
	pushl	%ecx
	CFI_ADJUST_CFA_OFFSET	4
	CFI_REL_OFFSET		ecx, 0
	pushl	%edx
	CFI_ADJUST_CFA_OFFSET	4
	CFI_REL_OFFSET		edx, 0
	pushl	%ebp
	CFI_ADJUST_CFA_OFFSET	4
	CFI_REL_OFFSET		ebp, 0

	#define SYSENTER_SEQUENCE	"movl %esp, %ebp; sysenter"
	#define SYSCALL_SEQUENCE	"movl %ecx, %ebp; syscall"

#ifdef CONFIG_X86_64
	/* If SYSENTER (Intel) or SYSCALL32 (AMD) is available, use it. */
	ALTERNATIVE_2 "", SYSENTER_SEQUENCE, X86_FEATURE_SYSENTER32, \\
	                  SYSCALL_SEQUENCE,  X86_FEATURE_SYSCALL32
#else
	ALTERNATIVE_2("", movl %esp, X86_FEATURE_SEP, movl %ecx, X86_FEATURE_SYSCALL32)
#endif

	/* Enter using int $0x80 */
	int	$0x80
SYM_INNER_LABEL(int80_landing_pad, SYM_L_GLOBAL)

	popl	%ebp
	CFI_RESTORE		ebp
	CFI_ADJUST_CFA_OFFSET	-4
	popl	%edx
	CFI_RESTORE		edx
	CFI_ADJUST_CFA_OFFSET	-4
	popl	%ecx
	CFI_RESTORE		ecx
	CFI_ADJUST_CFA_OFFSET	-4
	ret
	CFI_ENDPROC

	.size __kernel_vsyscall,.-__kernel_vsyscall
	.previous

SYM_FUNC_START(vdso_helper)
	movl $__NR_exit, %eax	# the syscall number
	movl $(1 << __ALIGN_BITS), %ecx
	ENTRY(old_style)
	ASM_PTR 1b, 2f
SYM_FUNC_END(vdso_helper)
SYM_CODE_START_NOALIGN(no_align)
	ret
#ifdef ARCH_IS_32
	.ascii "32-bit"
#endif
`;

export const CASES: readonly CppCase[] = [
  {
    name: 'object-like macros, rescanning, blue paint',
    files: {
      'main.S': `#define FOO 5
#define BAR FOO + FOO
#define REC REC + 1
#define AA BB
#define BB AA
	movl $FOO, %eax
	movl $BAR,%ebx   # BAR in a comment stays
	movl $ FOO, %eax
REC AA BB
FOO.x .FOO _FOO FOO_ 0x1FOO FOO1
#define EMPTY
EMPTY movl EMPTY %eax EMPTY, EMPTY %ebx EMPTY
  .byte FOO,FOO ,FOO , FOO
#undef FOO
FOO
`,
    },
  },
  {
    name: 'function-like macros, arguments across lines, nesting',
    files: {
      'main.S': `#define BAR(x) x+1
#define SUM(a, b) ((a) + (b))
#define APPLY(f, x) f(x)
#define ID(x) x
#define f(a) a*g
#define g(a) f(a)
#define f2(x) x g2
#define g2 f2
#define h(x) x(h)(5)
	movl %eax, BAR(2) /* c
   d */ BAR
   BAR(
    3
   ) next
 x
SUM(1,2) SUM( (1,2) , (3,4) ) SUM(SUM(1,2),SUM(3,4))
APPLY(BAR, 7) APPLY(ID, ID(ID)(9))
f(2)(9)
f2(1)(2)(3)
ID(ID)(5) ID(ID(5))
h(ID)
BAR
(4)
`,
    },
  },
  {
    name: 'stringizing and pasting',
    files: {
      'main.S': `#define str(s) # s
#define xstr(s) str(s)
#define INCFILE(n) vers ## n
#define CAT(a,b) a ## b
#define CAT3(a,b,c) a ## b ## c
#define EMPTY
#define FOO 7
xstr(INCFILE(2).h) str(   x  +   y   ) str('"' "\\"\\n") str() str( a
   b )
CAT(,) CAT(x,) CAT(,y) [CAT(EMPTY,1)] CAT(1,EMPTY) CAT(+,+) CAT(-,=) CAT(.,.)
CAT(%,eax) CAT($,FOO) CAT(FO,O) CAT3(a,,c) CAT3(,,) CAT3(1,2,3) CAT(<,<) CAT(<<,=)
CAT(.L,__sym) CAT(/,/) CAT(/,=) CAT(0x,1f) CAT(1,f) CAT(L, "s") CAT(a b, c d)
#define H(a) movl a, %eax # comment a
H(1)
#define LBL(n) .L ## n: ; jmp .L ## n
LBL(loop) LBL(  done  )
xstr(FOO) str(FOO) xstr(CAT(F,OO))
#define G(x) x
#define N 9
G(F)N G(F)9 G(F)__LINE__ G(F)0x1 G(F)1e5 G(F)1.5 G(F)1e+5 G(F).5 G(_)1 G($a)1 G(F)'c' G(1)F
`,
    },
  },
  {
    name: 'variadic macros (__VA_ARGS__, named, GNU comma paste)',
    files: {
      'main.S': `#define V(fmt, ...) g(fmt,##__VA_ARGS__) h(__VA_ARGS__)
#define W(fmt, args...) g(fmt , ## args) [args]
#define E(...) <__VA_ARGS__> #__VA_ARGS__
#define ONLY(args...) {args}
V(1,) V(1) W(1,) W(1) V(1, ) V(1,x) V(1, 2 ,3) W(a, b, c)
E() E(a) E(a,b,  c) E( (a,b) , c) ONLY() ONLY(x, y)
`,
    },
  },
  {
    name: 'conditionals and #if expressions',
    files: {
      'main.S': `#define ONE 1
#define ZERO 0
#define F(x) (x * 2)
#if ONE
yes1
#elif 1/0
no
#else
no
#endif
#if ZERO
no
#elif defined ONE && defined(ZERO) && !defined NOPE
yes2
#endif
#ifdef ONE
yes3
#else
no
#endif
#ifndef ONE
no
#elif F(3) == 6
yes4
#endif
#if -1 < 0u
no
#else
yes5
#endif
#if 0x7fffffffffffffff + 0 > 0 && 18446744073709551615u == -1 && 0b101 == 5 && 010 == 8
yes6
#endif
#if (2 || 1/0) && !(0 && 1/0) && (1 ? 2 : 1/0) == 2 && (0 ? 1/0 : 3) == 3
yes7
#endif
#if 'a' == 97 && '\\377' < 0 && '\\n' == 10 && 'ab' == 24930 && '\\x41' == 65 && L'a' == 97
yes8
#endif
#if (-1 >> 70) == -1 && (1 >> -1) == 2 && -7 / 2 == -3 && -7 % 2 == -1 && 7u / 2 == 3 && (~0u >> 63) == 1
yes9
#endif
#if (1, 0) || (3 & 5) != 1 || (3 ^ 5) != 6 || (3 | 5) != 7 || (1 << 4) != 16 || 2 * 3 - 4 / 2 != 4
no
#else
yes10
#endif
#if UNDEFINED_NAME == 0
#endif
#if 1
# if 0
no
# elif 1
yes11
# else
no
# endif
#else
# if 1
no
# endif
#endif
#if 0
#error not reached
#include "not-here.h"
#bogus directive
' unterminated quote in skipped text
#endif
#if 5 >= 5 && 4 <= 5 && 3 != 4 && __GNUC__ >= 4 && __i386__ && defined(__ELF__) && __ASSEMBLER__
yes12
#endif
`,
    },
  },
  {
    name: 'includes, search paths, include_next, __FILE__ and __INCLUDE_LEVEL__',
    includeDirs: ['inc2', 'inc/'],
    files: {
      'main.S': `before
#include "local.h"
#include <foo.h>
#define HDR <foo.h>
#include HDR
#define QHDR "sub/nested.h"
#include QHDR
after __FILE__ __INCLUDE_LEVEL__ __BASE_FILE__
#include "guarded.h"
#include "guarded.h"
#include "once.h"
#include "once.h"
end
`,
      'local.h': 'local __FILE__ __INCLUDE_LEVEL__\n',
      'inc2/foo.h': 'inc2foo __FILE__\n#include_next <foo.h>\n',
      'inc/foo.h': 'in_foo __FILE__ __INCLUDE_LEVEL__',
      'sub/nested.h': 'nested __FILE__\n#include "sibling.h"\n',
      'sub/sibling.h': 'sibling __FILE__\n',
      'guarded.h': '#ifndef GUARD\n#define GUARD\nguarded once\n#endif\n',
      'once.h': '#pragma once\nonce only\n',
    },
  },
  {
    name: '#line, __LINE__, __COUNTER__',
    files: {
      'main.S': `#define L(x) x __LINE__
L(
a
) __LINE__
__COUNTER__ __COUNTER__ __COUNTER__
#line 100
__LINE__
#line 200 "other.S"
__LINE__ __FILE__
#define LN 300
#line LN
__LINE__
`,
    },
  },
  {
    name: 'comments, continuations, asm-mode quirks',
    files: {
      'main.S': `#define FOO 5
# this is an assembler comment FOO
#not_directive FOO
  # indented comment FOO
	movb $'a', %al  FOO
	movb $'a, %al  FOO
	movb $"ab, %al  FOO
	.ascii "FOO"  // FOO
	.ascii "a\\"b" FOO /* FOO */ FOO
	movl $1, \\
	     %eax
#define LONG(a, b) \\
	movl a, %eax ; \\
	movl b, %ebx
LONG(FOO, $2)
/* multi
   line */ FOO after comment
x /**/ y /* */z
1: jmp 1b ; jmp 1f ; 1:
	movl %fs:0x10(,%eax,4), %ecx
	lea (%esp), %esp ; ljmp $0x10, $1f
%:define DG 1
DG @ \` $foo $FOO FOO$ a$b 1$ % %%
#define DOLLAR $FOO
DOLLAR
#
#   
`,
    },
  },
  {
    // Lines with no macro name, directive, comment or splice: cpp prints their tokens as read
    // (the printer's plain-line path), spacing as gcc -E does, between lines it expands.
    name: 'plain lines between expanded ones',
    files: {
      'main.S': `#define FOO 5
	movl	$0x80,%eax   
   
	.long 1e+5, .5e-3, 0x1p+3, 1.e+, 12ab+3 ,x+y
FOO
L "x" fooL"y" u8 "z" uL "w" x"" ""x
	.ascii	"tab	in a string", "a'b"
	a##b c # d  %=%%<<=...->@\` $
	lea 8(%esp,%ecx,4),%esp;ret;.Lx:
FOO bar
bar FOO
	  .byte 1 ,2,	3
#define BAR(x) x
BAR
(1) after
plain after BAR
`,
    },
  },
  {
    name: 'command-line -D and -U',
    defines: ['CONFIG_X86_64', 'VAL=42', 'FN(x)=(x+1)', 'EMPTYDEF='],
    undefines: ['__PIC__', 'linux'],
    files: {
      'main.S': `CONFIG_X86_64 VAL FN(2) [EMPTYDEF] __PIC__ linux unix
#ifdef CONFIG_X86_64
sixty-four
#endif
`,
    },
  },
  {
    name: 'kernel-shaped vDSO source (dwarf2.h, linkage.h, alternatives)',
    includeDirs: ['include', 'arch/x86/include'],
    defines: ['__ASSEMBLY__', 'BUILD_VDSO', 'CONFIG_X86_64', '__NR_exit=1', 'SYM_INNER_LABEL(n,l)=l(n) ; n:'],
    files: {
      'main.S': VSYSCALL_S,
      'include/linux/linkage.h': LINKAGE_H,
      'arch/x86/include/asm/linkage.h': ASM_LINKAGE_H,
      'arch/x86/include/asm/dwarf2.h': DWARF2_H,
      'arch/x86/include/asm/alternative.h': ALTERNATIVE_H,
    },
  },
  {
    name: 'kernel-shaped vDSO source, 32-bit configuration',
    includeDirs: ['include', 'arch/x86/include'],
    defines: ['__ASSEMBLY__', '__NR_exit=1', 'SYM_INNER_LABEL(n,l)=l(n) ; n:', 'X86_FEATURE_SEP=(0*32+11)'],
    files: {
      'main.S': VSYSCALL_S,
      'include/linux/linkage.h': LINKAGE_H,
      'arch/x86/include/asm/linkage.h': ASM_LINKAGE_H,
      'arch/x86/include/asm/dwarf2.h': DWARF2_H,
      'arch/x86/include/asm/alternative.h': ALTERNATIVE_H,
    },
  },
  {
    name: 'forced includes (-include linux/kconfig.h and a header with statements), before the first line',
    includeDirs: ['include'],
    includes: ['include/linux/kconfig.h', 'pre.h'],
    files: {
      'main.S': '#ifdef CONFIG_SLS\n\tRET; int3\n#else\n\tRET\n#endif\n\tnop\n',
      'include/linux/kconfig.h': '#ifndef __LINUX_KCONFIG_H\n#define __LINUX_KCONFIG_H\n#include <generated/autoconf.h>\n#endif\n',
      'include/generated/autoconf.h': '#define CONFIG_SLS 1\n',
      'pre.h': '.set FORCED, 1\n#define RET ret\n',
    },
  },
  {
    name: '-imacros (autoconf.h and a header with statements): macros kept, output dropped, before -include',
    includeDirs: ['include'],
    includes: ['pre.h'],
    imacros: ['include/generated/autoconf.h', 'stmts.h'],
    files: {
      'main.S': '#ifdef CONFIG_SLS\n\tRET; int3\n#else\n\tRET\n#endif\n\tmovl $WIDTH, %eax\n#if FROM_PRE\n\tnop\n#endif\n',
      'include/generated/autoconf.h': '#define CONFIG_SLS 1\n#define CONFIG_HZ 250\n',
      'stmts.h': '.set DROPPED, CONFIG_HZ\n#define WIDTH CONFIG_HZ\nnot_an_instruction\n#include <generated/autoconf.h>\n',
      'pre.h': '#ifdef CONFIG_SLS\n#define FROM_PRE 1\n#endif\n#define RET ret\n',
    },
  },
];
