// The guest file system: a program doing file I/O in a root folder gives the same output
// under `vdso-lab run --root` as under qemu-i386 run in a copy of that folder; and guest
// isolation: "..", absolute host paths and symlinks pointing out of the root (to a file, a
// folder, a FIFO) give ENOENT/EACCES/ELOOP, the outside canary is neither read (its secret
// never appears; opening the FIFO would hang the test) nor written, and nothing is created
// outside the root.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { run, scratch } from '../support/oracles';
import { buildStatic, runLab, runQemu } from './support';

const FILES = String.raw`
#define _GNU_SOURCE
#include <stdio.h>
#include <string.h>
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/uio.h>
static void show(const char *what, long r) { int e = errno; printf("%s: %ld%s%s\n", what, r, r < 0 ? " " : "", r < 0 ? strerrorname_np(e) : ""); }
int main(void) {
  setvbuf(stdout, 0, _IONBF, 0);
  char buf[256];
  int fd = open("data/input.txt", O_RDONLY);
  show("open input", fd >= 0);
  ssize_t n = read(fd, buf, sizeof buf - 1);
  buf[n > 0 ? n : 0] = 0;
  printf("read %zd: %s", n, buf);
  struct stat st;
  show("fstat", fstat(fd, &st));
  printf("size %lld regular %d\n", (long long)st.st_size, S_ISREG(st.st_mode));
  show("lseek 3", lseek(fd, 3, SEEK_SET));
  n = read(fd, buf, 4); buf[n] = 0;
  printf("after seek: %s\n", buf);
  show("lseek64 end-2", (long)lseek64(fd, -2, SEEK_END));
  show("read at end-2", read(fd, buf, 10));
  show("close", close(fd));
  show("close again", close(fd));
  fd = open("out.txt", O_CREAT | O_WRONLY | O_TRUNC, 0644);
  show("create", fd >= 0);
  show("write", write(fd, "written\n", 8));
  show("read from write-only", read(fd, buf, 4));
  close(fd);
  fd = open("out.txt", O_WRONLY | O_APPEND);
  show("append", write(fd, "more\n", 5));
  close(fd);
  fd = open("out.txt", O_RDONLY);
  n = read(fd, buf, sizeof buf - 1); buf[n] = 0;
  printf("out.txt: %s", buf);
  close(fd);
  show("stat out", stat("out.txt", &st));
  printf("out size %lld\n", (long long)st.st_size);
  show("lstat link", lstat("link-to-input", &st));
  printf("is link %d\n", S_ISLNK(st.st_mode));
  show("stat link", stat("link-to-input", &st));
  printf("follows to size %lld\n", (long long)st.st_size);
  n = readlink("link-to-input", buf, sizeof buf); buf[n > 0 ? n : 0] = 0;
  printf("readlink: %s\n", buf);
  n = readlink("/proc/self/exe", buf, sizeof buf); buf[n > 0 ? n : 0] = 0;
  printf("exe ends with /prog: %d\n", n >= 5 && strcmp(buf + n - 5, "/prog") == 0);
  show("access input", access("data/input.txt", R_OK));
  show("access missing", access("missing", F_OK));
  int dir = open("data", O_RDONLY | O_DIRECTORY);
  show("open dir", dir >= 0);
  show("read dir", read(dir, buf, 4));
  int in = openat(dir, "input.txt", O_RDONLY);
  n = read(in, buf, 5); buf[n] = 0;
  printf("openat: %s\n", buf);
  show("fstatat", fstatat(dir, "input.txt", &st, 0));
  show("dir for writing", open("data", O_WRONLY));
  show("O_EXCL existing", open("out.txt", O_CREAT | O_EXCL | O_WRONLY, 0644));
  show("O_DIRECTORY on a file", open("out.txt", O_RDONLY | O_DIRECTORY));
  show("O_NOFOLLOW on a link", open("link-to-input", O_RDONLY | O_NOFOLLOW));
  show("through a file", open("out.txt/x", O_RDONLY));
  show("lseek on stdout", lseek(1, 0, SEEK_SET));
  show("bad fd", write(99, "x", 1));
  struct statx sx;
  show("statx", statx(AT_FDCWD, "data/input.txt", 0, STATX_SIZE, &sx));
  printf("statx size %llu\n", (unsigned long long)sx.stx_size);
  FILE *f = fopen("data/input.txt", "r");
  fgets(buf, sizeof buf, f);
  printf("fgets: %s", buf);
  fclose(f);
  struct iovec iov[2] = { { "vec", 3 }, { "tor\n", 4 } };
  show("writev", writev(1, iov, 2));
  return 0;
}
`;

function fixture(dir: string): void {
  mkdirSync(join(dir, 'data'), { recursive: true });
  writeFileSync(join(dir, 'data', 'input.txt'), 'first line of input\nsecond\n');
  symlinkSync('data/input.txt', join(dir, 'link-to-input'));
}

test('file I/O inside the root: the same output as under qemu-i386 in a copy of the folder', async () => {
  const work = scratch();
  const prog = buildStatic('prog', FILES, work);
  const forQemu = join(work, 'qemu-root');
  const forLab = join(work, 'lab-root');
  for (const d of [forQemu, forLab]) {
    fixture(d);
    cpSync(prog, join(d, 'prog'));
  }
  const q = runQemu(join(forQemu, 'prog'), [], { cwd: forQemu });
  const l = await runLab(join(forLab, 'prog'), ['--root', forLab, '--allow-writes']);
  assert.equal(l.stderr, '');
  assert.equal(l.stdout, q.stdout);
  assert.equal(l.status, q.status);
  assert.match(l.stdout, /out.txt: written\nmore\n/);
  assert.equal(readFileSync(join(forLab, 'out.txt'), 'utf8'), 'written\nmore\n');
});

test('without --allow-writes the root is read-only (EROFS) and nothing changes', async () => {
  const work = scratch();
  const root = join(work, 'root');
  fixture(root);
  const prog = buildStatic('ro', String.raw`
#define _GNU_SOURCE
#include <stdio.h>
#include <string.h>
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>
int main(void) {
  int a = open("new.txt", O_CREAT | O_WRONLY, 0644); int ea = errno;
  int b = open("data/input.txt", O_RDWR); int eb = errno;
  int c = open("data/input.txt", O_RDONLY);
  printf("%d %s %d %s %d\n", a, strerrorname_np(ea), b, strerrorname_np(eb), c >= 0);
  return 0;
}
`, work);
  const l = await runLab(prog, ['--root', root]);
  assert.equal(l.stdout, '-1 EROFS -1 EROFS 1\n');
  assert.deepEqual(readdirSync(root).sort(), ['data', 'link-to-input']);
});

const ESCAPE = String.raw`
#define _GNU_SOURCE
#include <stdio.h>
#include <string.h>
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>
#include <sys/stat.h>
static void try_open(const char *path, int flags) {
  char buf[128] = "";
  int fd = open(path, flags, 0644);
  int e = errno;
  if (fd >= 0) { ssize_t n = read(fd, buf, sizeof buf - 1); buf[n > 0 ? n : 0] = 0; close(fd); }
  printf("open %s: %s %s\n", path, fd >= 0 ? "ok" : strerrorname_np(e), buf);
}
int main(int argc, char **argv) {
  const char *outside = argv[1];
  char p[512];
  try_open("../canary", O_RDONLY);
  try_open("../../../../canary", O_RDONLY);
  try_open("/../canary", O_RDONLY);
  snprintf(p, sizeof p, "%s/canary", outside);
  try_open(p, O_RDONLY);
  snprintf(p, sizeof p, "%s/../outside/canary", outside);
  try_open(p, O_RDONLY);
  try_open("escape-abs", O_RDONLY);
  try_open("escape-rel", O_RDONLY);
  try_open("escape-dir/canary", O_RDONLY);
  try_open("escape-fifo", O_RDONLY);
  try_open("loop1", O_RDONLY);
  try_open("abs-inner", O_RDONLY);
  try_open("../canary", O_WRONLY | O_TRUNC);
  try_open("escape-abs", O_WRONLY | O_TRUNC);
  try_open("escape-dir/created", O_WRONLY | O_CREAT);
  try_open("../created", O_WRONLY | O_CREAT);
  struct stat st;
  printf("stat ../canary: %d\n", stat("../canary", &st));
  printf("access escape-rel: %d\n", access("escape-rel", R_OK));
  char link[256];
  ssize_t n = readlink("escape-rel", link, sizeof link);
  link[n > 0 ? n : 0] = 0;
  printf("readlink escape-rel: %s\n", link);
  return 0;
}
`;

test('guest isolation: .., absolute paths and symlinks cannot leave the root', async () => {
  const work = scratch();
  const outside = join(work, 'outside');
  const root = join(work, 'root');
  mkdirSync(outside);
  mkdirSync(join(root, 'inner'), { recursive: true });
  const secret = 'CANARY-SECRET-7f3a';
  writeFileSync(join(outside, 'canary'), secret);
  writeFileSync(join(work, 'canary'), secret);
  run('mkfifo', [join(outside, 'fifo')]);
  writeFileSync(join(root, 'inner', 'target'), 'inside the root');
  symlinkSync(join(outside, 'canary'), join(root, 'escape-abs'));
  symlinkSync('../outside/canary', join(root, 'escape-rel'));
  symlinkSync(outside, join(root, 'escape-dir'));
  symlinkSync(join(outside, 'fifo'), join(root, 'escape-fifo'));
  symlinkSync('loop2', join(root, 'loop1'));
  symlinkSync('loop1', join(root, 'loop2'));
  symlinkSync('/inner/target', join(root, 'abs-inner'));
  const before = statSync(join(outside, 'canary'));
  const prog = buildStatic('escape', ESCAPE, work);
  const l = await runLab(prog, ['--root', root, '--allow-writes'], [outside]);
  assert.equal(l.stderr, '');
  assert.equal(l.status, 0);
  assert.ok(!l.stdout.includes(secret), l.stdout);
  const lines = l.stdout.split('\n').filter((s) => s.startsWith('open '));
  assert.equal(lines.length, 15);
  for (const line of lines) {
    if (line.startsWith('open abs-inner')) assert.equal(line, 'open abs-inner: ok inside the root');
    else if (line.startsWith('open loop1')) assert.equal(line, 'open loop1: ELOOP ');
    else if (line.includes('O_CREAT') || line.includes('created')) assert.match(line, /: (ok|ENOENT|EACCES) $/);
    else assert.match(line, /: (ENOENT|EACCES) $/, line);
  }
  assert.match(l.stdout, /stat \.\.\/canary: -1\naccess escape-rel: -1\nreadlink escape-rel: \.\.\/outside\/canary\n/);
  const after = statSync(join(outside, 'canary'));
  assert.equal(readFileSync(join(outside, 'canary'), 'utf8'), secret);
  assert.equal(after.mtimeMs, before.mtimeMs);
  assert.deepEqual(readdirSync(outside).sort(), ['canary', 'fifo']);
  assert.deepEqual(readdirSync(work).sort(), ['canary', 'escape', 'escape.c', 'outside', 'root']);
  const createdInside = readdirSync(root).filter((n) => n === 'created');
  assert.ok(createdInside.length <= 1);
});
