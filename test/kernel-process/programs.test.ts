// Static glibc programs written here run under `vdso-lab run` and under qemu-i386 (the
// oracle) with the same stdout and exit status. What legitimately differs (pids, clock
// values, uids, addresses) is printed in a normalised form by the programs themselves.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildC } from '../support/oracles';
import { buildStatic, runLab, runQemu } from './support';

const AUXV = String.raw`
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/auxv.h>
#include <elf.h>
extern char _start[];
extern const Elf32_Ehdr __ehdr_start;
static const char *base(const char *p) { const char *s = strrchr(p, '/'); return s ? s + 1 : p; }
int main(int argc, char **argv, char **envp) {
  printf("argc=%d argv0=%s\n", argc, base(argv[0]));
  for (int i = 1; i < argc; i++) printf("argv[%d]=%s\n", i, argv[i]);
  printf("argv[argc]=%p\n", (void *)argv[argc]);
  int n = 0;
  for (char **e = envp; *e; e++) printf("env[%d]=%s\n", n++, *e);
  printf("envp follows argv: %d\n", envp == argv + argc + 1);
  unsigned long *a = (unsigned long *)(envp + n + 1);
  int seen_null = 0, count = 0;
  for (; count < 64; a += 2, count++) if (a[0] == AT_NULL) { seen_null = 1; break; }
  printf("auxv terminated: %d\n", seen_null);
  printf("AT_PAGESZ=%lu\n", getauxval(AT_PAGESZ));
  printf("AT_PHENT=%lu AT_PHNUM=%lu\n", getauxval(AT_PHENT), getauxval(AT_PHNUM));
  printf("AT_PHDR ok: %d\n", getauxval(AT_PHDR) == (unsigned long)&__ehdr_start + __ehdr_start.e_phoff);
  printf("AT_ENTRY is _start: %d\n", getauxval(AT_ENTRY) == (unsigned long)_start);
  printf("AT_BASE=%lu AT_FLAGS=%lu AT_SECURE=%lu AT_CLKTCK=%lu\n", getauxval(AT_BASE), getauxval(AT_FLAGS), getauxval(AT_SECURE), getauxval(AT_CLKTCK));
  printf("AT_UID is getuid: %d, AT_EGID is getegid: %d\n", getauxval(AT_UID) == getuid(), getauxval(AT_EGID) == getegid());
  printf("AT_PLATFORM=%s\n", (const char *)getauxval(AT_PLATFORM));
  const char *execfn = (const char *)getauxval(AT_EXECFN);
  printf("AT_EXECFN=%s\n", base(execfn));
  unsigned long rnd = getauxval(AT_RANDOM);
  printf("AT_RANDOM above the tables: %d, below the strings: %d\n", rnd > (unsigned long)a, rnd + 16 <= (unsigned long)argv[0]);
  printf("strings: argv before env: %d, execfn last: %d\n", n == 0 || argv[0] < envp[0], execfn > argv[argc - 1] && (n == 0 || execfn > envp[n - 1]));
  printf("sp aligned: %d\n", ((unsigned long)(argv - 1) & 15) == 0);
  return 7;
}
`;

test('argv, envp and the aux vector: the same as under qemu-i386', async () => {
  const prog = buildStatic('auxv', AUXV);
  const args = ['one', 'two words', ''];
  // One variable only: qemu-i386 passes its environment to the guest in reverse order.
  const q = runQemu(prog, args, { env: { ALPHA: 'x=y' } });
  const l = await runLab(prog, ['--env', 'ALPHA=x=y'], args);
  assert.equal(l.stderr, '');
  assert.equal(l.stdout, q.stdout);
  assert.equal(l.status, q.status);
  assert.equal(q.status, 7);
  assert.match(l.stdout, /AT_PLATFORM=i686\n/);
});

const SYSTEM = String.raw`
#include <stdio.h>
#include <string.h>
#include <errno.h>
#include <time.h>
#include <fcntl.h>
#include <unistd.h>
#include <sys/utsname.h>
#include <sys/random.h>
#include <sys/time.h>
#include <sys/resource.h>
#include <sys/sysinfo.h>
#include <sys/syscall.h>
static __thread int counter = 40;
static __thread char tls_buf[32] = "tls";
int main(void) {
  struct utsname u;
  printf("uname: %d %s %s\n", uname(&u), u.sysname, u.machine);
  counter += 2;
  strcat(tls_buf, "-ok");
  printf("tls: %d %s\n", counter, tls_buf);
  errno = 0;
  int fd = open("/no/such/file", O_RDONLY);
  int oe = errno;
  printf("open missing: %d errno=%s\n", fd, strerror(oe));
  printf("pid: %d tid==pid: %d ppid>0: %d\n", getpid() > 0, (int)syscall(SYS_gettid) == getpid(), getppid() > 0);
  struct timespec a, b, m;
  clock_gettime(CLOCK_MONOTONIC, &a);
  struct timespec d = { 0, 20 * 1000 * 1000 };
  printf("nanosleep: %d\n", nanosleep(&d, 0));
  clock_gettime(CLOCK_MONOTONIC, &b);
  long long ns = (b.tv_sec - a.tv_sec) * 1000000000LL + (b.tv_nsec - a.tv_nsec);
  printf("slept >= 20ms: %d, < 10s: %d\n", ns >= 20000000, ns < 10000000000LL);
  clock_gettime(CLOCK_REALTIME, &m);
  struct timeval tv;
  gettimeofday(&tv, 0);
  printf("realtime after 2015: %d, gettimeofday agrees: %d, time agrees: %d\n", m.tv_sec > 1420070400, tv.tv_sec - m.tv_sec < 2, time(0) - m.tv_sec < 2);
  struct timespec res;
  printf("getres: %d %ld\n", clock_getres(CLOCK_MONOTONIC, &res), res.tv_sec);
  int bad = clock_gettime(12345, &m), e = errno;
  printf("bad clock: %d %s\n", bad, strerror(e));
  unsigned char r1[16], r2[16];
  printf("getrandom: %zd %zd differ: %d\n", getrandom(r1, 16, 0), getrandom(r2, 16, 0), memcmp(r1, r2, 16) != 0);
  struct rlimit rl;
  printf("getrlimit stack: %d soft>0: %d\n", getrlimit(RLIMIT_STACK, &rl), rl.rlim_cur > 0);
  struct sysinfo si;
  printf("sysinfo: %d mem_unit>0: %d\n", sysinfo(&si), si.mem_unit > 0);
  int tty = isatty(1);
  e = errno;
  printf("ioctl TCGETS on stdout: %d %s\n", tty, strerror(e));
  return 0;
}
`;

test('a static-PIE program loads at its base and sees the same aux vector as under qemu-i386', async () => {
  const prog = buildC('auxv-pie', AUXV, ['-static-pie', '-fPIE', '-O1', '-w']);
  const q = runQemu(prog, ['pie'], { env: { ONLY: '1' } });
  const l = await runLab(prog, ['--env', 'ONLY=1'], ['pie']);
  assert.equal(l.stderr, '');
  assert.equal(l.stdout, q.stdout);
  assert.equal(l.status, q.status);
  assert.match(l.stdout, /AT_ENTRY is _start: 1/);
});

test('uname, TLS, errno, clocks, nanosleep, getrandom, rlimits: the same as under qemu-i386', async () => {
  const prog = buildStatic('system', SYSTEM);
  const q = runQemu(prog);
  const l = await runLab(prog, ['--kernel', 'native32']);
  assert.equal(l.stderr, '');
  assert.equal(l.stdout, q.stdout);
  assert.equal(l.status, q.status);
  assert.match(l.stdout, /uname: 0 Linux i686\ntls: 42 tls-ok\n/);
  assert.match(l.stdout, /slept >= 20ms: 1/);
});

const MEMORY = String.raw`
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <unistd.h>
#include <sys/mman.h>
static unsigned sum(const unsigned char *p, size_t n) { unsigned s = 0; for (size_t i = 0; i < n; i++) s = s * 31 + p[i]; return s; }
static int deep(int n) { volatile char pad[1024]; pad[0] = (char)n; pad[1023] = 1; return n ? deep(n - 1) + pad[1023] : 0; }
int main(void) {
  setvbuf(stdout, 0, _IONBF, 0);
  char *b0 = sbrk(0);
  char *b1 = sbrk(8192);
  printf("sbrk: grew %d, same start %d\n", (int)((char *)sbrk(0) - b0), b0 == b1);
  memset(b1, 0x5a, 8192);
  printf("brk bytes: %u\n", sum((unsigned char *)b1, 8192));
  printf("shrink: %d\n", brk(b0));
  unsigned char *m = mmap(0, 3 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  printf("mmap ok: %d aligned: %d zero: %u\n", m != MAP_FAILED, ((unsigned long)m & 4095) == 0, sum(m, 3 * 4096));
  for (int i = 0; i < 3 * 4096; i++) m[i] = (unsigned char)(i * 7);
  unsigned before = sum(m, 3 * 4096);
  printf("mprotect: %d\n", mprotect(m + 4096, 4096, PROT_READ));
  void *split = mremap(m, 3 * 4096, 64 * 4096, MREMAP_MAYMOVE);
  int e = errno;
  printf("mremap across protections: %d %s\n", split == MAP_FAILED, strerror(e));
  printf("munmap split: %d\n", munmap(m, 3 * 4096));
  m = mmap(0, 3 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  for (int i = 0; i < 3 * 4096; i++) m[i] = (unsigned char)(i * 7);
  unsigned char *g = mremap(m, 3 * 4096, 64 * 4096, MREMAP_MAYMOVE);
  printf("mremap ok: %d kept: %d\n", g != MAP_FAILED, sum(g, 3 * 4096) == before);
  printf("munmap: %d\n", munmap(g, 64 * 4096));
  int r = munmap((char *)g + 1, 4096);
  e = errno;
  printf("munmap unaligned: %d %s\n", r, strerror(e));
  void *fixed = mmap((void *)0x20000000, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
  printf("fixed: %d\n", fixed == (void *)0x20000000);
  void *z = mmap(0, 0, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  e = errno;
  printf("zero length: %d %s\n", z == MAP_FAILED, strerror(e));
  char *big = malloc(1 << 20);
  memset(big, 1, 1 << 20);
  printf("malloc 1M: %u\n", sum((unsigned char *)big, 1 << 20));
  free(big);
  char *many[200];
  for (int i = 0; i < 200; i++) { many[i] = malloc(100 + i); memset(many[i], i, 100 + i); }
  unsigned s = 0;
  for (int i = 0; i < 200; i++) { s += sum((unsigned char *)many[i], 100 + i); free(many[i]); }
  printf("small blocks: %u\n", s);
  printf("stack grows to 3 MiB: %d\n", deep(3000));
  return 0;
}
`;

test('brk, mmap2, mprotect, mremap, munmap and malloc: the same as under qemu-i386', async () => {
  const prog = buildStatic('memory', MEMORY);
  const q = runQemu(prog);
  const l = await runLab(prog);
  assert.equal(l.stderr, '');
  assert.equal(l.stdout, q.stdout);
  assert.equal(l.status, q.status);
  assert.match(l.stdout, /mremap ok: 1 kept: 1/);
});

test('a write through a bad pointer and a wild jump die with SIGSEGV like under qemu-i386', async () => {
  const prog = buildStatic('segv', String.raw`
#include <stdio.h>
#include <string.h>
int main(int argc, char **argv) {
  printf("before\n");
  fflush(stdout);
  if (argc > 1 && strcmp(argv[1], "jump") == 0) ((void (*)(void))0xdead0000)();
  *(volatile int *)16 = 1;
  return 0;
}
`);
  for (const how of ['write', 'jump']) {
    const q = runQemu(prog, [how]);
    const l = await runLab(prog, [], [how]);
    assert.equal(l.stdout, q.stdout);
    assert.equal(l.status, q.status);
    assert.equal(l.status, 128 + 11);
    assert.equal(l.stderr.trim().split('\n').length, 1, l.stderr);
    assert.match(l.stderr, /killed by SIGSEGV/);
  }
});
