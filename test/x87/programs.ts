// The C program of the x87 acceptance test: glibc's floating-point output (printf %f %g %e
// %Lf, strtod/strtold) and -lm functions (sin, cos, tan, atan2, exp, log, pow, sqrt, fmod,
// floor, lrint), built with gcc -m32 -static -O2, where every double and long double
// computation runs on the x87.
export const FLOAT_PROGRAM = String.raw`
#include <stdio.h>
#include <stdlib.h>
#include <math.h>
int main(void) {
  volatile double xs[] = { 0.1, 1.0 / 3, 2.5, -7.25, 1e-300, 1e300, 123456.789, 3.141592653589793, 0.0, -0.0, 1e-320 };
  for (unsigned i = 0; i < sizeof xs / sizeof xs[0]; i++) {
    double x = xs[i];
    printf("%f|%g|%e|%.17g|%a\n", x, x, x, x, x);
  }
  volatile long double third = 1.0L / 3, big = 1e4000L;
  printf("%Lf|%.20Lg|%Le|%La\n", third, third, big, third * 3);
  const char *texts[] = { "3.14159", "1e-10", "-2.5e308", "0x1.8p3", "nan", "-inf", "123456789.123456789", "4.9e-324", "1e400" };
  for (unsigned i = 0; i < sizeof texts / sizeof texts[0]; i++) {
    double d = strtod(texts[i], 0);
    long double ld = strtold(texts[i], 0);
    float f = strtof(texts[i], 0);
    printf("%s -> %.17g %.21Lg %.9g\n", texts[i], d, ld, f);
  }
  volatile double args[] = { 0.5, 1.0, 2.0, 10.0, 0.001, 100.25, 1e10, 3.0e-5 };
  for (unsigned i = 0; i < sizeof args / sizeof args[0]; i++) {
    double a = args[i];
    printf("%g: sin %.15g cos %.15g tan %.15g atan2 %.15g\n", a, sin(a), cos(a), tan(a), atan2(a, 1.5));
    printf("%g: exp %.15g log %.15g pow %.15g sqrt %.17g\n", a, exp(a), log(a), pow(a, 1.5), sqrt(a));
    printf("%g: fmod %.17g floor %g lrint %ld cbrt %.15g\n", a, fmod(a * 7, 1.25), floor(a * 3.7), lrint(a * 2.5), cbrt(a));
  }
  volatile float f = 1.1f;
  volatile int n = 7;
  double acc = 0;
  for (int i = 1; i <= 1000; i++) acc += 1.0 / (i * (double)n);
  printf("%.9g %.17g %d %lld\n", f * f, acc, (int)(acc * 1000), (long long)(acc * 1e15));
  return 0;
}
`;

/**
 * The x87 state across a signal: the handler sees the interrupted state in its frame
 * (uc_mcontext.fpregs: control, status and tag words, magic, ST(0)) and starts with a reset
 * FPU; what it changes is undone by sigreturn (the stack values and the control word).
 */
export const SIGNAL_PROGRAM = String.raw`
#include <stdio.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>
#include <ucontext.h>
static volatile unsigned fcw, fsw, ftag, fstatus, hcw, hsw, st0exp, st0hi;
static volatile int got;
static void handler(int sig, siginfo_t *si, void *ucv) {
  ucontext_t *uc = ucv;
  unsigned short cw, sw;
  __asm__ volatile("fnstcw %0\n fnstsw %1" : "=m"(cw), "=m"(sw));
  hcw = cw; hsw = sw;
  struct _libc_fpstate *fp = uc->uc_mcontext.fpregs;
  fcw = fp->cw & 0xffff; fsw = fp->sw & 0xffff; ftag = fp->tag & 0xffff; fstatus = fp->status;
  st0exp = fp->_st[0].exponent; st0hi = fp->_st[0].significand[3];
  unsigned short wild = 0x0c7f;
  __asm__ volatile("fldcw %0\n fldz\n fldz\n fldz" :: "m"(wild));
  got = sig;
}
int main(void) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_sigaction = handler;
  sa.sa_flags = SA_SIGINFO;
  sigaction(SIGUSR1, &sa, 0);
  long double r;
  unsigned short cw = 0x067f, after;
  int pid = getpid();
  __asm__ volatile("fldcw %2\n fldpi\n fld1\n movl $37, %%eax\n movl %3, %%ebx\n movl $10, %%ecx\n int $0x80\n faddp\n fstpt %0\n fnstcw %1"
    : "=m"(r), "=m"(after) : "m"(cw), "r"(pid) : "eax", "ebx", "ecx", "memory");
  printf("signal %d: handler cw %#x sw %#x\n", got, hcw, hsw);
  printf("frame: cw %#x sw %#x tag %#x status %#x st0 exp %#x hi %#x\n", fcw, fsw, ftag, fstatus, st0exp, st0hi);
  printf("after: %.20Lg cw %#x\n", r, after);
  return 0;
}
`;

/**
 * What qemu-i386 does not model (x87-deviations.ts): an unmasked exception is reported at
 * the next x87 instruction as SIGFPE with Linux's si_code (argv[1]: "div" divides by zero,
 * "inv" takes sqrt(-1)), and stack underflow/overflow set IE and SF with C1 telling which.
 */
export const TRAP_PROGRAM = String.raw`
#define _GNU_SOURCE
#include <fenv.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
static void handler(int sig, siginfo_t *si, void *uc) {
  char buf[64];
  int n = snprintf(buf, sizeof buf, "signal %d code %d\n", sig, si->si_code);
  write(1, buf, n);
  _exit(0);
}
int main(int argc, char **argv) {
  unsigned short sw;
  long double v;
  __asm__ volatile("fninit\n fld1\n fadd %%st(2), %%st\n fnstsw %0\n fstpt %1\n fninit" : "=m"(sw), "=m"(v));
  printf("underflow: sw %#x value %Lf\n", sw, v);
  __asm__ volatile("fninit\n fld1\n fld1\n fld1\n fld1\n fld1\n fld1\n fld1\n fld1\n fld1\n fnstsw %0\n fninit" : "=m"(sw));
  printf("overflow: sw %#x\n", sw);
  if (argc < 2) return 0;
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_sigaction = handler;
  sa.sa_flags = SA_SIGINFO;
  sigaction(SIGFPE, &sa, 0);
  volatile double zero = 0, minus = -1;
  fflush(stdout);
  feenableexcept(FE_DIVBYZERO | FE_INVALID);
  volatile double r = strcmp(argv[1], "div") == 0 ? 1 / zero : sqrt(minus);
  printf("no trap: %g\n", r);
  return 1;
}
`;

/**
 * The x87 encodings outside the documented set: the 8087/80287 control forms (fneni, fndisi,
 * fnsetpm and their waiting forms, which later processors ignore; frstpm, which they refuse)
 * and the undocumented aliases of fstp, fxch, fcom and fcomp (d9 d8+i, dd c8+i, df c8+i ...)
 * that processors execute although objdump prints `(bad)`. Each runs on a two-value stack and
 * prints the status word and the stack, or the signal it raised.
 */
export const LEGACY_PROGRAM = String.raw`
#include <stdio.h>
#include <signal.h>
#include <setjmp.h>
static sigjmp_buf jb;
static void on_signal(int s) { siglongjmp(jb, s); }
#define T(name, bytes) do { \
  int s = sigsetjmp(jb, 1); \
  if (!s) { \
    unsigned short sw; double a, b; \
    __asm__ volatile("fninit\nfldpi\nfld1\n" bytes "\nfnstsw %0\nfstpl %1\nfstpl %2" : "=m"(sw), "=m"(a), "=m"(b)); \
    printf("%s: sw %04x st0 %.17g st1 %.17g\n", name, sw, a, b); \
  } else printf("%s: signal %d\n", name, s); \
} while (0)
int main(void) {
  signal(SIGILL, on_signal);
  T("fneni", ".byte 0xdb,0xe0"); T("fndisi", ".byte 0xdb,0xe1"); T("fnsetpm", ".byte 0xdb,0xe4");
  T("feni", ".byte 0x9b,0xdb,0xe0"); T("fdisi", ".byte 0x9b,0xdb,0xe1"); T("fsetpm", ".byte 0x9b,0xdb,0xe4");
  T("frstpm", ".byte 0xdb,0xe5"); T("db e6", ".byte 0xdb,0xe6"); T("db e7", ".byte 0xdb,0xe7");
  T("fstp1", ".byte 0xd9,0xd9\nfld1"); T("fxch4", ".byte 0xdd,0xc9"); T("fxch7", ".byte 0xdf,0xc9");
  T("fstp8", ".byte 0xdf,0xd1\nfldz"); T("fstp9", ".byte 0xdf,0xd9\nfldz");
  T("fcom2", ".byte 0xdc,0xd1"); T("fcomp3", ".byte 0xdc,0xd9\nfldz"); T("fcomp5", ".byte 0xde,0xd1\nfldz");
  return 0;
}
`;
