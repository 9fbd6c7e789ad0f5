// The Debian vdso32.so loaded by loadVdso (alternatives applied for each CPU model and
// kernel kind) and its __kernel_vsyscall called by a guest assembled with as --32/ld:
// which entry instruction ran (docs/kernel-facts.md §2-3: SYSENTER32 on Intel, SYSCALL32 on AMD
// under a 64-bit kernel; SEP under a 32-bit one; int $0x80 otherwise), pt_regs (args 1-6
// from ebx ecx edx esi edi ebp), the exit path and reason, the registers after the call,
// TF single-step traps at every user instruction, and SIGILL for refused entries.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { realVdso } from '../support/real-vdso';
import { run, scratch } from '../support/oracles';
import { buildAsmGuest, guestSymbol, newGuest, runGuest, VDSO_BASE } from './harness';
import type { CpuModel, KernelKind } from '../../toolchain/designs/options';

const CALLER = `
	.globl _start, after_call, saved, sysinfo, traps, ntraps
	.data
sysinfo: .long 0
saved:	.fill 8,4,0
ntraps:	.long 0
traps:	.fill 64,4,0
act:	.long handler, 0x04000004, restorer, 0, 0
	.text
handler:			/* SA_SIGINFO: record uc_mcontext.ip of every SIGTRAP */
	movl	12(%esp), %eax
	movl	76(%eax), %ecx
	movl	ntraps, %edx
	movl	%ecx, traps(,%edx,4)
	incl	ntraps
	ret
restorer:
	movl	$173, %eax
	int	$0x80
_start:
	movl	$174, %eax		/* rt_sigaction(SIGTRAP, &act, 0, 8) */
	movl	$5, %ebx
	movl	$act, %ecx
	xorl	%edx, %edx
	movl	$8, %esi
	int	$0x80
	TF_ON
	movl	$20, %eax
	movl	$1, %ebx
	movl	$2, %ecx
	movl	$3, %edx
	movl	$4, %esi
	movl	$5, %edi
	movl	$6, %ebp
	call	*sysinfo
after_call:
	movl	%eax, saved
	movl	%ecx, saved+4
	movl	%edx, saved+8
	movl	%ebx, saved+12
	movl	%esp, saved+16
	movl	%ebp, saved+20
	movl	%esi, saved+24
	movl	%edi, saved+28
	pushfl
	andl	$0xfffffeff, (%esp)
	popfl
	movl	$252, %eax
	xorl	%ebx, %ebx
	int	$0x80
`;

function guest(tf: boolean) {
  return buildAsmGuest(tf ? 'caller_tf' : 'caller', CALLER.replace('TF_ON', tf ? 'pushfl\n\torl $0x100, (%esp)\n\tpopfl' : ''));
}

const CASES: Array<{ cpu: CpuModel; kernel: KernelKind; via: 'sysenter' | 'syscall' | 'int'; alt: string }> = [
  { cpu: 'intel', kernel: 'compat64', via: 'sysenter', alt: 'mov    %esp,%ebp' },
  { cpu: 'amd', kernel: 'compat64', via: 'syscall', alt: 'mov    %ecx,%ebp' },
  { cpu: 'generic', kernel: 'compat64', via: 'int', alt: 'nop' },
  // A 64-bit kernel's image tests SYSENTER32/SYSCALL32, which a 32-bit kernel never sets:
  // under native32 it keeps int $0x80 (designs.test.ts covers SEP with the upstream design).
  { cpu: 'intel', kernel: 'native32', via: 'int', alt: 'lea' },
  { cpu: 'amd', kernel: 'native32', via: 'int', alt: 'lea' },
  { cpu: 'generic', kernel: 'native32', via: 'int', alt: 'lea' },
];

function read32(bytes: Uint8Array, at: number): number {
  return (bytes[at]! | (bytes[at + 1]! << 8) | (bytes[at + 2]! << 16) | (bytes[at + 3]! << 24)) >>> 0;
}

for (const c of CASES) {
  test(`Debian vdso32 __kernel_vsyscall on ${c.cpu}/${c.kernel}: ${c.via}, pt_regs, exit path, registers`, () => {
    const vdso = realVdso().bytes;
    const g0 = guest(false);
    const g = newGuest(g0.bytes, { cpu: c.cpu, kernel: c.kernel, abi: 'upstream', vdso });
    const sysinfoVar = guestSymbol(g0.bytes, 'sysinfo');
    g.p.memory.poke(sysinfoVar, Uint8Array.of(...[0, 8, 16, 24].map((s) => (g.vdso!.sysinfo >>> s) & 0xff)));
    // The patched bytes as objdump (the oracle) disassembles them: the alternative at offset 3.
    const so = join(scratch('vdso-lab-patched-'), 'vdso.so');
    writeFileSync(so, g.vdso!.image);
    const dis = run('objdump', ['-d', '--start-address=0x553', '--stop-address=0x557', so]);
    assert.match(dis, new RegExp(`553:.*${c.alt.replace(/[()%$]/g, (m) => '\\' + m)}`), `alternative at +3 for ${c.cpu}/${c.kernel}:\n${dis}`);
    runGuest(g);
    assert.deepEqual(g.p.exit, { status: 0 });
    const call = g.calls.find((k) => k.regs.orig_ax === 20)!;
    assert.equal(call.record.via, c.via);
    assert.equal(call.record.address, c.via === 'int' ? VDSO_BASE + 0x557 : VDSO_BASE + 0x555);
    const r = call.regs;
    assert.deepEqual([r.bx, r.cx, r.dx, r.si, r.di, r.bp], [1, 2, 3, 4, 5, 6], 'pt_regs args 1-6');
    assert.equal(r.orig_ax, 20);
    assert.equal(r.ip, VDSO_BASE + 0x559, 'regs->ip is int80_landing_pad');
    assert.deepEqual([r.cs, r.ss], c.kernel === 'compat64' ? [0x23, 0x2b] : [0x73, 0x7b]);
    if (c.via !== 'int') assert.deepEqual(call.record.fetched.map((f) => f.value), [6], 'arg6 fetched from the user stack');
    const expectPath = c.via === 'int' ? 'iret' : c.kernel === 'compat64' ? 'sysretl' : 'sysexit';
    assert.equal(call.exit!.path, expectPath, call.exit!.reason);
    if (expectPath !== 'iret') assert.match(call.exit!.reason, /fast path/);
    const saved = g.p.memory.read(guestSymbol(g0.bytes, 'saved'), 32) as Uint8Array;
    const regsAfter = [0, 1, 2, 3, 5, 6, 7].map((i) => read32(saved, i * 4));
    assert.deepEqual(regsAfter, [1000, 2, 3, 1, 6, 4, 5], 'eax = getpid, every other register preserved');
  });

  test(`Debian vdso32 with TF on ${c.cpu}/${c.kernel}: one SIGTRAP per user instruction but the entering one, IRET`, () => {
    const vdso = realVdso().bytes;
    const g0 = guest(true);
    const g = newGuest(g0.bytes, { cpu: c.cpu, kernel: c.kernel, abi: 'upstream', vdso });
    g.p.memory.poke(guestSymbol(g0.bytes, 'sysinfo'), Uint8Array.of(...[0, 8, 16, 24].map((s) => (g.vdso!.sysinfo >>> s) & 0xff)));
    runGuest(g);
    assert.deepEqual(g.p.exit, { status: 0 });
    const call = g.calls.find((k) => k.regs.orig_ax === 20)!;
    assert.equal(call.exit!.path, 'iret');
    if (c.via !== 'int') assert.match(call.exit!.reason, /TF|not the landing pad/);
    const n = read32(g.p.memory.read(guestSymbol(g0.bytes, 'ntraps'), 4) as Uint8Array, 0);
    const trapBytes = g.p.memory.read(guestSymbol(g0.bytes, 'traps'), 4 * n) as Uint8Array;
    const traps = Array.from({ length: n }, (_, i) => read32(trapBytes, 4 * i));
    const after = guestSymbol(g0.bytes, 'after_call');
    const inVdso = traps.slice(0, traps.indexOf(after) + 1).filter((a) => a >= VDSO_BASE).map((a) => a - VDSO_BASE);
    // Instruction boundaries of __kernel_vsyscall (docs/kernel-facts.md §2): pushes at 0,1,2; the
    // 4-byte alternative at 3 (mov 2 bytes + entry 2 bytes, or one 4-byte NOP); int $0x80 at 7
    // (not reached after a fast entry); landing pad 9; pops 9,10,11; ret 12. The instruction
    // that enters the kernel has no trap of its own (Linux: INT/SYSCALL clear TF, the #DB
    // after SYSENTER is dropped in the kernel), so no trap reports the landing pad 9.
    const expected = c.via === 'int' ? [0x550, 0x551, 0x552, 0x553, 0x557, 0x55a, 0x55b, 0x55c] : [0x550, 0x551, 0x552, 0x553, 0x555, 0x55a, 0x55b, 0x55c];
    assert.deepEqual(inVdso, expected, `trap addresses in the vDSO: ${inVdso.map((a) => a.toString(16))}`);
    assert.equal(traps.filter((a) => a === after).length, 1, 'one trap at the return address');
    const saved = g.p.memory.read(guestSymbol(g0.bytes, 'saved'), 32) as Uint8Array;
    assert.deepEqual([0, 1, 2, 3, 5, 6, 7].map((i) => read32(saved, i * 4)), [1000, 2, 3, 1, 6, 4, 5]);
  });
}

const RAW = (insn: string) => `
	.globl _start
_start:
	movl	%esp, %ebp
	${insn}
	movl	$252, %eax
	int	$0x80
`;

for (const [insn, cpu, kernel] of [['sysenter', 'amd', 'compat64'], ['syscall', 'intel', 'compat64'], ['syscall', 'amd', 'native32'], ['sysenter', 'generic', 'native32']] as const) {
  test(`${insn} on ${cpu}/${kernel} raises #UD: killed by SIGILL at the instruction`, () => {
    const g0 = buildAsmGuest(`raw_${insn}`, RAW(insn));
    const g = newGuest(g0.bytes, { cpu, kernel, abi: 'upstream', vdso: realVdso().bytes });
    runGuest(g);
    assert.equal(g.p.exit && 'signal' in g.p.exit ? g.p.exit.signal : undefined, 4);
    assert.match(g.reports.join('\n'), /^killed by SIGILL at 0x08049002 \(si_addr 0x08049002, ILL_ILLOPN\)$/m);
  });
}
