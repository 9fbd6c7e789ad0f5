// Issue 11, item 4: ptrace between guest processes. One C program (program.ts, gcc -m32
// -static -O2) traces a forked child four ways: PTRACE_SYSCALL stops around getpid and write
// made through AT_SYSINFO, PTRACE_SINGLESTEP across the vDSO, a DR7 watchpoint set with
// POKEUSER, PTRACE_O_TRACEFORK, and the other requests. qemu-i386 cannot trace a child, so the oracles are: this
// host's kernel where it runs i386 programs (the program natively beside `vdso-lab run
// --vdso host`: the same output, line for line), and everywhere the values the program's own
// calls imply: orig_eax and the arguments it passed, eip at the landing pad (the instruction
// after the restart point that objdump finds in the stub as the kernel patches it), and the
// vDSO's instructions in the order the entry path runs them. Under a hypervisor int1's stop
// may be the hypervisor's: the native comparison stops before it (docs/kernel-facts.md §15). The registers are the same on
// every entry path but one, as in Linux (docs/kernel-facts.md §12): the pre-4.4 compat
// SYSCALL entry kept the user's ebp, which holds arg2, in pt_regs->bp.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runCli } from '../../cli/run-cli';
import { buildDesign } from '../../toolchain/designs/build';
import { CPU_MODELS, KERNEL_ABIS, KERNEL_KINDS, type CpuModel, type KernelAbi, type KernelKind } from '../../toolchain/designs/options';
import { hostRunsI386 } from '../support/oracles';
import { repoRoot } from '../support/real-vdso';
import { hostCpuModel, hostVirtualized, objdumpRange, program, runLab, runNative, scratchFile, type Instruction } from '../kernel-acceptance/support';
import { PTRACE_PROGRAM } from './program';

const prog = (): string => program('ptrace', PTRACE_PROGRAM);

interface Config {
  readonly abi: KernelAbi;
  readonly cpu: CpuModel;
  readonly kernel: KernelKind;
}

/** Every design on every CPU and kernel. */
const CONFIGS: readonly Config[] = KERNEL_ABIS.flatMap((abi) =>
  CPU_MODELS.flatMap((cpu) => KERNEL_KINDS.map((kernel) => ({ abi, cpu, kernel }))),
);

const name = (c: Config): string => `${c.abi} on ${c.cpu}/${c.kernel}`;

async function lab(c: Config, mode: string, extra: readonly string[] = []): Promise<string> {
  const r = await runLab(prog(), ['--vdso', c.abi, '--cpu', c.cpu, '--kernel', c.kernel, ...extra], [mode]);
  assert.equal(r.status, 0, `${name(c)} ${mode}: ${r.stderr}`);
  return r.stdout;
}

/** The design's image as the kernel patches it for the CPU (`vdso-lab alternatives --json`), in a file for objdump. */
async function patchedDesign(c: Config): Promise<string> {
  const image = buildDesign(c.abi, c.kernel, { cpu: c.cpu }).bytes;
  const io = { stdout: '', stderr: '', cwd: repoRoot(), out(t: string) { io.stdout += t; }, err(t: string) { io.stderr += t; } };
  assert.equal(await runCli(['alternatives', c.abi, '--cpu', c.cpu, '--kernel', c.kernel, '--json'], io), 0, io.stderr);
  const { patches } = JSON.parse(io.stdout) as { patches: { address: number; after: string }[] };
  for (const p of patches) image.set(p.after.split(' ').map((h) => parseInt(h, 16)), p.address);
  return scratchFile(`${c.abi}-${c.cpu}-${c.kernel}.so`, image);
}

const INT80 = 'int    $0x80';

/**
 * The stub from AT_SYSINFO as the kernel runs it (objdump's instructions): straight on to the
 * first entry instruction; int $0x80 returns after itself; sysenter and syscall return to
 * the landing pad, after the restart point (the next int $0x80 or jmp), or after themselves
 * when the stub has none (the pre-4.4 syscall image); then on to the ret.
 */
function entryPath(insns: readonly Instruction[]): { path: number[]; entry: number; resume: number } {
  const end = insns.findIndex((i) => i.text === 'ret');
  assert.ok(end > 0, `a ret in the stub: ${insns.map((i) => i.text).join('; ')}`);
  const path: number[] = [];
  let entry = -1;
  let resume = -1;
  for (let k = 0; k <= end; k++) {
    const insn = insns[k]!;
    path.push(insn.address);
    if (entry >= 0 || !(insn.text === INT80 || insn.text === 'sysenter' || insn.text === 'syscall')) continue;
    entry = path.length - 1;
    if (insn.text !== INT80) {
      const restart = insns.findIndex((x, j) => j > k && j < end && (x.text === INT80 || x.text.startsWith('jmp')));
      if (restart > 0) k = restart;
    }
    resume = insns[k + 1]!.address;
  }
  assert.ok(entry >= 0, 'an entry instruction in the stub');
  return { path, entry, resume };
}

async function stubOf(c: Config, sysinfo: number): Promise<{ path: number[]; entry: number; resume: number }> {
  return entryPath(objdumpRange(await patchedDesign(c), sysinfo, sysinfo + 0x40));
}

function sysinfoOf(out: string): number {
  const m = /^AT_SYSINFO is vdso\+0x([0-9a-f]+)$/m.exec(out);
  assert.ok(m, out);
  return parseInt(m[1]!, 16);
}

const hex = (n: number): string => `0x${n.toString(16)}`;

/** The lines PTRACE_SYSCALL gives for the child's two calls, from the arguments the program passes. */
function expectedStops(c: Config, resume: number, status: string): string[] {
  // The pre-4.4 compat SYSCALL entry passed arg6 in r9 and left the user's ebp (arg2) in pt_regs->bp.
  const ebp = (arg2: string): string => (c.abi === 'legacy' && c.cpu === 'amd' && c.kernel === 'compat64' ? arg2 : '66');
  const eip = `vdso+${hex(resume)}`;
  return [
    `entry stop ${status} (message 1): orig_eax 20 (peekuser 20) eax -38 ebx 11 ecx 22 edx 33 esi 44 edi 55 ebp ${ebp('22')} eip ${eip}`,
    `exit stop ${status} (message 2): orig_eax 20 (peekuser 20) eax the child's pid ebx 11 ecx 22 edx 33 esi 44 edi 55 ebp ${ebp('22')} eip ${eip}`,
    `entry stop ${status} (message 1): orig_eax 4 (peekuser 4) eax -38 ebx 1 ecx msg edx 13 esi 44 edi 55 ebp ${ebp('msg')} eip ${eip}`,
    'child writes',
    `exit stop ${status} (message 2): orig_eax 4 (peekuser 4) eax 13 ebx 1 ecx msg edx 13 esi 44 edi 55 ebp ${ebp('msg')} eip ${eip}`,
    `entry stop ${status} (message 1): orig_eax 252`,
    'child exited with 7',
  ];
}

test('PTRACE_SYSCALL through __kernel_vsyscall: orig_eax, the arguments and eip at both stops, on every design, CPU and kernel', async () => {
  for (const c of CONFIGS) {
    const out = await lab(c, 'syscall');
    const { resume } = await stubOf(c, sysinfoOf(out));
    const lines = out.trim().split('\n');
    assert.equal(lines[1], 'first stop: status 0x137f (stopped 1, Stopped (signal))', name(c));
    assert.deepEqual(lines.slice(2), expectedStops(c, resume, '0x57f'), name(c));
  }
});

test('PTRACE_O_TRACESYSGOOD: syscall stops report SIGTRAP | 0x80, and GETSIGINFO says the same', async () => {
  const c: Config = { abi: 'upstream', cpu: 'amd', kernel: 'compat64' };
  const r = await runLab(prog(), ['--vdso', c.abi, '--cpu', c.cpu, '--kernel', c.kernel], ['syscall', 'good']);
  const { resume } = await stubOf(c, sysinfoOf(r.stdout));
  assert.deepEqual(r.stdout.trim().split('\n').slice(2), expectedStops(c, resume, '0x857f'));
});

test('PTRACE_SINGLESTEP across the vDSO: a stop after every instruction, in the order the entry path runs the stub (objdump)', async () => {
  for (const c of CONFIGS) {
    const out = await lab(c, 'step');
    const { path, entry, resume } = await stubOf(c, sysinfoOf(out));
    const steps = [...out.matchAll(/^step (\d+): vdso\+0x([0-9a-f]+)$/gm)].map((m) => ({ n: Number(m[1]), at: parseInt(m[2]!, 16) }));
    // The SIGSTOP stopped the child at the landing pad of raise's tgkill; then getpid, write and exit_group.
    const after = path.slice(path.indexOf(resume) + 1);
    const expected = [...after, ...path, ...path, ...path.slice(0, entry + 1)];
    assert.deepEqual(steps.map((s) => hex(s.at)), expected.map(hex), name(c));
    for (let k = 1; k < steps.length; k++) {
      if (steps[k]!.at !== path[0]) assert.equal(steps[k]!.n, steps[k - 1]!.n + 1, `${name(c)}: one instruction per step inside the stub`);
    }
    assert.match(out, /^\d+ steps\nchild exited with 7\n$/m);
  }
});

const WATCH_LINES = `DR7 with RW=10 (I/O): errno 22
DR0 misaligned while DR7 is 0: errno 0
DR7 enabling a misaligned 4-byte DR0: errno 22
DR0 = &watched: errno 0
DR7 write watchpoint, 4 bytes: errno 0
DR0 misaligned while enabled: errno 22
DR4: errno 5
DR0 reads back &watched, DR7 0xd0001
write watchpoint: status 0x57f, si_code 4, si_addr = eip, eip after the store, dr6 0xffff0ff1
read/write, 4 bytes: 0
read/write watchpoint: status 0x57f, si_code 4, si_addr = eip, eip after the load, dr6 0xffff0ff1
DR1 = hit: errno 0
DR7 execute with LEN=2: errno 22
DR7 execute breakpoint at DR1: errno 0
execute breakpoint: status 0x57f, si_code 4, si_addr = eip, eip at hit(), dr6 0xffff0ff2
execute breakpoint: status 0x57f, si_code 4, si_addr = eip, eip at hit(), dr6 0xffff0ff2
int1: status 0x57f, si_code 1, si_addr = eip, eip after int1, dr6 0xffff0ff0
child exited with 7
`;

test('DR7 through POKEUSER: a watchpoint traps after the store (then the load) with SIGTRAP TRAP_HWBKPT, DR6 = DR_TRAP0; an execute breakpoint before each call; int1 is TRAP_BRKPT after it with no DR6 bit; bad DR7/DR0 values are EINVAL, DR4 EIO', async () => {
  for (const kernel of KERNEL_KINDS) {
    const out = await lab({ abi: 'upstream', cpu: 'intel', kernel }, 'watch');
    assert.equal(out.slice(out.indexOf('DR7 with')), WATCH_LINES, kernel);
  }
});

test('PTRACE_O_TRACEFORK: the fork event (GETEVENTMSG: the new pid), the new process traced from a SIGSTOP, the SIGCHLD its end sends', async () => {
  const out = await lab({ abi: 'upstream', cpu: 'amd', kernel: 'compat64' }, 'fork');
  assert.equal(out.slice(out.indexOf('first stop')), `first stop: status 0x137f
fork event: status 0x1057f (event 1), a new pid: 1
the child stopped in system call 120
the new process: waited 1, status 0x137f
the new process: child exited with 5
the child stopped: status 0x117f (Child exited)
child exited with 15
`);
});

test('PTRACE_O_TRACEVFORK and TRACEEXIT: the vfork event, the new process traced with the same options, exit events whose message is the wait status', async () => {
  const out = await lab({ abi: 'upstream', cpu: 'intel', kernel: 'native32' }, 'vfork');
  assert.equal(out.slice(out.indexOf('vfork event')), `vfork event: status 0x2057f, a new pid: 1
the new process: status 0x137f
the new process: status 0x6057f, message 0x400
the new process: status 0x400
the child: status 0x117f, message 0x0
the child: status 0x6057f, message 0x1800
the child: status 0x1800, message 0x0
`);
});

test('PTRACE_O_TRACECLONE: a thread is traced from its first stop, and its end is reported to the tracer', async () => {
  const out = await lab({ abi: 'upstream', cpu: 'amd', kernel: 'compat64' }, 'threads');
  assert.equal(out.slice(out.indexOf('child exited')), 'child exited with 42\nclone events 1, stops of the thread 1, ends of the thread 1\n');
});

/** What \`requests\` prints, from the calls it makes; writing a dummy field of struct user is EIO on a 32-bit kernel only. */
const requestLines = (kernel: KernelKind): string => `orig_eax poked to getppid (0): the exit stop has orig_eax 64, eax is my pid: 1
orig_eax set to -1, eax to 42 (0): the exit stop has orig_eax -1 eax 42
POKEUSER cs = 0: errno 5; ds = 0x10: errno 5; PEEKUSER offset 2: errno 5; u_tsize reads 0
POKEUSER u_tsize: errno ${kernel === 'native32' ? 5 : 0}
GET_THREAD_AREA %gs>>3: errno 0, entry_number matches 1, base is the child's TLS 1, 32-bit 1, in pages 1, usable 1; entry 5: errno 22
child: the changed call returned the parent's pid: 1, the skipped one 42
signal-delivery-stop: status 0xa7f, User defined signal 1, si_code -6, si_pid is the child: 1; injecting SIGUSR2
child: SIGUSR2 handled 1 time(s)
stopped by Stopped (signal): cwd 0xffff037f swd 0xffff3000 twd 0xffff0fff st0 3fff..80 st1 4000..c0
child killed by Killed
attached: status 0x137f, si_code 0x80; detaching with SIGTERM
child killed by Terminated
seized (0), interrupted (0): status 0x80057f, si_code 0x8005
listening (0): waitpid WNOHANG gives 0
child killed by Killed
`;

test('requests: orig_eax changes or skips the call, POKEUSER refusals, GET_THREAD_AREA, a replaced signal, GETFPREGS, KILL, ATTACH/DETACH with a signal, SEIZE/INTERRUPT/LISTEN', async () => {
  for (const kernel of KERNEL_KINDS) {
    const out = await lab({ abi: 'upstream', cpu: 'intel', kernel }, 'requests');
    assert.equal(out.slice(out.indexOf('orig_eax poked')), requestLines(kernel), kernel);
  }
});

test('natively, where this host runs i386 programs: the same lines as under vdso-lab with the running kernel\'s vDSO', { skip: !hostRunsI386() && 'this host cannot run i386 programs' }, async () => {
  for (const mode of ['syscall', 'step', 'watch', 'fork', 'vfork', 'threads', 'requests', 'handler']) {
    const native = runNative(prog(), [mode]);
    assert.equal(native.status, 0, native.stderr);
    const r = await runLab(prog(), ['--vdso', 'host', '--cpu', hostCpuModel()], [mode]);
    // Under a hypervisor int1's stop may be the hypervisor's (HYPERVISOR_FORMS): the lines before it are compared.
    const ofTheHost = (text: string) => (hostVirtualized() && text.includes('\nint1:') ? text.slice(0, text.indexOf('\nint1:')) : text);
    assert.equal(ofTheHost(r.stdout), ofTheHost(native.stdout), mode);
  }
});

test('PTRACE_SINGLESTEP with a signal injected: the next stop is the handler\'s first instruction (SIGTRAP, si_code SIGTRAP, TF hidden), then stepping goes on to the end', async () => {
  for (const kernel of KERNEL_KINDS) {
    const out = await lab({ abi: 'upstream', cpu: 'amd', kernel }, 'handler');
    const m = /^step (\d+): User defined signal 1, si_code -6, eip elsewhere, TF 0\nstep (\d+): Trace\/breakpoint trap, si_code 5, eip at the handler, TF 0\n(\d+) stops\nchild exited with 7\n$/m.exec(out);
    assert.ok(m, out);
    assert.equal(Number(m[2]), Number(m[1]) + 1, 'the handler stop comes right after the signal\'s');
    assert.ok(Number(m[3]) > Number(m[2]), 'the steps go on through the handler and sigreturn');
  }
});

test('a first process traced by its parent outside the machine stops for good at its first signal, and the run says why', async () => {
  const r = await runLab(prog(), ['--vdso', 'upstream'], ['orphan']);
  assert.equal(r.stdout.split('\n')[1], 'TRACEME: 0');
  assert.match(r.stderr, /^vdso-lab: the guest waits forever \(no timer, signal or input can wake it\) at icount \d+; pid 1000 waits in a ptrace stop for its tracer \(pid 999\)$/m);
  assert.equal(r.status, 137);
});

test('the same program twice gives the same trace; the trace names each ptrace request', async () => {
  const args = ['--vdso', 'upstream', '--cpu', 'intel', '--trace', 'syscalls'];
  const a = await runLab(prog(), args, ['step']);
  const b = await runLab(prog(), args, ['step']);
  assert.equal(a.stdout, b.stdout);
  assert.equal(a.stderr, b.stderr);
  assert.match(a.stderr, /^\[pid 1001\] \[\d+\] 26 ptrace\(PTRACE_TRACEME, 0, 0x0, 0x0\) = 0 /m);
  assert.match(a.stderr, /^\[pid 1000\] \[\d+\] 26 ptrace\(PTRACE_SINGLESTEP, 1001, 0x0, 0\) = 0 /m);
  assert.match(a.stderr, /^\[pid 1000\] \[\d+\] 26 ptrace\(PTRACE_PEEKUSR, 1001, 4\*EIP, 0x[0-9a-f]+\) = 0 /m);
  const w = await runLab(prog(), args, ['watch']);
  assert.match(w.stderr, /^\[pid 1000\] \[\d+\] 26 ptrace\(PTRACE_POKEUSR, 1001, u_debugreg\[7\], 0xd0001\) = 0 /m);
  const r = await runLab(prog(), args, ['requests']);
  assert.match(r.stderr, /^\[pid 1000\] \[\d+\] 26 ptrace\(PTRACE_CONT, 1001, 0x0, SIGUSR2\) = 0 /m);
  assert.match(r.stderr, /^\[pid 1000\] \[\d+\] 26 ptrace\(PTRACE_SEIZE, 1003, 0x0, PTRACE_O_TRACESYSGOOD\) = 0 /m);
  assert.match(r.stderr, /^\[pid 1000\] \[\d+\] 26 ptrace\(PTRACE_POKEUSR, 1001, 4\*CS, 0x0\) = -1 EIO \(5\) /m);
});
