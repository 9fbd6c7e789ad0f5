// Issue 11: the vDSO's time functions under `--vdso host`. This host's kernel (6.15 and later)
// links its vDSO against the generic data store (vdso_u_time_data six pages below the image,
// docs/kernel-facts.md §11); an older one, or the distribution kernel's image where the host
// cannot run i386, against the x86 vvar layout. Either way clock_gettime (MONOTONIC, REALTIME,
// both COARSE), gettimeofday and time run through the vDSO with plausible results, the output
// has the shape native execution (or qemu-i386) gives, and the coarse clocks and time() are
// answered from the data pages without entering the kernel.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hostRunsI386 } from '../support/oracles';
import { HOST_LINE, hostCpuModel, jsonTrace, program, runLab, runNative, runQemu } from './support';

const CLOCKS = `#include <stdio.h>
#include <time.h>
#include <sys/time.h>
static long long ns(struct timespec t) { return t.tv_sec * 1000000000LL + t.tv_nsec; }
int main(void) {
  struct timespec m1, m2, r, mc, rc;
  struct timeval tv;
  clock_gettime(CLOCK_MONOTONIC, &m1);
  clock_gettime(CLOCK_REALTIME, &r);
  clock_gettime(CLOCK_MONOTONIC_COARSE, &mc);
  clock_gettime(CLOCK_REALTIME_COARSE, &rc);
  gettimeofday(&tv, 0);
  time_t t = time(0);
  clock_gettime(CLOCK_MONOTONIC, &m2);
  printf("monotonic: %s\\n", m1.tv_sec > 0 && ns(m2) >= ns(m1) ? "positive, non-decreasing" : "implausible");
  long long d = r.tv_sec - (long long)tv.tv_sec;
  printf("realtime and gettimeofday: %s\\n", d >= -1 && d <= 1 ? "agree" : "disagree");
  printf("time and realtime: %s\\n", t - r.tv_sec >= 0 && t - r.tv_sec <= 1 ? "agree" : "disagree");
  printf("realtime after 2010: %s\\n", r.tv_sec > 1262304000 ? "yes" : "no");
  printf("coarse realtime not ahead: %s\\n", rc.tv_sec <= r.tv_sec + 1 ? "yes" : "no");
  printf("coarse monotonic not ahead: %s\\n", ns(mc) <= ns(m2) && mc.tv_sec > 0 ? "yes" : "no");
  return 0;
}
`;

const lost = /^vdso-lab run: \S+: patched by the running kernel for its own processor; [^\n]*\n/m;

test('--vdso host: clock_gettime, gettimeofday and time through the vDSO read its data pages and print what native execution prints', async () => {
  const prog = program('clocks', CLOCKS);
  const native = hostRunsI386();
  const oracle = native ? runNative(prog) : runQemu(prog);
  assert.equal(oracle.status, 0, oracle.stderr);
  assert.doesNotMatch(oracle.stdout, /implausible|disagree|: no$/m, 'the oracle itself finds the clocks sane');
  const options = ['--vdso', 'host', ...(native ? ['--cpu', hostCpuModel()] : [])];
  const l = await runLab(prog, [...options, '--trace', 'syscalls', '--json']);
  const stderr = l.stderr.replace(HOST_LINE, '').replace(lost, '');
  const { summary, syscalls } = jsonTrace<{ name: string; args: number[]; entry: { via: string } }>(stderr);
  assert.equal(l.stdout, oracle.stdout);
  assert.equal(summary.status, 0, stderr.slice(-400));
  // The high-resolution clocks fall back to the kernel (clock_mode NONE) through __kernel_vsyscall;
  // the coarse ones and time() never reach it: the vDSO answered them from the data pages.
  const clockCalls = syscalls.filter((c) => /^clock_gettime|^gettimeofday$|^time$/.test(c.name));
  assert.deepEqual(clockCalls.map((c) => c.args[0]).sort(), [0, 0, 1, 1], JSON.stringify(clockCalls.map((c) => c.name)));
  assert.ok(clockCalls.every((c) => c.entry.via !== 'int $0x80'), 'entered through the vDSO stub, by its fast entry');
});
