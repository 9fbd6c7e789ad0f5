// Issue 5, acceptance 1: C programs written here (programs.ts), built with gcc -m32 -static,
// run under `vdso-lab run` with the real vDSO of a distribution kernel (--cpu amd and intel,
// --kernel compat64), under qemu-i386, and natively where this host executes i386 programs
// (some machines of this kind have no 32-bit compat mode): stdout, stderr and the exit status
// must be equal. `--vdso host` is checked on its own: the running kernel's image where the
// host runs i386 (against native execution), else the distribution's. qemu maps no vDSO
// (glibc falls back to int $0x80), so the lines only a vDSO can produce are checked against
// their own oracles: readelf's symbols of the real image, the instruction boundaries objdump
// finds in the image as `vdso-lab alternatives` patches it for that CPU, and the trace.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hostRunsI386 } from '../support/oracles';
import { GETPID, PRINTF, RESTART, SEGV, SIGACTION, SINGLE_STEP } from './programs';
import {
  HOST_LINE, hostCpuModel, jsonTrace, objdumpRange, patchedVdso, program, runNative, runReal, runLab, runQemu, runQemuLateStdin, scratchFile, vdsoLines, vdsoSymbol,
  withoutVdsoLines, type Instruction,
} from './support';

const CPUS = [
  { cpu: 'amd', entry: 'syscall' },
  { cpu: 'intel', entry: 'sysenter' },
] as const;

interface TraceLine {
  nr: number;
  name: string;
  result: number | null;
  entry: { via: string; address: number };
  exit: { path: string; reason: string } | null;
}

/** The --json outcome `vdso-lab run` prints as the last line of stderr. */
function traceOf(stderr: string): { syscalls: TraceLine[] } {
  return jsonTrace<TraceLine>(stderr);
}

/** __kernel_vsyscall's instructions in the image patched for `cpu` (objdump), from the symbol's value and size (readelf). */
async function stub(cpu: string): Promise<Instruction[]> {
  const sym = vdsoSymbol('__kernel_vsyscall');
  const insns = objdumpRange(await patchedVdso(cpu), sym.value, sym.value + sym.size);
  assert.equal(insns[0]?.address, sym.value);
  assert.ok(insns.some((i) => i.text === 'ret'), `a ret in the stub (objdump): ${insns.map((i) => i.text).join('; ')}`);
  return insns;
}

/**
 * The instructions a call of the stub executes, from objdump's listing: straight on, except
 * that a sysenter/syscall resumes after the stub's int $0x80 (the kernel sets regs->ip to
 * the landing pad that follows it, docs/kernel-facts.md §3), until the ret.
 */
function executedPath(insns: readonly Instruction[]): Instruction[] {
  const path: Instruction[] = [];
  const int80 = insns.findIndex((i) => i.text === 'int    $0x80');
  assert.ok(int80 > 0, 'the stub has an int $0x80');
  for (let k = 0; k < insns.length && path.length < 64; k++) {
    const insn = insns[k]!;
    path.push(insn);
    if (insn.text === 'sysenter' || insn.text === 'syscall') k = int80;
    if (insn.text === 'ret') break;
  }
  return path;
}

const hex = (n: number): string => `0x${n.toString(16)}`;

test('(a) printf: stdout, stderr and exit status as under qemu-i386, on amd and intel', async () => {
  const prog = program('printf', PRINTF);
  const q = runQemu(prog, ['x y']);
  assert.equal(q.status, 3);
  assert.match(q.stdout, /^hello, world: argc 2 arg1 x y\|  -42\|ff  \|0000beef\|z\|%\|end\nline 1 of 3\n/);
  if (hostRunsI386()) assert.deepEqual(runNative(prog, ['x y']), q, 'natively as under qemu-i386');
  for (const { cpu } of CPUS) {
    const l = await runReal(prog, ['--cpu', cpu, '--kernel', 'compat64'], ['x y']);
    assert.equal(l.stdout, q.stdout, cpu);
    assert.equal(l.stderr, q.stderr, cpu);
    assert.equal(l.status, q.status, cpu);
  }
});

test('--vdso host: the running kernel\'s vDSO where the host runs i386 (the program behaves as natively), else the distribution kernel\'s, said in one line', async () => {
  const prog = program('printf', PRINTF);
  if (hostRunsI386()) {
    // The running kernel patched its image for this processor at boot: model the same one.
    const l = await runLab(prog, ['--vdso', 'host', '--cpu', hostCpuModel()], ['x y']);
    assert.match(l.stderr, /^vdso-lab run: --vdso host: the running kernel's vDSO/);
    // Sites the host's processor patched with features the model lacks (rdtscp, rdpid) are named in one line.
    const lost = /^vdso-lab run: \S+: patched by the running kernel for its own processor; [^\n]*\n/m;
    assert.deepEqual({ ...l, stderr: l.stderr.replace(HOST_LINE, '').replace(lost, '') }, runNative(prog, ['x y']));
  } else {
    const l = await runLab(prog, ['--vdso', 'host'], ['x y']);
    assert.match(l.stderr, /using the distribution kernel's/);
    const q = runQemu(prog, ['x y']);
    assert.deepEqual({ ...l, stderr: l.stderr.replace(HOST_LINE, '') }, q);
  }
});

test('(b) getpid through %gs:0x10 = AT_SYSINFO = __kernel_vsyscall, entered by the CPU\'s instruction', async () => {
  const prog = program('getpid', GETPID);
  const q = runQemu(prog);
  assert.equal(q.status, 0);
  assert.equal(q.stdout, 'getpid stable: 1, call *%gs:0x10 agrees: 1, positive: 1\n');
  const vsyscall = vdsoSymbol('__kernel_vsyscall').value;
  for (const { cpu, entry } of CPUS) {
    const l = await runReal(prog, ['--cpu', cpu, '--kernel', 'compat64', '--trace', 'syscalls', '--json']);
    assert.equal(l.status, 0, l.stderr);
    assert.equal(withoutVdsoLines(l.stdout), q.stdout, cpu);
    const lines = vdsoLines(l.stdout);
    assert.equal(lines[0], `%gs:0x10 == AT_SYSINFO: 1, AT_SYSINFO = base+${hex(vsyscall)}`, cpu);
    const base = Number(/^base (0x[0-9a-f]+)$/.exec(lines[1]!)![1]);
    // The entry instruction's address in the patched image (objdump), e.g. sysenter at +0x555.
    const insns = await stub(cpu);
    const at = insns.find((i) => i.text === entry);
    assert.ok(at, `${entry} in the stub patched for ${cpu}: ${insns.map((i) => i.text).join('; ')}`);
    const getpids = traceOf(l.stderr).syscalls.filter((s) => s.name === 'getpid');
    assert.equal(getpids.length, 3, 'two getpid() and one call *%gs:0x10');
    for (const s of getpids) {
      assert.equal(s.entry.via, entry, cpu);
      assert.equal(s.entry.address, base + at.address, `${cpu}: entered at base+${hex(at.address)}`);
      assert.equal(s.exit?.path, 'sysretl', `${cpu}: ${s.exit?.reason}`);
      assert.equal(s.result, 1000);
    }
  }
});

test('(c) sigaction SA_SIGINFO: handler, ucontext edit, return through sigreturn, as under qemu-i386', async () => {
  const prog = program('sigaction', SIGACTION);
  const q = runQemu(prog);
  assert.equal(q.status, 0);
  assert.match(q.stdout, /SA_RESTORER set exactly when there is no vDSO: 1\n/);
  assert.match(q.stdout, /restored esi from the edited ucontext: 0x5151\n/);
  const rtSigreturn = vdsoSymbol('__kernel_rt_sigreturn').value;
  for (const { cpu } of CPUS) {
    const l = await runReal(prog, ['--cpu', cpu, '--kernel', 'compat64']);
    assert.equal(l.status, q.status, l.stderr);
    assert.equal(l.stderr, '');
    assert.equal(withoutVdsoLines(l.stdout), q.stdout, cpu);
    // No SA_RESTORER: the kernel points the rt_sigframe's return address at the vDSO's __kernel_rt_sigreturn.
    assert.deepEqual(vdsoLines(l.stdout), [`the handler returned to base+${hex(rtSigreturn)}`], cpu);
  }
});

test('(d) TF single-step across a vDSO call: one trap per executed instruction of the patched stub', async () => {
  const prog = program('single-step', SINGLE_STEP);
  const q = runQemu(prog);
  assert.equal(q.status, 0);
  const common = (text: string) => withoutVdsoLines(text).split('\n').filter((line) => line !== 'elsewhere').join('\n');
  for (const { cpu } of CPUS) {
    const l = await runReal(prog, ['--cpu', cpu, '--kernel', 'compat64']);
    assert.equal(l.status, 0, l.stderr);
    assert.equal(l.stderr, '');
    // The caller's traps (after the call returns: pushfl, andl, popfl, ...) and the summary
    // line are qemu's; qemu's traps in glibc's int $0x80 fallback ("elsewhere") have no
    // counterpart (the call goes into the vDSO here).
    assert.equal(common(l.stdout), common(q.stdout), cpu);
    assert.ok(!l.stdout.includes('elsewhere'), 'every trap is in the caller or in the vDSO');
    // A trap reports the next instruction's address. The instruction that enters the kernel
    // has no trap of its own (Linux: SYSCALL and INT clear TF; the #DB after SYSENTER is taken
    // in the kernel and dropped), so the address after it (the landing pad) is not reported.
    const path = executedPath(await stub(cpu));
    const entering = (i: Instruction | undefined) => i !== undefined && ['sysenter', 'syscall', 'int    $0x80'].includes(i.text);
    const expected = path.filter((_, k) => !entering(path[k - 1])).map((i) => `base+${hex(i.address)}`);
    assert.deepEqual(vdsoLines(l.stdout), expected, `${cpu}: traps in the vDSO are the executed instructions' boundaries, once each`);
  }
});

test('(d) without a vDSO, TF across glibc\'s int $0x80: the same traps as qemu-i386 (none after the int $0x80 itself)', async () => {
  const prog = program('single-step', SINGLE_STEP);
  const q = runQemu(prog);
  const l = await runLab(prog, ['--vdso', 'none', '--cpu', 'amd', '--kernel', 'compat64']);
  assert.equal(l.status, 0, l.stderr);
  // glibc's fallback is `int $0x80; ret`: Linux and qemu trap after the call (at the int) and
  // after the ret, and report nothing for the int $0x80 itself (INT clears TF; IRET restores it).
  assert.ok(q.stdout.split('\n').includes('elsewhere'), q.stdout);
  assert.equal(l.stdout, q.stdout);
});

test('(e) read interrupted by SIGALRM, restarted under SA_RESTART (through the vDSO\'s int $0x80), gets the late data', async () => {
  const prog = program('restart', RESTART);
  const q = await runQemuLateStdin(prog, 'late data\n', 'SIGALRM\n');
  assert.equal(q.status, 0, q.stderr);
  assert.equal(q.stdout, 'read returned 10 "late data" errno 0, SIGALRM handled 1 time(s)\nthen EOF: 0\n');
  const input = scratchFile('late.txt', 'late data\n');
  for (const { cpu, entry } of CPUS) {
    const insns = await stub(cpu);
    const int80 = insns.find((i) => i.text === 'int    $0x80')!.address;
    const entryAt = insns.find((i) => i.text === entry)!.address;
    const l = await runReal(prog, ['--cpu', cpu, '--kernel', 'compat64', '--stdin', input, '--stdin-after', '2', '--trace', 'all', '--json']);
    assert.equal(l.status, 0);
    assert.equal(l.stdout, q.stdout, cpu);
    const reads = traceOf(l.stderr).syscalls.filter((s) => s.name === 'read');
    assert.equal(reads.length, 3, 'interrupted, restarted, EOF');
    const [first, again] = reads as [TraceLine, TraceLine];
    assert.equal(first.entry.via, entry);
    assert.equal(first.result, -512, 'ERESTARTSYS');
    assert.equal(first.exit?.path, 'iret', first.exit?.reason);
    // ip -= 2 from the landing pad lands on the stub's int $0x80 (objdump of the patched image).
    assert.equal(again.entry.via, 'int');
    assert.equal(again.entry.address - first.entry.address, int80 - entryAt, `${cpu}: restarted at base+${hex(int80)}`);
    assert.equal(again.result, 10);
  }
});

test('(f) a store through a bad pointer: SIGSEGV with si_addr and si_code, and killed-by-SIGSEGV status 139', async () => {
  const prog = program('segv', SEGV);
  for (const args of [['handler'], ['handler', 'ro'], []]) {
    const q = runQemu(prog, args);
    for (const { cpu } of CPUS) {
      const l = await runReal(prog, ['--cpu', cpu, '--kernel', 'compat64'], args);
      assert.equal(l.stdout, q.stdout, `${cpu} ${args.join(' ')}`);
      assert.equal(l.status, q.status, `${cpu} ${args.join(' ')}`);
      if (args.length === 0) {
        assert.equal(l.status, 139);
        assert.match(l.stderr, /^killed by SIGSEGV at 0x[0-9a-f]+ \(si_addr 0x00001234, SEGV_MAPERR\)\n$/);
      } else assert.equal(l.stderr, '');
    }
    if (args[1] === 'ro') assert.match(q.stdout, /si_addr 0x[0-9a-f]+005 si_code 2\n$/);
    else if (args.length) assert.match(q.stdout, /si_addr 0x1234 si_code 1\n$/);
  }
});

test('--stdin-after: seconds only, else a one-line usage error (status 2)', async () => {
  const prog = program('restart', RESTART);
  for (const bad of ['abc', '-1', '1e3', '2000000']) {
    const l = await runLab(prog, ['--stdin-after', bad]);
    assert.equal(l.status, 2, bad);
    assert.equal(l.stdout, '');
    assert.match(l.stderr, /^[^\n]*'?--stdin-after'?[^\n]*\n$/, bad);
  }
});
