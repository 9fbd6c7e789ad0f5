// The shipped designs (built by toolchain/designs with the project's assembler and linker)
// under their own kernel ABIs: the entry each CPU/kernel gets, the fast exit (SYSEXIT on a
// 32-bit kernel, SYSRETL on a 64-bit one, IRET for the proposal on a 32-bit kernel), and the
// restart rule: a call interrupted with -ERESTARTSYS under SA_RESTART re-enters through the
// int $0x80 at regs->ip - 2 with the same arguments, for every entry method; without
// SA_RESTART it returns -EINTR.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildDesign } from '../../toolchain/designs/build';
import { CPU_MODELS, KERNEL_KINDS, type CpuModel, type KernelAbi, type KernelKind } from '../../toolchain/designs/options';
import { combinations } from '../support/scale';
import { buildAsmGuest, guestSymbol, newGuest, runGuest } from './harness';

const GUEST = (flags: string) => `
	.globl _start, sysinfo, result, after_call
	.data
sysinfo: .long 0
result:	.long 0
act:	.long handler, ${flags}, restorer, 0, 0
	.text
handler:
	ret
restorer:
	movl	$173, %eax
	int	$0x80
_start:
	movl	$174, %eax		/* rt_sigaction(SIGALRM, &act, 0, 8) */
	movl	$14, %ebx
	movl	$act, %ecx
	xorl	%edx, %edx
	movl	$8, %esi
	int	$0x80
	movl	$3, %eax		/* the scripted read(11, 22, 33) */
	movl	$11, %ebx
	movl	$22, %ecx
	movl	$33, %edx
	movl	$44, %esi
	movl	$55, %edi
	movl	$66, %ebp
	call	*sysinfo
after_call:
	movl	%eax, result
	movl	$252, %eax
	xorl	%ebx, %ebx
	int	$0x80
`;

/** The CPU models on each kernel kind (all six at full scale; a covering few at the quick scale). */
const COMBOS = combinations({ kernel: KERNEL_KINDS, cpu: CPU_MODELS });

function expectedVia(abi: KernelAbi, cpu: CpuModel, kernel: KernelKind): 'int' | 'sysenter' | 'syscall' {
  if (kernel === 'compat64') return cpu === 'intel' ? 'sysenter' : cpu === 'amd' ? 'syscall' : 'int';
  if (abi === 'proposal' && cpu !== 'generic') return 'sysenter';
  return cpu === 'generic' ? 'int' : 'sysenter';
}

for (const { abi, kernel, cpu, restart } of combinations({ abi: ['upstream', 'proposal', 'auxv'] as const, kernel: KERNEL_KINDS, cpu: CPU_MODELS, restart: [true, false] })) {
  test(`${abi} on ${cpu}/${kernel}: read interrupted by SIGALRM, ${restart ? 'SA_RESTART: re-entered at ip-2' : 'no SA_RESTART: -EINTR'}`, () => {
    const image = buildDesign(abi, kernel, { cpu }).bytes;
    const g0 = buildAsmGuest(`restart_${restart}`, GUEST(restart ? '0x14000004' : '0x04000004'));
    const g = newGuest(g0.bytes, { cpu, kernel, abi, vdso: image });
    g.p.memory.poke(guestSymbol(g0.bytes, 'sysinfo'), Uint8Array.of(...[0, 8, 16, 24].map((s) => (g.vdso!.sysinfo >>> s) & 0xff)));
    g.readResults = [-512, 5];
    let first = true;
    g.onRead = (p) => {
      if (first) p.signals.send!(14, 0x80);
      first = false;
    };
    runGuest(g);
    assert.deepEqual(g.p.exit, { status: 0 });
    const reads = g.calls.filter((c) => c.regs.orig_ax === 3);
    const via = expectedVia(abi, cpu, kernel);
    assert.equal(reads[0]!.record.via, via);
    const pad = g.vdso!.symbols.landingPad!;
    if (via !== 'int') {
      assert.equal(reads[0]!.regs.ip, pad, 'regs->ip = the landing pad');
      assert.deepEqual([reads[0]!.regs.bx, reads[0]!.regs.cx, reads[0]!.regs.dx], [11, 22, 33]);
    }
    const result = (g.p.memory.read(guestSymbol(g0.bytes, 'result'), 4) as Uint8Array);
    const eax = new DataView(result.buffer, result.byteOffset).getInt32(0, true);
    if (restart) {
      assert.equal(reads.length, 2, 'the read ran twice');
      const again = reads[1]!;
      assert.equal(again.record.via, 'int', 'the restart enters by int $0x80');
      assert.equal(again.record.address, (reads[0]!.regs.ip - 2) >>> 0, 'at regs->ip - 2');
      const bytes = g.p.memory.read(again.record.address, 2) as Uint8Array;
      assert.deepEqual([...bytes], [0xcd, 0x80]);
      assert.deepEqual([again.regs.bx, again.regs.cx, again.regs.dx, again.regs.si, again.regs.di], [11, 22, 33, 44, 55]);
      assert.equal(again.regs.bp, 66, 'arg6 restored');
      assert.equal(eax, 5);
    } else {
      assert.equal(reads.length, 1);
      assert.equal(eax, -4, '-EINTR');
    }
  });
}

for (const { cpu, kernel } of COMBOS) {
  test(`upstream on ${cpu}/${kernel}: the plain call takes the fast exit`, () => {
    const image = buildDesign('upstream', kernel, { cpu }).bytes;
    const g0 = buildAsmGuest('plain', GUEST('0x04000004'));
    const g = newGuest(g0.bytes, { cpu, kernel, abi: 'upstream', vdso: image });
    g.p.memory.poke(guestSymbol(g0.bytes, 'sysinfo'), Uint8Array.of(...[0, 8, 16, 24].map((s) => (g.vdso!.sysinfo >>> s) & 0xff)));
    g.readResults = [7];
    runGuest(g);
    const read = g.calls.find((c) => c.regs.orig_ax === 3)!;
    const via = expectedVia('upstream', cpu, kernel);
    const path = via === 'int' ? 'iret' : kernel === 'compat64' ? 'sysretl' : 'sysexit';
    assert.equal(read.exit!.path, path, read.exit!.reason);
    if (path === 'sysexit') assert.deepEqual(read.exit!.clobbered.map((c) => c.register), ['ecx', 'edx']);
    if (path === 'sysretl') assert.equal(read.exit!.clobbered[0]!.register, 'ecx');
  });
}
