// Issue 11, the trace: a fault and a trap show in --trace with the signal they raise (--trace
// all adds the handler entered and its frame), and rt_sigreturn shows the eax of the context
// it restored, never as an error. The program takes a SIGSEGV (a load from address 16) and a
// SIGTRAP (int3); each handler steps over the instruction in the ucontext and sets the
// restored eax to -1, the value the trace once printed as "-1 EPERM". The program's own
// output and status are checked against qemu-i386 first.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildStatic, runLab, runQemu } from './support';

const SOURCE = `
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <ucontext.h>

static volatile int seen;

static void on_signal(int sig, siginfo_t *si, void *uc_) {
  greg_t *g = ((ucontext_t *)uc_)->uc_mcontext.gregs;
  if (sig == SIGSEGV) g[REG_EIP] += 2; /* movl (%eax), %eax */
  g[REG_EAX] = -1;
  seen++;
}

int main(void) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_sigaction = on_signal;
  sa.sa_flags = SA_SIGINFO;
  sigaction(SIGSEGV, &sa, 0);
  sigaction(SIGTRAP, &sa, 0);
  int v = 16;
  __asm__ volatile("movl (%0), %0" : "+a"(v));
  int w = 0;
  __asm__ volatile("int3" : "+a"(w));
  printf("%d %d %d\\n", seen, v, w);
  return 0;
}
`;

test('--trace shows faults and traps with their signal; rt_sigreturn shows the restored eax, not an errno', async () => {
  const prog = buildStatic('trace-signals', SOURCE);
  const q = runQemu(prog);
  assert.deepEqual([q.stdout, q.status], ['2 -1 -1\n', 0]);
  const r = await runLab(prog, ['--trace', 'all']);
  assert.equal(r.stdout, q.stdout);
  assert.equal(r.status, 0);
  const lines = r.stderr.split('\n');
  const segv = lines.findIndex((l) => /^\[\d+\] --- #PF \(page fault\) at 0x[0-9a-f]+: SIGSEGV \(si_addr 0x00000010, SEGV_MAPERR\) ---$/.test(l));
  assert.ok(segv >= 0, r.stderr);
  assert.match(lines[segv + 1]!, /^ {4}SIGSEGV delivered: handler 0x[0-9a-f]+, rt_sigframe at 0x[0-9a-f]+, returns to 0x/);
  const trap = lines.findIndex((l) => /^\[\d+\] --- #BP \(breakpoint\) at 0x[0-9a-f]+: SIGTRAP \(SI_KERNEL\) ---$/.test(l));
  assert.ok(trap > segv, r.stderr);
  assert.match(lines[trap + 1]!, /^ {4}SIGTRAP delivered: handler/);
  const returns = lines.filter((l) => / rt_sigreturn\(/.test(l));
  assert.equal(returns.length, 2);
  for (const l of returns) {
    assert.match(l, /rt_sigreturn\(\) = \? \(context restored, eax 0xffffffff\)/);
    assert.doesNotMatch(l, /EPERM/);
  }
  // --trace syscalls: the fault lines without the handlers; --json: the same events as data.
  const plain = await runLab(prog, ['--trace', 'syscalls']);
  assert.match(plain.stderr, /--- #PF \(page fault\) at 0x[0-9a-f]+: SIGSEGV/);
  assert.doesNotMatch(plain.stderr, /delivered: handler/);
  const json = await runLab(prog, ['--trace', 'all', '--json']);
  const events = json.stderr.trim().split('\n').slice(0, -1).map((l) => JSON.parse(l) as Record<string, unknown>);
  const fault = events.find((s) => s.fault === 'PF');
  assert.deepEqual({ signal: fault?.signal, addr: fault?.addr, code: fault?.code }, { signal: 'SIGSEGV', addr: 16, code: 1 });
  const rt = events.find((s) => s.name === 'rt_sigreturn');
  assert.deepEqual({ result: rt?.result, errno: rt?.errno, restoredAx: rt?.restoredAx }, { result: null, errno: null, restoredAx: -1 });
});
