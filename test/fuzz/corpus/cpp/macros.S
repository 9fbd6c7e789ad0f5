/* cpp seed: object and function macros, stringising, pasting, conditionals, includes. */
#include <vdso-lab.h>
#define TWICE(x) ((x) + (x))
#define STR(x) #x
#define CAT(a, b) a ## b
#define VAR(fmt, ...) .ascii fmt; .long __VA_ARGS__
#if defined(CONFIG_X86_64) && TWICE(2) == 4
	.long CAT(0x, 10)
#elif !defined(__ASSEMBLY__)
# error "not assembly"
#else
	.ascii STR(hello world)
#endif
#ifdef TWICE
#undef TWICE
#endif
#if __LINE__ > 3 || (1 ? 2 : 3)
	VAR("x", 1, 2, 3)
#endif
#line 100 "other.S"
	.long __LINE__
#pragma once
#include "missing.h"
