// Descriptor-probe acceptance: a C program (gcc -m32 -static -O2, inline asm) runs LAR, LSL,
// VERR and VERW on its own selectors and on LDT entries it writes, and far-calls and
// far-jumps through its own %cs: the same output under `vdso-lab run` as under qemu-i386 on
// both kernel kinds, and the same as the real CPU and kernel where this host runs i386.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { program, runLab, runNative, runQemu } from '../kernel-acceptance/support';
import { hostRunsI386 } from '../support/oracles';
import { LJMP64_PROGRAM, PROBE_PROGRAM, SEGMENT_LOAD_PROGRAM } from './probe-programs';

/**
 * qemu-i386 7.2's LAR masks the access rights with 0x00f0ff00 (the SDM's "00FxFF00H": bits
 * 19:16, the limit's top nibble, are undefined; Intel and AMD CPUs return them) and its
 * modify_ldt leaves the accessed bit clear where Linux's fill_ldt sets it. Both outputs get
 * those two fields cleared before comparing with qemu; the native comparison is exact.
 */
function withoutQemuDeviations(stdout: string): string {
  return stdout.replace(/lar=0x([0-9a-f]+)/g, (_, h: string) => `lar=${(parseInt(h, 16) & 0x00f0fe00).toString(16)}`);
}

test('LAR, LSL, VERR, VERW on GDT, TLS and LDT selectors, far calls and a far jump to the 32-bit code segment: as qemu-i386 (and the real CPU)', async () => {
  const prog = program('probes', PROBE_PROGRAM);
  const q = runQemu(prog, []);
  assert.equal(q.status, 0, q.stderr);
  assert.match(q.stdout, /far calls and a far jump through %cs \(user code\): 2/);
  for (const kernel of ['compat64', 'native32']) {
    const l = await runLab(prog, ['--vdso', 'none', '--kernel', kernel]);
    assert.equal(l.status, 0, `${kernel}: ${l.stderr}`);
    assert.equal(withoutQemuDeviations(l.stdout), withoutQemuDeviations(q.stdout), kernel);
  }
  if (!hostRunsI386()) return;
  // The fixed GDT selectors (`gdt`) are the 64-bit kernel's: compare with this host's kernel exactly.
  const n = runNative(prog, ['gdt']);
  assert.equal(n.status, 0, n.stderr);
  const l = await runLab(prog, ['--vdso', 'none', '--kernel', 'compat64'], ['gdt']);
  assert.equal(l.stdout, n.stdout);
});

test('ljmp to the 64-bit code segment stops clearly on compat64 ("64-bit code is not emulated"); under a 32-bit kernel 0x33 is data: SIGSEGV as qemu-i386', async () => {
  const prog = program('ljmp64', LJMP64_PROGRAM);
  const l = await runLab(prog, ['--vdso', 'none', '--kernel', 'compat64']);
  assert.equal(l.stdout, 'before the far jump\n');
  // Its own outcome, not a kill: one line, status 125 (neither the guest's status nor 128 + a signal).
  assert.match(l.stderr, /^vdso-lab run: stopped: 64-bit code is not emulated \(the instruction at 0x[0-9a-f]+\); the run cannot go on\n$/);
  assert.equal(l.status, 125);
  const j = await runLab(prog, ['--vdso', 'none', '--kernel', 'compat64', '--trace', 'syscalls', '--json']);
  const summary = JSON.parse(j.stderr.trim().split('\n').pop()!) as { status: number; outcome: string };
  assert.equal(summary.status, 125);
  assert.match(summary.outcome, /^stopped: 64-bit code is not emulated \(the instruction at 0x[0-9a-f]+\); the run cannot go on$/);
  const q = runQemu(prog, []);
  const n32 = await runLab(prog, ['--vdso', 'none', '--kernel', 'native32']);
  assert.equal(n32.stdout, q.stdout);
  assert.equal(n32.status, q.status);
  assert.equal(n32.status, 128 + 11);
});

test('segment loads check the descriptor: not present -> SIGBUS, wrong type or DPL -> SIGSEGV (SI_KERNEL), as qemu-i386 (and the real CPU)', async () => {
  const prog = program('segload', SEGMENT_LOAD_PROGRAM);
  const q = runQemu(prog, []);
  assert.equal(q.status, 0, q.stderr);
  assert.match(q.stdout, /ldt not present: SIGBUS si_code 128/);
  for (const kernel of ['compat64', 'native32']) {
    const l = await runLab(prog, ['--vdso', 'none', '--kernel', kernel]);
    assert.equal(l.stdout, q.stdout, kernel);
    assert.equal(l.status, 0, kernel);
  }
  if (hostRunsI386()) assert.equal(runNative(prog).stdout, q.stdout);
});
