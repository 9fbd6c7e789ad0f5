// Issue 11, item 1a: a fast system call (SYSENTER, or SYSCALL on a 64-bit kernel) whose fetch
// from the user stack faults returns -EFAULT without running the call, and leaves by IRET
// (Linux 4.4 and later, __do_fast_syscall_32). The C program enters write() with the stack
// pointer the entry uses (ebp, esp, or the proposal's edx) aimed at an unmapped page; the
// return lands there and faults, and the SIGSEGV handler (on an alternate stack) prints what
// the kernel left in eax, ecx and edx. A call that ran would print its message and eax=13; a
// SYSEXIT would leave edx = the landing pad, a SYSRETL ecx = the landing pad. qemu-i386
// cannot run these entries, so the expected lines are written here.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { jsonTrace, program, runLab } from './support';

const SOURCE = `#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <ucontext.h>
#include <sys/mman.h>

static const char msg[] = "the call ran\\n";
static unsigned bad;

static const char *which(unsigned v) {
  return v == bad ? "bad" : v == (unsigned)msg ? "msg" : v == sizeof msg - 1 ? "len" : "other";
}

static void on_segv(int sig, siginfo_t *si, void *uc_) {
  greg_t *g = ((ucontext_t *)uc_)->uc_mcontext.gregs;
  char line[200];
  int n = snprintf(line, sizeof line, "SIGSEGV si_addr=%s: eax=%d ecx=%s edx=%s\\n",
                   which((unsigned)si->si_addr), (int)g[REG_EAX], which(g[REG_ECX]), which(g[REG_EDX]));
  write(1, line, n);
  _exit(0);
}

int main(int argc, char **argv) {
  static char alt[65536];
  stack_t ss = { .ss_sp = alt, .ss_size = sizeof alt };
  sigaltstack(&ss, 0);
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_sigaction = on_segv;
  sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
  sigaction(SIGSEGV, &sa, 0);
  char *page = mmap(0, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  munmap(page, 8192);
  bad = (unsigned)page + 4096;
  const char *how = argc > 2 ? argv[2] : "ebp";
  int ret = 4;
  if (argc > 1 && !strcmp(argv[1], "syscall")) {
    if (!strcmp(how, "edx"))
      __asm__ volatile("push %%ebp\\n\\tmov %%ecx, %%ebp\\n\\tsyscall\\n\\ttestl $0, (%%esp)\\n\\tpop %%ebp" : "+a"(ret) : "b"(1), "c"(msg), "d"(bad) : "memory");
    else
      __asm__ volatile("push %%ebp\\n\\tmov %%esp, %%edi\\n\\tmov %%ecx, %%ebp\\n\\tmov %%esi, %%esp\\n\\tsyscall\\n\\ttestl $0, (%%esp)\\n\\tmov %%edi, %%esp\\n\\tpop %%ebp"
                       : "+a"(ret) : "b"(1), "c"(msg), "d"(sizeof msg - 1), "S"(bad) : "edi", "memory");
  } else {
    if (!strcmp(how, "edx"))
      __asm__ volatile("push %%ebp\\n\\tsysenter\\n\\tpop %%ebp" : "+a"(ret) : "b"(1), "c"(msg), "d"(bad) : "memory");
    else
      __asm__ volatile("push %%ebp\\n\\tmov %%esi, %%ebp\\n\\tsysenter\\n\\tpop %%ebp" : "+a"(ret) : "b"(1), "c"(msg), "d"(sizeof msg - 1), "S"(bad) : "memory");
  }
  printf("returned %d\\n", ret);
  return 1;
}
`;

interface Case {
  readonly cpu: string;
  readonly kernel: string;
  readonly entry: 'sysenter' | 'syscall';
}

/** Every CPU and kernel where a fast entry is valid: SYSENTER on Intel and on AMD under a 32-bit kernel, SYSCALL on AMD under a 64-bit one. */
const CASES: readonly Case[] = [
  { cpu: 'intel', kernel: 'compat64', entry: 'sysenter' },
  { cpu: 'intel', kernel: 'native32', entry: 'sysenter' },
  { cpu: 'amd', kernel: 'native32', entry: 'sysenter' },
  { cpu: 'amd', kernel: 'compat64', entry: 'syscall' },
];
const DESIGNS = ['legacy', 'proposal', 'upstream', 'auxv'] as const;

/** The register the entry takes the user stack from: the proposal loads edx, the others ebp (sysenter) or esp (syscall). */
function stackRegister(design: string, entry: string): string {
  if (design === 'proposal') return 'edx';
  return entry === 'sysenter' ? 'ebp' : 'esp';
}

interface TraceLine {
  name: string;
  result: number | null;
  entry: { via: string; address: number };
  exit: { path: string; reason: string } | null;
}

for (const c of CASES) {
  test(`${c.entry} on ${c.cpu}/${c.kernel}: a faulting stack fetch is -EFAULT, the call does not run, the exit is IRET (every design)`, async () => {
    const prog = program('fastfault', SOURCE);
    for (const design of DESIGNS) {
      const how = stackRegister(design, c.entry);
      const r = await runLab(prog, ['--vdso', design, '--cpu', c.cpu, '--kernel', c.kernel, '--trace', 'syscalls', '--json'], [c.entry, how]);
      const where = `${design} ${c.entry} ${c.cpu}/${c.kernel}`;
      assert.equal(r.status, 0, `${where}: ${r.stderr.slice(-400)}`);
      // ecx: pt_regs->cx is the user's ecx for sysenter, the user's ebp (arg2) for syscall,
      // except the proposal's syscall (ecx is the return address the instruction left).
      const ecx = design === 'proposal' && c.entry === 'syscall' ? 'other' : 'msg';
      const edx = how === 'edx' ? 'bad' : 'len';
      assert.equal(r.stdout, `SIGSEGV si_addr=bad: eax=-14 ecx=${ecx} edx=${edx}\n`, where);
      const trace = jsonTrace<TraceLine>(r.stderr);
      const writes = trace.syscalls.filter((s) => s.name === 'write' && s.entry.via === c.entry && s.result === -14);
      assert.equal(writes.length, 1, `${where}: one write entered by ${c.entry} returned -EFAULT`);
      assert.equal(writes[0]!.exit?.path, 'iret', where);
      assert.match(writes[0]!.exit!.reason, /fetch from the user stack faulted/);
    }
  });
}
