// rep movs between two views of one shared page (a file mapped MAP_SHARED at two addresses):
// the two virtual pages are the same bytes, so a copy from one view into the other at an
// offset just ahead of the source, in the direction of travel, reads bytes earlier iterations
// wrote and repeats them; a copy at once would not. The bulk path of rep movs
// (emulator/x86/string-bulk.ts) must tell such pages apart from private pages, which never
// share bytes. The page's bytes after each copy are compared with qemu-i386's.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dirname } from 'node:path';
import { program, runLab, runQemu, scratchFile } from '../kernel-acceptance/support';

const ALIAS = `#include <fcntl.h>
#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>

static void movsb(const char *src, char *dst, unsigned n, int down) {
  __asm__ volatile(
    "test %3, %3\\n jz 1f\\n std\\n 1: rep movsb\\n cld"
    : "+S"(src), "+D"(dst), "+c"(n) : "r"(down) : "memory", "cc");
}

static void movsl(const char *src, char *dst, unsigned n, int down) {
  __asm__ volatile(
    "test %3, %3\\n jz 1f\\n std\\n 1: rep movsl\\n cld"
    : "+S"(src), "+D"(dst), "+c"(n) : "r"(down) : "memory", "cc");
}

static unsigned sum(const unsigned char *p) {
  unsigned h = 2166136261u;
  for (int i = 0; i < 4096; i++) h = (h ^ p[i]) * 16777619u;
  return h;
}

/* Fills the page through view a, then reads and writes both views (so that both are in the TLBs the copy's bulk path takes). */
static void fill(volatile unsigned char *a, volatile unsigned char *b) {
  for (int i = 0; i < 4096; i++) a[i] = (unsigned char)(i * 7 + 3);
  b[4000] = a[4000];
  a[4001] = b[4001];
}

int main(int argc, char **argv) {
  int fd = open(argv[1], O_RDWR);
  if (fd < 0) return 1;
  unsigned char *a = mmap(0, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  unsigned char *b = mmap(0, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  if (a == MAP_FAILED || b == MAP_FAILED || a == b) return 2;
  fill(a, b);
  movsb((char *)a + 100, (char *)b + 101, 40, 0);
  printf("up, bytes, destination one ahead: %08x\\n", sum(a));
  fill(a, b);
  movsl((char *)a + 200, (char *)b + 204, 12, 0);
  printf("up, words, destination one word ahead: %08x\\n", sum(a));
  fill(a, b);
  movsb((char *)a + 300, (char *)b + 299, 40, 1);
  printf("down, bytes, destination one below: %08x\\n", sum(a));
  fill(a, b);
  movsb((char *)a + 400, (char *)b + 380, 40, 0);
  printf("up, destination below the source: %08x\\n", sum(a));
  return 0;
}
`;

test('rep movs from one view of a shared page into another, overlapping on the same bytes, leaves what qemu-i386 leaves', async () => {
  const prog = program('alias', ALIAS);
  const file = scratchFile('alias.dat', new Uint8Array(4096));
  const q = runQemu(prog, [file]);
  assert.equal(q.status, 0, q.stderr);
  assert.equal(q.stdout.split('\n').length, 5, q.stdout);
  scratchFile('alias.dat', new Uint8Array(4096));
  const l = await runLab(prog, ['--root', dirname(file), '--allow-writes'], ['/alias.dat']);
  assert.deepEqual({ stdout: l.stdout, status: l.status }, { stdout: q.stdout, status: q.status }, l.stderr);
});
