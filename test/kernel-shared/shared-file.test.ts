// MAP_SHARED file mappings are the file (docs/kernel-facts.md section 14): stores reach the
// file at msync, munmap and exit, a read or write through a descriptor while the file is
// mapped sees the mapping's bytes (and the mapping sees the write), a store past the end of
// the file does not extend it; mremap of a shared mapping (grown in place, or moved) keeps
// it shared with a forked child, anonymous and file-backed alike. Output, exit status and the
// file's final bytes are compared with qemu-i386's and, where this host runs i386 programs,
// native execution's.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { program, runLab, runNative, runQemu, scratchFile } from '../kernel-acceptance/support';
import { hostRunsI386 } from '../support/oracles';

const SOURCE = String.raw`#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static char buf[64];
static const char *at(int fd, off_t off, int n) { memset(buf, 0, sizeof buf); pread(fd, buf, n, off); return buf; }

int main(int argc, char **argv) {
  setvbuf(stdout, 0, _IONBF, 0);
  int fd = open(argv[1], O_RDWR);
  int ro = open(argv[1], O_RDONLY);
  char *m = mmap(0, 8192, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  if (fd < 0 || ro < 0 || m == MAP_FAILED) return 1;
  memcpy(m, "stored by a mapping", 19);
  printf("read while mapped: %s\n", at(ro, 0, 19));
  pwrite(fd, "WRITTEN", 7, 100);
  printf("the mapping sees a write: %.7s\n", m + 100);
  memcpy(m + 4096, "second page", 11);
  printf("msync: %d\n", msync(m, 8192, MS_SYNC));
  printf("after msync: %s\n", at(ro, 4096, 11));
  m[5999] = 'Z';
  m[6000] = 'X';
  printf("munmap: %d\n", munmap(m, 8192));
  struct stat st;
  fstat(ro, &st);
  printf("size %ld, last byte %s\n", (long)st.st_size, at(ro, 5999, 4));

  pid_t c = fork();
  if (c == 0) {
    char *k = mmap(0, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    memcpy(k + 200, "the child exited", 16);
    _exit(0);
  }
  int s;
  waitpid(c, &s, 0);
  printf("after the child's exit: %s\n", at(ro, 200, 16));

  int p2c[2], c2p[2];
  pipe(p2c);
  pipe(c2p);
  char *a = mmap(0, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  char *f = mmap(0, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  char *room = mmap(0, 3 * 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  strcpy(a, "anonymous");
  char token;
  c = fork();
  if (c == 0) {
    char *b = mremap(a, 4096, 2 * 4096, MREMAP_MAYMOVE | MREMAP_FIXED, room);
    strcpy(b, "the child's store after mremap");
    write(c2p[1], "1", 1);
    read(p2c[0], &token, 1);
    printf("child sees: %s / %s\n", b, f + 300);
    _exit(0);
  }
  read(c2p[0], &token, 1);
  printf("parent sees: %s\n", a);
  char *g = mremap(f, 4096, 2 * 4096, MREMAP_MAYMOVE | MREMAP_FIXED, room + 4096);
  strcpy(g + 300, "the parent's store after mremap");
  printf("moved file mapping reads: %.11s\n", g + 4096);
  strcpy(a, "the parent's reply");
  write(p2c[1], "1", 1);
  waitpid(c, &s, 0);
  printf("child exited %d\n", WEXITSTATUS(s));
  munmap(g, 2 * 4096);
  printf("the file: %s\n", at(ro, 300, 31));
  return 0;
}
`;

/** A fresh data file (6000 bytes: dots and a newline at the end); returns its path. */
function dataFile(): string {
  return scratchFile('mapped.dat', `${'.'.repeat(5999)}\n`);
}

test('MAP_SHARED file stores reach the file at msync, munmap and exit, reads and writes are coherent with the mapping, and mremap keeps shared mappings shared, as qemu-i386 and native', async () => {
  const prog = program('shared-file', SOURCE);
  const file = dataFile();
  const q = runQemu(prog, [file]);
  const expectedFile = readFileSync(file);
  assert.equal(q.status, 0, q.stderr);
  assert.match(q.stdout, /read while mapped: stored by a mapping\n/);
  assert.match(q.stdout, /after the child's exit: the child exited\n/);
  assert.match(q.stdout, /child sees: the parent's reply \/ the parent's store after mremap\n/);
  if (hostRunsI386()) {
    const n = runNative(prog, [dataFile()]);
    assert.equal(n.stdout, q.stdout, n.stderr);
    assert.equal(n.status, q.status);
    assert.deepEqual(readFileSync(file), expectedFile);
  }
  // The guest root is the program's folder, where dataFile writes mapped.dat afresh.
  assert.equal(dirname(dataFile()), dirname(prog));
  const l = await runLab(prog, ['--root', dirname(prog), '--allow-writes'], ['/mapped.dat']);
  assert.deepEqual({ stdout: l.stdout, status: l.status }, { stdout: q.stdout, status: q.status }, l.stderr);
  assert.deepEqual(readFileSync(file), expectedFile);
});
