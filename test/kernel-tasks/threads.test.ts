// Issue 11, item 3: threads. Two threads of a static glibc program (pthread_create: clone3 or
// clone with CLONE_VM|CLONE_THREAD|CLONE_SETTLS|CLONE_PARENT_SETTID|CLONE_CHILD_CLEARTID)
// hand a futex back and forth 10,000 times (FUTEX_WAIT/WAKE), each with its own __thread
// variable (its GDT TLS entry behind %gs), and pthread_join waits on clear_child_tid. Output
// and status as under qemu-i386; the trace is the same twice.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { jsonTrace, program, runLab, runQemu } from '../kernel-acceptance/support';

const THREADS = `#define _GNU_SOURCE
#include <linux/futex.h>
#include <pthread.h>
#include <stdio.h>
#include <stdatomic.h>
#include <sys/syscall.h>
#include <unistd.h>

#define ROUNDS 10000
static atomic_int turn;
static int counts[2];
static __thread int tls_value;

static void futex_wait(atomic_int *a, int v) { syscall(SYS_futex, a, FUTEX_WAIT_PRIVATE, v, 0, 0, 0); }
static void futex_wake(atomic_int *a) { syscall(SYS_futex, a, FUTEX_WAKE_PRIVATE, 1, 0, 0, 0); }

static void *player(void *arg) {
  int me = (int)(long)arg;
  tls_value = 100 + me;
  for (int i = 0; i < ROUNDS; i++) {
    int t;
    while ((t = atomic_load(&turn)) != me) futex_wait(&turn, t);
    counts[me]++;
    atomic_store(&turn, 1 - me);
    futex_wake(&turn);
  }
  return (void *)(long)(tls_value * 2 + (gettid() != getpid()));
}

int main(void) {
  pthread_t t;
  tls_value = 7;
  if (pthread_create(&t, 0, player, (void *)1L)) return 1;
  void *r1 = player((void *)0L);
  void *r2;
  pthread_join(t, &r2);
  printf("counts %d %d, turn %d, main returned %ld, thread returned %ld, main tls %d\\n", counts[0], counts[1], atomic_load(&turn), (long)r1, (long)r2, tls_value);
  return 0;
}
`;

test('two threads hand a futex back and forth 10,000 times; TLS per thread; join: as under qemu-i386', async () => {
  const prog = program('threads', THREADS);
  const q = runQemu(prog);
  assert.equal(q.status, 0, q.stderr);
  assert.equal(q.stdout, 'counts 10000 10000, turn 0, main returned 200, thread returned 203, main tls 100\n');
  for (const [cpu, kernel] of [['intel', 'compat64'], ['amd', 'native32']]) {
    const r = await runLab(prog, ['--cpu', cpu!, '--kernel', kernel!]);
    assert.deepEqual({ stdout: r.stdout, stderr: r.stderr, status: r.status }, { stdout: q.stdout, stderr: q.stderr, status: q.status }, `${cpu}/${kernel}`);
  }
});

test('threads: the same trace twice, every line naming its thread', async () => {
  const prog = program('threads', THREADS);
  const a = await runLab(prog, ['--trace', 'syscalls', '--json']);
  const b = await runLab(prog, ['--trace', 'syscalls', '--json']);
  assert.equal(a.stderr, b.stderr);
  const out = jsonTrace<{ name: string; tid?: number; result: number | null }>(a.stderr);
  const create = out.syscalls.find((s) => s.name === 'clone3' || s.name === 'clone')!;
  assert.equal(create.result, 1001);
  const futexes = out.syscalls.filter((s) => s.name === 'futex');
  assert.ok(futexes.some((s) => s.tid === 1000) && futexes.some((s) => s.tid === 1001), 'both threads wait and wake');
  assert.ok(out.syscalls.some((s) => s.tid === 1001 && s.name === 'exit'), 'the thread exits alone');
});
