// Owns every choice the CPU makes where the Intel SDM says a flag is "undefined": one list,
// with the reason for each, and the constants the flag computation uses. The project's aim
// is the behaviour of an Intel CPU; where that behaviour is not established here, the choice
// is the one qemu-i386 (the differential oracle) makes, and the test masks the flag only when
// qemu itself is known to differ from Intel hardware (test/cpu/masks.ts lists those).
//
// 1. Shifts (shl/sal/shr/sar) with a nonzero count:
//    - AF: 0. Intel leaves it undefined; qemu clears it. Chosen: 0.
//    - OF when the count is not 1: computed with the count-1 formula: shl: CF xor the result's
//      top bit; shr: 0 (the top bit of a value shifted right by two or more is 0); sar: 0.
//      Intel documents OF only for a count of 1.
//    - CF when the count is larger than the operand width (8/16-bit forms, count 9..31 /
//      17..31): shl/shr give 0 (the last bit shifted out of the zero-extended operand), sar gives
//      the sign bit. Intel: undefined.
// 2. Rotates (rol/ror/rcl/rcr): OF when the (masked) count is not 1 is computed with the count-1
//    formula (rol: CF xor top bit of the result; ror: the two top bits of the result xor'ed; rcl,
//    rcr: as for 1 on the last step). Intel: undefined.
// 3. shld/shrd: AF: 0; OF for counts other than 1: the count-1 formula (sign change of the
//    destination); CF/OF when the count exceeds the operand width (16-bit forms, count 17..31):
//    the result and flags of shifting the 32-bit concatenation, as Intel's 16-bit shld behaves on
//    Core parts (the operand is undefined there; the value is chosen to match qemu).
// 4. mul/imul (all forms): SF, ZF and PF from the low half of the result, AF = 0. Intel leaves
//    SF ZF AF PF undefined.
// 5. div/idiv: all six status flags are left unchanged. Intel: undefined.
// 6. and/or/xor/test: AF = 0 (Intel: undefined; Intel hardware clears it).
// 7. bsf/bsr: CF = OF = AF = 0, SF and PF from the source operand, ZF defined (source = 0);
//    with a zero source the destination is left unchanged (Intel: undefined; Intel and AMD
//    hardware leave it unchanged, which Linux and compilers rely on).
// 8. bt/bts/btr/btc: only CF changes; OF SF AF PF (undefined) keep their values.
// 9. aaa/aas: OF SF ZF PF (undefined) from the AL result as `add`/`sub` of the adjustment would
//    set them... chosen simpler: SF ZF PF from the new AL, OF = 0. daa/das: OF = 0 (undefined).
//    aam/aad: CF AF OF (undefined) = 0, SF ZF PF from AL. aam 0 raises #DE.
// 10. cmpxchg8b: only ZF is written (the others keep their values, as the SDM says).
// 11. rdtsc: the instruction count (deterministic), not time.

/** AF after a shift with a nonzero count (choice 1). */
export const AF_AFTER_SHIFT = 0;
