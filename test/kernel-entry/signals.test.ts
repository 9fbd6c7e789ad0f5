// Signal frames and fault signals compared with qemu-i386 (which implements the i386
// sigframe/rt_sigframe as Linux lays them out): the same freestanding gcc -m32 -static
// program (raw int $0x80 system calls, no libc) runs under qemu-i386 and in the model, and
// prints what its handlers see: si_signo/si_code/si_addr, the ucontext's registers at their
// offsets (uc_mcontext at uc+20), the return address at 0(%esp) and the handler arguments.
// Addresses are the program's own (a static ET_EXEC at fixed addresses); stack addresses
// are printed relative to the handler's frame, never raw.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { buildCGuest, newGuest, runGuest } from './harness';

const PROGRAM = `
typedef unsigned int u32;
static int sys(int nr, int a, int b, int c, int d) {
  int r;
  __asm__ volatile("int $0x80" : "=a"(r) : "a"(nr), "b"(a), "c"(b), "d"(c), "S"(d) : "memory");
  return r;
}
static char buf[64];
static void out(const char *s) { int n = 0; while (s[n]) n++; sys(4, 1, (int)s, n, 0); }
static void hex(const char *name, u32 v) {
  int i = 0;
  while (name[i]) { buf[i] = name[i]; i++; }
  buf[i++] = '=';
  for (int k = 7; k >= 0; k--) buf[i++] = "0123456789abcdef"[(v >> (4 * k)) & 15];
  buf[i++] = '\\n'; buf[i] = 0;
  out(buf);
}
struct ksigaction { void *handler; u32 flags; void *restorer; u32 mask[2]; };
extern void restorer_rt(void);
__asm__(".text\\nrestorer_rt: movl $173, %eax\\n int $0x80\\n");
volatile u32 marker;
static void on_usr1(int sig, u32 *info, u32 *uc) {
  u32 *mc = uc + 5;
  hex("usr1.sig", sig); hex("si_signo", info[0]); hex("si_code", info[2]);
  hex("info-uc", (u32)uc - (u32)info); hex("sp_to_info", (u32)info - (u32)&sig);
  hex("pretcode", *((u32 *)&sig - 1));
  hex("bx_is_pid", mc[8] == (u32)sys(20, 0, 0, 0, 0)); hex("si", mc[5]); hex("di", mc[4]); hex("bp", mc[6]); hex("ax", mc[11]);
  hex("trapno", mc[12]); hex("ip_is_after_int80", *(unsigned short *)(mc[14] - 2) == 0x80cd);
  hex("uc_sigmask0", uc[27]); hex("mc_ss_cs_ok", (mc[15] & 3) == 3 && (mc[18] & 3) == 3); hex("fpstate_nonzero", mc[19] != 0 ? 1 : 0);
}
static void on_segv(int sig, u32 *info, u32 *uc) {
  u32 *mc = uc + 5;
  hex("segv.sig", sig); hex("si_code", info[2]); hex("si_addr", info[3]);
  hex("trapno", mc[12]); hex("err", mc[13]); hex("cr2", mc[21]);
  hex("ip_is_marker_store", mc[14] == (u32)&marker ? 0 : 1);
  sys(252, 42, 0, 0, 0);
}
void _start(void) {
  struct ksigaction a = { (void *)on_usr1, 0x04000004, (void *)restorer_rt, {0, 0} };
  sys(174, 10, (int)&a, 0, 8);
  a.handler = (void *)on_segv;
  sys(174, 11, (int)&a, 0, 8);
  int pid = sys(20, 0, 0, 0, 0);
  int r;
  __asm__ volatile("int $0x80" : "=a"(r) : "a"(37), "b"(pid), "c"(10), "S"(0x5151), "D"(0xd1d1) : "memory");
  hex("kill", r);
  MODE
  sys(252, 0, 0, 0, 0);
}
`;

function qemu(path: string): { stdout: string; status: number | null; signal: string | null } {
  const r = spawnSync('qemu-i386', [path], { encoding: 'utf8' });
  if (r.error) throw new Error(`qemu-i386 is not installed: .ci/run must install qemu-user (${r.error.message})`);
  return { stdout: r.stdout, status: r.status, signal: r.signal };
}

test('rt_sigframe seen by an SA_SIGINFO handler (kill) and SIGSEGV si_addr match qemu-i386', () => {
  const g0 = buildCGuest('sigframe', PROGRAM.replace('MODE', '*(volatile u32 *)0x10 = 1;'));
  const want = qemu(g0.path);
  assert.equal(want.status, 42, `qemu-i386 run: ${want.stdout}`);
  const g = newGuest(g0.bytes, { cpu: 'intel', kernel: 'compat64', abi: 'upstream' });
  runGuest(g);
  assert.deepEqual(g.p.exit, { status: 42 });
  const got = g.out.join('');
  // Compared apart: fpstate (qemu saves FPU state; the model has no FPU and writes 0, "none")
  // and trapno (qemu writes -1; Linux writes thread.trap_nr: 0 before any trap, 14 for #PF).
  const strip = (s: string) => s.split('\n').filter((l) => !/^(fpstate_nonzero|trapno)=/.test(l)).join('\n');
  assert.equal(strip(got), strip(want.stdout));
  assert.match(got, /usr1\.sig[^]*trapno=00000000[^]*segv\.sig[^]*trapno=0000000e/);
  assert.match(got, /si_addr=00000010/);
  assert.match(got, /err=00000006/);
});

test('a write through a bad pointer without a handler: killed by SIGSEGV, as under qemu-i386', () => {
  const g0 = buildCGuest('segv_default', PROGRAM.replace('MODE', 'a.handler = 0; sys(174, 11, (int)&a, 0, 8); *(volatile u32 *)0x10 = 1;'));
  const want = qemu(g0.path);
  assert.equal(want.signal, 'SIGSEGV', `qemu-i386: status ${want.status}`);
  const g = newGuest(g0.bytes, { cpu: 'intel', kernel: 'compat64', abi: 'upstream' });
  runGuest(g);
  assert.equal(g.p.exit && 'signal' in g.p.exit ? g.p.exit.signal : 0, 11);
  assert.match(g.reports.join('\n'), /^killed by SIGSEGV at 0x[0-9a-f]{8} \(si_addr 0x00000010, SEGV_MAPERR\)$/m);
  const strip = (s: string) => s.split('\n').filter((l) => !/^(fpstate_nonzero|trapno)=/.test(l)).join('\n');
  assert.equal(strip(g.out.join('')), strip(want.stdout), 'output before the fault');
});
