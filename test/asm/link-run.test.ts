// Objects from `vdso-lab asm` are what GNU as writes: for a program written here, the
// object (with -g line information) is byte-identical to `as --32 -g`'s, links with GNU ld,
// runs under qemu-i386 with the same output as GNU as's, and gdb finds its source lines.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../../cli/run-cli';
import { run, scratch } from '../support/oracles';

const SOURCE = `# A small program: prints a greeting and a computed number, exits with a checksum.
\t.section .rodata
greeting:
\t.ascii "hello from the assembler\\n"
\t.set greeting_len, . - greeting
\t.data
counter:
\t.long 7
\t.bss
\t.lcomm digits, 16
\t.text
\t.globl _start
\t.type _start, @function
_start:
\tmovl $4, %eax
\tmovl $1, %ebx
\tmovl $greeting, %ecx
\tmovl $greeting_len, %edx
\tint $0x80
\tmovl counter, %eax
\tcall square
\tpushl %eax
\tpushl %eax
\tcall print_decimal
\taddl $4, %esp
\tpopl %ebx
\tmovl $1, %eax
\tandl $0x7f, %ebx
\torl $3, %ebx
\tint $0x80
\t.size _start, . - _start

# square(eax) -> eax, with a frame and CFI
\t.type square, @function
square:
\t.cfi_startproc
\tpushl %ebp
\t.cfi_adjust_cfa_offset 4
\t.cfi_rel_offset %ebp, 0
\tmovl %esp, %ebp
\t.cfi_def_cfa_register %ebp
\timull %eax, %eax
\tpopl %ebp
\t.cfi_def_cfa %esp, 4
\tret
\t.cfi_endproc
\t.size square, . - square

# print_decimal(n on the stack): writes n and a newline
\t.type print_decimal, @function
print_decimal:
\t.cfi_startproc
\tpushl %ebx
\t.cfi_adjust_cfa_offset 4
\tmovl 8(%esp), %eax
\tmovl $digits+15, %ecx
\tmovb $10, (%ecx)
\tmovl $10, %ebx
1:\tdecl %ecx
\txorl %edx, %edx
\tdivl %ebx
\taddb $'0', %dl
\tmovb %dl, (%ecx)
\ttestl %eax, %eax
\tjnz 1b
\tmovl $digits+16, %edx
\tsubl %ecx, %edx
\tmovl $1, %ebx
\tmovl $4, %eax
\tint $0x80
\tpopl %ebx
\t.cfi_adjust_cfa_offset -4
\tret
\t.cfi_endproc
\t.size print_decimal, . - print_decimal
`;

function quietIo(cwd: string) {
  const io = { stdout: '', stderr: '', cwd, out(t: string) { io.stdout += t; }, err(t: string) { io.stderr += t; } };
  return io;
}

test('asm -c -g writes the object as --32 -g writes, and both programs run alike', async () => {
  const dir = scratch();
  writeFileSync(join(dir, 'prog.s'), SOURCE);
  const io = quietIo(dir);
  assert.equal(await runCli(['asm', '-c', '-g', 'prog.s', '-o', 'ours.o'], io), 0, io.stderr);
  run('as', ['--32', '-g', 'prog.s', '-o', 'gas.o'], { cwd: dir });
  const ours = readFileSync(join(dir, 'ours.o'));
  const gas = readFileSync(join(dir, 'gas.o'));
  assert.ok(ours.equals(gas), `objects differ: ${ours.length} vs ${gas.length} bytes\n` +
    `ours:\n${run('readelf', ['-S', '-W', join(dir, 'ours.o')])}\ngas:\n${run('readelf', ['-S', '-W', join(dir, 'gas.o')])}`);

  run('ld', ['-m', 'elf_i386', 'ours.o', '-o', 'ours'], { cwd: dir });
  run('ld', ['-m', 'elf_i386', 'gas.o', '-o', 'gas'], { cwd: dir });
  const a = spawnSync('qemu-i386', [join(dir, 'ours')], { encoding: 'utf8' });
  const b = spawnSync('qemu-i386', [join(dir, 'gas')], { encoding: 'utf8' });
  assert.equal(a.stdout, 'hello from the assembler\n49\n');
  assert.equal(a.stdout, b.stdout);
  assert.equal(a.status, b.status);
  assert.equal(a.status, (49 & 0x7f) | 3);

  // gdb reads the line table: the imull of square() follows push %ebp (1 byte) and mov %esp,%ebp (2).
  const lineOf = SOURCE.split('\n').findIndex((l) => l.includes('imull')) + 1;
  const gdb = run('gdb', ['-batch', '-nx', '-ex', `info line prog.s:${lineOf}`, join(dir, 'ours')], { cwd: dir });
  assert.match(gdb, new RegExp(`Line ${lineOf} of "prog\\.s" starts at address 0x[0-9a-f]+ <square\\+3>`));
});
