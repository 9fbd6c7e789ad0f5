// The C program the ptrace tests build (gcc -m32 -static -O2): a parent traces a forked
// child, one scenario per argument. Every line it prints is the same on every run and, with
// the same vDSO image, natively (addresses are printed relative to the vDSO or as names).
//   syscall: the child (PTRACE_TRACEME, raise(SIGSTOP)) makes getpid(11..66) and write
//            through AT_SYSINFO (%gs:0x10) with ebp = arg6; the parent, with PTRACE_SYSCALL
//            (argument "good": TRACESYSGOOD), prints orig_eax, the arguments and eip at each
//            entry and exit stop, and the child's end.
//   step:    PTRACE_SINGLESTEP from the SIGSTOP to the child's end; each stop inside the
//            vDSO prints its instruction count and eip - AT_SYSINFO_EHDR.
//   watch:   DR0 = &watched, DR7 = write watchpoint (POKEUSER); the store traps with
//            SIGTRAP TRAP_HWBKPT at the next instruction, DR6 = DR_TRAP0; then a read/write
//            watchpoint catches a load; DR7 with RW=10 (I/O) and a misaligned DR0 are EINVAL;
//            an execute breakpoint (DR1) traps before each of two calls of hit() (RF lets
//            the instruction run after the first trap); then int1 (icebp) traps with SIGTRAP
//            TRAP_BRKPT at the next instruction and no DR6 bit.
//   fork:    PTRACE_O_TRACEFORK: the child's fork gives PTRACE_EVENT_FORK (GETEVENTMSG: the
//            new pid), the new process starts traced with a SIGSTOP; both run to their end, the
//            child stopping once more for the SIGCHLD of the new process's end.
//   requests: orig_eax poked at an entry stop changes the call, -1 skips it (eax as set);
//            POKEUSER refusals; GET_THREAD_AREA of the TLS entry %gs names; a
//            signal-delivery-stop whose signal the tracer replaces;
//            GETFPREGS; PTRACE_KILL; ATTACH then DETACH with a signal; SEIZE, INTERRUPT, LISTEN.
//   vfork:   PTRACE_O_TRACEVFORK and TRACEEXIT: the vfork event, the new process traced with
//            the same options (its exit event: message = its wait status), the child's.
//   threads: PTRACE_O_TRACECLONE: pthread_create's clone event, the new thread's first stop,
//            its end reported to the tracer (waitpid -1, __WALL).
//   handler: PTRACE_SINGLESTEP on, with the child's SIGUSR1 injected at its signal-delivery-
//            stop: the next stop is at the handler's first instruction (SIGTRAP).
//   orphan:  the first process asks its parent (outside the machine) to trace it, then stops.
export const PTRACE_PROGRAM = String.raw`#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/user.h>
#include <sys/wait.h>
#include <unistd.h>
#include <asm/ldt.h>

static const char msg[] = "child writes\n";
volatile long arg6;
volatile int watched;
extern char after_store[], after_load[], after_int1[];

/* A system call through AT_SYSINFO (%gs:0x10, __kernel_vsyscall) with every argument register set. */
static long vsys(long nr, long a1, long a2, long a3, long a4, long a5, long a6) {
  long ret;
  arg6 = a6;
  __asm__ volatile("push %%ebp\n\tmovl arg6, %%ebp\n\tcall *%%gs:0x10\n\tpop %%ebp"
                   : "=a"(ret) : "0"(nr), "b"(a1), "c"(a2), "d"(a3), "S"(a4), "D"(a5) : "memory");
  return ret;
}

static unsigned long vdso;

static void where(char *out, size_t n, unsigned long eip) {
  if (eip >= vdso && eip < vdso + 0x4000) snprintf(out, n, "vdso+0x%lx", eip - vdso);
  else snprintf(out, n, "outside the vdso");
}

static pid_t traced_child(void (*body)(void)) {
  pid_t c = fork();
  if (c == 0) {
    if (ptrace(PTRACE_TRACEME, 0, 0, 0) != 0) _exit(100);
    raise(SIGSTOP);
    body();
    _exit(7);
  }
  int st;
  if (waitpid(c, &st, 0) != c) exit(101);
  printf("first stop: status 0x%x (stopped %d, %s)\n", st, WIFSTOPPED(st), strsignal(WSTOPSIG(st)));
  return c;
}

static void calls(void) {
  vsys(SYS_getpid, 11, 22, 33, 44, 55, 66);
  vsys(SYS_write, 1, (long)msg, sizeof msg - 1, 44, 55, 66);
}

static void show_regs(pid_t c, const char *when, int st) {
  struct user_regs_struct r;
  ptrace(PTRACE_GETREGS, c, 0, &r);
  long orig = ptrace(PTRACE_PEEKUSER, c, offsetof(struct user, regs.orig_eax), 0);
  char at[64];
  where(at, sizeof at, r.eip);
  unsigned long message = 9;
  ptrace(PTRACE_GETEVENTMSG, c, 0, &message);
  if (r.orig_eax != SYS_getpid && r.orig_eax != SYS_write) {
    printf("%s stop 0x%x (message %lu): orig_eax %ld%s\n", when, st, message, r.orig_eax, when[1] == 'x' ? (r.eax == 0 ? " eax 0" : " eax nonzero") : "");
    return;
  }
  char eax[32], ecx[32], ebp[32];
  if (r.orig_eax == SYS_getpid && r.eax == c) snprintf(eax, sizeof eax, "the child's pid");
  else snprintf(eax, sizeof eax, "%ld", r.eax);
  if (r.ecx == (long)msg) snprintf(ecx, sizeof ecx, "msg");
  else snprintf(ecx, sizeof ecx, "%ld", r.ecx);
  if (r.ebp == (long)msg) snprintf(ebp, sizeof ebp, "msg");
  else snprintf(ebp, sizeof ebp, "%ld", r.ebp);
  printf("%s stop 0x%x (message %lu): orig_eax %ld (peekuser %ld) eax %s ebx %ld ecx %s edx %ld esi %ld edi %ld ebp %s eip %s\n",
         when, st, message, r.orig_eax, orig, eax, r.ebx, ecx, r.edx, r.esi, r.edi, ebp, at);
}

static void end(pid_t c, int st) {
  if (WIFEXITED(st)) printf("child exited with %d\n", WEXITSTATUS(st));
  else if (WIFSIGNALED(st)) printf("child killed by %s\n", strsignal(WTERMSIG(st)));
  else printf("child status 0x%x\n", st);
}

static void syscall_stops(int good) {
  pid_t c = traced_child(calls);
  if (good) ptrace(PTRACE_SETOPTIONS, c, 0, PTRACE_O_TRACESYSGOOD);
  int st, entering = 1;
  for (;;) {
    ptrace(PTRACE_SYSCALL, c, 0, 0);
    waitpid(c, &st, 0);
    if (!WIFSTOPPED(st)) break;
    siginfo_t si;
    ptrace(PTRACE_GETSIGINFO, c, 0, &si);
    if (si.si_signo != SIGTRAP || si.si_code != WSTOPSIG(st) || si.si_pid != c) printf("siginfo: signo %d code 0x%x\n", si.si_signo, si.si_code);
    show_regs(c, entering ? "entry" : "exit", st);
    entering = !entering;
  }
  end(c, st);
}

static void single_steps(void) {
  pid_t c = traced_child(calls);
  int st, n = 0;
  for (;;) {
    ptrace(PTRACE_SINGLESTEP, c, 0, 0);
    waitpid(c, &st, 0);
    if (!WIFSTOPPED(st)) break;
    n++;
    long eip = ptrace(PTRACE_PEEKUSER, c, offsetof(struct user, regs.eip), 0);
    if (WSTOPSIG(st) != SIGTRAP) printf("step %d: %s\n", n, strsignal(WSTOPSIG(st)));
    if ((unsigned long)eip >= vdso && (unsigned long)eip < vdso + 0x4000) printf("step %d: vdso+0x%lx\n", n, eip - vdso);
  }
  printf("%d steps\n", n);
  end(c, st);
}

__attribute__((noinline)) void hit(void) { __asm__ volatile("" ::: "memory"); }

static void store(void) {
  __asm__ volatile("movl $1, watched\n\t.globl after_store\nafter_store:\n\tmovl watched, %%eax\n\t.globl after_load\nafter_load:" ::: "eax", "memory");
  hit();
  hit();
  __asm__ volatile("int1\n\t.globl after_int1\nafter_int1:");
}

static int poke_dr(pid_t c, int n, long v) {
  errno = 0;
  long r = ptrace(PTRACE_POKEUSER, c, offsetof(struct user, u_debugreg[n]), v);
  return r == 0 ? 0 : errno;
}

static void trapped(pid_t c, const char *what) {
  int st;
  waitpid(c, &st, 0);
  siginfo_t si;
  ptrace(PTRACE_GETSIGINFO, c, 0, &si);
  long eip = ptrace(PTRACE_PEEKUSER, c, offsetof(struct user, regs.eip), 0);
  long dr6 = ptrace(PTRACE_PEEKUSER, c, offsetof(struct user, u_debugreg[6]), 0);
  printf("%s: status 0x%x, si_code %d, si_addr %s, eip %s, dr6 0x%lx\n", what, st, si.si_code,
         si.si_addr == (void *)eip ? "= eip" : "other", eip == (long)after_store ? "after the store" : eip == (long)after_load ? "after the load" : eip == (long)hit ? "at hit()" : eip == (long)after_int1 ? "after int1" : "elsewhere", dr6);
}

static void watchpoints(void) {
  pid_t c = traced_child(store);
  int e = poke_dr(c, 7, 0x00020001);
  printf("DR7 with RW=10 (I/O): errno %d\n", e);
  e = poke_dr(c, 0, (long)&watched + 1);
  printf("DR0 misaligned while DR7 is 0: errno %d\n", e);
  e = poke_dr(c, 7, 0x000d0001);
  printf("DR7 enabling a misaligned 4-byte DR0: errno %d\n", e);
  e = poke_dr(c, 0, (long)&watched);
  printf("DR0 = &watched: errno %d\n", e);
  e = poke_dr(c, 7, 0x000d0001);
  printf("DR7 write watchpoint, 4 bytes: errno %d\n", e);
  e = poke_dr(c, 0, (long)&watched + 2);
  printf("DR0 misaligned while enabled: errno %d\n", e);
  e = poke_dr(c, 4, 1);
  printf("DR4: errno %d\n", e);
  printf("DR0 reads back %s, DR7 0x%lx\n", ptrace(PTRACE_PEEKUSER, c, offsetof(struct user, u_debugreg[0]), 0) == (long)&watched ? "&watched" : "other",
         ptrace(PTRACE_PEEKUSER, c, offsetof(struct user, u_debugreg[7]), 0));
  ptrace(PTRACE_CONT, c, 0, 0);
  trapped(c, "write watchpoint");
  printf("read/write, 4 bytes: %d\n", poke_dr(c, 7, 0x000f0001));
  ptrace(PTRACE_CONT, c, 0, 0);
  trapped(c, "read/write watchpoint");
  e = poke_dr(c, 1, (long)hit);
  printf("DR1 = hit: errno %d\n", e);
  e = poke_dr(c, 7, 0x00040004);
  printf("DR7 execute with LEN=2: errno %d\n", e);
  e = poke_dr(c, 7, 0x4);
  printf("DR7 execute breakpoint at DR1: errno %d\n", e);
  for (int k = 0; k < 2; k++) {
    ptrace(PTRACE_CONT, c, 0, 0);
    trapped(c, "execute breakpoint");
  }
  poke_dr(c, 7, 0);
  ptrace(PTRACE_CONT, c, 0, 0);
  trapped(c, "int1");
  ptrace(PTRACE_CONT, c, 0, 0);
  int st;
  waitpid(c, &st, 0);
  end(c, st);
}

static void forks(void) {
  pid_t c = fork();
  if (c == 0) {
    ptrace(PTRACE_TRACEME, 0, 0, 0);
    raise(SIGSTOP);
    pid_t g = fork();
    if (g == 0) _exit(5);
    int st;
    waitpid(g, &st, 0);
    _exit(10 + WEXITSTATUS(st));
  }
  int st;
  waitpid(c, &st, 0);
  printf("first stop: status 0x%x\n", st);
  ptrace(PTRACE_SETOPTIONS, c, 0, PTRACE_O_TRACEFORK);
  ptrace(PTRACE_CONT, c, 0, 0);
  waitpid(c, &st, 0);
  unsigned long g = 0;
  ptrace(PTRACE_GETEVENTMSG, c, 0, &g);
  printf("fork event: status 0x%x (event %d), a new pid: %d\n", st, st >> 16, g > 0 && g != (unsigned long)c);
  long orig = ptrace(PTRACE_PEEKUSER, c, offsetof(struct user, regs.orig_eax), 0);
  printf("the child stopped in system call %ld\n", orig);
  int gs;
  pid_t w = waitpid(g, &gs, __WALL);
  printf("the new process: waited %d, status 0x%x\n", w == (pid_t)g, gs);
  ptrace(PTRACE_CONT, g, 0, 0);
  waitpid(g, &gs, __WALL);
  printf("the new process: ");
  end(g, gs);
  for (;;) {
    ptrace(PTRACE_CONT, c, 0, 0);
    waitpid(c, &st, 0);
    if (!WIFSTOPPED(st)) break;
    printf("the child stopped: status 0x%x (%s)\n", st, strsignal(WSTOPSIG(st)));
  }
  end(c, st);
}

static volatile int usr2_seen;
static void on_usr2(int s) { usr2_seen++; }

static void misc_child(void) {
  char line[128];
  signal(SIGUSR2, on_usr2);
  long changed = vsys(SYS_getpid, 0, 0, 0, 0, 0, 0);
  long skipped = vsys(SYS_getpid, 0, 0, 0, 0, 0, 0);
  int n = snprintf(line, sizeof line, "child: the changed call returned the parent's pid: %d, the skipped one %ld\n", changed == getppid(), skipped);
  write(1, line, n);
  raise(SIGUSR1);
  n = snprintf(line, sizeof line, "child: SIGUSR2 handled %d time(s)\n", usr2_seen);
  write(1, line, n);
  static const double three = 3.0;
  __asm__ volatile("fldl %0\n\tfld1" :: "m"(three));
  raise(SIGSTOP);
}

/* Resumes with PTRACE_SYSCALL until the entry stop of system call nr. */
static void entry_of(pid_t c, long nr, struct user_regs_struct *r) {
  int st;
  for (;;) {
    ptrace(PTRACE_SYSCALL, c, 0, 0);
    waitpid(c, &st, 0);
    ptrace(PTRACE_GETREGS, c, 0, r);
    if (r->orig_eax == nr && r->eax == -ENOSYS) return;
  }
}

static void requests(void) {
  pid_t c = traced_child(misc_child);
  struct user_regs_struct r;
  int st;
  entry_of(c, SYS_getpid, &r);
  long e = ptrace(PTRACE_POKEUSER, c, offsetof(struct user, regs.orig_eax), SYS_getppid);
  ptrace(PTRACE_SYSCALL, c, 0, 0);
  waitpid(c, &st, 0);
  ptrace(PTRACE_GETREGS, c, 0, &r);
  printf("orig_eax poked to getppid (%ld): the exit stop has orig_eax %ld, eax is my pid: %d\n", e, r.orig_eax, r.eax == getpid());
  entry_of(c, SYS_getpid, &r);
  r.orig_eax = -1;
  r.eax = 42;
  e = ptrace(PTRACE_SETREGS, c, 0, &r);
  ptrace(PTRACE_SYSCALL, c, 0, 0);
  waitpid(c, &st, 0);
  ptrace(PTRACE_GETREGS, c, 0, &r);
  printf("orig_eax set to -1, eax to 42 (%ld): the exit stop has orig_eax %ld eax %ld\n", e, r.orig_eax, r.eax);
  errno = 0;
  ptrace(PTRACE_POKEUSER, c, offsetof(struct user, regs.xcs), 0);
  int cs_errno = errno;
  errno = 0;
  ptrace(PTRACE_POKEUSER, c, offsetof(struct user, regs.xds), 0x10);
  int ds_errno = errno;
  errno = 0;
  ptrace(PTRACE_PEEKUSER, c, 2, 0);
  int odd_errno = errno;
  long tsize = ptrace(PTRACE_PEEKUSER, c, offsetof(struct user, u_tsize), 0);
  printf("POKEUSER cs = 0: errno %d; ds = 0x10: errno %d; PEEKUSER offset 2: errno %d; u_tsize reads %ld\n", cs_errno, ds_errno, odd_errno, tsize);
  errno = 0;
  ptrace(PTRACE_POKEUSER, c, offsetof(struct user, u_tsize), 1);
  printf("POKEUSER u_tsize: errno %d\n", errno);
  struct user_desc d;
  memset(&d, 0, sizeof d);
  errno = 0;
  ptrace(PTRACE_GET_THREAD_AREA, c, r.xgs >> 3, &d);
  int tls_errno = errno;
  errno = 0;
  ptrace(PTRACE_GET_THREAD_AREA, c, 5, &d.limit);
  printf("GET_THREAD_AREA %%gs>>3: errno %d, entry_number matches %d, base is the child's TLS %d, 32-bit %d, in pages %d, usable %d; entry 5: errno %d\n",
         tls_errno, d.entry_number == (r.xgs >> 3), d.base_addr != 0, d.seg_32bit, d.limit_in_pages, d.useable, errno);
  ptrace(PTRACE_CONT, c, 0, 0);
  waitpid(c, &st, 0);
  siginfo_t si;
  ptrace(PTRACE_GETSIGINFO, c, 0, &si);
  printf("signal-delivery-stop: status 0x%x, %s, si_code %d, si_pid is the child: %d; injecting SIGUSR2\n", st, strsignal(si.si_signo), si.si_code, si.si_pid == c);
  ptrace(PTRACE_CONT, c, 0, SIGUSR2);
  waitpid(c, &st, 0);
  struct user_fpregs_struct fp;
  ptrace(PTRACE_GETFPREGS, c, 0, &fp);
  unsigned char *st0 = (unsigned char *)fp.st_space, *st1 = st0 + 10;
  printf("stopped by %s: cwd 0x%lx swd 0x%lx twd 0x%lx st0 %02x%02x..%02x st1 %02x%02x..%02x\n", strsignal(WSTOPSIG(st)), fp.cwd, fp.swd, fp.twd,
         st0[9], st0[8], st0[7], st1[9], st1[8], st1[7]);
  ptrace(PTRACE_KILL, c, 0, 0);
  waitpid(c, &st, 0);
  end(c, st);

  pid_t a = fork();
  if (a == 0) for (;;) pause();
  ptrace(PTRACE_ATTACH, a, 0, 0);
  waitpid(a, &st, 0);
  ptrace(PTRACE_GETSIGINFO, a, 0, &si);
  printf("attached: status 0x%x, si_code 0x%x; detaching with SIGTERM\n", st, si.si_code);
  ptrace(PTRACE_DETACH, a, 0, SIGTERM);
  waitpid(a, &st, 0);
  end(a, st);

  pid_t z = fork();
  if (z == 0) for (;;) pause();
  e = ptrace(PTRACE_SEIZE, z, 0, PTRACE_O_TRACESYSGOOD);
  long i = ptrace(PTRACE_INTERRUPT, z, 0, 0);
  waitpid(z, &st, 0);
  ptrace(PTRACE_GETSIGINFO, z, 0, &si);
  printf("seized (%ld), interrupted (%ld): status 0x%x, si_code 0x%x\n", e, i, st, si.si_code);
  e = ptrace(PTRACE_LISTEN, z, 0, 0);
  printf("listening (%ld): waitpid WNOHANG gives %d\n", e, waitpid(z, &st, WNOHANG));
  ptrace(PTRACE_KILL, z, 0, 0);
  waitpid(z, &st, 0);
  end(z, st);
}

static volatile int handled;
__attribute__((noinline)) void on_usr1(int s) { handled++; }

static void handler_child(void) {
  signal(SIGUSR1, on_usr1);
  raise(SIGUSR1);
}

/* PTRACE_SINGLESTEP into a signal handler: the tracee stops at its first instruction, with SIGTRAP. */
static void step_into_handler(void) {
  pid_t c = traced_child(handler_child);
  int st, n = 0, injected = 0;
  for (;;) {
    ptrace(PTRACE_SINGLESTEP, c, 0, injected == 1 ? SIGUSR1 : 0);
    waitpid(c, &st, 0);
    if (!WIFSTOPPED(st)) break;
    n++;
    long eip = ptrace(PTRACE_PEEKUSER, c, offsetof(struct user, regs.eip), 0);
    long efl = ptrace(PTRACE_PEEKUSER, c, offsetof(struct user, regs.eflags), 0);
    if (injected == 1) injected = 2;
    if (WSTOPSIG(st) != SIGTRAP || eip == (long)on_usr1) {
      siginfo_t si;
      memset(&si, 0, sizeof si);
      errno = 0;
      ptrace(PTRACE_GETSIGINFO, c, 0, &si);
      printf("step %d: %s, si_code %d, eip %s, TF %d\n", n, strsignal(WSTOPSIG(st)), si.si_code, eip == (long)on_usr1 ? "at the handler" : "elsewhere", (efl & 0x100) != 0);
    }
    if (WSTOPSIG(st) == SIGUSR1) injected = 1;
  }
  printf("%d stops\n", n);
  end(c, st);
}

/* TRACEVFORK and TRACEEXIT: the options pass to the new process, which stops at its exit too. */
static void vforks(void) {
  pid_t c = fork();
  if (c == 0) {
    ptrace(PTRACE_TRACEME, 0, 0, 0);
    raise(SIGSTOP);
    pid_t g = vfork();
    if (g == 0) _exit(4);
    int st;
    waitpid(g, &st, 0);
    _exit(20 + WEXITSTATUS(st));
  }
  int st, gs;
  unsigned long g, m;
  waitpid(c, &st, 0);
  ptrace(PTRACE_SETOPTIONS, c, 0, PTRACE_O_TRACEVFORK | PTRACE_O_TRACEEXIT);
  ptrace(PTRACE_CONT, c, 0, 0);
  waitpid(c, &st, 0);
  ptrace(PTRACE_GETEVENTMSG, c, 0, &g);
  printf("vfork event: status 0x%x, a new pid: %d\n", st, g > 0 && g != (unsigned long)c);
  waitpid(g, &gs, __WALL);
  printf("the new process: status 0x%x\n", gs);
  ptrace(PTRACE_CONT, g, 0, 0);
  waitpid(g, &gs, __WALL);
  ptrace(PTRACE_GETEVENTMSG, g, 0, &m);
  printf("the new process: status 0x%x, message 0x%lx\n", gs, m);
  ptrace(PTRACE_CONT, g, 0, 0);
  waitpid(g, &gs, __WALL);
  printf("the new process: status 0x%x\n", gs);
  for (;;) {
    ptrace(PTRACE_CONT, c, 0, 0);
    waitpid(c, &st, 0);
    m = 0;
    if (WIFSTOPPED(st)) ptrace(PTRACE_GETEVENTMSG, c, 0, &m);
    printf("the child: status 0x%x, message 0x%lx\n", st, m);
    if (!WIFSTOPPED(st)) break;
  }
}

static void *thread_body(void *arg) { return (void *)42; }

static void thread_child(void) {
  pthread_t t;
  void *r;
  pthread_create(&t, 0, thread_body, 0);
  pthread_join(t, &r);
  _exit((int)(long)r);
}

/* PTRACE_O_TRACECLONE: a thread is traced from its start, and its tracer sees its end. */
static void threads(void) {
  pid_t c = traced_child(thread_child);
  ptrace(PTRACE_SETOPTIONS, c, 0, PTRACE_O_TRACECLONE);
  ptrace(PTRACE_CONT, c, 0, 0);
  int st, events = 0, thread_stops = 0, thread_ends = 0;
  for (;;) {
    pid_t w = waitpid(-1, &st, __WALL);
    if (w < 0) break;
    if (w == c && !WIFSTOPPED(st)) {
      end(c, st);
      break;
    }
    if (!WIFSTOPPED(st)) thread_ends += w != c;
    else {
      if (st >> 16 == PTRACE_EVENT_CLONE) events++;
      else if (w != c) thread_stops++;
      ptrace(PTRACE_CONT, w, 0, 0);
    }
  }
  printf("clone events %d, stops of the thread %d, ends of the thread %d\n", events, thread_stops, thread_ends);
}

int main(int argc, char **argv) {
  setvbuf(stdout, 0, _IONBF, 0);
  vdso = getauxval(AT_SYSINFO_EHDR);
  printf("AT_SYSINFO is vdso+0x%lx\n", getauxval(AT_SYSINFO) - vdso);
  const char *mode = argc > 1 ? argv[1] : "syscall";
  if (!strcmp(mode, "syscall")) syscall_stops(argc > 2);
  else if (!strcmp(mode, "step")) single_steps();
  else if (!strcmp(mode, "watch")) watchpoints();
  else if (!strcmp(mode, "fork")) forks();
  else if (!strcmp(mode, "requests")) requests();
  else if (!strcmp(mode, "handler")) step_into_handler();
  else if (!strcmp(mode, "vfork")) vforks();
  else if (!strcmp(mode, "threads")) threads();
  else if (!strcmp(mode, "orphan")) {
    printf("TRACEME: %ld\n", ptrace(PTRACE_TRACEME, 0, 0, 0));
    raise(SIGSTOP);
    printf("not reached\n");
  }
  return 0;
}
`;
