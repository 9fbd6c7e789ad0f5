// The system instructions at CPL 3 (issue: fidelity of the emulated process): each privileged
// form raises #GP, which Linux turns into SIGSEGV SI_KERNEL with no address; the UMIP-covered
// stores run (Linux emulates them); the forms a user program cannot have (mov to or from a
// test register, swapgs outside 64-bit mode, monitor, clac, rsm...) raise #UD, SIGILL
// ILL_ILLOPN at the instruction. One GNU as/ld program catches SIGSEGV, SIGILL, SIGFPE and
// SIGBUS with SA_SIGINFO and prints, per form, the signal, si_code, si_addr, the eip its
// handler sees (as an offset from the form) and sigcontext's trapno and err. Natively (where
// this host runs i386) the output must be the same under vdso-lab with the host's CPU vendor;
// qemu-i386 gives the same except sigcontext.trapno, which it never fills (-1): that field is
// left out of the comparison with it. int3 and int1 (icebp) close the list: int1 is #DB with no
// DR6 bit, which Linux sends as SIGTRAP TRAP_BRKPT at the next instruction; qemu-i386 has no
// int1 (SIGILL at it), so that line is compared with the host and, where the host cannot run
// i386, with the kernel's rule (exc_debug_user: send_sigtrap(regs, 0, TRAP_BRKPT), si_addr
// the next instruction) and the program's own symbols from nm. Under a hypervisor the host's
// sysexit and int1 lines may be the hypervisor's and are not compared with it (support.ts,
// HYPERVISOR_FORMS). Facts: docs/kernel-facts.md §15.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { assemble, hostRunsI386, run, scratch } from '../support/oracles';
import { runLab, runQemu } from '../support/run-program';
import { HYPERVISOR_FORMS, hostCpuModel, hostVirtualized, runNative } from '../kernel-acceptance/support';

/** With no argument: every form, one line each; with one: `clts` without a handler (the default action). */
const PROGRAM = String.raw`
.macro case name, insn:vararg
  .section .rodata
name\@: .asciz "\name"
  .text
  movl $name\@, %esi
  call putstr
  movl $resume\@, resume
  movl $at\@, base
at\@: \insn
  movl $none, %esi
  call putstr
resume\@:
.endm

.text
.globl _start
_start:
  cmpl $1, (%esp)
  jne unhandled
  movl $11, %ebx
  call install
  movl $4, %ebx
  call install
  movl $7, %ebx
  call install
  movl $8, %ebx
  call install
  movl $5, %ebx
  call install
  movw $0x28, %ax
  movl $0x1f0, %edx
  case hlt, hlt
  case cli, cli
  case sti, sti
  case inb_imm, inb $0x80, %al
  case inl_dx, inl (%dx), %eax
  case outb_imm, outb %al, $0x80
  case outw_dx, outw %ax, (%dx)
  case insb, insb
  case outsl, outsl
  case lgdt, lgdt mem
  case lgdtw, lgdtw mem
  case lidt, lidt mem
  case lldt_reg, lldt %ax
  case lldt_mem, lldt mem
  case ltr_reg, ltr %ax
  case lmsw_reg, lmsw %ax
  case lmsw_mem, lmsw mem
  case clts, clts
  case invd, invd
  case wbinvd, wbinvd
  case wbnoinvd, wbnoinvd
  case invlpg, invlpg mem
  case rdmsr, rdmsr
  case wrmsr, wrmsr
  case rdpmc, rdpmc
  case mov_from_cr0, movl %cr0, %ebx
  case mov_to_cr0, movl %ebx, %cr0
  case mov_from_cr3, movl %cr3, %ebx
  case mov_to_cr4, movl %ebx, %cr4
  case mov_from_dr7, movl %db7, %ebx
  case mov_to_dr0, movl %ebx, %db0
  case mov_from_tr6, .byte 0x0f, 0x24, 0xf3
  case mov_to_tr6, .byte 0x0f, 0x26, 0xf3
  case sgdt, sgdt mem
  case sidt, sidt mem
  case smsw, smsw %ebx
  case str, str %ebx
  case sldt, sldt %ebx
  case swapgs, .byte 0x0f, 0x01, 0xf8
  case monitor, monitor
  case mwait, mwait
  case clac, clac
  case rsm, rsm
  case getsec, getsec
  case ud1, .byte 0x0f, 0xb9, 0xc0
  case sysexit, sysexit
  case sysret, sysret
  case int3, int3
  case int1, int1
  movl $1, %eax
  xorl %ebx, %ebx
  int $0x80

unhandled:
  clts
  movl $1, %eax
  movl $3, %ebx
  int $0x80

# ebx = signal number
install:
  movl $174, %eax
  movl $act, %ecx
  xorl %edx, %edx
  movl $8, %esi
  int $0x80
  ret

restorer:
  movl $173, %eax
  int $0x80

# handler(sig, info, uc)
handler:
  pushl %ebp
  movl %esp, %ebp
  pushl %esi
  pushl %edi
  pushl %ebx
  movl $s_sig, %esi
  call putstr
  movl 8(%ebp), %eax
  call putdec
  movl 12(%ebp), %edi
  movl $s_code, %esi
  call putstr
  movl 8(%edi), %eax
  call puthex
  movl $s_addr, %esi
  call putstr
  movl 12(%edi), %eax
  call puthex
  movl 16(%ebp), %edi
  movl $s_eip, %esi
  call putstr
  movl 76(%edi), %eax
  subl base, %eax
  call putdec
  movl $s_trapno, %esi
  call putstr
  movl 68(%edi), %eax
  call putdec
  movl $s_err, %esi
  call putstr
  movl 72(%edi), %eax
  call puthex
  movl $nl, %esi
  call putstr
  movl resume, %eax
  movl %eax, 76(%edi)
  popl %ebx
  popl %edi
  popl %esi
  popl %ebp
  ret

# esi = NUL-terminated string; keeps all but eax
putstr:
  pushal
  movl %esi, %ecx
  xorl %edx, %edx
1: cmpb $0, (%ecx,%edx)
  je 2f
  incl %edx
  jmp 1b
2: movl $4, %eax
  movl $1, %ebx
  int $0x80
  popal
  ret

# eax as hex
puthex:
  pushal
  movl $buf+15, %edi
  movb $0, (%edi)
1: decl %edi
  movl %eax, %edx
  andl $15, %edx
  movb digits(%edx), %dl
  movb %dl, (%edi)
  shrl $4, %eax
  jnz 1b
  movl %edi, %esi
  call putstr
  popal
  ret

# eax as signed decimal
putdec:
  pushal
  movl $buf+15, %edi
  movb $0, (%edi)
  movl %eax, %ecx
  testl %eax, %eax
  jns 1f
  negl %eax
1: decl %edi
  xorl %edx, %edx
  movl $10, %ebx
  divl %ebx
  addb $'0', %dl
  movb %dl, (%edi)
  testl %eax, %eax
  jnz 1b
  testl %ecx, %ecx
  jns 2f
  decl %edi
  movb $'-', (%edi)
2: movl %edi, %esi
  call putstr
  popal
  ret

.section .rodata
digits: .ascii "0123456789abcdef"
none: .asciz " no signal\n"
s_sig: .asciz " sig="
s_code: .asciz " code=0x"
s_addr: .asciz " addr=0x"
s_eip: .asciz " eip=+"
s_trapno: .asciz " trapno="
s_err: .asciz " err=0x"
nl: .asciz "\n"
.data
act: .long handler, 0x04000004, restorer, 0, 0
resume: .long 0
base: .long 0
mem: .long 0, 0, 0, 0
buf: .fill 16
`;

function build(): string {
  const dir = scratch();
  const out = join(dir, 'system-forms');
  run('ld', ['-m', 'elf_i386', assemble('system-forms', PROGRAM, dir), '-o', out]);
  return out;
}

/** qemu-i386 leaves sigcontext.trapno -1. */
const withoutTrapno = (text: string) => text.replace(/ trapno=-?\d+/g, '');
/** qemu-i386 has no int1: its line is compared elsewhere. */
const withoutInt1 = (text: string) => text.replace(/^int1 .*\n/m, '');

test('privileged forms at CPL 3 are SIGSEGV SI_KERNEL, the forms a user program cannot have SIGILL at the form, as natively and under qemu-i386', async () => {
  const prog = build();
  const q = runQemu(prog);
  assert.equal(q.status, 0, q.stderr);
  assert.match(q.stdout, /^lgdt sig=11 code=0x80 addr=0x0 eip=\+0 trapno=-?\d+ err=0x0$/m, 'the program prints what it caught');
  const intel = await runLab(prog, ['--cpu', 'intel']);
  assert.equal(intel.status, 0, intel.stderr);
  assert.equal(withoutTrapno(withoutInt1(intel.stdout)), withoutTrapno(withoutInt1(q.stdout)), 'as under qemu-i386 (an Intel-like CPU in compat mode)');
  const symbols = new Map(run('nm', [prog]).trim().split('\n').map((l) => l.split(' ')).map(([v, , n]) => [n!, parseInt(v!, 16)]));
  const last = Math.max(...[...symbols.keys()].filter((n) => /^at\d+$/.test(n)).map((n) => Number(n.slice(2))));
  const next = symbols.get(`at${last}`)! + 1; // int1 is the last case: its label is the highest at<N>
  assert.match(intel.stdout, new RegExp(`^int1 sig=5 code=0x1 addr=0x${next.toString(16)} eip=\\+1 trapno=1 err=0x0$`, 'm'), 'int1: SIGTRAP TRAP_BRKPT at the next instruction, trapno 1 (#DB)');
  const unhandled = await runLab(prog, ['--cpu', 'intel'], ['x']);
  assert.equal(unhandled.status, runQemu(prog, ['x']).status, 'clts without a handler ends the process as under qemu-i386');
  assert.match(unhandled.stderr, /killed by SIGSEGV at 0x[0-9a-f]+ \(SI_KERNEL\)/);
  if (!hostRunsI386()) return;
  const native = runNative(prog);
  const lab = hostCpuModel() === 'intel' ? intel : await runLab(prog, ['--cpu', hostCpuModel()]);
  const formsOfTheHost = (text: string) => (hostVirtualized() ? text.split('\n').filter((l) => !HYPERVISOR_FORMS.includes(l.split(' ')[0]!)).join('\n') : text);
  assert.equal(formsOfTheHost(lab.stdout), formsOfTheHost(native.stdout), 'as natively');
  assert.equal(unhandled.status, runNative(prog, ['x']).status, 'clts without a handler ends the process as natively');
});
