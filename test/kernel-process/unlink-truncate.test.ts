// ftruncate (93) and unlink (10) as Linux gives them: a program cutting and growing a file,
// and removing names (files, symlinks, through a symlinked folder; ".", "..", folders,
// trailing slashes, bad pointers, long names) gives the same output under `vdso-lab run
// --root` as under qemu-i386 and, where the host runs i386, natively, each in a copy of the
// same folder. Without --allow-writes unlink is EROFS and nothing goes; and a name outside the
// root, reached by "..", an absolute path or a symlink, is never removed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { hostRunsI386, scratch } from '../support/oracles';
import { buildStatic, runLab, runQemu } from './support';

const PROGRAM = String.raw`
#define _GNU_SOURCE
#include <stdio.h>
#include <string.h>
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/syscall.h>
static void show(const char *what, long r) { int e = errno; printf("%s: %ld%s%s\n", what, r, r < 0 ? " " : "", r < 0 ? strerrorname_np(e) : ""); }
static long long size_of(int fd) { struct stat st; return fstat(fd, &st) == 0 ? (long long)st.st_size : -1; }
int main(void) {
  setvbuf(stdout, 0, _IONBF, 0);
  char buf[128];
  int fd = open("f.txt", O_RDWR | O_CREAT | O_TRUNC, 0644);
  write(fd, "hello world\n", 12);
  show("ftruncate 5", syscall(SYS_ftruncate, fd, 5));
  printf("size %lld, offset %ld\n", size_of(fd), (long)lseek(fd, 0, SEEK_CUR));
  show("ftruncate 100", syscall(SYS_ftruncate, fd, 100));
  memset(buf, 'z', sizeof buf);
  long n = pread(fd, buf, sizeof buf, 0);
  printf("size %lld, read %ld: %.5s then %d %d\n", size_of(fd), n, buf, buf[5], buf[99]);
  show("ftruncate -1", syscall(SYS_ftruncate, fd, -1));
  show("ftruncate 0x7fffffff", syscall(SYS_ftruncate, fd, 0x7fffffff));
  printf("size %lld\n", size_of(fd));
  show("ftruncate bad fd", syscall(SYS_ftruncate, 99, 0));
  show("ftruncate -1 on a bad fd", syscall(SYS_ftruncate, 99, -1));
  show("ftruncate64 -1 on a bad fd", syscall(SYS_ftruncate64, 99, 0xffffffffu, 0xffffffffu));
  int ro = open("f.txt", O_RDONLY);
  show("ftruncate read-only", syscall(SYS_ftruncate, ro, 0));
  int d = open("dir", O_RDONLY | O_DIRECTORY);
  show("ftruncate folder", syscall(SYS_ftruncate, d, 0));
  int p[2];
  pipe(p);
  show("ftruncate pipe", syscall(SYS_ftruncate, p[1], 0));
  show("ftruncate stdout", syscall(SYS_ftruncate, 1, 0));
  show("glibc ftruncate 3", ftruncate(fd, 3));
  printf("size %lld\n", size_of(fd));
  show("unlink f.txt", syscall(SYS_unlink, "f.txt"));
  struct stat st;
  show("stat f.txt", stat("f.txt", &st));
  show("write to the unlinked file", write(fd, "x", 1));
  fstat(fd, &st);
  printf("links %ld\n", (long)st.st_nlink);
  show("unlink again", unlink("f.txt"));
  show("unlink missing", unlink("missing"));
  show("unlink folder", unlink("dir"));
  show("unlink folder/", unlink("dir/"));
  show("unlink .", unlink("."));
  show("unlink dir/..", unlink("dir/.."));
  show("unlink dir/.", unlink("dir/."));
  show("unlink nodir/..", unlink("nodir/.."));
  show("unlink /", unlink("/"));
  show("unlink keep.txt/", unlink("keep.txt/"));
  show("unlink missing/", unlink("missing/"));
  show("unlink keep.txt/x", unlink("keep.txt/x"));
  show("unlink empty", unlink(""));
  memset(buf, 'a', sizeof buf); buf[sizeof buf - 1] = 0;
  char longname[300]; memset(longname, 'a', 299); longname[299] = 0;
  show("unlink a 299-byte name", unlink(longname));
  show("unlink bad pointer", syscall(SYS_unlink, (char *)1));
  show("unlink link", unlink("link"));
  show("lstat link", lstat("link", &st));
  show("stat keep.txt", stat("keep.txt", &st));
  show("unlink dangling", unlink("dangling"));
  show("unlink dir/inner.txt", unlink("dir/inner.txt"));
  show("unlink dirlink/other.txt", unlink("dirlink/other.txt"));
  show("unlink dirlink", unlink("dirlink"));
  show("stat dir", stat("dir", &st));
  show("unlink ./dir/../keep.txt", unlink("./dir/../keep.txt"));
  show("stat keep.txt", stat("keep.txt", &st));
  return 0;
}
`;

function fixture(dir: string): void {
  mkdirSync(join(dir, 'dir'), { recursive: true });
  writeFileSync(join(dir, 'keep.txt'), 'keep\n');
  writeFileSync(join(dir, 'dir', 'inner.txt'), 'inner\n');
  writeFileSync(join(dir, 'dir', 'other.txt'), 'other\n');
  symlinkSync('keep.txt', join(dir, 'link'));
  symlinkSync('nowhere', join(dir, 'dangling'));
  symlinkSync('dir', join(dir, 'dirlink'));
}

test('ftruncate and unlink: the same output as under qemu-i386 and natively in a copy of the folder', async () => {
  const work = scratch();
  const prog = buildStatic('cut', PROGRAM, work);
  const dirs = { qemu: join(work, 'q'), lab: join(work, 'l'), native: join(work, 'n') };
  for (const d of Object.values(dirs)) fixture(d);
  const q = runQemu(prog, [], { cwd: dirs.qemu });
  const l = await runLab(prog, ['--root', dirs.lab, '--allow-writes'], [], dirs.lab);
  assert.equal(l.stderr, '');
  assert.equal(l.status, 0);
  assert.equal(l.stdout, q.stdout);
  if (hostRunsI386()) assert.equal(l.stdout, spawnSync(prog, { cwd: dirs.native, encoding: 'utf8' }).stdout);
  // What a regression would have hidden behind equal ENOSYS lines, and what each removal left.
  assert.match(l.stdout, /^ftruncate 5: 0\nsize 5, offset 12$/m);
  assert.match(l.stdout, /^unlink link: 0\nlstat link: -1 ENOENT\nstat keep.txt: 0$/m);
  assert.deepEqual(readdirSync(dirs.lab).sort(), readdirSync(dirs.qemu).sort());
  assert.deepEqual(readdirSync(join(dirs.lab, 'dir')).sort(), readdirSync(join(dirs.qemu, 'dir')).sort());
  assert.deepEqual(readdirSync(dirs.lab).sort(), ['dir']);
});

const REMOVE = String.raw`
#define _GNU_SOURCE
#include <stdio.h>
#include <string.h>
#include <errno.h>
#include <unistd.h>
int main(int argc, char **argv) {
  for (int i = 1; i < argc; i++) { int r = unlink(argv[i]); printf("%s: %d %s\n", argv[i], r, r ? strerrorname_np(errno) : ""); }
  return 0;
}
`;

test('unlink stays inside the root: EROFS without --allow-writes; "..", absolute paths and symlinks out reach nothing', async () => {
  const work = scratch();
  const prog = buildStatic('remove', REMOVE, work);
  const outside = join(work, 'outside');
  const root = join(work, 'root');
  mkdirSync(outside);
  mkdirSync(root);
  writeFileSync(join(outside, 'canary'), 'canary\n');
  writeFileSync(join(work, 'canary'), 'canary\n');
  writeFileSync(join(root, 'mine'), 'mine\n');
  symlinkSync(outside, join(root, 'out-abs'));
  symlinkSync('../outside', join(root, 'out-rel'));
  symlinkSync(join(outside, 'canary'), join(root, 'canary-link'));
  const readOnly = await runLab(prog, ['--root', root], ['mine', 'missing', '.', 'mine/']);
  assert.equal(readOnly.stdout, 'mine: -1 EROFS\nmissing: -1 EROFS\n.: -1 EISDIR\nmine/: -1 EROFS\n');
  assert.ok(existsSync(join(root, 'mine')));
  const targets = ['../canary', '../../canary', '/../canary', `${outside}/canary`, 'out-abs/canary', 'out-rel/canary', '../outside/canary'];
  const l = await runLab(prog, ['--root', root, '--allow-writes'], [...targets, 'canary-link']);
  assert.equal(l.status, 0, l.stderr);
  for (const t of targets) assert.match(l.stdout, new RegExp(`^${t.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: -1 (ENOENT|ENOTDIR)$`, 'm'));
  assert.match(l.stdout, /^canary-link: 0 $/m);
  assert.ok(existsSync(join(outside, 'canary')) && existsSync(join(work, 'canary')), 'a file outside the root was removed');
  assert.deepEqual(readdirSync(root).sort(), ['mine', 'out-abs', 'out-rel']);
});
