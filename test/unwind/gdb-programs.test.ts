// The CFI unwinder against gdb on real programs: a C program written here (a deep recursive
// chain, callee-saved registers live across calls, alloca, a signal handler entered through
// raise()) is built with gcc -m32 -static at -O0, -O1 with frame pointers, and -O2 without,
// run under qemu-i386's gdbstub (one gdb drives the three builds); gdb stops at breakpoints
// and single-steps from them, and at every stop our unwinder, given the same registers, the
// stack dump and the program's own .eh_frame, must produce gdb's backtrace (past main) and
// gdb's unwound registers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildC, readBytes } from '../support/oracles';
import { scaled } from '../support/scale';
import { parseElf32 } from '../../toolchain/elf/reader';
import { unwindImageFromElf } from '../../toolchain/dwarf/unwind-image';
import { gdbSnapshotsOf, type Snapshot } from './gdb-oracle';
import { compareWithGdb, replay } from './compare';

const PROGRAM = String.raw`
#include <signal.h>
#include <string.h>
#include <alloca.h>

volatile int sink;

__attribute__((noinline)) int leaf(int x) { sink = x; return x * 3 + sink; }

__attribute__((noinline)) int with_alloca(int n) {
  char *p = alloca(n + sink);
  memset(p, n, n);
  __asm__ volatile("" : : "r"(p) : "memory");
  return leaf(n) + p[1];
}

__attribute__((noinline)) int saver(int a, int b, int c) {
  int x = a * 7, y = b * 11, z = c * 13;
  __asm__ volatile("" : "+r"(x), "+r"(y), "+r"(z));
  int r = with_alloca(a + b + 40);
  __asm__ volatile("" : "+r"(x), "+r"(y), "+r"(z));
  return r + x + y + z;
}

__attribute__((noinline)) int deep(int n) {
  if (n == 0) return saver(1, 2, 3);
  int r = deep(n - 1);
  __asm__ volatile("" : "+r"(r) : : "memory");
  return r ^ n;
}

void handler(int sig) { sink = leaf(sig); }

void rt_handler(int sig, siginfo_t *info, void *uc) { sink = leaf(sig + (info != 0) + (uc != 0)); }

int main(void) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_sigaction = rt_handler;
  sa.sa_flags = SA_SIGINFO;
  sigaction(SIGUSR2, &sa, 0);
  signal(SIGUSR1, handler);
  sink = deep(12);
  raise(SIGUSR1);
  raise(SIGUSR2);
  return 0;
}
`;

/** gdb's single steps after each breakpoint hit (fewer at a smaller scale), and the least counts a run of them must reach. */
const STEPS = scaled(30, 10);
const atLeast = (full: number): number => Math.round((full * STEPS) / 30);

const BUILDS = [['-O0'], ['-O1', '-fno-omit-frame-pointer'], ['-O2', '-fomit-frame-pointer']];
let built: string[] | undefined;
const paths = (): string[] => (built ??= BUILDS.map((flags) => buildC('unwind-chain', PROGRAM, ['-static', ...flags])));
let sessions: Snapshot[][] | undefined;
/** gdb's snapshots of the three builds, from one gdb (a gdb start each saved), taken by the first test that asks. */
const snapshotsOf = (build: number): Snapshot[] =>
  (sessions ??= gdbSnapshotsOf(paths().map((program) => ({ program, breakpoints: ['*leaf', '*saver'], steps: STEPS, maxHits: 4, signals: ['SIGUSR1', 'SIGUSR2'] }))))[build]!;

for (const [build, flags] of BUILDS.entries()) {
  test(`gcc -m32 -static ${flags.join(' ')}: every stop's frames and registers equal gdb's`, (t) => {
    const path = paths()[build]!;
    const elf = parseElf32(readBytes(path), path);
    const images = [unwindImageFromElf(elf)];
    const snapshots = snapshotsOf(build);
    const counts = { registers: 0, frames: 0 };
    const problems: string[] = [];
    const kinds = new Set<string>();
    let sigtrampFrames = 0;
    let interrupted: Snapshot | undefined;
    const thunks = elf.symbols.filter((x) => x.name.startsWith('__x86.get_pc_thunk.'));
    const inThunk = (pc: number): boolean => thunks.some((t) => pc >= t.value && pc < t.value + Math.max(t.size, 4));
    let thunkStops = 0;
    for (const s of snapshots) {
      if (s.label.startsWith('signal')) interrupted = s;
      const result = replay(s, elf, images);
      // Some of glibc's pc thunks have no FDE: there we stop with 'no-cfi' (gdb guesses from the code).
      if (result.stop.kind === 'no-cfi' && result.frames.length === 1) {
        assert.ok(inThunk(s.frames[0]!.pc), `${s.label}: no CFI at 0x${s.frames[0]!.pc.toString(16)}, which is not a pc thunk`);
        thunkStops++;
        continue;
      }
      problems.push(...compareWithGdb(s, result, counts, interrupted));
      for (const f of result.frames) {
        if (f.sigtramp) { sigtrampFrames++; kinds.add(f.sigtramp.kind); }
      }
    }
    t.diagnostic(`${snapshots.length} stops (${thunkStops} in pc thunks), ${counts.frames} frames, ${counts.registers} registers compared, ${sigtrampFrames} trampoline frames`);
    assert.deepEqual(problems.slice(0, 20), [], `${problems.length} mismatches`);
    // The run must have reached the three breakpoint hits and the signal handler.
    assert.ok(snapshots.length - thunkStops >= atLeast(90), `${snapshots.length} stops, ${thunkStops} of them in pc thunks`);
    assert.equal(snapshots.filter((s) => s.label.startsWith('signal')).length, 2, 'gdb saw SIGUSR1 and SIGUSR2 arrive');
    assert.deepEqual([...kinds].sort(), ['rt_sigreturn', 'sigreturn'], 'both trampolines crossed');
    assert.ok(sigtrampFrames >= atLeast(20), `${sigtrampFrames} frames through a sigreturn trampoline`);
    assert.ok(counts.frames >= atLeast(1000), `${counts.frames} frames compared`);
  });
}
