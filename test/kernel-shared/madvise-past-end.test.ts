// madvise(MADV_DONTNEED) and file pages past the end of the file (docs/kernel-facts.md
// section 14): after DONTNEED a private anonymous page reads zeros and a private file page the
// file's bytes again, while a shared page keeps its stores; a private mapping shorter than its
// page shows the rest of the page from the file; a page wholly past the end of the file gives
// SIGBUS BUS_ADRERR (shared and private alike) until the file grows over it, and again once it
// shrinks; madvise's argument checks (EINVAL, ENOMEM for a hole, EINVAL at the vvar area).
// Output and exit status are compared with native execution (where this host runs i386
// programs) and, without what qemu-i386 7.2 does not emulate (the faulting address, madvise's
// argument checks), with qemu-i386's.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dirname } from 'node:path';
import { program, runLab, runNative, runQemu, scratchFile } from '../kernel-acceptance/support';
import { hostRunsI386 } from '../support/oracles';

const SOURCE = String.raw`#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <unistd.h>

static int full;
static sigjmp_buf back;
static char *base;
static void caught(int sig, siginfo_t *si, void *uc) {
  if (full) printf("signal %d code %d at +%ld\n", sig, si->si_code, (long)((char *)si->si_addr - base));
  else printf("signal %d code %d\n", sig, si->si_code);
  siglongjmp(back, 1);
}
static void peek(const char *what, char *m, long off) {
  base = m;
  if (sigsetjmp(back, 1) == 0) printf("%s: byte %ld is %d\n", what, off, ((volatile char *)m)[off]);
  else printf("%s: byte %ld faulted\n", what, off);
}
static void poke(const char *what, char *m, long off, char v) {
  base = m;
  if (sigsetjmp(back, 1) == 0) { ((volatile char *)m)[off] = v; printf("%s: stored at %ld\n", what, off); }
  else printf("%s: store at %ld faulted\n", what, off);
}
static int advise(void *a, size_t n, int advice) {
  int r = madvise(a, n, advice);
  return r < 0 ? -errno : r;
}

int main(int argc, char **argv) {
  setvbuf(stdout, 0, _IONBF, 0);
  full = argc > 2;
  struct sigaction sa = {0};
  sa.sa_sigaction = caught;
  sa.sa_flags = SA_SIGINFO;
  sigaction(SIGBUS, &sa, 0);
  sigaction(SIGSEGV, &sa, 0);
  int fd = open(argv[1], O_RDWR);
  if (fd < 0) return 1;

  char *a = mmap(0, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  memset(a, 0x5a, 8192);
  printf("anonymous DONTNEED: %d\n", advise(a, 4096, MADV_DONTNEED));
  peek("anonymous", a, 10);
  peek("anonymous", a, 4096 + 10);

  char *p = mmap(0, 100, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
  peek("private, past the length", p, 200);
  p[10] = 'Q';
  peek("private, stored", p, 10);
  printf("private DONTNEED: %d\n", advise(p, 4096, MADV_DONTNEED));
  peek("private, fetched again", p, 10);
  munmap(p, 4096);

  char *q = mmap(0, 3 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
  peek("private 3 pages", q, 4096 + 1903);
  peek("private 3 pages", q, 4096 + 1904);
  peek("private 3 pages", q, 2 * 4096 + 5);
  poke("private 3 pages", q, 2 * 4096 + 5, 1);

  char *s = mmap(0, 3 * 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  s[20] = 'S';
  printf("shared DONTNEED: %d\n", advise(s, 3 * 4096, MADV_DONTNEED));
  peek("shared after DONTNEED", s, 20);
  peek("shared 3 pages", s, 4096 + 1904);
  peek("shared 3 pages", s, 2 * 4096 + 5);
  poke("shared 3 pages", s, 2 * 4096 + 6, 1);
  printf("ftruncate to 3 pages: %d\n", ftruncate(fd, 3 * 4096));
  peek("shared, file grown", s, 2 * 4096 + 5);
  poke("shared, file grown", s, 2 * 4096 + 6, 7);
  peek("private, file grown", q, 2 * 4096 + 5);
  printf("ftruncate to 1 page: %d\n", ftruncate(fd, 4096));
  peek("shared, file shrunk", s, 4096 + 5);
  peek("shared, file shrunk", s, 2 * 4096 + 6);
  peek("shared, file shrunk", s, 4095);
  peek("private, file shrunk", q, 4096 + 5);

  if (full) {
    printf("unaligned: %d\n", advise(a + 1, 4096, MADV_DONTNEED));
    printf("unknown advice: %d\n", advise(a, 4096, 999));
    printf("length 0: %d\n", advise(a, 0, MADV_DONTNEED));
    char *h = mmap(0, 3 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    memset(h, 0x33, 2 * 4096);
    munmap(h + 2 * 4096, 4096);
    printf("with a hole: %d\n", advise(h, 3 * 4096, MADV_DONTNEED));
    peek("before the hole", h, 4096 + 10);
    char *vdso = (char *)getauxval(AT_SYSINFO_EHDR);
    printf("vvar: %d, vDSO: %d\n", advise(vdso - 4096, 4096, MADV_DONTNEED), advise(vdso, 4096, MADV_DONTNEED));
  }
  printf("hints: %d %d %d\n", advise(a, 8192, MADV_NORMAL), advise(a, 8192, MADV_WILLNEED), advise(a, 8192, MADV_FREE));
  return 0;
}
`;

/** A fresh data file (6000 bytes: dots and a newline at the end); returns its path. */
function dataFile(): string {
  return scratchFile('past-end.dat', `${'.'.repeat(5999)}\n`);
}

test('MADV_DONTNEED fetches private pages again and a file page past the end of the file gives SIGBUS, as qemu-i386', async () => {
  const prog = program('madvise-past-end', SOURCE);
  dataFile();
  const q = runQemu(prog, [dataFile()]);
  assert.equal(q.status, 0, q.stderr);
  assert.match(q.stdout, /private, fetched again: byte 10 is 46\n/);
  assert.match(q.stdout, /signal 7 code 2\nshared 3 pages: byte 8197 faulted\n/);
  assert.equal(dirname(dataFile()), dirname(prog));
  const l = await runLab(prog, ['--root', dirname(prog), '--allow-writes'], ['/past-end.dat']);
  assert.deepEqual({ stdout: l.stdout, status: l.status }, { stdout: q.stdout, status: q.status }, l.stderr);
});

test('madvise and SIGBUS past the end of a file, with the faulting address and the argument checks, as native', { skip: !hostRunsI386() && 'this host does not run i386 programs' }, async () => {
  const prog = program('madvise-past-end', SOURCE);
  const n = runNative(prog, [dataFile(), 'full']);
  assert.equal(n.status, 0, n.stderr);
  assert.match(n.stdout, /signal 7 code 2 at \+8197\nshared 3 pages: byte 8197 faulted\n/);
  assert.match(n.stdout, /vvar: -22, vDSO: 0\n/);
  dataFile();
  // The running kernel's vDSO, so that the vvar area lies where native execution has it.
  const l = await runLab(prog, ['--vdso', 'host', '--root', dirname(prog), '--allow-writes'], ['/past-end.dat', 'full']);
  assert.deepEqual({ stdout: l.stdout, status: l.status }, { stdout: n.stdout, status: n.status }, l.stderr);
});

const WIPE = String.raw`#include <stdio.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

int main(void) {
  setvbuf(stdout, 0, _IONBF, 0);
  char *a = mmap(0, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  a[0] = 7;
  printf("before\n");
  int r = madvise(a, 4096, MADV_WIPEONFORK);
  if (fork() == 0) { printf("child reads %d\n", a[0]); _exit(0); }
  wait(0);
  printf("madvise %d, parent reads %d\n", r, a[0]);
  return 0;
}
`;

test('advice whose effect the model does not have (MADV_WIPEONFORK: the child reads zeros natively) stops the run with status 125 at the call', async () => {
  const prog = program('madvise-wipe', WIPE);
  if (hostRunsI386()) {
    // The advice is real and has an effect (qemu-i386 7.2 ignores it, so only native execution shows it).
    const n = runNative(prog);
    assert.equal(n.stdout, 'before\nchild reads 0\nmadvise 0, parent reads 7\n', n.stderr);
  }
  const l = await runLab(prog, []);
  assert.equal(l.status, 125, l.stderr);
  assert.equal(l.stdout, 'before\n');
  assert.match(l.stderr, /^vdso-lab run: stopped: madvise MADV_WIPEONFORK is not emulated \(the system call at 0x[0-9a-f]+\); the run cannot go on\n$/);
});
