// Owns the guests that the CLI's and the debug adapter's process tests run when what they check
// is the process around the guest (its pipes, its output's limits, a pause, a dropped client),
// not the C library: C built without it (-nostdlib), on a start routine and system calls of
// its own. A static glibc program's start-up is most of a short run under the emulator (about
// 0.6 s of CPU of the 0.9 s a `vdso-lab run` of `return 3` costs, against 0.3 s for a program
// without it; docs/speed-and-exactness.md), and these tests start many.
import { buildC } from '../support/oracles';

/**
 * What each guest's source starts with: `_start` calls `int main(int argc, char **argv)` and
 * ends the process with its value (exit_group); `sys` makes an i386 system call (int $0x80),
 * returning the kernel's value (-errno on failure); `put` writes a string, `putNumber` and
 * `putUnsigned` a decimal number; `number` reads one.
 */
const RUNTIME = String.raw`
__asm__(".globl _start\n_start:\n\txorl %ebp, %ebp\n\tmovl (%esp), %eax\n\tleal 4(%esp), %edx\n\tandl $-16, %esp\n\tsubl $8, %esp\n\tpushl %edx\n\tpushl %eax\n\tcall main\n\tmovl %eax, %ebx\n\tmovl $252, %eax\n\tint $0x80\n");
static long sys(long n, long a, long b, long c) {
  long r;
  __asm__ volatile("int $0x80" : "=a"(r) : "a"(n), "b"(a), "c"(b), "d"(c) : "memory");
  return r;
}
static unsigned long length(const char *s) { unsigned long n = 0; while (s[n]) n++; return n; }
static long put(int fd, const char *s) { return sys(4, fd, (long)s, (long)length(s)); }
static long putDigits(int fd, unsigned long u, int negative) {
  char text[24]; int at = sizeof text;
  text[--at] = 0;
  do { text[--at] = (char)('0' + u % 10); u /= 10; } while (u);
  if (negative) text[--at] = '-';
  return put(fd, text + at);
}
static long putUnsigned(int fd, unsigned long u) { return putDigits(fd, u, 0); }
static long putNumber(int fd, long v) { return putDigits(fd, v < 0 ? -(unsigned long)v : (unsigned long)v, v < 0); }
static long number(const char *s) { long v = 0; while (*s >= '0' && *s <= '9') v = v * 10 + (*s++ - '0'); return v; }
`;

/** The flags of a guest without the C library (no calls gcc would make to memset or memcpy for a loop). */
const FLAGS = ['-static', '-nostdlib', '-O1', '-fno-pie', '-no-pie', '-fno-stack-protector', '-fno-builtin', '-fno-tree-loop-distribute-patterns', '-fno-asynchronous-unwind-tables'];

/** Builds `main` and what it uses (`body`, C) on the runtime above into `dir`; returns the program's path. */
export function buildBareGuest(name: string, body: string, dir?: string): string {
  return buildC(name, `${RUNTIME}\n${body}`, FLAGS, dir);
}
