// Owns the vsyscall round-trip benchmark: a guest that calls getpid through AT_SYSINFO
// (__kernel_vsyscall) many times in a loop, falling back to its own `int $0x80; ret` where the
// aux vector has no AT_SYSINFO (as static glibc does). It runs in the emulator (the upstream
// design, intel, compat64: sysenter in, SYSRETL out, the kernel model in between), under
// qemu-i386 (no vDSO for i386 guests: int $0x80), and natively where the host runs i386
// programs. Reported as calls per second and ns per call, best of several runs of the same
// program (processCalls calls) in each runner; the process runners' start-up is removed by
// timing a zero-call run of the same program. The emulator's run that checks every call
// entered by sysenter and left by SYSRETL keeps a trace, so it makes fewer calls (the trace
// holds TRACE_KEPT records); its timed runs keep none.
import { processRuns } from './process-runs';
import { row, stateChecksum, type BenchRow } from './rows';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { assemble } from '../toolchain/asm/assembler';
import { withGeneratedSections } from '../toolchain/dwarf/emit-sections';
import { writeObject } from '../toolchain/elf/write-object';
import { linkExec } from '../toolchain/link/index';
import { buildDesign } from '../toolchain/designs/build';
import { loadProgram, vdsoMapper } from '../emulator/kernel/loader';
import { RunLoop, TRACE_KEPT } from '../emulator/kernel/run-loop';

export interface RoundTripLine {
  readonly runner: 'emulator' | 'qemu-i386' | 'native';
  /** Best calls per second, or null when the runner is unavailable. */
  readonly callsPerSecond: number | null;
  readonly nsPerCall: number | null;
  readonly calls: number;
  /** How the calls entered the kernel, or why the runner did not run. */
  readonly note: string;
}

const AT_SYSINFO = 32;
const NR_GETPID = 20;

/** The guest's source: find AT_SYSINFO in the aux vector (else the local int80 stub), call it `calls` times. */
export function roundTripSource(calls: number): string {
  return `
	.text
	.globl _start
_start:
	movl (%esp), %eax
	leal 8(%esp,%eax,4), %esi
1:	lodsl
	testl %eax, %eax
	jnz 1b
	movl $int80, %edi
2:	lodsl
	movl %eax, %edx
	lodsl
	testl %edx, %edx
	jz 4f
	cmpl $${AT_SYSINFO}, %edx
	jne 2b
	movl %eax, %edi
4:	movl $${calls >>> 0}, %esi
	testl %esi, %esi
	jz 6f
5:	movl $${NR_GETPID}, %eax
	call *%edi
	decl %esi
	jnz 5b
done:
6:	movl $1, %eax
	xorl %ebx, %ebx
	int $0x80
int80:	int $0x80
	ret
`;
}

/** The guest as a static ELF32 executable, built with vdso-lab's own assembler and linker. */
export function roundTripElf(calls: number): Uint8Array {
  const module = assemble({ file: 'vsyscall-roundtrip.s', text: roundTripSource(calls) });
  const error = module.diagnostics.find((d) => d.severity === 'error');
  if (error) throw new Error(`bench guest: ${error.message}`);
  return linkExec([{ fileName: 'vsyscall-roundtrip.o', bytes: writeObject(withGeneratedSections(module), 'vsyscall-roundtrip.o') }]);
}

/**
 * One emulator run: seconds for the whole loop, and (when `traced`: the trace kept, which a
 * timed run does without, as a session with no trace on does) the getpid calls the kernel
 * model saw enter by sysenter and leave by SYSRETL.
 */
function emulatorRun(elf: Uint8Array, vdso: Uint8Array, calls: number, traced: boolean): { seconds: number; fast: number } {
  const { process: p } = loadProgram(elf, 'vsyscall-roundtrip', {
    options: { cpu: 'intel', kernel: 'compat64', abi: 'upstream' },
    host: { stdout: () => undefined, stderr: () => undefined },
  }, { argv: ['vsyscall-roundtrip'], envp: [], execPath: '/vsyscall-roundtrip', mapVdso: vdsoMapper(vdso, 'vdso/upstream') });
  const loop = new RunLoop(p);
  if (!traced) loop.traceKept = 0;
  const t0 = process.hrtime.bigint();
  const result = loop.run(100 * calls + 10_000);
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  if (result.kind !== 'exited' || result.status !== 0) throw new Error(`bench guest stopped unexpectedly: ${JSON.stringify(result)}`);
  const fast = p.trace.filter((r) => r.nr === NR_GETPID && r.entry.via === 'sysenter' && r.exit?.path === 'sysretl').length;
  return { seconds, fast };
}

/** Best wall time of `runs` runs of an executable that must exit 0, or why it cannot run. */
function processBest(command: string, args: string[], runs: number): number | string {
  const r = processRuns(command, args, runs);
  if (typeof r === 'string') return r;
  // A kernel without i386 support fails the exec; the C library then hands the file to /bin/sh.
  if (r.status !== 0) return `this host cannot run i386 programs (exec gave status ${r.status})`;
  return r.seconds;
}

function line(runner: RoundTripLine['runner'], calls: number, seconds: number, note: string): RoundTripLine {
  const perCall = seconds > 0 ? seconds / calls : 0;
  return { runner, callsPerSecond: perCall > 0 ? 1 / perCall : null, nsPerCall: perCall * 1e9, calls, note };
}

export function runVsyscallBench(options: { calls?: number; processCalls?: number; runs?: number } = {}): RoundTripLine[] {
  const calls = Math.min(options.calls ?? 50_000, TRACE_KEPT - 10);
  const processCalls = options.processCalls ?? 500_000;
  const runs = options.runs ?? 5;
  const lines: RoundTripLine[] = [];

  const vdso = buildDesign('upstream', 'compat64', { cpu: 'intel' }).bytes;
  const checked = emulatorRun(roundTripElf(calls), vdso, calls, true);
  if (checked.fast !== calls) throw new Error(`bench: ${checked.fast} of ${calls} getpid calls entered by sysenter and left by SYSRETL`);
  // Timed: the program the other runners run. A run of a few milliseconds would mostly time
  // V8 compiling and optimizing the blocks and the kernel model's functions (measured: 50,000
  // calls took 60 ns a call more than 500,000 on the bench's first runs).
  const timed = roundTripElf(processCalls);
  let best = Infinity;
  for (let k = 0; k < runs; k++) best = Math.min(best, emulatorRun(timed, vdso, processCalls, false).seconds);
  lines.push(line('emulator', processCalls, best, 'upstream design, intel, compat64: sysenter in, SYSRETL out'));

  const dir = mkdtempSync(join(tmpdir(), 'vdso-lab-bench-vsyscall-'));
  try {
    const write = (name: string, bytes: Uint8Array): string => {
      const path = join(dir, name);
      writeFileSync(path, bytes);
      chmodSync(path, 0o755);
      return path;
    };
    const full = write('roundtrip', roundTripElf(processCalls));
    const empty = write('roundtrip-0', roundTripElf(0));
    for (const runner of ['qemu-i386', 'native'] as const) {
      const [command, args, emptyArgs] = runner === 'qemu-i386' ? ['qemu-i386', [full], [empty]] : [full, [], []];
      const t = processBest(command, args, runs);
      const t0 = typeof t === 'number' ? processBest(runner === 'qemu-i386' ? 'qemu-i386' : empty, emptyArgs, runs) : t;
      if (typeof t === 'string' || typeof t0 === 'string') {
        lines.push({ runner, callsPerSecond: null, nsPerCall: null, calls: processCalls, note: typeof t === 'string' ? t : String(t0) });
        continue;
      }
      const how = runner === 'qemu-i386' ? 'no vDSO for i386 guests: the fallback int $0x80' : 'the running kernel\'s vDSO';
      lines.push(line(runner, processCalls, Math.max(t - t0, 1e-9), `${how}; start-up (${(t0 * 1e3).toFixed(1)} ms) removed`));
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return lines;
}

/** The round trip as a bench row: the emulator's ns per call beside qemu-i386's from the same run. */
export function vsyscallRow(lines: readonly RoundTripLine[]): BenchRow {
  const of = (runner: RoundTripLine['runner']) => lines.find((l) => l.runner === runner);
  const ours = of('emulator');
  const qemu = of('qemu-i386');
  const native = of('native');
  // getpid's value differs between runners by design; the guest's final state is its exit status.
  const exitState = stateChecksum('', 0);
  return row({
    workload: 'getpid through __kernel_vsyscall, round trip', unit: 'ns/call', higherIsBetter: false,
    ours: ours?.nsPerCall ?? null, peer: 'qemu-i386', peerValue: qemu?.nsPerCall ?? null, target: 1.0,
    checksum: exitState, peerChecksum: qemu?.nsPerCall != null ? exitState : null,
    note: `${ours?.note ?? ''}; qemu-i386: ${qemu?.note ?? '-'}; native: ${native?.nsPerCall != null ? `${native.nsPerCall.toFixed(0)} ns/call` : native?.note ?? '-'}`,
  });
}
