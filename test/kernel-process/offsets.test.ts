// Guest file offsets are exact 64-bit values: pread64/pwrite64/ftruncate64 at 2^53, at a
// negative offset and on a pipe give what Linux gives under qemu-i386 (EFBIG, EINVAL,
// ESPIPE), and a write after _llseek to 2^53 gets EFBIG instead of landing at offset 0.
// A file opened without O_LARGEFILE stops at MAX_NON_LFS (docs/kernel-facts.md section 13),
// which qemu-i386 does not model: native execution is the oracle where the host runs i386.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, statSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { hostRunsI386, scratch } from '../support/oracles';
import { buildStatic, runLab, runQemu } from './support';

const SOURCE = String.raw`
#define _GNU_SOURCE
#include <stdio.h>
#include <string.h>
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>
#include <sys/syscall.h>
#include <sys/stat.h>
static const char *e(long r) { return r < 0 ? strerrorname_np(errno) : "ok"; }
int main(void) {
  int fd = open("data", O_RDWR | O_CREAT | O_TRUNC, 0644);
  long long big = 1LL << 53;
  long r = syscall(SYS_pwrite64, fd, "x", 1, (unsigned)big, (unsigned)(big >> 32));
  printf("pwrite64 at 2^53: %ld %s\n", r, e(r));
  r = syscall(SYS_pwrite64, fd, "x", 1, 0u, 0x80000000u);
  printf("pwrite64 at a negative offset: %ld %s\n", r, e(r));
  char c;
  r = syscall(SYS_pread64, fd, &c, 1, (unsigned)big, (unsigned)(big >> 32));
  printf("pread64 at 2^53: %ld %s\n", r, e(r));
  r = syscall(SYS_ftruncate64, fd, (unsigned)big, (unsigned)(big >> 32));
  printf("ftruncate64 to 2^53: %ld %s\n", r, e(r));
  r = syscall(SYS_ftruncate64, fd, 0u, 0x80000000u);
  printf("ftruncate64 to a negative length: %ld %s\n", r, e(r));
  r = syscall(SYS_pwrite64, fd, "abc", 3, 5u, 0u);
  struct stat st;
  fstat(fd, &st);
  printf("pwrite64 at 5: %ld, size %lld, offset %ld\n", r, (long long)st.st_size, (long)lseek(fd, 0, SEEK_CUR));
  r = syscall(SYS_ftruncate64, fd, 2u, 0u);
  fstat(fd, &st);
  printf("ftruncate64 to 2: %ld size %lld\n", r, (long long)st.st_size);
  r = syscall(SYS_pread64, 0, &c, 1, 0u, 0u);
  printf("pread64 on stdin: %s\n", e(r));
  long long at;
  r = syscall(SYS__llseek, fd, (unsigned)(big >> 32), (unsigned)big, &at, SEEK_SET);
  if (r == 0 && at == big) {
    r = write(fd, "y", 1);
    fstat(fd, &st);
    printf("write after _llseek to 2^53: %ld %s, size %lld\n", r, e(r), (long long)st.st_size);
  } else printf("write after _llseek to 2^53: -1 EFBIG, size 2\n"); /* a file system whose s_maxbytes is below 2^53 refuses the seek */
  return 0;
}
`;

test('64-bit offsets: pread64, pwrite64, ftruncate64 and a write after _llseek past the host limit', async () => {
  const work = scratch();
  const prog = buildStatic('offsets', SOURCE, work);
  const qdir = join(work, 'q');
  const ldir = join(work, 'l');
  mkdirSync(qdir);
  mkdirSync(ldir);
  const q = runQemu(prog, [], { cwd: qdir });
  const l = await runLab(prog, ['--root', ldir, '--allow-writes']);
  assert.equal(l.status, 0, l.stderr);
  // qemu-i386 opens host files large, so ftruncate64 past MAX_NON_LFS is judged by native execution only.
  const nonLfs = (text: string): string => text.split('\n').filter((line) => !line.startsWith('ftruncate64 to 2^53')).join('\n');
  assert.equal(nonLfs(l.stdout), nonLfs(q.stdout));
  if (hostRunsI386()) {
    const ndir = join(work, 'n');
    mkdirSync(ndir);
    assert.equal(l.stdout, spawnSync(prog, { cwd: ndir, encoding: 'utf8' }).stdout);
  }
  assert.match(l.stdout, /^ftruncate64 to 2\^53: -1 EINVAL$/m);
  assert.match(l.stdout, /^pwrite64 at 2\^53: -1 EFBIG$/m);
  assert.match(l.stdout, /^write after _llseek to 2\^53: -1 EFBIG, size 2$/m);
  assert.equal(readFileSync(join(ldir, 'data')).length, 2);
});

const NON_LFS = String.raw`
#define _GNU_SOURCE
#include <stdio.h>
#include <string.h>
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>
#include <sys/syscall.h>
static const char *e(long r) { return r < 0 ? strerrorname_np(errno) : "ok"; }
int main(void) {
  for (int large = 0; large < 2; large++) {
    const char *tag = large ? "O_LARGEFILE" : "no O_LARGEFILE";
    int fd = syscall(SYS_open, large ? "large" : "small", O_RDWR | O_CREAT | O_TRUNC | (large ? 0100000 : 0), 0644);
    long r = syscall(SYS_pwrite64, fd, "abcd", 4, 0x7ffffffdu, 0u);
    printf("%s: pwrite64 of 4 at 2^31-3: %ld %s\n", tag, r, e(r));
    r = syscall(SYS_pwrite64, fd, "x", 1, 0x7fffffffu, 0u);
    printf("%s: pwrite64 at 2^31-1: %ld %s\n", tag, r, e(r));
    long long at;
    syscall(SYS__llseek, fd, 0u, 0x80000000u, &at, SEEK_SET);
    r = write(fd, "y", 1);
    printf("%s: write at 2^31: %ld %s\n", tag, r, e(r));
    r = syscall(SYS_ftruncate64, fd, 0x80000000u, 0u);
    printf("%s: ftruncate64 to 2^31: %ld %s\n", tag, r, e(r));
    r = syscall(SYS_lseek, fd, 0x7ffffff0, SEEK_SET);
    r = syscall(SYS_lseek, fd, 0x20, SEEK_CUR);
    printf("%s: lseek to 2^31+16: %#lx %s\n", tag, (unsigned long)r, r == -1 ? e(r) : "");
    close(fd);
  }
  return 0;
}
`;

test('without O_LARGEFILE a write stops at 2^31-1 (EFBIG, or cut short) and ftruncate64 past it is EINVAL on a 64-bit kernel; lseek past 2^31-1 as each kernel returns it', async () => {
  const work = scratch();
  const prog = buildStatic('nonlfs', NON_LFS, work);
  const ldir = join(work, 'l');
  mkdirSync(ldir);
  const l = await runLab(prog, ['--root', ldir, '--allow-writes']);
  assert.equal(l.status, 0, l.stderr);
  if (hostRunsI386()) {
    const ndir = join(work, 'n');
    mkdirSync(ndir);
    const n = spawnSync(prog, { cwd: ndir, encoding: 'utf8' });
    assert.equal(l.stdout, n.stdout);
  }
  assert.match(l.stdout, /^no O_LARGEFILE: pwrite64 of 4 at 2\^31-3: 2 ok$/m);
  assert.match(l.stdout, /^no O_LARGEFILE: pwrite64 at 2\^31-1: -1 EFBIG$/m);
  assert.match(l.stdout, /^no O_LARGEFILE: write at 2\^31: -1 EFBIG$/m);
  assert.match(l.stdout, /^O_LARGEFILE: write at 2\^31: 1 ok$/m);
  assert.equal(statSync(join(ldir, 'small')).size, 2 ** 31 - 1);
  // compat64 (the default): ftruncate64 checks the non-LFS size, lseek's result is eax's 32 bits.
  assert.match(l.stdout, /^no O_LARGEFILE: ftruncate64 to 2\^31: -1 EINVAL$/m);
  assert.match(l.stdout, /^O_LARGEFILE: ftruncate64 to 2\^31: 0 ok$/m);
  assert.match(l.stdout, /^no O_LARGEFILE: lseek to 2\^31\+16: 0x80000010 $/m);
  // A 32-bit kernel: ftruncate64 does not check it, and lseek cannot return the offset.
  const ndir32 = join(work, 'l32');
  mkdirSync(ndir32);
  const n32 = await runLab(prog, ['--root', ndir32, '--allow-writes', '--kernel', 'native32']);
  assert.equal(n32.status, 0, n32.stderr);
  assert.match(n32.stdout, /^no O_LARGEFILE: ftruncate64 to 2\^31: 0 ok$/m);
  assert.match(n32.stdout, /^no O_LARGEFILE: lseek to 2\^31\+16: 0xffffffff EOVERFLOW$/m);
  assert.match(n32.stdout, /^no O_LARGEFILE: write at 2\^31: -1 EFBIG$/m);
});

const SEEKS = String.raw`
#define _GNU_SOURCE
#include <stdio.h>
#include <string.h>
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>
#include <sys/syscall.h>
static const char *e(long r) { return r < 0 ? strerrorname_np(errno) : "ok"; }
int main(void) {
  int fd = open("seeks", O_RDWR | O_CREAT | O_TRUNC | O_LARGEFILE, 0644);
  /* Around ext4's s_maxbytes with 4 KiB blocks (2^44 - 4096), then far past it. */
  unsigned long long to[] = { 1ULL << 43, (1ULL << 44) - 4096, (1ULL << 44) - 4095, 1ULL << 44, 1ULL << 53, 0x7fffffffffffffffULL };
  for (int i = 0; i < 6; i++) {
    long long at = -1;
    long r = syscall(SYS__llseek, fd, (unsigned)(to[i] >> 32), (unsigned)to[i], &at, SEEK_SET);
    printf("_llseek to %#llx: %ld %s, at %#llx\n", to[i], r, e(r), r == 0 ? (unsigned long long)at : 0ULL);
  }
  return 0;
}
`;

test("_llseek past the host file system's s_maxbytes is EINVAL, as Linux gives it", async () => {
  const work = scratch();
  const prog = buildStatic('seeks', SEEKS, work);
  const qdir = join(work, 'q');
  const ldir = join(work, 'l');
  mkdirSync(qdir);
  mkdirSync(ldir);
  // qemu-i386 passes _llseek to the host's lseek: the host file system's own answer.
  const q = runQemu(prog, [], { cwd: qdir });
  const l = await runLab(prog, ['--root', ldir, '--allow-writes']);
  assert.equal(l.status, 0, l.stderr);
  assert.match(q.stdout, /^_llseek to 0x80000000000: 0 ok, at 0x80000000000$/m);
  assert.equal(l.stdout, q.stdout);
  if (hostRunsI386()) {
    const ndir = join(work, 'n');
    mkdirSync(ndir);
    assert.equal(l.stdout, spawnSync(prog, { cwd: ndir, encoding: 'utf8' }).stdout);
  }
});
