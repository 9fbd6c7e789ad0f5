// Issue 11: RDTSCP and RDPID on the intel and amd models (emulator/x86/cpuid.ts): CPUID reports
// them as a current processor does, and both read IA32_TSC_AUX as Linux sets it on each CPU,
// (node << 12) | cpu: the same CPU number getcpu returns, before and after sched_setaffinity
// moves the task. Natively on a host that runs i386 (and has both instructions) the output is
// the same; elsewhere it is the one written here (qemu-i386 keeps IA32_TSC_AUX at 0).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hostRunsI386 } from '../support/oracles';
import { program, runLab, runNative } from './support';

const RDPID = `#define _GNU_SOURCE
#include <sched.h>
#include <stdio.h>
#include <unistd.h>
#include <sys/syscall.h>
static void show(const char *when) {
  unsigned pid, aux, lo, hi, cpu = ~0u, node = ~0u;
  __asm__ volatile ("rdpid %0" : "=r"(pid));
  __asm__ volatile ("rdtscp" : "=a"(lo), "=d"(hi), "=c"(aux));
  syscall(SYS_getcpu, &cpu, &node, 0);
  printf("%s: rdpid cpu %u node %u, rdtscp cpu %u node %u, getcpu cpu %u node %u\\n", when, pid & 0xfff, pid >> 12, aux & 0xfff, aux >> 12, cpu, node);
}
int main(void) {
  unsigned a, b, c, d;
  __asm__ volatile ("cpuid" : "=a"(a), "=b"(b), "=c"(c), "=d"(d) : "a"(0x80000001), "c"(0));
  int rdtscp = d >> 27 & 1;
  __asm__ volatile ("cpuid" : "=a"(a), "=b"(b), "=c"(c), "=d"(d) : "a"(7), "c"(0));
  printf("cpuid: rdtscp %d rdpid %d\\n", rdtscp, c >> 22 & 1);
  for (int cpu = 1; cpu >= 0; cpu--) {
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(cpu, &set);
    char when[32];
    snprintf(when, sizeof when, "pinned to %d (%s)", cpu, sched_setaffinity(0, sizeof set, &set) ? "refused" : "ok");
    show(when);
  }
  return 0;
}
`;

const EXPECTED = [
  'cpuid: rdtscp 1 rdpid 1',
  'pinned to 1 (ok): rdpid cpu 1 node 0, rdtscp cpu 1 node 0, getcpu cpu 1 node 0',
  'pinned to 0 (ok): rdpid cpu 0 node 0, rdtscp cpu 0 node 0, getcpu cpu 0 node 0',
  '',
].join('\n');

for (const cpu of ['intel', 'amd']) {
  test(`${cpu}: CPUID reports RDTSCP and RDPID; both give the CPU number getcpu gives, on every CPU the task is moved to`, async () => {
    const prog = program('rdpid', RDPID);
    const l = await runLab(prog, ['--cpu', cpu, '--cpus', '2']);
    assert.equal(l.stderr, '');
    assert.equal(l.status, 0);
    assert.equal(l.stdout, EXPECTED);
  });
}

test('natively (where the host runs i386 with two CPUs that have RDPID) the same output', (t) => {
  const prog = program('rdpid', RDPID);
  if (!hostRunsI386()) return t.skip('this host cannot run i386 programs');
  const n = runNative(prog);
  if (!n.stdout.startsWith('cpuid: rdtscp 1 rdpid 1\n') || /refused/.test(n.stdout)) return t.skip(`this host's processor or CPU count differs: ${n.stdout.split('\n')[0]}`);
  assert.equal(n.stdout, EXPECTED);
});

test('generic: CPUID reports neither', async () => {
  const prog = program('rdpid', RDPID);
  const l = await runLab(prog, ['--cpu', 'generic']);
  assert.match(l.stdout, /^cpuid: rdtscp 0 rdpid 0\n/);
});
