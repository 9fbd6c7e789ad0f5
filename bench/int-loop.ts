// Owns the benchmark's guest program: the integer loop docs/speed-and-exactness.md measured (per iteration a
// load with SIB, add, xor, rol, add, a store with SIB, inc, and, dec, jnz) over a 4 KiB
// buffer, which it then writes to stdout (its final state, for the bench's checksum) before
// exiting with the low byte of the last value; as i386 machine code with its GNU as source
// (test/cpu/bench.test.ts assembles the source and compares), wrapped as an ELF32 executable.
import { writeExec } from '../toolchain/elf/write-exec';

/** The source the bytes below were assembled from (`as --32`). */
export const INT_LOOP_SOURCE = `
  mov $ITERATIONS, %ecx
  sub $4096, %esp
  mov %esp, %ebx
  xor %esi, %esi
  mov $0x12345678, %eax
  mov $1, %edx
  mov $0x55555555, %edi
1:
  mov (%ebx,%esi,4), %eax
  add %edx, %eax
  xor %edi, %eax
  rol $5, %eax
  add $0x9e3779b9, %eax
  mov %eax, (%ebx,%esi,4)
  inc %esi
  and $1023, %esi
  dec %ecx
  jnz 1b
  mov %eax, %edi
  mov %ebx, %ecx
  mov $4096, %edx
  mov $1, %ebx
  mov $4, %eax
  int $0x80
  mov %edi, %ebx
  and $0xff, %ebx
  mov $1, %eax
  int $0x80
`;

/** Instructions executed per loop iteration. */
export const LOOP_LENGTH = 10;
/** Instructions outside the loop (7 before, 10 after). */
export const SETUP_LENGTH = 17;

/** The program's machine code for `iterations` loop iterations. */
export function intLoopCode(iterations: number): Uint8Array {
  const n = iterations >>> 0;
  return Uint8Array.from([
    0xb9, n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, n >>> 24,
    0x81, 0xec, 0x00, 0x10, 0x00, 0x00,
    0x89, 0xe3,
    0x31, 0xf6,
    0xb8, 0x78, 0x56, 0x34, 0x12,
    0xba, 0x01, 0x00, 0x00, 0x00,
    0xbf, 0x55, 0x55, 0x55, 0x55,
    0x8b, 0x04, 0xb3,
    0x01, 0xd0,
    0x31, 0xf8,
    0xc1, 0xc0, 0x05,
    0x05, 0xb9, 0x79, 0x37, 0x9e,
    0x89, 0x04, 0xb3,
    0x46,
    0x81, 0xe6, 0xff, 0x03, 0x00, 0x00,
    0x49,
    0x75, 0xe4,
    0x89, 0xc7,
    0x89, 0xd9,
    0xba, 0x00, 0x10, 0x00, 0x00,
    0xbb, 0x01, 0x00, 0x00, 0x00,
    0xb8, 0x04, 0x00, 0x00, 0x00,
    0xcd, 0x80,
    0x89, 0xfb,
    0x81, 0xe3, 0xff, 0x00, 0x00, 0x00,
    0xb8, 0x01, 0x00, 0x00, 0x00,
    0xcd, 0x80,
  ]);
}

/** Total instructions the program executes. */
export function intLoopInstructions(iterations: number): number {
  return iterations * LOOP_LENGTH + SETUP_LENGTH;
}

/** The program as an ELF32 executable (code at EXEC_BASE + EXEC_CODE_OFFSET). */
export function intLoopElf(iterations: number): Uint8Array {
  return writeExec(intLoopCode(iterations));
}
