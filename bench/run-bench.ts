// Owns the benchmark: the integer loop in the emulator (with 100 instruction breakpoints and
// one data breakpoint armed away from the loop, as a debugging session would have them),
// under qemu-i386, and natively where the host runs i386 programs; best of several runs, in
// guest MIPS. Host effects (processes, temporary files, the clock) are the runner's only I/O.
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Memory, PROT_EXEC, PROT_READ, PROT_WRITE } from '../emulator/memory/memory';
import { Cpu } from '../emulator/x86/cpu';
import { EXEC_BASE, EXEC_CODE_OFFSET } from '../toolchain/elf/write-exec';
import { intLoopCode, intLoopElf, intLoopInstructions } from './int-loop';
import { processRuns } from './process-runs';

export interface BenchLine {
  readonly runner: 'emulator' | 'qemu-i386' | 'native';
  /** Best guest MIPS, or null when the runner is unavailable. */
  readonly mips: number | null;
  readonly bestSeconds: number | null;
  /** Why the runner did not run, or what it checked. */
  readonly note: string;
}

export interface BenchResult {
  readonly instructions: number;
  readonly runs: number;
  readonly lines: readonly BenchLine[];
}

const STACK_TOP = 0xbff00000;

/** One emulator run: returns seconds and the exit status the guest passed to exit(). */
function emulatorRun(iterations: number): { seconds: number; status: number; instructions: number } {
  const m = new Memory();
  const code = intLoopCode(iterations);
  m.map(EXEC_BASE, EXEC_CODE_OFFSET + code.length, PROT_READ | PROT_WRITE);
  m.poke(EXEC_BASE + EXEC_CODE_OFFSET, code);
  m.protect(EXEC_BASE, EXEC_CODE_OFFSET + code.length, PROT_READ | PROT_EXEC);
  m.map(STACK_TOP - 0x10000, 0x10000, PROT_READ | PROT_WRITE);
  // Code the breakpoints sit in (never executed) and the watched variable, each on its own page.
  m.map(0x09000000, 0x1000, PROT_READ | PROT_EXEC);
  m.map(0x0a000000, 0x1000, PROT_READ | PROT_WRITE);
  const cpu = new Cpu(m);
  for (let k = 0; k < 100; k++) cpu.setBreakpoint(0x09000000 + 16 * k);
  cpu.setWatchpoint(0x0a000100, 4, 'write');
  cpu.state.eip = EXEC_BASE + EXEC_CODE_OFFSET;
  cpu.state.r[4] = STACK_TOP - 64;
  const t0 = process.hrtime.bigint();
  const stop = cpu.run(intLoopInstructions(iterations) + 10);
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  if (stop.kind !== 'kernel' || cpu.state.r[0] !== 1) throw new Error(`bench guest stopped unexpectedly: ${JSON.stringify(stop)}`);
  return { seconds, status: cpu.state.r[3]! & 0xff, instructions: cpu.state.icount };
}

export function runBench(options: { iterations?: number; runs?: number } = {}): BenchResult {
  const iterations = options.iterations ?? 20_000_000;
  const runs = options.runs ?? 5;
  const instructions = intLoopInstructions(iterations);
  const lines: BenchLine[] = [];

  let best = Infinity;
  let status = -1;
  emulatorRun(Math.min(iterations, 100_000));
  for (let k = 0; k < runs; k++) {
    const r = emulatorRun(iterations);
    if (r.instructions !== instructions) throw new Error(`bench: emulator counted ${r.instructions} instructions, expected ${instructions}`);
    best = Math.min(best, r.seconds);
    status = r.status;
  }
  lines.push({ runner: 'emulator', mips: instructions / best / 1e6, bestSeconds: best, note: `exit status ${status}; 100 breakpoints + 1 watchpoint armed` });

  const dir = mkdtempSync(join(tmpdir(), 'vdso-lab-bench-'));
  try {
    const elf = join(dir, 'int-loop');
    writeFileSync(elf, intLoopElf(iterations));
    chmodSync(elf, 0o755);
    const q = processRuns('qemu-i386', [elf], runs);
    if (typeof q === 'string') lines.push({ runner: 'qemu-i386', mips: null, bestSeconds: null, note: q });
    else lines.push({ runner: 'qemu-i386', mips: instructions / q.seconds / 1e6, bestSeconds: q.seconds, note: `exit status ${q.status}${q.status === status ? ' (same as the emulator)' : ' (DIFFERS from the emulator)'}` });
    // A kernel without i386 support fails the exec with ENOEXEC, and the C library's execvp then
    // hands the file to /bin/sh, which exits with an error: only the guest's own exit status counts.
    const n = processRuns(elf, [], runs);
    if (typeof n === 'string') lines.push({ runner: 'native', mips: null, bestSeconds: null, note: n });
    else if (n.status !== status) lines.push({ runner: 'native', mips: null, bestSeconds: null, note: `host cannot run i386 programs (exec gave status ${n.status})` });
    else lines.push({ runner: 'native', mips: instructions / n.seconds / 1e6, bestSeconds: n.seconds, note: `exit status ${n.status}` });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return { instructions, runs, lines };
}
