// Issue 11, item 6 (partials): the CPU-time clocks are per task. CLOCK_THREAD_CPUTIME_ID counts
// the calling thread's own instructions, CLOCK_PROCESS_CPUTIME_ID those of every thread of its
// process (the exited ones too) and never a child's. A static glibc program burns CPU in a
// thread and in a forked child and prints only comparisons (times differ between runners):
// the same lines under vdso-lab run as under qemu-i386 and natively where the host runs i386.
// The child burns twice the thread's work and the parent's clock may move up to half of it
// (a clock that counted the child would move all of it): under qemu-i386 the parent pays the
// host's fork and its copy-on-write faults, which on a loaded machine passed a fifth.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hostRunsI386 } from '../support/oracles';
import { program, runLab, runNative, runQemu } from '../kernel-acceptance/support';

const CPUTIME = String.raw`
#include <pthread.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>
#include <sys/wait.h>
static long long now(clockid_t id) { struct timespec t; clock_gettime(id, &t); return t.tv_sec * 1000000000LL + t.tv_nsec; }
static volatile unsigned sink;
static void burn(unsigned n) { for (unsigned i = 0; i < n; i++) sink += i; }
static long long burned;
static void *worker(void *arg) { (void)arg; long long t0 = now(CLOCK_THREAD_CPUTIME_ID); burn(30000000); burned = now(CLOCK_THREAD_CPUTIME_ID) - t0; return 0; }
int main(void) {
  long long th = now(CLOCK_THREAD_CPUTIME_ID), pr = now(CLOCK_PROCESS_CPUTIME_ID);
  printf("one thread: process clock >= thread clock: %s\n", pr >= th ? "yes" : "no");
  pthread_t t;
  long long th0 = now(CLOCK_THREAD_CPUTIME_ID), pr0 = now(CLOCK_PROCESS_CPUTIME_ID);
  pthread_create(&t, 0, worker, 0);
  pthread_join(t, 0);
  long long th1 = now(CLOCK_THREAD_CPUTIME_ID), pr1 = now(CLOCK_PROCESS_CPUTIME_ID);
  printf("thread burned: %s\n", burned > 0 ? "yes" : "no");
  printf("process clock counts the thread's time: %s\n", pr1 - pr0 >= burned * 9 / 10 ? "yes" : "no");
  printf("main thread clock does not: %s\n", th1 - th0 < burned / 5 ? "yes" : "no");
  int fds[2];
  pipe(fds);
  fflush(stdout);
  long long before = now(CLOCK_PROCESS_CPUTIME_ID);
  pid_t child = fork();
  if (child == 0) {
    long long c0 = now(CLOCK_PROCESS_CPUTIME_ID);
    burn(60000000);
    long long spent = now(CLOCK_PROCESS_CPUTIME_ID);
    printf("child's process clock starts near 0: %s\n", c0 < spent / 5 ? "yes" : "no");
    fflush(stdout);
    write(fds[1], &spent, sizeof spent);
    _exit(0);
  }
  long long spent = 0;
  read(fds[0], &spent, sizeof spent);
  waitpid(child, 0, 0);
  long long after = now(CLOCK_PROCESS_CPUTIME_ID);
  printf("parent's process clock excludes the child: %s\n", after - before < spent / 2 ? "yes" : "no");
  return 0;
}
`;

const EXPECTED = [
  'one thread: process clock >= thread clock: yes',
  'thread burned: yes',
  "process clock counts the thread's time: yes",
  'main thread clock does not: yes',
  "child's process clock starts near 0: yes",
  "parent's process clock excludes the child: yes",
  '',
].join('\n');

test('CLOCK_THREAD_CPUTIME_ID is the thread\'s own, CLOCK_PROCESS_CPUTIME_ID its process\'s threads\' and not a child\'s: as qemu-i386 and the real kernel', async () => {
  const prog = program('cputime', CPUTIME);
  const q = runQemu(prog);
  assert.equal(q.stdout, EXPECTED, 'qemu-i386 (the host kernel\'s clocks) shows what the test expects');
  if (hostRunsI386()) assert.equal(runNative(prog).stdout, EXPECTED);
  const l = await runLab(prog, []);
  assert.equal(l.stderr, '');
  assert.equal(l.status, 0);
  assert.equal(l.stdout, EXPECTED);
});
