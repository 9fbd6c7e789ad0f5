// Issue 11: MAP_SHARED memory across fork. A C program (gcc -m32 -static -O2) maps a shared
// anonymous page, forks, and parent and child each add 10,000 to a counter in it under a
// process-shared pthread mutex, then hand a raw futex turn word back and forth 10,000 times
// each (FUTEX_WAIT/FUTEX_WAKE without FUTEX_PRIVATE_FLAG: the shared key); the child's
// mprotect and munmap leave the parent's view writable. A MAP_SHARED file mapping written by
// the child is read by the parent. Output and status are compared with qemu-i386's and, where
// this host runs i386 programs, native execution's; the trace is the same twice.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dirname } from 'node:path';
import { program, runLab, runNative, runQemu, scratchFile } from '../kernel-acceptance/support';
import { hostRunsI386 } from '../support/oracles';

const SHARED = `#define _GNU_SOURCE
#include <fcntl.h>
#include <linux/futex.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define ROUNDS 10000

struct shared { pthread_mutex_t lock; int counter; int turn; int handoffs; };

static long futex(int *uaddr, int op, int val) { return syscall(SYS_futex, uaddr, op, val, 0, 0, 0); }

static void play(struct shared *s, int me) {
  for (int i = 0; i < ROUNDS; i++) {
    pthread_mutex_lock(&s->lock);
    s->counter++;
    pthread_mutex_unlock(&s->lock);
  }
  for (int i = 0; i < ROUNDS; i++) {
    while (__atomic_load_n(&s->turn, __ATOMIC_ACQUIRE) != me) futex(&s->turn, FUTEX_WAIT, !me);
    s->handoffs++;
    __atomic_store_n(&s->turn, !me, __ATOMIC_RELEASE);
    futex(&s->turn, FUTEX_WAKE, 1);
  }
}

int main(int argc, char **argv) {
  setvbuf(stdout, 0, _IONBF, 0);
  struct shared *s = mmap(0, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  if (s == MAP_FAILED) return 1;
  pthread_mutexattr_t a;
  pthread_mutexattr_init(&a);
  pthread_mutexattr_setpshared(&a, PTHREAD_PROCESS_SHARED);
  pthread_mutex_init(&s->lock, &a);
  int fd = open(argv[1], O_RDWR);
  char *f = fd < 0 ? MAP_FAILED : mmap(0, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  if (f == MAP_FAILED) return 2;
  char *priv = mmap(0, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  strcpy(priv, "parent's private page");
  pid_t c = fork();
  if (c == 0) {
    play(s, 1);
    strcpy(f, "the child wrote this");
    strcpy(priv, "the child's copy");
    mprotect(s, 4096, PROT_READ);
    munmap(s, 4096);
    _exit(0);
  }
  play(s, 0);
  int st;
  waitpid(c, &st, 0);
  printf("child exited %d status %d\\n", WIFEXITED(st), WEXITSTATUS(st));
  printf("counter %d (of %d) handoffs %d\\n", s->counter, 2 * ROUNDS, s->handoffs);
  printf("file mapping: %s\\n", f);
  printf("private page: %s\\n", priv);
  s->counter = 0;
  printf("still mapped and writable after the child's mprotect and munmap: %d\\n", s->counter);
  return 0;
}
`;

function dataFile(): string {
  return scratchFile('shared.dat', 'the parent wrote this, the child will overwrite it.\n');
}

test('MAP_SHARED anonymous and file pages stay shared across fork; a process-shared mutex and a raw futex work between the processes, as qemu-i386 and native', async () => {
  const prog = program('shared', SHARED);
  const expected = 'child exited 1 status 0\ncounter 20000 (of 20000) handoffs 20000\nfile mapping: the child wrote this\nprivate page: parent\'s private page\nstill mapped and writable after the child\'s mprotect and munmap: 0\n';
  const qFile = dataFile();
  const q = runQemu(prog, [qFile]);
  assert.equal(q.stdout, expected, q.stderr);
  assert.equal(q.status, 0);
  if (hostRunsI386()) {
    const n = runNative(prog, [dataFile()]);
    assert.equal(n.stdout, q.stdout, n.stderr);
    assert.equal(n.status, q.status);
  }
  // The guest root is the program's folder, where scratchFile writes shared.dat afresh.
  const root = dirname(dataFile());
  const l = await runLab(prog, ['--root', root, '--allow-writes'], ['/shared.dat']);
  assert.deepEqual({ stdout: l.stdout, status: l.status }, { stdout: q.stdout, status: q.status }, l.stderr);
});

test('shared memory between processes: the same trace twice', async () => {
  const prog = program('shared', SHARED);
  const root = dirname(dataFile());
  assert.equal(root, dirname(prog));
  const runs = [];
  for (let k = 0; k < 2; k++) {
    dataFile();
    runs.push(await runLab(prog, ['--root', root, '--allow-writes', '--trace', 'syscalls'], ['/shared.dat']));
  }
  assert.equal(runs[0]!.status, 0, runs[0]!.stderr.slice(-2000));
  assert.match(runs[0]!.stderr, /futex\(/);
  assert.equal(runs[1]!.stderr, runs[0]!.stderr);
  assert.equal(runs[1]!.stdout, runs[0]!.stdout);
});
