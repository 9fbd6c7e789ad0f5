// Owns the call-heavy workload: bench/call-heavy.c (recursion, a switch-based interpreter,
// string and memory loops, qsort) built with gcc -m32 -O2 -static at bench time, run in the
// emulator and under qemu-i386 in the same run (wall time, qemu's start-up included as in the
// integer loop), best of several runs after a first one (which compiles, and is reported
// beside). The emulator's runs and qemu-i386's alternate, so that each best is taken over the
// same stretch of time: this kind of machine's speed drifts by up to 2x within seconds
// (docs/speed-and-exactness.md). Both sides take the bench's full count of runs (5 by
// default): the emulator's two runs after the first still take its last joins and share the
// cores with V8's background compiles, so three left it one steady run against qemu-i386's
// three (docs/speed-and-exactness.md, "Why processes read the call-heavy row apart"). The
// program prints a checksum of its results, and the bench checksums each runner's output and
// exit status.
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { buildDesign } from '../toolchain/designs/build';
import { emulatorGuestRun, processChecksum } from './guest-run';
import { processRuns } from './process-runs';
import { row, type BenchRow } from './rows';

/** The C source, bench/call-heavy.c, in the nearest folder above this module (bench/, dist/ or out/test/...). */
export function callHeavySourcePath(): string {
  for (let dir = __dirname; ; dir = dirname(dir)) {
    const path = join(dir, 'bench', 'call-heavy.c');
    if (existsSync(path)) return path;
    if (dirname(dir) === dir) throw new Error(`bench: cannot find bench/call-heavy.c above ${__dirname}`);
  }
}

/** The gcc command line that builds the program (`source`: bench/call-heavy.c's path) into `exe`. */
export function callHeavyBuild(source: string, exe: string): string[] {
  return ['-m32', '-O2', '-static', source, '-o', exe];
}

/**
 * `built`: the program already built with callHeavyBuild's command line (the tests' build
 * cache); else it is built here. `runs`: the timed runs after the first; with 0 the row checks
 * the output alone (the first run's checksum against qemu-i386's; `ours` is the first run's
 * time and qemu-i386 is not timed).
 */
export function runCallHeavyBench(options: { scale?: number; runs?: number; built?: string } = {}): BenchRow {
  const scale = options.scale ?? 4;
  const runs = options.runs ?? 5;
  const workload = `call-heavy C (gcc -O2: recursion, interpreter, strings), scale ${scale}`;
  const dir = mkdtempSync(join(tmpdir(), 'vdso-lab-bench-c-'));
  try {
    const exe = options.built ?? join(dir, 'call-heavy');
    if (options.built === undefined) {
      const cc = spawnSync('gcc', callHeavyBuild(callHeavySourcePath(), exe), { encoding: 'utf8' });
      if (cc.error || cc.status !== 0) {
        return row({ workload, unit: 's', higherIsBetter: false, ours: null, peer: 'qemu-i386', peerValue: null, target: 0.8, checksum: null, peerChecksum: null, note: `gcc -m32 failed: ${cc.error?.message ?? cc.stderr.split('\n')[0]}` });
      }
      chmodSync(exe, 0o755);
    }
    const elf = new Uint8Array(readFileSync(exe));
    const vdso = buildDesign('upstream', 'compat64', { cpu: 'intel' }).bytes;
    const args = [String(scale)];
    // The first run compiles every block; the runs measured take its translations (emulator/x86/translations.ts).
    const first = emulatorGuestRun(elf, 'call-heavy', args, vdso, 4e9);
    let best = runs > 0 ? Infinity : first.seconds;
    let checksum = first.checksum;
    let instructions = first.instructions;
    let q: { seconds: number } | string = { seconds: Infinity };
    for (let k = 0; k < runs; k++) {
      const r = emulatorGuestRun(elf, 'call-heavy', args, vdso, 4e9);
      best = Math.min(best, r.seconds);
      checksum = r.checksum;
      instructions = r.instructions;
      if (typeof q === 'string') continue;
      const peer = processRuns('qemu-i386', [exe, ...args], 1);
      q = typeof peer === 'string' ? peer : { seconds: Math.min(q.seconds, peer.seconds) };
    }
    const qSum = typeof q === 'string' ? null : processChecksum('qemu-i386', [exe, ...args]);
    return row({
      workload, unit: 's', higherIsBetter: false, ours: best,
      peer: 'qemu-i386', peerValue: typeof q === 'string' || runs === 0 ? null : q.seconds,
      target: 0.8, checksum, peerChecksum: typeof qSum === 'string' ? qSum : null,
      note: `${(instructions / 1e6).toFixed(0)} M guest instructions (${(instructions / best / 1e6).toFixed(0)} MIPS; the first run, compiling, ${first.seconds.toFixed(3)} s); each side the best of ${runs} runs; ${typeof q === 'string' ? q : 'qemu-i386 timed with its start-up'}`,
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
