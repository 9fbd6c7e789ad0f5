// Issue 11, items 5 and 8: sched_getaffinity/sched_setaffinity over a configurable CPU count
// (--cpus; qemu-i386 reports the host's, so the run uses the host's count), getcpu,
// sched_yield, the prctl options glibc and test programs use, uname's release (--release),
// and vm86old: ENOSYS under a 64-bit kernel (as qemu-i386 reports it), a clear "not
// emulated" stop under a 32-bit one.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpus } from 'node:os';
import { program, runLab, runQemu } from '../kernel-acceptance/support';

const SCHED = `#define _GNU_SOURCE
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <unistd.h>
#include <errno.h>

int main(int argc, char **argv) {
  cpu_set_t set;
  CPU_ZERO(&set);
  int r = sched_getaffinity(0, sizeof set, &set);
  printf("getaffinity %d count %d\\n", r, CPU_COUNT(&set));
  if (argc > 1) {
    struct utsname u;
    uname(&u);
    printf("release %s nprocs %ld\\n", u.release, sysconf(_SC_NPROCESSORS_ONLN));
    CPU_ZERO(&set);
    CPU_SET(1, &set);
    printf("pin to cpu 1: %d\\n", sched_setaffinity(0, sizeof set, &set));
    unsigned cpu = 99, node = 99;
    syscall(SYS_getcpu, &cpu, &node, 0);
    printf("getcpu %u node %u\\n", cpu, node);
  }
  CPU_ZERO(&set);
  CPU_SET(0, &set);
  printf("pin to cpu 0: %d\\n", sched_setaffinity(0, sizeof set, &set));
  CPU_ZERO(&set);
  errno = 0;
  r = sched_setaffinity(0, sizeof set, &set);
  printf("empty mask: %d errno %d\\n", r, errno);
  printf("yield %d\\n", sched_yield());
  char name[16] = {0};
  printf("set name %d\\n", prctl(PR_SET_NAME, "worker-thread-name-long"));
  prctl(PR_GET_NAME, name);
  printf("name %s\\n", name);
  printf("dumpable %d\\n", prctl(PR_GET_DUMPABLE));
  printf("pdeathsig %d\\n", prctl(PR_SET_PDEATHSIG, 9));
  int sig = 0;
  prctl(PR_GET_PDEATHSIG, &sig);
  printf("pdeathsig now %d\\n", sig);
  r = prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
  printf("no_new_privs %d %d\\n", r, prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0));
  errno = 0;
  long v = syscall(113, 0);
  printf("vm86old %ld errno %d\\n", v, errno);
  return 0;
}
`;

test('affinity, yield, prctl and vm86old on a 64-bit kernel: as under qemu-i386 with the host\'s CPU count', async () => {
  const prog = program('sched', SCHED);
  const q = runQemu(prog);
  assert.equal(q.status, 0, q.stderr);
  const r = await runLab(prog, ['--cpus', String(Math.min(cpus().length, 64))]);
  assert.deepEqual({ stdout: r.stdout, stderr: r.stderr, status: r.status }, { stdout: q.stdout, stderr: q.stderr, status: q.status });
  assert.match(r.stdout, /^vm86old -1 errno 38$/m);
});

test('--cpus and --release: the count, pinning to CPU 1 and getcpu, the release uname reports; one line for a bad value', async () => {
  const prog = program('sched', SCHED);
  const r = await runLab(prog, ['--cpus', '4', '--release', '5.15.0-test'], ['more']);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^getaffinity 0 count 4\nrelease 5\.15\.0-test nprocs 4\npin to cpu 1: 0\ngetcpu 1 node 0\n/);
  const one = await runLab(prog, []);
  assert.match(one.stdout, /^getaffinity 0 count 1\n/);
  for (const bad of [['--cpus', '0'], ['--cpus', 'many'], ['--release', 'a b']]) {
    const e = await runLab(prog, bad);
    assert.equal(e.status, 2, bad.join(' '));
    assert.equal(e.stderr.trim().split('\n').length, 1);
  }
});

test('vm86old under a 32-bit kernel: a clear "not emulated" stop (its own outcome, status 125, in --json too), whatever the entry', async () => {
  const prog = program('sched', SCHED);
  for (const vdso of [[], ['--vdso', 'none']]) {
    const r = await runLab(prog, ['--kernel', 'native32', ...vdso]);
    assert.equal(r.status, 125, vdso.join(' '));
    assert.match(r.stderr, /^vdso-lab run: stopped: vm86old \(virtual-8086 mode\) is not emulated \(the system call at 0x[0-9a-f]+\); the run cannot go on\n$/);
    assert.doesNotMatch(r.stdout, /vm86old -1/);
  }
  const j = await runLab(prog, ['--kernel', 'native32', '--trace', 'syscalls', '--json']);
  const summary = JSON.parse(j.stderr.trim().split('\n').pop()!) as { status: number; outcome: string };
  assert.equal(summary.status, 125);
  assert.match(summary.outcome, /^stopped: vm86old \(virtual-8086 mode\) is not emulated \(the system call at 0x[0-9a-f]+\); the run cannot go on$/);
});
