// The C program of the descriptor-probe acceptance test: LAR, LSL, VERR and VERW on the
// program's own %cs, %ds and %gs (the kernel's GDT and TLS entries), the null selector, and
// LDT entries of every kind modify_ldt can write (data read-only and writable, code readable
// and execute-only, 16-bit, byte- and page-granular, not present, cleared); SMSW and SGDT
// SLDT, STR (UMIP), and far calls and jumps to its own 32-bit code segment. With the argument `gdt` it
// also probes fixed GDT selectors (those differ between kernels and emulators).
export const PROBE_PROGRAM = String.raw`
#include <stdio.h>
#include <string.h>
#include <stdlib.h>
#include <asm/ldt.h>
#include <sys/syscall.h>
#include <unistd.h>
static unsigned lar(unsigned sel, int *zf) {
  unsigned v = 0x5a5a5a5a; unsigned char z;
  __asm__ volatile("lar %2,%0; setz %1" : "+r"(v), "=q"(z) : "r"(sel) : "cc"); *zf = z; return v;
}
static unsigned short lar16(unsigned sel, int *zf) {
  unsigned short v = 0x5a5a; unsigned char z; unsigned short s = sel;
  __asm__ volatile("larw %2,%0; setz %1" : "+r"(v), "=q"(z) : "m"(s) : "cc"); *zf = z; return v;
}
static unsigned lsl(unsigned sel, int *zf) {
  unsigned v = 0x5a5a5a5a; unsigned char z; unsigned short s = sel;
  __asm__ volatile("lsl %2,%0; setz %1" : "+r"(v), "=q"(z) : "m"(s) : "cc"); *zf = z; return v;
}
static int verr(unsigned sel) { unsigned char z; __asm__ volatile("verr %w1; setz %0" : "=q"(z) : "r"(sel) : "cc"); return z; }
static int verw(unsigned sel) { unsigned char z; unsigned short s = sel; __asm__ volatile("verw %1; setz %0" : "=q"(z) : "m"(s) : "cc"); return z; }
static void probe(const char *name, unsigned sel) {
  int z1, z2, z3; unsigned a = lar(sel, &z1); unsigned short a16 = lar16(sel, &z3); unsigned l = lsl(sel, &z2);
  printf("%s: lar zf=%d lar=%#x lar16 zf=%d lar=%#x lsl zf=%d lsl=%#x verr=%d verw=%d\n", name, z1, a, z3, a16, z2, l,
         verr(sel), verw(sel));
}
static int set(int n, unsigned base, unsigned limit, int contents, int ro, int s32, int pages, int np) {
  struct user_desc d; memset(&d, 0, sizeof d);
  d.entry_number = n; d.base_addr = base; d.limit = limit; d.contents = contents; d.read_exec_only = ro;
  d.seg_32bit = s32; d.limit_in_pages = pages; d.seg_not_present = np; d.useable = 1;
  return syscall(SYS_modify_ldt, 0x11, &d, sizeof d);
}
int hops;
void far_landed(void);
__asm__(".text\nfar_landed: incl hops\n lret\n");
int main(int argc, char **argv) {
  unsigned short cs, ds, gs;
  __asm__ volatile("mov %%cs,%0; mov %%ds,%1; mov %%gs,%2" : "=r"(cs), "=r"(ds), "=r"(gs));
  probe("cs", cs); probe("ds", ds); probe("gs", gs); probe("null", 0); probe("null rpl3", 3);
  probe("ldt absent", 0x3f);
  printf("set: %d %d %d %d %d %d %d\n",
    set(0, 0x1000, 0x1234, 0, 0, 1, 0, 0),   /* writable data, bytes */
    set(1, 0, 0xfffff, 0, 1, 1, 1, 0),       /* read-only data, pages */
    set(2, 0, 0xfffff, 2, 0, 1, 1, 0),       /* readable code */
    set(3, 0, 0xabcd, 2, 1, 1, 0, 0),        /* execute-only code */
    set(4, 0x2000, 0xffff, 0, 0, 0, 0, 0),   /* 16-bit data */
    set(5, 0, 0x10, 0, 0, 1, 0, 1),          /* not present */
    set(6, 0, 0x8000, 1, 0, 1, 0, 0));       /* expand-down data */
  static const char *names[] = { "ldt data", "ldt rodata", "ldt code", "ldt xcode", "ldt data16", "ldt np", "ldt down" };
  for (int i = 0; i < 7; i++) probe(names[i], (i << 3) | 7);
  probe("ldt rpl0", (0 << 3) | 4);
  struct user_desc empty; memset(&empty, 0, sizeof empty);
  empty.read_exec_only = 1; empty.seg_not_present = 1; /* the "empty" descriptor clears entry 0 */
  printf("clear: %ld\n", syscall(SYS_modify_ldt, 0x11, &empty, sizeof empty));
  probe("ldt cleared", 7);
  if (argc > 1 && !strcmp(argv[1], "gdt")) {
    static const unsigned fixed[] = { 0x08, 0x10, 0x18, 0x23, 0x2b, 0x33, 0x40, 0x50, 0x73, 0x7b, 0x80, 0xf8, 0x1f8 };
    for (unsigned i = 0; i < sizeof fixed / sizeof fixed[0]; i++) {
      char n[16]; int z; snprintf(n, sizeof n, "gdt %#x", fixed[i]);
      /* 0x7b on a 64-bit kernel: CPUNODE, whose limit is the CPU the program runs on. */
      if (fixed[i] == 0x7b) { unsigned a = lar(fixed[i], &z); printf("%s: lar zf=%d lar=%#x\n", n, z, a); }
      else probe(n, fixed[i]);
    }
    unsigned m; unsigned char t[6];
    __asm__ volatile("smsw %0" : "=r"(m)); printf("smsw %#x\n", m);
    __asm__ volatile("sgdtl %0" : "=m"(t)); printf("sgdt limit %#x base %#x\n", t[0] | t[1] << 8, *(unsigned *)(t + 2));
    __asm__ volatile("sidtl %0" : "=m"(t)); printf("sidt limit %#x base %#x\n", t[0] | t[1] << 8, *(unsigned *)(t + 2));
    unsigned ldtr = 0x5a5a5a5a, tr = 0x5a5a5a5a; unsigned short trm = 0x5a5a;
    __asm__ volatile("sldt %0; str %1; str %2" : "+r"(ldtr), "+r"(tr), "=m"(trm));
    printf("sldt %#x str %#x str to memory %#x\n", ldtr, tr, trm);
  }
  struct { void *off; unsigned short sel; } __attribute__((packed)) far = { (void *)far_landed, cs };
  __asm__ volatile("lcall *%0" : : "m"(far) : "memory");
  __asm__ volatile("lcall *%0" : : "m"(far) : "memory");
  __asm__ volatile("movl $1f, (%0); movw %%cs, 4(%0); ljmp *(%0); ud2; 1:" : : "r"(&far) : "memory");
  printf("far calls and a far jump through %%cs (%s): %d\n", cs == 0x23 || cs == 0x73 ? "user code" : "other", hops);
  return 0;
}
`;

/** Far-jumps to selector 0x33: a 64-bit kernel's 64-bit code segment, a TLS data entry under a 32-bit kernel. */
export const LJMP64_PROGRAM = String.raw`
#include <stdio.h>
int main(void) {
  printf("before the far jump\n");
  fflush(stdout);
  __asm__ volatile("ljmp $0x33, $1f; 1: ud2");
  printf("after the far jump\n");
  return 0;
}
`;

/**
 * Loads selectors into %fs under SIGSEGV/SIGBUS handlers: not-present LDT entries (#NP ->
 * SIGBUS), execute-only code, an absent entry, the kernel's code segment (#GP -> SIGSEGV),
 * and the loadable kinds (readable code, data with RPL 0, the null selector).
 */
export const SEGMENT_LOAD_PROGRAM = String.raw`
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <asm/ldt.h>
#include <sys/syscall.h>
#include <unistd.h>
static sigjmp_buf back;
static volatile int got, code;
static void on_fault(int sig, siginfo_t *si, void *uc) {
  got = sig; code = si->si_code;
  siglongjmp(back, 1);
}
static void set(int n, int contents, int ro, int np) {
  struct user_desc d; memset(&d, 0, sizeof d);
  d.entry_number = n; d.limit = 0xfffff; d.contents = contents; d.read_exec_only = ro; d.seg_32bit = 1;
  d.limit_in_pages = 1; d.seg_not_present = np; d.useable = 1;
  syscall(SYS_modify_ldt, 0x11, &d, sizeof d);
}
static void load(const char *what, unsigned short sel) {
  got = 0;
  if (!sigsetjmp(back, 1)) __asm__ volatile("mov %0, %%fs" : : "r"(sel));
  unsigned short now; __asm__ volatile("mov %%fs, %0" : "=r"(now));
  if (got) printf("%s: %s si_code %d\n", what, got == SIGBUS ? "SIGBUS" : got == SIGSEGV ? "SIGSEGV" : "?", code);
  else printf("%s: loaded, %s\n", what, now == sel ? "fs holds it" : "fs differs");
  __asm__ volatile("mov %0, %%fs" : : "r"(0));
}
int main(void) {
  struct sigaction sa; memset(&sa, 0, sizeof sa);
  sa.sa_sigaction = on_fault; sa.sa_flags = SA_SIGINFO;
  sigaction(SIGSEGV, &sa, 0); sigaction(SIGBUS, &sa, 0);
  set(0, 0, 0, 0); set(1, 0, 0, 1); set(2, 2, 1, 0); set(3, 2, 0, 0);
  unsigned short ds; __asm__ volatile("mov %%ds, %0" : "=r"(ds));
  load("ldt data", 0x07); load("ldt data rpl0", 0x04); load("ldt not present", 0x0f);
  load("ldt execute-only code", 0x17); load("ldt readable code", 0x1f); load("ldt absent", 0x27);
  load("user data rpl0", ds & ~3); load("null", 0); load("kernel code", 0x10);
  return 0;
}
`;
