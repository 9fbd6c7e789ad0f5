// A hostile or broken guest ends with a one-line report, never a host crash or hang: huge
// mmaps (ENOMEM at the memory cap), fd exhaustion (EMFILE), an infinite loop (the
// instruction budget), waiting forever, illegal instructions; unknown system calls are
// reported once each; and two runs of the same program give identical traces.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { scratch } from '../support/oracles';
import { loadProgram } from '../../emulator/kernel/loader';
import { RunLoop } from '../../emulator/kernel/run-loop';
import { VIRTUAL_UPTIME_NS } from '../../emulator/kernel/time';
import { TEST_SCALE } from '../support/scale';
import { buildStatic, runLab, runQemu } from './support';

test('huge mmaps fail with ENOMEM at the memory cap; the host survives', async () => {
  const prog = buildStatic('huge', String.raw`
#define _GNU_SOURCE
#include <stdio.h>
#include <string.h>
#include <errno.h>
#include <sys/mman.h>
int main(void) {
  void *big = mmap(0, 0xc0000000u, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  printf("3 GiB: %s\n", big == MAP_FAILED ? strerrorname_np(errno) : "mapped");
  int chunks = 0;
  for (int i = 0; i < 1000; i++) {
    if (mmap(0, 32 << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0) == MAP_FAILED) break;
    chunks++;
  }
  printf("32 MiB chunks before failing: %d (%s)\n", chunks, strerrorname_np(errno));
  return 0;
}
`);
  const l = await runLab(prog);
  assert.equal(l.status, 0, l.stderr);
  assert.match(l.stdout, /^3 GiB: ENOMEM\n32 MiB chunks before failing: \d+ \(ENOMEM\)\n$/);
  const chunks = Number(/chunks before failing: (\d+)/.exec(l.stdout)![1]);
  assert.ok(chunks >= 4 && chunks <= 8, String(chunks));
});

test('fd exhaustion gives EMFILE after RLIMIT_NOFILE descriptors', async () => {
  const work = scratch();
  const prog = buildStatic('fds', String.raw`
#define _GNU_SOURCE
#include <stdio.h>
#include <string.h>
#include <errno.h>
#include <fcntl.h>
#include <sys/resource.h>
int main(void) {
  struct rlimit rl;
  getrlimit(RLIMIT_NOFILE, &rl);
  int n = 0;
  for (int i = 0; i < 100000; i++) { if (open("prog-data", O_RDONLY) < 0) break; n++; }
  printf("opened %d of %lu: %s\n", n, (unsigned long)rl.rlim_cur, strerrorname_np(errno));
  return 0;
}
`, work);
  writeFileSync(`${work}/prog-data`, 'x');
  const l = await runLab(prog, ['--root', work]);
  assert.equal(l.status, 0, l.stderr);
  assert.equal(l.stdout, 'opened 1021 of 1024: EMFILE\n');
});

test('an infinite loop stops at the instruction budget with one line and status 124', async () => {
  const prog = buildStatic('spin', 'int main(void) { for (volatile int i = 0;; i++) ; }');
  const l = await runLab(prog, ['--budget', '3000000']);
  assert.equal(l.status, 124);
  assert.equal(l.stderr.trim().split('\n').length, 1);
  assert.match(l.stderr, /instruction budget \(3000000\) ran out at eip 0x/);
});

test('ud2 and a jump into data die like under qemu-i386 (SIGILL, SIGSEGV)', async () => {
  const prog = buildStatic('bad', String.raw`
#include <string.h>
static unsigned char data[16] = { 0xc3 };
int main(int argc, char **argv) {
  if (argc > 1 && strcmp(argv[1], "ud2") == 0) __asm__ volatile("ud2");
  ((void (*)(void))data)();
  return 0;
}
`);
  for (const how of ['ud2', 'data']) {
    const q = runQemu(prog, [how]);
    const l = await runLab(prog, [], [how]);
    assert.equal(l.status, q.status, `${how}: ${l.stderr}`);
    assert.equal(l.stderr.trim().split('\n').length, 1);
  }
});

/**
 * The alarm: alarm(1) at full scale; at a smaller one 20 ms through ualarm (setitimer), since
 * qemu-i386 waits for it in real time and a second of it would hold a quick run's group.
 */
const ALARM = TEST_SCALE < 1 ? { call: 'ualarm(20000, 0)', ns: 20_000_000n } : { call: 'alarm(1)', ns: 1_000_000_000n };

test('alarm then pause: killed by SIGALRM like under qemu-i386; virtual time makes it instant', async () => {
  const prog = buildStatic('alarm', String.raw`
#include <stdio.h>
#include <unistd.h>
int main(void) { printf("waiting\n"); fflush(stdout); ${ALARM.call}; pause(); printf("not reached\n"); return 0; }
`);
  const q = runQemu(prog);
  const l = await runLab(prog, ['--trace', 'syscalls']);
  assert.equal(l.stdout, q.stdout);
  assert.equal(l.status, q.status);
  assert.equal(l.status, 128 + 14);
  assert.match(l.stderr, /29 pause\(\) = -1 ERESTARTNOHAND \(514\)/);
  assert.match(l.stderr, /killed by SIGALRM/);
  // The wait ended with the signal: nothing is left waiting (once reported as waiting forever too).
  assert.doesNotMatch(l.stderr, /waits forever/);
  // Instant: with no host clock (the run's default, whose determinism the last test checks), the
  // wait is a jump of the virtual clock to the alarm, with no instruction run and nothing waited
  // for on the host: the process's time at its death is the alarm's past the instructions it ran.
  const { process: p } = loadProgram(new Uint8Array(readFileSync(prog)), prog, {
    options: { cpu: 'intel', kernel: 'compat64', abi: 'upstream' },
    host: { stdout: () => {}, stderr: () => {}, report: () => {} },
  }, { argv: ['/alarm'], envp: [], execPath: '/alarm' });
  assert.equal(new RunLoop(p).run(50_000_000).kind, 'killed');
  const icount = BigInt(p.cpu.state.icount);
  const slept = p.clock.monotonic() - VIRTUAL_UPTIME_NS - icount;
  assert.ok(slept <= ALARM.ns && slept > ALARM.ns - icount, `slept ${slept} ns of virtual time after ${icount} instructions for a ${ALARM.ns} ns alarm`);
});

test('alarm then sigsuspend or a select loop: killed by SIGALRM with the status and output of qemu-i386, and nothing said to wait', async () => {
  const prog = buildStatic('alarm-waits', String.raw`
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/select.h>
#include <unistd.h>
int main(int argc, char **argv) {
  printf("waiting\n");
  fflush(stdout);
  ${ALARM.call};
  if (strcmp(argv[1], "sigsuspend") == 0) {
    sigset_t none;
    sigemptyset(&none);
    sigsuspend(&none);
  } else {
    for (;;) select(0, 0, 0, 0, 0);
  }
  printf("not reached\n");
  return 0;
}
`);
  for (const how of ['sigsuspend', 'select']) {
    const q = runQemu(prog, [how]);
    const l = await runLab(prog, ['--trace', 'syscalls'], [how]);
    assert.deepEqual([l.stdout, l.status], [q.stdout, q.status], how);
    assert.equal(l.status, 128 + 14, how);
    assert.match(l.stderr, /^killed by SIGALRM/m, how);
    assert.doesNotMatch(l.stderr, /waits forever/, how);
  }
});

test('a wait nothing can end (pause, a read of a stdin that never gets data) ends with one report', async () => {
  const prog = buildStatic('wait', String.raw`
#include <unistd.h>
int main(int argc, char **argv) { char c; if (argc > 1) read(0, &c, 1); else pause(); return 0; }
`);
  const l = await runLab(prog);
  assert.equal(l.status, 128 + 9);
  assert.equal(l.stderr.trim().split('\n').length, 1);
  assert.match(l.stderr, /waits forever/);
  const { process: p } = loadProgram(new Uint8Array(readFileSync(prog)), prog, {
    options: { cpu: 'intel', kernel: 'compat64', abi: 'upstream' },
    host: { stdout: () => {}, stderr: () => {}, stdin: { data: new Uint8Array(0), thenBlock: true }, report: () => {} },
  }, { argv: ['/wait', 'read'], envp: [], execPath: '/wait' });
  const result = new RunLoop(p).run(50_000_000);
  assert.equal(result.kind, 'killed');
  const last = p.trace[p.trace.length - 1]!;
  assert.equal(last.name, 'read');
});

test('an unknown system call is -ENOSYS every time and reported once', async () => {
  const prog = buildStatic('unknown', String.raw`
#include <stdio.h>
#include <unistd.h>
#include <sys/syscall.h>
int main(void) { long a = syscall(399), b = syscall(399); printf("%ld %ld\n", a, b); return 0; }
`);
  const l = await runLab(prog);
  assert.equal(l.stdout, '-1 -1\n');
  assert.equal(l.stderr.split('\n').filter((s) => s.includes('399')).length, 1);
});

test('determinism: two runs give identical traces and instruction counts', async () => {
  const prog = buildStatic('determinism', String.raw`
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <sys/random.h>
int main(void) {
  struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t);
  unsigned r; getrandom(&r, sizeof r, 0);
  void *p = malloc(100000);
  struct timespec d = { 0, 1000 }; nanosleep(&d, 0);
  printf("%ld.%09ld %u %p\n", (long)t.tv_sec, t.tv_nsec, r, p);
  return 0;
}
`);
  const a = await runLab(prog, ['--vdso', 'upstream', '--trace', 'syscalls', '--json']);
  const b = await runLab(prog, ['--vdso', 'upstream', '--trace', 'syscalls', '--json']);
  assert.equal(a.status, 0, a.stderr);
  assert.equal(a.stdout, b.stdout);
  assert.equal(a.stderr, b.stderr);
  const lines = a.stderr.trim().split('\n').map((l) => JSON.parse(l));
  const calls = lines.slice(0, -1);
  assert.equal(lines.at(-1).events, calls.length);
  assert.ok(calls.length > 8);
  assert.ok(calls.some((s: { name: string; entry: { via: string } }) => s.name === 'clock_gettime64' || s.entry.via !== 'int'));
});
