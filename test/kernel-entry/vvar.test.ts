// The vvar area under the Debian vdso32.so: __vdso_clock_gettime called by a guest finds
// clock_mode = VDSO_CLOCKMODE_NONE and falls back to clock_gettime (265, 32-bit timespec) through
// __kernel_vsyscall, which the model answers from the process clock; the coarse clock reads
// the basetime the vvar area holds (virtual time: 2015-08-01T00:00:00Z at instruction 0).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { realVdso } from '../support/real-vdso';
import { buildAsmGuest, guestSymbol, newGuest, runGuest, VDSO_BASE } from './harness';
import { VIRTUAL_EPOCH_NS, VIRTUAL_UPTIME_NS } from '../../emulator/kernel/time';

const GUEST = `
	.globl _start, fn, ts, ts2, r1, r2
	.data
fn:	.long 0
ts:	.long 0, 0, 0, 0
ts2:	.long 0, 0, 0, 0
r1:	.long 0
r2:	.long 0
	.text
_start:
	pushl	$ts
	pushl	$1			/* CLOCK_MONOTONIC */
	call	*fn
	addl	$8, %esp
	movl	%eax, r1
	pushl	$ts2
	pushl	$5			/* CLOCK_REALTIME_COARSE */
	call	*fn
	addl	$8, %esp
	movl	%eax, r2
	movl	$252, %eax
	xorl	%ebx, %ebx
	int	$0x80
`;

test('Debian __vdso_clock_gettime: high-resolution clocks fall back to the system call, coarse ones read the vvar data', () => {
  const g0 = buildAsmGuest('clock', GUEST);
  const g = newGuest(g0.bytes, { cpu: 'intel', kernel: 'compat64', abi: 'upstream', vdso: realVdso().bytes });
  const vdso = g.vdso!;
  assert.equal(vdso.vvar?.start, VDSO_BASE - 0x4000, 'four vvar pages below the image');
  const fn = vdso.base + vdso.kernelSymbols.byName.get('__vdso_clock_gettime')!.value;
  g.p.memory.poke(guestSymbol(g0.bytes, 'fn'), Uint8Array.of(...[0, 8, 16, 24].map((s) => (fn >>> s) & 0xff)));
  runGuest(g);
  assert.deepEqual(g.p.exit, { status: 0 });
  const fallbacks = g.calls.filter((c) => c.regs.orig_ax === 265);
  assert.equal(fallbacks.length, 1, 'only CLOCK_MONOTONIC went to the kernel');
  assert.equal(fallbacks[0]!.record.via, 'sysenter', 'through __kernel_vsyscall');
  assert.equal(fallbacks[0]!.regs.bx, 1);
  const word = (name: string, k: number) => new DataView((g.p.memory.read(guestSymbol(g0.bytes, name) + 4 * k, 4) as Uint8Array).buffer).getUint32(0, true);
  assert.equal(word('r1', 0), 0);
  assert.equal(word('r2', 0), 0);
  assert.equal(word('ts', 0), Number(VIRTUAL_UPTIME_NS / 1_000_000_000n), 'monotonic seconds from the process clock');
  assert.equal(word('ts2', 0), Number(VIRTUAL_EPOCH_NS / 1_000_000_000n), 'coarse realtime from the vvar basetime');
});
