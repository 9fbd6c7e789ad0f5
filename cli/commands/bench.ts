// The `bench` command: every workload of bench/ beside its peer in the same run (the integer
// loop with breakpoints and a watchpoint armed, the call-heavy C program and the
// self-modifying loop, beside qemu-i386; the getpid round trip through __kernel_vsyscall beside qemu-i386's int $0x80;
// the assembler beside GNU as, and its 20 MB time against 11 times its 2 MB time, and its
// memory per label beside GNU as's (bench/asm-memory.ts); disasm beside objdump -d
// (bench/disasm-throughput.ts); vdso-lab
// check on every design against its bound; the language server's latency on a large
// kernel-style .S against its targets, bench/lsp-latency.ts, and its hover after an edit storm
// on a 5 MB one, bench/lsp-edit-storm.ts; the debugger's step cycle and reverse
// step, bench/debug-step.ts), as rows with the ratio, the target and a
// checksum of the final state each side reached; a row that times the emulator or the assembler
// in this process beside a peer is measured with both on one CPU (bench/one-cpu.ts). --only
// runs some groups of rows (an engineer measuring one change); --json writes the rows; --check
// exits 1 when a ratio is below its target or a checksum differs (by hand and in a bench job: the
// machine's load varies, so never in npm test).
import { EXIT_CHECK_FAILED, EXIT_OK, flag, stringOption, UsageError, type Command } from '../command';
import { runIntLoopBench } from '../../bench/run-bench';
import { runAsmBench } from '../../bench/asm-throughput';
import { runAsmMemoryBench } from '../../bench/asm-memory';
import { runDisasmBench } from '../../bench/disasm-throughput';
import { runCallHeavyBench } from '../../bench/call-heavy';
import { runSmcLoopBench } from '../../bench/smc-loop';
import { runVsyscallBench, vsyscallRow } from '../../bench/vsyscall-roundtrip';
import { runLspBench } from '../../bench/lsp-latency';
import { runEditStormBench } from '../../bench/lsp-edit-storm';
import { runDebugStepBench } from '../../bench/debug-step';
import { formatRows, row, rowProblem, stateChecksum, type BenchRow } from '../../bench/rows';
import { runSelf } from '../../bench/process-runs';
import { rowsOnOneCpu } from '../../bench/one-cpu';

/** `vdso-lab check` on the four designs in a process of its own, best of `runs`, against its bound of 3 s. */
function checkRow(runs: number): BenchRow {
  const r = runSelf(['check', '--json'], { runs });
  const checksum = stateChecksum(r.stdout, r.status ?? -1);
  return row({ workload: 'vdso-lab check, 4 designs, 54 configurations', unit: 's', higherIsBetter: false, ours: r.seconds, peer: 'the bound 3 s', peerValue: 3, target: 1.0, checksum, peerChecksum: null, note: 'a process of its own, start-up included' });
}

/**
 * The assembler's rows, measured in a process of their own (ownProcessRows): 2 MB beside GNU
 * as, and 20 MB against 11 times its own 2 MB time, each the best of the bench's runs: a
 * process's first 20 MB run is the one that grows the heap to its size, its first 2 MB run the
 * one that compiles and its second the one that still warms, and one run reads the machine's
 * other work besides. The 2 MB runs come first, as in a process that assembles only 2 MB
 * files: after a 20 MB run, or the other workloads, the young generation they grew spares a
 * 2 MB run most of its collections (docs/speed-and-exactness.md, the assembler's sections).
 */
function asmRows(runs: number): Promise<BenchRow[]> {
  return ownProcessRows('asm', runs, () => rowsOnOneCpu(() => measureAsmRows(runs)));
}

function measureAsmRows(runs: number): BenchRow[] {
  const asm = runAsmBench({ runs });
  const [ours, gnu] = asm.results;
  const large = runAsmBench({ bytes: 10 * asm.bytes, runs: asm.runs, peer: false });
  const largeSeconds = large.results[0]?.bestSeconds ?? null;
  return [
    row({
      workload: `assembler, ${(asm.bytes / 1e6).toFixed(0)} MB of GAS source`, unit: 'MB/s', higherIsBetter: true,
      ours: ours?.megabytesPerSecond ?? null, peer: 'GNU as', peerValue: gnu?.megabytesPerSecond ?? null, target: 0.5,
      checksum: asm.checksum, peerChecksum: asm.peerChecksum, note: `the object files' sha256; ${gnu?.note ?? ''}`,
    }),
    row({
      workload: `assembler, ${(large.bytes / 1e6).toFixed(0)} MB: linear in the input`, unit: 's', higherIsBetter: false,
      ours: largeSeconds, peer: '11 x the 2 MB time', peerValue: ours?.bestSeconds != null ? 11 * ours.bestSeconds : null, target: 1.0,
      checksum: null, peerChecksum: null, note: `best of ${large.runs} runs after the 2 MB row's, in a process of their own; ${large.results[0]?.note ?? ''}`,
    }),
  ];
}

/** Set, to a group's name, in the environment of the process that group's rows are measured in. */
const CHILD_ENV = 'VDSO_LAB_BENCH_CHILD';

/**
 * A group's rows measured by `measure` in a process of its own (`bench --only GROUP` run again
 * with CHILD_ENV set), so that they read the same in a whole run as alone: after the other
 * workloads this process's heap is large, and its size (or the collector's work on it) would be
 * timed as the group's.
 */
async function ownProcessRows(group: BenchGroup, runs: number, measure: () => BenchRow[] | Promise<BenchRow[]>): Promise<BenchRow[]> {
  if (process.env[CHILD_ENV] === group) return measure();
  const r = runSelf(['bench', '--only', group, '--json', '--runs', String(runs)], { env: { [CHILD_ENV]: group } });
  if (r.status !== 0 && r.status !== EXIT_CHECK_FAILED) throw new Error(`bench: the ${group} rows' process ended with ${r.status ?? r.signal}: ${r.stderr.trim().split('\n').pop() ?? ''}`);
  return (JSON.parse(r.stdout) as { rows: BenchRow[] }).rows;
}

/** The language server's rows, in a process of their own (ownProcessRows), as the server runs. */
function lspRows(runs: number): Promise<BenchRow[]> {
  return ownProcessRows('lsp', runs, () => measureLspRows(runs));
}

async function measureLspRows(runs: number): Promise<BenchRow[]> {
  const lsp = runLspBench({ runs: Math.min(3, runs) });
  const storm = await runEditStormBench({ runs: Math.min(3, runs) });
  return [
    ...lsp.results.map((l) => row({
      workload: `language server, ${lsp.lines}-line .S: ${l.what}`, unit: 'ms', higherIsBetter: false, ours: l.bestMs,
      peer: `the target ${l.targetMs} ms`, peerValue: l.targetMs, target: 1.0, checksum: null, peerChecksum: null,
      note: `a process of its own, as the server runs${l.note ? `; ${l.note}` : ''}`,
    })),
    row({
      workload: 'language server: hover after 100 edits on a 5 MB document', unit: 'ms', higherIsBetter: false, ours: storm.bestMs,
      peer: `the target ${storm.targetMs} ms`, peerValue: storm.targetMs, target: 1.0, checksum: null, peerChecksum: null,
      note: `best of ${storm.runs}, each a server in this process over its wire, ${(storm.bytes / 1e6).toFixed(1)} MB .S opened and analysed, 100 one-character didChange, the hover's time`,
    }),
  ];
}

async function debugRows(): Promise<BenchRow[]> {
  const dbg = await runDebugStepBench();
  return [
    row({
      workload: `debugger: step cycle as VS Code runs it (stepIn, stackTrace, scopes, variables of each scope), median of ${dbg.steps}`, unit: 'ms', higherIsBetter: false,
      ours: dbg.stepCycleMs, peer: 'the target 2 ms', peerValue: 2, target: 1.0, checksum: null, peerChecksum: null, note: 'adapter in process, as an inline adapter',
    }),
    row({
      workload: `debugger: reverse step (stepBack and the same requests) ${(dbg.instructionsIn / 1e6).toFixed(0)} M instructions into a system-call loop, median of 50`, unit: 'ms', higherIsBetter: false,
      ours: dbg.reverseStepMs, peer: 'the target 20 ms', peerValue: 20, target: 1.0, checksum: null, peerChecksum: null,
      note: `checkpoints every 10^6 instructions; the first step back there (a replay from the checkpoint before it): ${dbg.firstReverseStepMs.toFixed(1)} ms`,
    }),
  ];
}

/** The groups of rows, in the order a full run prints them: each measures one part of the product. */
const GROUP_ROWS = {
  'int-loop': (runs: number, iterations: number): BenchRow[] => rowsOnOneCpu(() => [runIntLoopBench({ iterations, runs })]),
  'call-heavy': (runs: number): BenchRow[] => rowsOnOneCpu(() => [runCallHeavyBench({ runs })]),
  smc: (runs: number): BenchRow[] => rowsOnOneCpu(() => [runSmcLoopBench({ runs: Math.min(3, runs) })]),
  vsyscall: (runs: number): BenchRow[] => rowsOnOneCpu(() => [vsyscallRow(runVsyscallBench({ runs }))]),
  asm: asmRows,
  'asm-memory': (): BenchRow[] => [runAsmMemoryBench()],
  disasm: (runs: number): BenchRow[] => [runDisasmBench({ runs: Math.min(3, runs) })],
  check: (runs: number): BenchRow[] => [checkRow(Math.min(3, runs))],
  lsp: lspRows,
  debug: debugRows,
} satisfies Record<string, (runs: number, iterations: number) => BenchRow[] | Promise<BenchRow[]>>;

type BenchGroup = keyof typeof GROUP_ROWS;
const BENCH_GROUPS = Object.keys(GROUP_ROWS) as BenchGroup[];

/** The groups `--only` names (all of them without it), in the full run's order. */
function selectedGroups(only: string | undefined): BenchGroup[] {
  if (only === undefined) return BENCH_GROUPS;
  const names = only.split(',').map((n) => n.trim());
  for (const n of names) {
    if (!(BENCH_GROUPS as string[]).includes(n)) throw new UsageError(`--only: no group '${n}' (groups: ${BENCH_GROUPS.join(', ')})`);
  }
  return BENCH_GROUPS.filter((g) => names.includes(g));
}

export const benchCommand: Command = {
  usage: '[--iterations N] [--runs N] [--only GROUP,...] [--json] [--check]',
  options: {
    json: { type: 'boolean', help: 'print the rows as JSON' },
    check: { type: 'boolean', help: 'exit 1 when a ratio is below its target or a final state differs from the peer\'s' },
    iterations: { type: 'string', valueName: 'N', help: 'integer-loop iterations (10 instructions each; default 20000000)' },
    runs: { type: 'string', valueName: 'N', help: 'runs per runner, best is reported (default 5)' },
    only: { type: 'string', valueName: 'GROUP,...', help: `run only these groups of rows: ${BENCH_GROUPS.join(', ')} (default: all)` },
  },
  positionals: [0, 0],
  async run(args, io) {
    const count = (name: string, fallback: number): number => {
      const text = stringOption(args, name);
      if (text === undefined) return fallback;
      if (!/^[1-9][0-9]{0,9}$/.test(text) || Number(text) > 400_000_000) throw new UsageError(`--${name} wants a whole number from 1 to 400000000, got '${text}'`);
      return Number(text);
    };
    const runs = count('runs', 5);
    const groups = selectedGroups(stringOption(args, 'only'));
    const rows: BenchRow[] = [];
    for (const group of groups) rows.push(...await GROUP_ROWS[group](runs, count('iterations', 20_000_000)));
    const problems = rows.map((r) => rowProblem(r)).filter((p): p is string => p !== undefined);
    if (flag(args, 'json')) io.out(JSON.stringify({ runs, rows, belowTarget: problems.length }, null, 2) + '\n');
    else io.out(formatRows(rows));
    return flag(args, 'check') && problems.length > 0 ? EXIT_CHECK_FAILED : EXIT_OK;
  },
};
