// Owns every choice the CPU makes where the Intel SDM leaves a result or flag "undefined":
// one list, with the reason for each, and the constants the flag code uses. The project
// wants Intel behaviour. No Intel part was available to measure (the host is an AMD EPYC that
// cannot run i386 code), so where Intel's behaviour is not documented the choice below is the
// one qemu-i386 7.2 makes, which the differential test (test/cpu/) then checks exactly;
// where qemu is known to differ from Intel, the emulator follows Intel and the test masks the
// flag (test/cpu/masks.ts) or avoids the form (test/cpu/generate.ts), saying why.
//
// 1. shl/sal/shr/sar, count != 0: AF = 0. OF for a count other than 1 uses the count-1
//    formula on the value shifted count-1 times: shl: CF xor top bit of the result; shr: 0
//    (top bit of a value shifted right twice is 0); sar: 0. CF for 8/16-bit operands with a
//    count above the width (9..31 / 17..31): shl and shr give 0, sar the sign bit.
// 2. rol/ror, count != 0: OF = top bit of the result xor CF (rol) / xor the bit below it (ror),
//    whatever the count. rcl/rcr: OF = top bit of (operand xor result), whatever the count
//    (for a count of 1 this is the SDM's definition). A count that is 0 modulo 9 (8-bit rcl/rcr)
//    or 17 (16-bit) changes nothing.
// 3. shld/shrd, count != 0: AF = 0; OF: shld: CF xor the result's top bit; shrd: top bit of
//    (destination >> (count-1)) xor the result's top bit. 16-bit forms with a count of 17..31
//    (result undefined in the SDM): the destination:source:destination concatenation is
//    shifted (the Intel behaviour qemu also implements); not compared by the test.
// 4. mul/imul (all forms): SF ZF PF from the low half of the result, AF = 0.
// 5. div/idiv: the six status flags keep their values.
// 6. and/or/xor/test: AF = 0.
// 7. bsf/bsr: CF OF AF = 0, SF PF from the source, ZF defined; a zero source leaves the
//    destination unchanged (what Intel and AMD parts do and software relies on).
//    f3 0f bc/bd (tzcnt/lzcnt on BMI1/ABM parts) run as bsf/bsr: the modelled CPU has no BMI1.
// 8. bt/bts/btr/btc: only CF changes; OF SF AF PF keep their values. qemu recomputes them from
//    its previous operation instead: masked in the test.
// 9. aaa/aas: OF SF ZF PF keep their values. daa/das: OF = 0. aam/aad: CF AF OF = 0, SF ZF PF
//    from AL. aam with an immediate of 0 raises #DE.
// 10. cmpxchg8b: only ZF is written (as the SDM says; the others keep their values).
// 11. bswap with a 16-bit operand (result undefined): the low word becomes 0, as Intel parts do
//    (qemu swaps all 32 bits instead; the test never generates this form).
// 12. push of a segment register with a 32-bit operand size writes only the low 16 bits of the
//    stack slot, as recent Intel parts do (qemu writes 32; the test zeroes the slot first).
// 13. rdtsc and rdtscp: the instruction count (deterministic), not time. lfence/mfence/sfence/pause run as
//    no-ops although cpuid reports no SSE/SSE2; rdtscp and rdpid run on the generic model too,
//    although its cpuid reports neither (the intel and amd models report both).
// 14. x87 condition codes the SDM leaves undefined (emulator/x86/fpu/exec.ts): fincstp and
//    fdecstp clear C0 C2 C3; fsqrt of a negative number sets C2 and clears C0 C3; the other
//    arithmetic instructions leave C0 C2 C3 as they were (all three as qemu does).

/** AF after a shift with a nonzero count (choice 1). */
export const AF_AFTER_SHIFT = 0;
