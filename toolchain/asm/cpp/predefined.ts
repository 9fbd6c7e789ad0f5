// Owns the macros the preprocessor defines before reading a file: the subset of what
// `gcc -m32 -E -dM -x assembler-with-cpp /dev/null` defines (gcc 12.2, Debian) that assembler
// sources test, and cpp's built-in macros computed at each use. gcc does NOT define
// __ASSEMBLY__: the kernel's build passes -D__ASSEMBLY__ itself, and so must our callers.
// test/asm-cpp compares each value here with gcc's at test time.

import type { BuiltinMacro } from './macro';

/** Name and replacement text, as `gcc -dM` prints them. */
export const PREDEFINED: readonly (readonly [string, string])[] = [
  ['__ASSEMBLER__', '1'],
  ['__STDC__', '1'],
  ['__STDC_HOSTED__', '1'],
  ['__GNUC__', '12'],
  ['__GNUC_MINOR__', '2'],
  ['__GNUC_PATCHLEVEL__', '0'],
  ['__VERSION__', '"12.2.0"'],
  ['__ELF__', '1'],
  ['__i386', '1'],
  ['__i386__', '1'],
  ['i386', '1'],
  ['__i686', '1'],
  ['__i686__', '1'],
  ['__pentiumpro', '1'],
  ['__pentiumpro__', '1'],
  ['__code_model_32__', '1'],
  ['__linux', '1'],
  ['__linux__', '1'],
  ['linux', '1'],
  ['__gnu_linux__', '1'],
  ['__unix', '1'],
  ['__unix__', '1'],
  ['unix', '1'],
  ['_ILP32', '1'],
  ['__ILP32__', '1'],
  ['__CHAR_BIT__', '8'],
  ['__SIZEOF_INT__', '4'],
  ['__SIZEOF_LONG__', '4'],
  ['__SIZEOF_LONG_LONG__', '8'],
  ['__SIZEOF_SHORT__', '2'],
  ['__SIZEOF_POINTER__', '4'],
  ['__SIZEOF_SIZE_T__', '4'],
  ['__ORDER_LITTLE_ENDIAN__', '1234'],
  ['__ORDER_BIG_ENDIAN__', '4321'],
  ['__ORDER_PDP_ENDIAN__', '3412'],
  ['__BYTE_ORDER__', '__ORDER_LITTLE_ENDIAN__'],
  ['__USER_LABEL_PREFIX__', ''],
  ['__REGISTER_PREFIX__', ''],
  ['__GCC_HAVE_DWARF2_CFI_ASM', '1'],
  ['__PIC__', '2'],
  ['__pic__', '2'],
  ['__PIE__', '2'],
  ['__pie__', '2'],
];

/** cpp's built-in macros, whose value depends on where they are used. */
export const BUILTINS: readonly BuiltinMacro[] = [
  '__FILE__', '__LINE__', '__COUNTER__', '__INCLUDE_LEVEL__', '__BASE_FILE__', '__DATE__', '__TIME__',
];
