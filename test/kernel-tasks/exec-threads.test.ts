// Issue 11, item 6 (partials): execve from a multi-threaded process. Linux (de_thread) kills
// the group's other threads and the exec proceeds; when a thread other than the leader calls
// it, that thread becomes the leader: after the exec gettid() == getpid() == the old pid.
// The same lines natively where the host runs i386; elsewhere the lines written here
// (qemu-i386 cannot follow an execve on a host that does not run i386 programs).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dirname } from 'node:path';
import { hostRunsI386 } from '../support/oracles';
import { program, runLab, runNative } from '../kernel-acceptance/support';

const EXEC_THREADS = String.raw`
#define _GNU_SOURCE
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/syscall.h>
static char *self;
static char pid[16];
static void *sleeper(void *arg) { (void)arg; for (;;) pause(); return 0; }
static void *execer(void *arg) {
  (void)arg;
  execl(self, self, "after", pid, "a non-leader thread", (char *)0);
  perror("execl");
  exit(3);
}
int main(int argc, char **argv) {
  if (argc > 3 && !strcmp(argv[1], "after")) {
    printf("after execve from %s: tid == pid: %s, pid kept: %s\n", argv[3],
           syscall(SYS_gettid) == getpid() ? "yes" : "no", atoi(argv[2]) == getpid() ? "yes" : "no");
    return 0;
  }
  self = argv[0];
  snprintf(pid, sizeof pid, "%d", getpid());
  pthread_t a, b;
  pthread_create(&a, 0, sleeper, 0);
  pthread_create(&b, 0, sleeper, 0);
  fflush(stdout);
  if (argc > 1 && !strcmp(argv[1], "leader")) {
    execl(self, self, "after", pid, "the leader", (char *)0);
    perror("execl");
    return 3;
  }
  pthread_t c;
  pthread_create(&c, 0, execer, 0);
  pthread_join(c, 0);
  return 4;
}
`;

for (const who of ['leader', 'thread']) {
  test(`execve from ${who === 'leader' ? 'the leader' : 'a non-leader thread'} of a three-thread process: the other threads die, the exec proceeds`, async () => {
    const prog = program('exec-threads', EXEC_THREADS);
    const want = `after execve from ${who === 'leader' ? 'the leader' : 'a non-leader thread'}: tid == pid: yes, pid kept: yes\n`;
    if (hostRunsI386()) assert.deepEqual(runNative(prog, [who]), { stdout: want, stderr: '', status: 0 });
    const l = await runLab(prog, ['--root', dirname(prog)], [who]);
    assert.equal(l.stderr, '');
    assert.equal(l.stdout, want);
    assert.equal(l.status, 0);
  });
}
