// The C programs of the acceptance tests (issue 5), built with gcc -m32 -static -O2. Each
// prints what qemu-i386 can show too on ordinary lines, and what only a mapped vDSO can
// show on lines starting "vdso: " (qemu-i386 maps no vDSO for i386 guests, so static glibc
// falls back to int $0x80 there and those lines are absent).

/** (a) printf: formatted output to stdout, a line to stderr, an exit status. No floating point. */
export const PRINTF = String.raw`
#include <stdio.h>
int main(int argc, char **argv) {
  printf("hello, %s: argc %d arg1 %s|%5d|%-4x|%08lx|%c|%%|%s\n", "world", argc, argc > 1 ? argv[1] : "-", -42, 255u, 0xbeefUL, 'z', "end");
  for (int i = 0; i < 3; i++) printf("line %d of %d\n", i + 1, 3);
  fprintf(stderr, "to stderr\n");
  return 3;
}
`;

/** (b) getpid through the vDSO: static glibc calls *%gs:0x10, which holds AT_SYSINFO. */
export const GETPID = String.raw`
#include <stdio.h>
#include <unistd.h>
#include <sys/auxv.h>
#include <sys/syscall.h>
int main(void) {
  unsigned long gs10;
  __asm__ volatile("movl %%gs:0x10,%0" : "=r"(gs10));
  unsigned long sysinfo = getauxval(AT_SYSINFO), base = getauxval(AT_SYSINFO_EHDR);
  pid_t a = getpid(), b = getpid();
  long raw;
  __asm__ volatile("call *%%gs:0x10" : "=a"(raw) : "a"(SYS_getpid) : "memory");
  printf("getpid stable: %d, call *%%gs:0x10 agrees: %d, positive: %d\n", a == b, raw == a, a > 0);
  if (base) printf("vdso: %%gs:0x10 == AT_SYSINFO: %d, AT_SYSINFO = base+0x%lx\n", gs10 == sysinfo, sysinfo - base);
  if (base) printf("vdso: base 0x%lx\n", base);
  return 0;
}
`;

/** (c) sigaction with SA_SIGINFO; the handler edits the ucontext and returns through sigreturn. */
export const SIGACTION = String.raw`
#define _GNU_SOURCE
#include <stdio.h>
#include <string.h>
#include <signal.h>
#include <ucontext.h>
#include <unistd.h>
#include <sys/auxv.h>
#define SA_RESTORER_FLAG 0x04000000
static volatile int got, code, pid_ok, eax_zero;
static void *volatile returns_to;
static void handler(int sig, siginfo_t *si, void *ucv) {
  ucontext_t *uc = ucv;
  returns_to = __builtin_return_address(0);
  got = sig;
  code = si->si_code;
  pid_ok = si->si_pid == getpid();
  eax_zero = uc->uc_mcontext.gregs[REG_EAX] == 0;
  uc->uc_mcontext.gregs[REG_ESI] = 0x5151;
}
int main(void) {
  unsigned long base = getauxval(AT_SYSINFO_EHDR);
  struct sigaction sa, old;
  memset(&sa, 0, sizeof sa);
  sa.sa_sigaction = handler;
  sa.sa_flags = SA_SIGINFO;
  sigemptyset(&sa.sa_mask);
  sigaddset(&sa.sa_mask, SIGUSR2);
  printf("sigaction: %d\n", sigaction(SIGUSR1, &sa, 0));
  sigaction(SIGUSR1, 0, &old);
  printf("SA_SIGINFO kept: %d, mask kept: %d, SA_RESTORER set exactly when there is no vDSO: %d\n",
         (old.sa_flags & SA_SIGINFO) != 0, sigismember(&old.sa_mask, SIGUSR2), ((old.sa_flags & SA_RESTORER_FLAG) != 0) == (base == 0));
  unsigned long esi;
  /* kill(getpid(), SIGUSR1) by int $0x80: the handler runs on the way out of the system call. */
  __asm__ volatile("movl $0x1234,%%esi\n\tmovl $37,%%eax\n\tmovl %1,%%ebx\n\tmovl $10,%%ecx\n\tint $0x80\n\tmovl %%esi,%0"
                   : "=r"(esi) : "r"(getpid()) : "eax", "ebx", "ecx", "esi", "memory");
  printf("handler: signal %d, si_code SI_USER: %d, si_pid ok: %d, eax 0 in the ucontext: %d\n", got, code == SI_USER, pid_ok, eax_zero);
  printf("sigreturn restored esi from the edited ucontext: 0x%lx\n", esi);
  if (base) printf("vdso: the handler returned to base+0x%lx\n", (unsigned long)returns_to - base);
  raise(SIGUSR1);
  printf("raise: si_code SI_TKILL: %d\n", code == SI_TKILL);
  sigset_t cur;
  sigprocmask(SIG_BLOCK, 0, &cur);
  printf("mask restored after the handler: %d\n", !sigismember(&cur, SIGUSR2));
  return 0;
}
`;

/**
 * (d) TF single-stepping across a call of *%gs:0x10 (getpid). Every SIGTRAP's uc_mcontext
 * EIP is recorded; trap addresses in the caller's asm block are printed relative to its
 * first label, those in the vDSO relative to AT_SYSINFO_EHDR ("vdso:" lines), others as
 * "elsewhere" (glibc's int $0x80 fallback under qemu-i386).
 */
export const SINGLE_STEP = String.raw`
#define _GNU_SOURCE
#include <stdio.h>
#include <string.h>
#include <signal.h>
#include <ucontext.h>
#include <unistd.h>
#include <sys/auxv.h>
static volatile unsigned traps[256];
static volatile int ntraps, tf_in_handler;
static void on_trap(int sig, siginfo_t *si, void *ucv) {
  ucontext_t *uc = ucv;
  unsigned long fl;
  __asm__ volatile("pushfl\n\tpopl %0" : "=r"(fl));
  if (fl & 0x100) tf_in_handler = 1;
  if (ntraps < 256) traps[ntraps++] = uc->uc_mcontext.gregs[REG_EIP];
  (void)sig; (void)si;
}
extern char step_begin[], step_end[];
int main(void) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_sigaction = on_trap;
  sa.sa_flags = SA_SIGINFO;
  sigaction(SIGTRAP, &sa, 0);
  int pid;
  __asm__ volatile(
    "pushfl\n\torl $0x100,(%%esp)\n\tpopfl\n"
    "step_begin:\n\t"
    "movl $20,%%eax\n\t"
    "call *%%gs:0x10\n\t"
    "pushfl\n\tandl $0xfffffeff,(%%esp)\n\tpopfl\n"
    "step_end:\n\t"
    : "=a"(pid) : : "ecx", "edx", "memory", "cc");
  unsigned long base = getauxval(AT_SYSINFO_EHDR);
  printf("getpid under TF: %d, TF clear in the handler: %d, traps: %d\n", pid == getpid(), !tf_in_handler, ntraps > 0);
  for (int i = 0; i < ntraps; i++) {
    unsigned a = traps[i];
    if (a >= (unsigned)(unsigned long)step_begin && a <= (unsigned)(unsigned long)step_end) printf("caller+%u\n", a - (unsigned)(unsigned long)step_begin);
    else if (base && a >= base && a < base + 0x10000) printf("vdso: base+0x%x\n", a - (unsigned)base);
    else printf("elsewhere\n");
  }
  return 0;
}
`;

/** (e) read(0) interrupted by SIGALRM (alarm(1)) and restarted under SA_RESTART; stdin's data arrives after 2 s. */
export const RESTART = String.raw`
#include <stdio.h>
#include <string.h>
#include <errno.h>
#include <signal.h>
#include <unistd.h>
static volatile int alarms;
static void on_alarm(int s) { (void)s; alarms++; write(2, "SIGALRM\n", 8); }
int main(void) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_alarm;
  sa.sa_flags = SA_RESTART;
  sigaction(SIGALRM, &sa, 0);
  alarm(1);
  char buf[64];
  errno = 0;
  ssize_t n = read(0, buf, sizeof buf - 1);
  int e = errno;
  buf[n < 0 ? 0 : n] = 0;
  printf("read returned %d \"%s\" errno %d, SIGALRM handled %d time(s)\n", (int)n, strtok(buf, "\n") ? buf : "", e, alarms);
  n = read(0, buf, sizeof buf - 1);
  printf("then EOF: %d\n", (int)n);
  return 0;
}
`;

/** (f) a store through a bad pointer: SIGSEGV with si_addr (argv[1] "handler": print it and _exit(42); argv[2] "ro": a read-only page). */
export const SEGV = String.raw`
#define _GNU_SOURCE
#include <stdio.h>
#include <string.h>
#include <signal.h>
#include <unistd.h>
static const char ro[4096] __attribute__((aligned(4096))) = "read-only";
static void on_segv(int sig, siginfo_t *si, void *uc) {
  (void)uc;
  printf("SIGSEGV: signal %d si_addr %p si_code %d\n", sig, si->si_addr, si->si_code);
  _exit(42);
}
int main(int argc, char **argv) {
  setvbuf(stdout, 0, _IONBF, 0);
  if (argc > 1 && strcmp(argv[1], "handler") == 0) {
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_segv;
    sa.sa_flags = SA_SIGINFO;
    sigaction(SIGSEGV, &sa, 0);
  }
  printf("read-only page at %p\n", (void *)ro);
  if (argc > 2 && strcmp(argv[2], "ro") == 0) *(volatile char *)(ro + 5) = 'x';
  *(volatile int *)0x1234 = 1;
  printf("not reached\n");
  return 0;
}
`;
