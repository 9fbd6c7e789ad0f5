// Owns the native oracle for check a's int $0x80 path: a stub source built with GNU cpp and
// as (its alternatives left unpatched, so it falls into its int $0x80 code, as on a CPU
// with neither SEP nor SYSCALL), linked into a static i386 program that calls it, and run on
// this host's real kernel, which tells what it took as argument 2. Only where hostRunsI386().
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { designsRoot } from '../../toolchain/designs/build';
import { assemble, scratch } from '../support/oracles';
import { buildInput } from '../support/builds';

/** What the caller puts in ecx, argument 2 (the checker's CALL_ARGS[1], restated by the test that compares). */
export const NATIVE_ARG2 = 0x20000002;

// lseek(memfd, arg2, SEEK_SET) returns the offset it was given: argument 2 as the kernel saw it.
const CALLER = `
	.globl _start
	.data
name:	.asciz "arg2"
out:	.long 0, 0
	.text
_start:
	movl	$356, %eax		/* memfd_create("arg2", 0) */
	movl	$name, %ebx
	xorl	%ecx, %ecx
	int	$0x80
	movl	%eax, %ebx		/* lseek(fd, ${NATIVE_ARG2}, SEEK_SET) through the stub */
	movl	$19, %eax
	movl	$${NATIVE_ARG2}, %ecx
	xorl	%edx, %edx
	call	__kernel_vsyscall
after_call:
	movl	%eax, out
	movl	$after_call, out+4
	movl	$4, %eax		/* write(1, out, 8) */
	movl	$1, %ebx
	movl	$out, %ecx
	movl	$8, %edx
	int	$0x80
	movl	$1, %eax
	xorl	%ebx, %ebx
	int	$0x80
`;

/** Argument 2 the host kernel took at the stub's int $0x80, and the caller's return address. */
export function nativeInt80Arg2(stubSource: string): { arg2: number; returnAddress: number } {
  const dir = scratch('vdso-lab-native-int80-');
  const stub = buildInput({ tool: 'gcc', args: ['-m32', '-c', '-D__ASSEMBLY__', '-I', join(designsRoot(), 'include'), resolve(stubSource), '-o', 'stub.o'], dir });
  const caller = assemble('caller', CALLER, dir);
  const exe = buildInput({ tool: 'ld', args: ['-m', 'elf_i386', '-static', caller, stub, '-o', 'caller'], dir });
  const r = spawnSync(exe, [], { encoding: 'buffer' });
  assert.equal(r.status, 0, `the native caller ran: ${r.error ?? r.stderr.toString()}`);
  assert.equal(r.stdout.length, 8, 'the native caller wrote lseek\'s result and its return address');
  return { arg2: r.stdout.readUInt32LE(0), returnAddress: r.stdout.readUInt32LE(4) };
}
