// The `bench` command: the integer-loop benchmark in the emulator, qemu-i386 and natively,
// side by side in guest MIPS (bench/run-bench.ts), and the assembler's throughput beside
// GNU as on the same source (bench/asm-throughput.ts), and the getpid round trip through
// __kernel_vsyscall in the emulator beside qemu-i386 and native (bench/vsyscall-roundtrip.ts),
// and the language server's latency on a large kernel-style .S (bench/lsp-latency.ts).
import { EXIT_OK, flag, stringOption, UsageError, type Command } from '../command';
import { runBench } from '../../bench/run-bench';
import { runAsmBench } from '../../bench/asm-throughput';
import { runVsyscallBench } from '../../bench/vsyscall-roundtrip';
import { runLspBench } from '../../bench/lsp-latency';

export const benchCommand: Command = {
  name: 'bench',
  summary: 'measure the emulator (guest MIPS; getpid through __kernel_vsyscall), beside qemu-i386 and native, and the assembler beside GNU as',
  usage: '[--iterations N] [--runs N] [--json]',
  options: {
    json: { type: 'boolean', help: 'print the result as JSON' },
    iterations: { type: 'string', valueName: 'N', help: 'loop iterations (10 instructions each; default 20000000)' },
    runs: { type: 'string', valueName: 'N', help: 'runs per runner, best is reported (default 5)' },
  },
  positionals: [0, 0],
  async run(args, io) {
    const count = (name: string, fallback: number): number => {
      const text = stringOption(args, name);
      if (text === undefined) return fallback;
      if (!/^[1-9][0-9]{0,9}$/.test(text) || Number(text) > 400_000_000) throw new UsageError(`--${name} wants a whole number from 1 to 400000000, got '${text}'`);
      return Number(text);
    };
    const result = runBench({ iterations: count('iterations', 20_000_000), runs: count('runs', 5) });
    const asm = runAsmBench({ runs: Math.min(3, count('runs', 5)) });
    const vsyscall = runVsyscallBench({ runs: count('runs', 5) });
    const lsp = runLspBench({ runs: Math.min(3, count('runs', 5)) });
    if (flag(args, 'json')) {
      io.out(JSON.stringify({ cpu: result, assembler: asm, vsyscall, languageServer: lsp }, null, 2) + '\n');
      return EXIT_OK;
    }
    io.out(`integer loop: ${result.instructions} guest instructions, best of ${result.runs} runs\n`);
    for (const line of result.lines) {
      const mips = line.mips === null ? '-' : line.mips.toFixed(0);
      const time = line.bestSeconds === null ? '' : `${line.bestSeconds.toFixed(3)} s`;
      io.out(`${(line.runner + ':').padEnd(11)} ${mips.padStart(7)} MIPS  ${time.padStart(9)}  ${line.note}\n`);
    }
    io.out(`\nassembler: ${(asm.bytes / 1e6).toFixed(2)} MB of GAS source (${asm.lines} lines), best of ${asm.runs} runs\n`);
    for (const line of asm.results) {
      const rate = line.megabytesPerSecond === null ? '-' : line.megabytesPerSecond.toFixed(2);
      const time = line.bestSeconds === null ? '' : `${line.bestSeconds.toFixed(3)} s`;
      io.out(`${(line.assembler + ':').padEnd(11)} ${rate.padStart(7)} MB/s  ${time.padStart(9)}  ${line.note}\n`);
    }
    io.out(`\ngetpid through __kernel_vsyscall, round trip, best of ${count('runs', 5)} runs\n`);
    for (const line of vsyscall) {
      const rate = line.callsPerSecond === null ? '-' : (line.callsPerSecond / 1e3).toFixed(0);
      const ns = line.nsPerCall === null ? '' : `${line.nsPerCall.toFixed(0)} ns/call`;
      io.out(`${(line.runner + ':').padEnd(11)} ${rate.padStart(7)} k/s   ${ns.padStart(13)}  ${line.calls} calls; ${line.note}\n`);
    }
    io.out(`\nlanguage server on a ${lsp.lines}-line kernel-style .S, best of ${Math.min(3, count('runs', 5))} runs\n`);
    for (const line of lsp.results) {
      io.out(`${line.what.padEnd(38)} ${line.bestMs.toFixed(1).padStart(8)} ms  (target ${line.targetMs} ms${line.bestMs <= line.targetMs ? '' : ', MISSED'})\n`);
    }
    return EXIT_OK;
  },
};
