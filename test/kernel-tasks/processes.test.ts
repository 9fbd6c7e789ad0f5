// Issue 11, item 2: processes. A C program (gcc -m32 -static -O2) forks, talks over a pipe
// (EOF once every write end is closed), reaps with waitpid/waitid (exit status, a child
// killed by SIGTERM, ECHILD, SIGCHLD delivered), vforks, and (argument "exec") dup2s a
// close-on-exec descriptor and execve's itself from the guest root. Output and status are
// compared with qemu-i386's; the run is the same twice (the trace names each process).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dirname } from 'node:path';
import { program, runLab, runQemu } from '../kernel-acceptance/support';

export const PROCESSES = `#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static volatile int chld;
static void on_chld(int s) { chld++; }

int main(int argc, char **argv) {
  if (argc > 1 && !strcmp(argv[1], "child")) {
    printf("exec'd child: argv[2]=%s ppid-is-parent=%d fd9=%d\\n", argv[2], getppid() == atoi(argv[3]), fcntl(9, F_GETFD));
    return 7;
  }
  setvbuf(stdout, 0, _IONBF, 0);
  signal(SIGCHLD, on_chld);
  int fds[2];
  if (pipe(fds)) return 1;
  pid_t me = getpid();
  pid_t c = fork();
  if (c == 0) {
    close(fds[0]);
    char msg[64];
    int n = snprintf(msg, sizeof msg, "hello from child, ppid ok=%d", getppid() == me);
    write(fds[1], msg, n);
    _exit(3);
  }
  close(fds[1]);
  char buf[100];
  int n, total = 0;
  while ((n = read(fds[0], buf + total, sizeof buf - 1 - total)) > 0) total += n;
  buf[total] = 0;
  printf("parent read: %s (eof %d)\\n", buf, n);
  int st;
  pid_t w = waitpid(c, &st, 0);
  printf("waitpid: same pid %d, exited %d, status %d, SIGCHLD seen %d\\n", w == c, WIFEXITED(st), WEXITSTATUS(st), chld);
  int again = waitpid(-1, &st, WNOHANG);
  printf("again: %d errno ECHILD %d\\n", again, errno == ECHILD);
  /* a child killed by a signal */
  c = fork();
  if (c == 0) { for (;;) pause(); }
  kill(c, SIGTERM);
  waitpid(c, &st, 0);
  printf("killed child: signaled %d sig %d\\n", WIFSIGNALED(st), WTERMSIG(st));
  if (argc > 1 && !strcmp(argv[1], "exec")) {
    /* dup2 + close-on-exec + execve of this program */
    int d = dup(1);
    dup2(d, 9);
    fcntl(9, F_SETFD, FD_CLOEXEC);
    printf("fd 9 close-on-exec %d\\n", fcntl(9, F_GETFD));
    c = fork();
    if (c == 0) {
      char ppid[16];
      snprintf(ppid, sizeof ppid, "%d", (int)getppid());
      execl(argv[0], argv[0], "child", "arg2", ppid, (char *)0);
      printf("exec failed %d\\n", errno);
      _exit(100);
    }
    waitpid(c, &st, 0);
    printf("exec child status %d\\n", WEXITSTATUS(st));
    errno = 0;
    execl("/no/such/program", "x", (char *)0);
    printf("exec of a missing file: errno %d\\n", errno);
    return 0;
  }
  /* vfork */
  c = vfork();
  if (c == 0) _exit(5);
  waitpid(c, &st, 0);
  printf("vfork child status %d\\n", WEXITSTATUS(st));
  /* waitid */
  c = fork();
  if (c == 0) _exit(9);
  siginfo_t si;
  memset(&si, 0, sizeof si);
  waitid(P_PID, c, &si, WEXITED);
  printf("waitid: pid ok %d code %d status %d\\n", si.si_pid == c, si.si_code, si.si_status);
  return 0;
}
`;

test('fork, pipe, waitpid, waitid, kill, vfork: the same output and status as under qemu-i386', async () => {
  const prog = program('procs', PROCESSES);
  const q = runQemu(prog);
  assert.equal(q.status, 0, q.stderr);
  assert.match(q.stdout, /hello from child/);
  for (const cpu of ['intel', 'amd']) {
    const r = await runLab(prog, ['--cpu', cpu, '--root', dirname(prog)]);
    assert.deepEqual({ stdout: r.stdout, stderr: r.stderr, status: r.status }, { stdout: q.stdout, stderr: q.stderr, status: q.status }, cpu);
  }
});

test('execve of another static program in the guest root: close-on-exec honoured, ids kept; a missing file is ENOENT', async () => {
  const prog = program('procs', PROCESSES);
  const r = await runLab(prog, ['--root', dirname(prog)], ['exec']);
  assert.equal(r.stderr, '');
  assert.equal(r.status, 0);
  // qemu-i386 cannot follow an execve on a host that does not run i386 programs: the lines are written here.
  assert.match(r.stdout, /^fd 9 close-on-exec 1\nexec'd child: argv\[2\]=arg2 ppid-is-parent=1 fd9=-1\nexec child status 7\nexec of a missing file: errno 2\n$/m);
});

test('the same program gives the same trace twice; each line names its process once there are several', async () => {
  const prog = program('procs', PROCESSES);
  const a = await runLab(prog, ['--root', dirname(prog), '--trace', 'syscalls'], ['exec']);
  const b = await runLab(prog, ['--root', dirname(prog), '--trace', 'syscalls'], ['exec']);
  assert.equal(a.stderr, b.stderr);
  const lines = a.stderr.trim().split('\n');
  const first = lines.findIndex((l) => / clone\(/.test(l));
  assert.ok(first > 0 && !lines[first - 1]!.startsWith('[pid'), 'before the first fork: no pid');
  assert.match(lines[first]!, /^\[pid 1000\] \[\d+\] 120 clone\(0x1200011, .*\) = 1001 /);
  assert.ok(lines.some((l) => /^\[pid 1001\] \[\d+\] 4 write\(/.test(l)), 'the child writes to the pipe');
  assert.ok(lines.some((l) => /^\[pid 1000\] \[\d+\] 7 waitpid\(1001, / .test(l) || /^\[pid 1000\] \[\d+\] 114 wait4\(1001, /.test(l)));
  assert.ok(lines.some((l) => /^\[pid 100\d\] \[\d+\] 11 execve\("\/procs", .*\) = 0 .*execve: the new program starts at its entry point/.test(l)));
});
