// Owns the integer-loop workload: the loop of bench/int-loop.ts in the emulator (on the kernel
// model, with 100 instruction breakpoints and one data breakpoint armed away from the loop, as
// a debugging session would have them) beside qemu-i386 in the same run, in guest MIPS, best
// of several runs; the final state (the buffer the guest writes out, its exit status) is
// checksummed for both. Native execution, where the host runs i386, goes into the note.
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Cpu } from '../emulator/x86/cpu';
import { buildDesign } from '../toolchain/designs/build';
import { emulatorGuestRun, processChecksum } from './guest-run';
import { intLoopElf, intLoopInstructions } from './int-loop';
import { processRuns } from './process-runs';
import { row, type BenchRow } from './rows';

/** Where the armed breakpoints and the watched word sit: pages the loop never touches. */
const BREAKPOINTS_AT = 0x09000000;
const WATCHED = 0x0a000100;

export function runIntLoopBench(options: { iterations?: number; runs?: number } = {}): BenchRow {
  const iterations = options.iterations ?? 20_000_000;
  const runs = options.runs ?? 5;
  const instructions = intLoopInstructions(iterations);
  const elf = intLoopElf(iterations);
  const vdso = buildDesign('upstream', 'compat64', { cpu: 'intel' }).bytes;
  const arm = (cpu: Cpu): void => {
    for (let k = 0; k < 100; k++) cpu.setBreakpoint(BREAKPOINTS_AT + 16 * k);
    cpu.setWatchpoint(WATCHED, 4, 'write');
  };
  emulatorGuestRun(intLoopElf(Math.min(iterations, 100_000)), 'int-loop', [], vdso, instructions + 10, arm);
  let best = Infinity;
  let checksum = '';
  for (let k = 0; k < runs; k++) {
    const r = emulatorGuestRun(elf, 'int-loop', [], vdso, instructions + 10, arm);
    if (r.instructions !== instructions) throw new Error(`bench: the emulator counted ${r.instructions} instructions, expected ${instructions}`);
    best = Math.min(best, r.seconds);
    checksum = r.checksum;
  }
  const ours = instructions / best / 1e6;
  const workload = `integer loop, ${(instructions / 1e6).toFixed(0)} M instructions, 100 breakpoints + 1 watchpoint`;

  const dir = mkdtempSync(join(tmpdir(), 'vdso-lab-bench-'));
  try {
    const path = join(dir, 'int-loop');
    writeFileSync(path, elf);
    chmodSync(path, 0o755);
    const q = processRuns('qemu-i386', [path], runs);
    const qSum = typeof q === 'string' ? null : processChecksum('qemu-i386', [path]);
    const n = processRuns(path, [], runs);
    const native = typeof n === 'string' || processChecksum(path, []) !== checksum ? 'native: the host cannot run i386 programs' : `native: ${(instructions / n.seconds / 1e6).toFixed(0)} MIPS`;
    return row({
      workload, unit: 'MIPS', higherIsBetter: true, ours,
      peer: 'qemu-i386', peerValue: typeof q === 'string' ? null : instructions / q.seconds / 1e6,
      target: 1.0, checksum, peerChecksum: typeof qSum === 'string' ? qSum : null,
      note: `${typeof q === 'string' ? q : 'qemu-i386 timed with its start-up'}; ${native}`,
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
