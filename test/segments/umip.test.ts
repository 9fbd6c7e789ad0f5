// UMIP as a CPU-model setting (--umip on|off, the launch configuration's "umip"): on, SGDT,
// SIDT, SLDT, STR and SMSW return what Linux's UMIP emulation gives (compared with this
// host's kernel where it runs i386: its CPU has UMIP); off, they store the registers the
// kernel loaded, written out here from docs/kernel-facts.md §10 (qemu-i386 shows its own
// GDT, not Linux's, and a UMIP host cannot show them): the per-CPU GDT in the cpu_entry_area
// and the read-only IDT. CPUID leaf 7's UMIP bit follows the setting.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { program, runLab, runNative } from '../kernel-acceptance/support';
import { hostRunsI386 } from '../support/oracles';

const UMIP_PROGRAM = String.raw`
#define _GNU_SOURCE
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
int main(int argc, char **argv) {
  unsigned a, b, c, d;
  __asm__ volatile ("cpuid" : "=a"(a), "=b"(b), "=c"(c), "=d"(d) : "a"(7), "c"(0));
  printf("cpuid umip %u\n", c >> 2 & 1);
  if (argc > 1) {
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(atoi(argv[1]), &set);
    if (sched_setaffinity(0, sizeof set, &set)) return 3;
  }
  unsigned m; unsigned char t[6];
  __asm__ volatile("smsw %0" : "=r"(m)); printf("smsw %#x\n", m);
  __asm__ volatile("sgdtl %0" : "=m"(t)); printf("sgdt limit %#x base %#x\n", t[0] | t[1] << 8, *(unsigned *)(t + 2));
  __asm__ volatile("sidtl %0" : "=m"(t)); printf("sidt limit %#x base %#x\n", t[0] | t[1] << 8, *(unsigned *)(t + 2));
  unsigned ldtr = 0x5a5a5a5a, tr = 0x5a5a5a5a;
  __asm__ volatile("sldt %0; str %1" : "+r"(ldtr), "+r"(tr));
  printf("sldt %#x str %#x\n", ldtr, tr);
  return 0;
}
`;

test('--umip on (the default): Linux\'s emulated values, as this host\'s UMIP-enabled kernel gives them', async () => {
  const prog = program('umip', UMIP_PROGRAM);
  const on = await runLab(prog, ['--vdso', 'none', '--umip', 'on']);
  const byDefault = await runLab(prog, ['--vdso', 'none']);
  assert.equal(on.status, 0, on.stderr);
  assert.equal(byDefault.stdout, on.stdout);
  assert.equal(on.stdout, 'cpuid umip 1\nsmsw 0x80050033\nsgdt limit 0 base 0xfffe0000\nsidt limit 0 base 0xffff0000\nsldt 0 str 0x40\n');
  if (hostRunsI386()) {
    const n = runNative(prog);
    if (n.stdout.startsWith('cpuid umip 1\n')) assert.equal(on.stdout, n.stdout);
  }
});

test('--umip off: SGDT and SIDT store the per-CPU GDT and the IDT the kernel loaded; SLDT, STR, SMSW the same registers; CPUID says no UMIP', async () => {
  const prog = program('umip', UMIP_PROGRAM);
  const cases: [string, string[], string][] = [
    ['compat64', [], 'cpuid umip 0\nsmsw 0x80050033\nsgdt limit 0x7f base 0x1000\nsidt limit 0xfff base 0\nsldt 0 str 0x40\n'],
    ['compat64', ['1'], 'cpuid umip 0\nsmsw 0x80050033\nsgdt limit 0x7f base 0x3c000\nsidt limit 0xfff base 0\nsldt 0 str 0x40\n'],
    ['native32', [], 'cpuid umip 0\nsmsw 0x80050033\nsgdt limit 0xff base 0xff801000\nsidt limit 0x7ff base 0xff800000\nsldt 0 str 0x80\n'],
  ];
  for (const [kernel, args, want] of cases) {
    const l = await runLab(prog, ['--vdso', 'none', '--umip', 'off', '--kernel', kernel, '--cpus', '2'], args);
    assert.equal(l.status, 0, l.stderr);
    assert.equal(l.stdout, want, `${kernel} ${args.join(' ')}`);
  }
  const bad = await runLab(prog, ['--umip', 'maybe']);
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /--umip must be one of on, off \(got 'maybe'\)/);
});
