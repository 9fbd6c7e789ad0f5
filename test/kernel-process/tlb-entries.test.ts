// A program whose pages sit in Memory's TLBs (read and written many times, so that hot blocks
// read the TLBs in place) while mprotect, munmap and mmap MAP_FIXED change them: only the
// changed pages' entries are dropped (emulator/memory/memory.ts dropEntries), and each access
// after a change faults, or reads what it must, as under qemu-i386. A smaller run takes fewer
// rounds (argv[1]), still half again the emulator's hot threshold (emulator/x86/cpu.ts HOT_RUNS):
// the loop's blocks run once a round.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { scaled } from '../support/scale';
import { buildStatic, runLab, runQemu } from './support';

/** The rounds the program makes. */
const ROUNDS = scaled(400, 150);

const ENTRIES = String.raw`
#include <stdio.h>
#include <stdlib.h>
#include <signal.h>
#include <setjmp.h>
#include <sys/mman.h>

static sigjmp_buf env;
static volatile int sink;
static void segv(int sig) { (void)sig; siglongjmp(env, 1); }
/* 1 when the access faulted. */
static int load(volatile int *p) { if (sigsetjmp(env, 1)) return 1; sink = *p; return 0; }
static int store(volatile int *p, int v) { if (sigsetjmp(env, 1)) return 1; *p = v; return 0; }

int main(int argc, char **argv) {
  struct sigaction sa = {0};
  sa.sa_handler = segv;
  sigaction(SIGSEGV, &sa, 0);
  unsigned h = 0;
  int rounds = argc > 1 ? atoi(argv[1]) : 400;
  for (int round = 0; round < rounds; round++) {
    volatile int *m = mmap(0, 3 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    m[0] = round; m[1024] = round + 1; m[2048] = round + 2;
    int a = load(m) + 2 * load(m + 1024) + 4 * load(m + 2048) + 8 * (m[0] + m[1024] + m[2048] != 3 * round + 3);
    mprotect((void *)(m + 1024), 4096, PROT_READ);
    int b = store(m + 1024, 5) + 2 * load(m + 1024) + 4 * store(m, 6) + 8 * (m[1024] != round + 1);
    mprotect((void *)m, 4096, PROT_NONE);
    int c = load(m) + 2 * store(m, 7) + 4 * load(m + 2048) + 8 * store(m + 2048, 9);
    munmap((void *)(m + 2048), 4096);
    int d = load(m + 2048) + 2 * store(m + 2048, 8) + 4 * load(m + 1024);
    mmap((void *)(m + 1024), 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
    int e = m[1024] + 2 * store(m + 1024, 10) + 4 * (m[1024] != 10);
    mprotect((void *)m, 4096, PROT_READ | PROT_WRITE);
    int f = load(m) + 2 * (m[0] != 6);
    if (round == 0) printf("a %d b %d c %d d %d e %d f %d\n", a, b, c, d, e, f);
    h = h * 31 + (unsigned)(a + 16 * b + 256 * c + 4096 * d + 65536 * e + 1048576 * f);
    munmap((void *)m, 2 * 4096);
  }
  printf("h %08x\n", h);
  return 0;
}
`;

test('accesses after mprotect, munmap and mmap MAP_FIXED of pages in the TLBs fault or read as under qemu-i386', async () => {
  const prog = buildStatic('tlb-entries', ENTRIES);
  const q = runQemu(prog, [String(ROUNDS)]);
  const l = await runLab(prog, [], [String(ROUNDS)]);
  assert.equal(l.stderr, '');
  assert.equal(l.stdout, q.stdout);
  assert.equal(l.status, q.status);
  assert.match(q.stdout, /^a 0 b 1 c 3 d 3 e 0 f 0\n/);
});

/**
 * A self-loop's memory sites hold a page's array across the loop's calls, emptied when the TLB
 * changes (its epoch) and taken again at the next access through Memory after a miss
 * (emulator/x86/compile.ts loopSource, emit.ts takeAccess): a loop made hot over a page, then
 * called again after that page was replaced (mmap MAP_FIXED), made read-only or unreadable
 * (mprotect) or unmapped (munmap), must fault or read the new page, as under qemu-i386. A site
 * that kept its first page reads the replaced page's values here, which the test above does not
 * see.
 */
const SITES = String.raw`
#include <stdio.h>
#include <signal.h>
#include <setjmp.h>
#include <sys/mman.h>

static sigjmp_buf env;
static void segv(int sig) { (void)sig; siglongjmp(env, 1); }
__attribute__((noinline)) static int sum(const volatile int *p, int n) { int s = 0; for (int i = 0; i < n; i++) s += p[i]; return s; }
__attribute__((noinline)) static void fill(volatile int *p, int n, int v) { for (int i = 0; i < n; i++) p[i] = v + i; }
/* The sum, or -1 when it faulted. */
static int guardedSum(volatile int *p) { if (sigsetjmp(env, 1)) return -1; return sum(p, 1024); }
/* 1 when the fill faulted. */
static int guardedFill(volatile int *p, int v) { if (sigsetjmp(env, 1)) return 1; fill(p, 1024, v); return 0; }
/* The loops made hot over the page: more calls than a new self-loop's first ones. */
static unsigned warm(volatile int *p, int v) { unsigned h = 0; for (int k = 0; k < 64; k++) { fill(p, 1024, v + k); h = h * 31 + (unsigned)sum(p, 1024); } return h; }

int main(void) {
  struct sigaction sa = {0};
  sa.sa_handler = segv;
  sigaction(SIGSEGV, &sa, 0);
  volatile int *m = mmap(0, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  unsigned h = warm(m, 1);
  mmap((void *)m, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
  printf("replaced: sum %d\n", guardedSum(m));
  h = h * 31 + warm(m, 2);
  mprotect((void *)m, 4096, PROT_READ);
  printf("read-only: fill faulted %d, sum %d\n", guardedFill(m, 3), guardedSum(m));
  mprotect((void *)m, 4096, PROT_NONE);
  printf("no access: sum %d\n", guardedSum(m));
  mprotect((void *)m, 4096, PROT_READ | PROT_WRITE);
  h = h * 31 + warm(m, 4);
  munmap((void *)m, 4096);
  printf("unmapped: sum %d, fill faulted %d\n", guardedSum(m), guardedFill(m, 5));
  printf("h %08x\n", h);
  return 0;
}
`;

test('a hot self-loop\'s memory sites after mmap MAP_FIXED, mprotect and munmap of their page fault or read as under qemu-i386', async () => {
  const prog = buildStatic('tlb-sites', SITES);
  const q = runQemu(prog, []);
  const l = await runLab(prog, [], []);
  assert.equal(l.stderr, '');
  assert.equal(l.stdout, q.stdout);
  assert.equal(l.status, q.status);
  assert.match(q.stdout, /^replaced: sum 0\nread-only: fill faulted 1, sum \d+\nno access: sum -1\nunmapped: sum -1, fill faulted 1\n/);
});
