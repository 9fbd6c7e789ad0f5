// SYNTAX TEST "source.gas-x86" "instructions inside ALTERNATIVE's quoted arguments"
    ALTERNATIVE "", "movl %esp, %ebp; sysenter", X86_FEATURE_SEP
//  ^^^^^^^^^^^ keyword.other.alternative.gas-x86
//                   ^^^^ meta.alternative.code.gas-x86 keyword.mnemonic.gas-x86
//                        ^^^^ variable.language.register.gas-x86
//                                    ^^^^^^^^ keyword.mnemonic.gas-x86
//                                               ^^^^^^^^^^^^^^^ constant.other.feature.gas-x86
//                   ^^^^ - string
    ALTERNATIVE_2 "", "movl %esp, %ebp; sysenter", X86_FEATURE_SYSENTER32, \
              "movl %ecx, %ebp; syscall", X86_FEATURE_SYSCALL32
//             ^^^^ meta.alternative.gas-x86 keyword.mnemonic.gas-x86
//                  ^^^^ variable.language.register.gas-x86
//                              ^^^^^^^ keyword.mnemonic.gas-x86
//                                        ^^^^^^^^^^^^^^^^^^^^^ constant.other.feature.gas-x86
    ALTERNATIVE "pushl $0x10", "lock; addl $1, (%esp)", X86_FEATURE_ALWAYS
//               ^^^^^ keyword.mnemonic.gas-x86
//                     ^^^^^ constant.numeric.immediate.gas-x86
//                              ^^^^ keyword.mnemonic.gas-x86
//                                    ^^^^ keyword.mnemonic.gas-x86
//                                              ^^^^ variable.language.register.gas-x86
    movl "not an alternative", %eax
//       ^^^^^^^^^^^^^^^^^^^^ string.quoted.double.gas-x86
    pushl %ecx
//  ^^^^^ keyword.mnemonic.gas-x86 - meta.alternative.gas-x86
