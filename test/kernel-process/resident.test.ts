// Anonymous memory is the zero page's until touched (emulator/memory/memory.ts): a 1 GiB
// private mapping (256 MiB at the quick scale) costs nothing until its pages are used, and mincore(2) tells which pages
// are resident exactly as Linux does under qemu-i386: those written, read (the zero page),
// copied to or from by the kernel (pipe write and read), kept by mprotect, dropped by
// MADV_DONTNEED, shared with a fork child (whose own touches its parent does not see), moved by
// mremap; with ENOMEM for a hole and EINVAL for an unaligned start. A loop that reads what it
// just wrote on a page it never touched before reads its own stores.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { loadProgram } from '../../emulator/kernel/loader';
import { RunLoop } from '../../emulator/kernel/run-loop';
import { TEST_SCALE } from '../support/scale';
import { buildStatic, runQemu } from './support';

/**
 * log2 of the mapping's size: 1 GiB at full scale, 256 MiB at a smaller one (each mincore
 * reads a byte per page of it; the guest's loops over that vector were most of the run).
 */
const SIZE_BITS = TEST_SCALE < 1 ? 28 : 30;

const SOURCE = String.raw`#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/wait.h>

#define SIZE (1u << ${SIZE_BITS})
#define PAGE 4096u
static unsigned char vec[SIZE / PAGE];

static void show(const char *who, unsigned char *base, unsigned len) {
  memset(vec, 0, sizeof vec);
  int r = mincore(base, len, vec);
  printf("%s: %s", who, r == 0 ? "0" : strerrorname_np(errno));
  unsigned n = 0;
  for (unsigned i = 0; r == 0 && i < (len + PAGE - 1) / PAGE; i++)
    if (vec[i] & 1) { n++; printf(" %u", i); }
  printf(" (%u resident)\n", n);
  fflush(stdout);
}

int main(void) {
  unsigned char *m = mmap(0, SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (m == MAP_FAILED) { printf("mmap: %s\n", strerrorname_np(errno)); return 1; }
  show("fresh", m, SIZE);
  m[0] = 1;
  m[5 * PAGE + 7] = 2;
  volatile unsigned char seen = m[9 * PAGE];
  m[SIZE / 2] = 3;
  m[SIZE - 1] = 4;
  int fds[2];
  pipe(fds);
  write(fds[1], m + 20 * PAGE, 100);
  read(fds[0], m + 30 * PAGE + 50, 100);
  volatile int *v = (volatile int *)(m + 100 * PAGE);
  for (int i = 1; i < 3 * (int)PAGE; i++) v[i] = v[i - 1] + 1;
  printf("untouched %u, loop %d %d\n", seen + m[11 * PAGE], v[1023], v[3 * PAGE - 1]);
  show("written", m, SIZE);
  mprotect(m + 30 * PAGE, PAGE, PROT_READ);
  madvise(m, PAGE, MADV_DONTNEED);
  show("mprotect, DONTNEED", m, SIZE);
  pid_t c = fork();
  if (c == 0) {
    m[40 * PAGE] = 5;
    seen = m[41 * PAGE];
    show("child", m, SIZE);
    printf("child reads %d %d %d\n", m[0], m[5 * PAGE + 7], m[SIZE - 1]);
    fflush(stdout);
    _exit(0);
  }
  waitpid(c, 0, 0);
  show("parent", m, SIZE);
  unsigned char *moved = mremap(m, 8 * PAGE, 16 * PAGE, MREMAP_MAYMOVE);
  printf("moved %d, reads %d\n", moved != m, moved[5 * PAGE + 7]);
  show("moved", moved, 16 * PAGE);
  show("hole", m, PAGE);
  show("unaligned", m + 8 * PAGE + 1, PAGE);
  show("tail", m + 8 * PAGE, 40 * PAGE);
  return 0;
}
`;

test(`a ${SIZE_BITS === 30 ? '1 GiB' : `${2 ** (SIZE_BITS - 20)} MiB`} anonymous mapping is resident only where touched: mincore after writes, reads, kernel copies, mprotect, MADV_DONTNEED, fork and mremap is qemu-i386's`, () => {
  const prog = buildStatic('resident', SOURCE);
  const q = runQemu(prog);
  assert.equal(q.status, 0, q.stderr);
  let stdout = '';
  // The default cap (256 MiB of mapped memory) is the model's; the mapping needs a larger one.
  const { process: p } = loadProgram(new Uint8Array(readFileSync(prog)), prog, {
    options: { cpu: 'intel', kernel: 'compat64', abi: 'upstream' },
    host: { stdout: (b) => { stdout += new TextDecoder().decode(b); }, stderr: () => {}, report: () => {} },
    memoryLimit: 2 ** 31,
  }, { argv: ['/resident'], envp: [], execPath: '/resident' });
  const result = new RunLoop(p).run(200_000_000);
  assert.equal(result.kind, 'exited', JSON.stringify(result));
  assert.equal(stdout, q.stdout);
});
