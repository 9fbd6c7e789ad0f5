// The contract checker catches what each check claims: a stub broken on purpose in one way
// (broken-stubs.ts: a shipped source with one edit) or a kernel model broken on purpose through a test hook fails exactly
// that check and no other, on exactly the configurations the defect shows on; the upstream
// design passes every check everywhere; the Debian vdso32.so passes on the host's model
// (AMD EPYC under a 64-bit kernel: amd/compat64); so does the proposal, under its own ABI,
// and the mail's literal int $0x80 fallback fails check a where the host kernel says it must.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkSubject, failedChecks, type MatrixOptions, type SubjectResult } from '../../emulator/check/matrix';
import { builtImage, designSubject, imageSubject } from '../../emulator/check/subject';
import { KernelEntryExit } from '../../emulator/kernel/entry/entry-exit';
import { iretToUser } from '../../emulator/kernel/entry/regs';
import type { EntryExit } from '../../emulator/kernel/seams';
import { sourceSubject } from '../../cli/check-subjects';
import { writeBrokenStub } from './broken-stubs';
import { realVdso } from '../support/real-vdso';
import { hostRunsI386 } from '../support/oracles';
import { hex } from '../../emulator/check/types';
import { designsRoot } from '../../toolchain/designs/build';
import { NATIVE_ARG2, nativeInt80Arg2 } from './native-int80';
import { join } from 'node:path';

function failingCells(r: SubjectResult): string[] {
  return r.cells.filter((c) => c.outcomes.some((o) => !o.pass)).map((c) => `${c.config.cpu}/${c.config.kernel}/${c.config.caller}`);
}

function broken(name: string, options: MatrixOptions = {}): SubjectResult {
  const { path, shown, abi } = writeBrokenStub(name);
  return checkSubject(sourceSubject(path, shown, abi), options);
}

const FAST = ['intel/compat64', 'intel/native32', 'amd/compat64', 'amd/native32'].flatMap((c) => [`${c}/sysinfo`, `${c}/dynsym`]);
const ALL = [...FAST, 'generic/compat64/sysinfo', 'generic/compat64/dynsym', 'generic/native32/sysinfo', 'generic/native32/dynsym'];
const sorted = (a: string[]): string[] => [...a].sort();

test('upstream passes every check on every CPU model, kernel kind and caller', () => {
  const r = checkSubject(designSubject('upstream'));
  assert.equal(r.cells.length, 12);
  assert.deepEqual(failedChecks([r]), [], JSON.stringify(r.cells.flatMap((c) => c.outcomes.flatMap((o) => o.findings)), null, 1));
  const entries = new Map(r.cells.map((c) => [`${c.config.cpu}/${c.config.kernel}`, c.entry]));
  assert.equal(entries.get('intel/compat64'), 'sysenter at __kernel_vsyscall+0x5');
  assert.equal(entries.get('amd/compat64'), 'syscall at __kernel_vsyscall+0x5');
  assert.equal(entries.get('amd/native32'), 'sysenter at __kernel_vsyscall+0x5');
  assert.equal(entries.get('generic/native32'), 'int80 at __kernel_vsyscall+0x7');
  const g = r.cells.find((c) => c.config.cpu === 'intel' && c.config.kernel === 'compat64')!.outcomes.find((o) => o.check === 'g')!;
  assert.match(g.summary, /^plain: SYSRETL \(fast path.*; TF: IRET; ip changed: IRET$/);
});

test('a: the SYSCALL entry without movl %ecx,%ebp fails arguments only, on AMD under a 64-bit kernel', () => {
  const r = broken('args');
  assert.deepEqual(failedChecks([r]), ['a']);
  assert.deepEqual(sorted(failingCells(r)), ['amd/compat64/dynsym', 'amd/compat64/sysinfo']);
  const f = r.cells.find((c) => c.config.cpu === 'amd' && c.config.kernel === 'compat64')!.outcomes[0]!.findings[0]!;
  assert.match(f.what, /^argument 2 \(the caller's ecx\) as the kernel saw it after syscall$/);
  assert.deepEqual([f.expected, f.actual], ['0x20000002', '0x60000006']);
  assert.equal(f.where?.symbol, '__kernel_vsyscall+0x5');
  assert.match(f.where?.source ?? '', /^broken\/args\.S:\d+$/);
});

test('b: zeroing esi before the return fails preservation only, everywhere, naming the instruction', () => {
  const r = broken('preserve');
  assert.deepEqual(failedChecks([r]), ['b']);
  assert.deepEqual(sorted(failingCells(r)), sorted(ALL));
  const f = r.cells[0]!.outcomes[1]!.findings[0]!;
  assert.match(f.what, /^esi changed by the call/);
  assert.deepEqual([f.expected, f.actual], ['0x40000004', '0x0']);
  assert.equal(f.where?.symbol, '__kernel_vsyscall+0xc');
});

test('c: a push without its CFA adjustment fails unwinding only', () => {
  const r = broken('cfi');
  assert.deepEqual(failedChecks([r]), ['c']);
  assert.deepEqual(sorted(failingCells(r)), sorted(ALL));
  const f = r.cells[0]!.outcomes[2]!.findings[0]!;
  assert.match(f.what, /^CFA wrong/);
  assert.equal(f.where?.symbol, '__kernel_vsyscall+0x2');
});

test('d: a nop before the landing pad fails restart only, where a fast entry is restarted', () => {
  const r = broken('restart');
  assert.deepEqual(failedChecks([r]), ['d']);
  assert.deepEqual(sorted(failingCells(r)), sorted(FAST));
  const f = r.cells[0]!.outcomes[3]!.findings[0]!;
  assert.match(f.what, /the restart did not re-execute an int \$0x80 at regs->ip - 2|the call was not re-entered/);
  assert.equal(f.where?.symbol, '__kernel_vsyscall+0x8');
});

test('e: clearing TF in the stub fails single-step only', () => {
  const r = broken('single-step');
  assert.deepEqual(failedChecks([r]), ['e']);
  assert.deepEqual(sorted(failingCells(r)), sorted(ALL));
});

test('f: an rt trampoline making the non-rt sigreturn call fails signals only', () => {
  const r = broken('sigreturn', { kernels: ['compat64'], cpus: ['intel', 'generic'] });
  assert.deepEqual(failedChecks([r]), ['f']);
  assert.equal(failingCells(r).length, 4);
  const f = r.cells[0]!.outcomes[5]!.findings[0]!;
  assert.match(f.what, /^SA_SIGINFO: sigreturn \(through __kernel_rt_sigreturn\) did not come back/);
});

/** A kernel model whose fast exits forget to restore esi. */
class ClobberingExit extends KernelEntryExit {
  override exit(...a: Parameters<EntryExit['exit']>): ReturnType<EntryExit['exit']> {
    const e = super.exit(...a);
    if (e.path !== 'iret') a[0].cpu.state.r[6] = 0;
    return e;
  }
}

/** A kernel model that never takes a fast exit. */
class IretOnly extends KernelEntryExit {
  override exit(...a: Parameters<EntryExit['exit']>): ReturnType<EntryExit['exit']> {
    const e = super.exit(...a);
    if (e.path === 'iret') return e;
    iretToUser(a[0].cpu, a[1]);
    return { path: 'iret', reason: 'test hook: always IRET', clobbered: [] };
  }
}

test('kernel hook: a fast exit that forgets esi fails preservation only, on the fast configurations', () => {
  const r = checkSubject(designSubject('upstream'), { hooks: { entryExit: () => new ClobberingExit() } });
  assert.deepEqual(failedChecks([r]), ['b']);
  assert.deepEqual(sorted(failingCells(r)), sorted(FAST));
});

test('kernel hook: a kernel that never takes the fast exit fails the exit-path check only', () => {
  const r = checkSubject(designSubject('upstream'), { hooks: { entryExit: () => new IretOnly() }, cpus: ['intel', 'generic'] });
  assert.deepEqual(failedChecks([r]), ['g']);
  assert.deepEqual(sorted(failingCells(r)), ['intel/compat64/dynsym', 'intel/compat64/sysinfo', 'intel/native32/dynsym', 'intel/native32/sysinfo']);
});

test('kernel hook: rt_sigreturn that forgets esi fails signals only', () => {
  const r = checkSubject(designSubject('upstream'), {
    cpus: ['amd'],
    hooks: {
      syscalls: (table) => {
        const real = table.get(173)!;
        table.set(173, { ...real, handler: (p, regs) => { const v = real.handler(p, regs); regs.si = 0; return v; } });
      },
    },
  });
  assert.deepEqual(failedChecks([r]), ['f']);
  const f = r.cells[0]!.outcomes[5]!.findings[0]!;
  assert.match(f.what, /^SA_SIGINFO: esi after sigreturn/);
});

test('the Debian vdso32.so passes every check on the host model (amd/compat64)', () => {
  const vdso = realVdso();
  const r = checkSubject(imageSubject(builtImage(vdso.bytes, vdso.path), 'upstream'), { cpus: ['amd'], kernels: ['compat64'] });
  assert.equal(r.cells.length, 2);
  assert.deepEqual(failedChecks([r]), [], JSON.stringify(r.cells.flatMap((c) => c.outcomes.flatMap((o) => o.findings)), null, 1));
  assert.equal(r.cells[0]!.entry, 'syscall at __kernel_vsyscall+0x5');
});

test('proposal: passes every check; a 32-bit kernel leaves a SYSENTER by IRET, the exit the proposal ABI has there (docs/kernel-facts.md §9)', () => {
  const r = checkSubject(designSubject('proposal'));
  assert.equal(r.cells.length, 12);
  assert.deepEqual(failedChecks([r]), [], JSON.stringify(r.cells.flatMap((c) => c.outcomes.flatMap((o) => o.findings)), null, 1));
  // The mail: opportunistic SYSRETL "if we're returning from a compat syscall"; nothing for a 32-bit kernel.
  const exits = new Map(r.cells.map((c) => [`${c.config.cpu}/${c.config.kernel}`, c.outcomes.find((o) => o.check === 'g')!.summary.split(' ')[1]]));
  assert.deepEqual(Object.fromEntries(exits), {
    'intel/compat64': 'SYSRETL', 'amd/compat64': 'SYSRETL', 'generic/compat64': 'IRET',
    'intel/native32': 'IRET', 'amd/native32': 'IRET', 'generic/native32': 'IRET',
  });
  if (hostRunsI386()) {
    const native = nativeInt80Arg2(join(designsRoot(), 'proposal.S'));
    assert.equal(native.arg2, NATIVE_ARG2, 'the host kernel took the caller\'s ecx as argument 2 at the shipped stub\'s int $0x80');
  }
});

test('a: the int $0x80 fallback as the 2015 mail writes it (movl 8(%esp),%ecx) passes the return address as argument 2, on a CPU without SEP or SYSCALL only', () => {
  const r = broken('mail');
  assert.deepEqual(failedChecks([r]), ['a']);
  assert.deepEqual(sorted(failingCells(r)), ['generic/compat64/dynsym', 'generic/compat64/sysinfo', 'generic/native32/dynsym', 'generic/native32/sysinfo']);
  const f = r.cells.find((c) => c.config.cpu === 'generic')!.outcomes[0]!.findings;
  assert.equal(f.length, 1);
  assert.match(f[0]!.what, /^argument 2 \(the caller's ecx\) as the kernel saw it after int \$0x80$/);
  assert.equal(f[0]!.expected, hex(NATIVE_ARG2));
  // int $0x80 takes argument 2 from ecx (docs/kernel-facts.md §3); 8(%esp) after two pushes is the return address.
  assert.match(f[0]!.actual, /the caller's return address/);
  assert.match(f[0]!.where?.source ?? '', /^broken\/mail\.S:\d+$/);
  if (hostRunsI386()) {
    const native = nativeInt80Arg2(writeBrokenStub('mail').path);
    assert.equal(native.arg2, native.returnAddress, 'the host kernel took the return address as argument 2, as the checker says');
  }
});
