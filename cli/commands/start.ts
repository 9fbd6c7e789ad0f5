// `vdso-lab start` (what `npm start` runs): the main job on the shipped defaults. First the
// contract-check matrix over the shipped designs with each distinct failure once (--verbose:
// every failed check of every configuration); then one vsyscall of the upstream design
// (intel, compat64) stepped instruction by instruction with the registers each instruction
// changed and the stack unwound by the stub's CFI (the mapped image is saved so that its
// disassembly can be compared with objdump); last a real 32-bit vDSO (this host's, or the
// distribution kernel's where the host cannot run i386 programs: --vdso host's choice): its
// exported symbols and its unwind table. What it saves goes into the cache folder.
import { mkdirSync } from 'node:fs';
import { writeOutputFile } from '../output-file';
import { join } from 'node:path';
import { runCli } from '../run-cli';
import { EXIT_CHECK_FAILED, EXIT_OK, flag, type CliIo, type Command } from '../command';
import { failedChecks } from '../../emulator/check/matrix';
import { checkMatrix } from '../check-jobs';
import { designSubject } from '../../emulator/check/subject';
import { formatMatrix } from '../../emulator/check/format';
import { Session } from '../../emulator/check/session';
import { formatTrace, traceCall } from '../../emulator/check/step-trace';
import { hostVdso } from '../../toolchain/designs/vdso-spec';
import { cacheDir } from '../../toolchain/cache';

/** Steps one upstream vsyscall (intel, compat64) and prints it; saves the mapped image to `imagePath`. */
function stepUpstream(io: CliIo, imagePath: string): void {
  const subject = designSubject('upstream');
  const session = new Session({ image: subject.image('intel', 'compat64'), abi: 'upstream', cpu: 'intel', kernel: 'compat64', caller: 'sysinfo' });
  writeOutputFile(imagePath, imagePath, session.vdso.image);
  session.prepare('call');
  io.out(`One vsyscall of the upstream design on intel/compat64, vDSO at ${'0x' + session.vdso.base.toString(16)} (image as mapped: ${imagePath}),\n`);
  io.out('called through AT_SYSINFO with eax = the test call, ebx..ebp = 0x10000001..0x60000006:\n\n');
  io.out(formatTrace(session, traceCall(session)));
}

/** A real vDSO for the last part: the running kernel's (saved into the cache), else the distribution kernel's. */
function obtainVdso(io: CliIo, cache: string): { path: string; source: string } {
  const vdso = hostVdso((line) => io.out(`${line}
`));
  if (vdso.source === 'distribution kernel') return { path: vdso.name, source: 'the distribution kernel' };
  const path = join(cache, 'host-vdso32.so');
  writeOutputFile(path, path, vdso.bytes);
  return { path, source: "this host's running kernel" };
}

export const startCommand: Command = {
  details:
    'Prints the matrix, then each distinct failure once with the configurations it appears in\n' +
    '(--verbose: every failed check of every configuration), then one upstream vsyscall stepped\n' +
    'into the kernel model and back, then a real vDSO\'s symbols and unwind table.',
  usage: '[--verbose]',
  options: {
    verbose: { type: 'boolean', help: 'every failed check of every configuration, as vdso-lab check prints them' },
  },
  positionals: [0, 0],
  async run(args, io) {
    const cache = cacheDir();
    mkdirSync(cache, { recursive: true });
    const results = await checkMatrix({ spec: undefined, abi: undefined, cwd: io.cwd, cpus: undefined, kernels: undefined });
    io.out(formatMatrix(results, { details: flag(args, 'verbose') }));
    io.out('\n');
    stepUpstream(io, join(cache, 'upstream-intel-compat64.so'));
    io.out('\n');
    const vdso = obtainVdso(io, cache);
    io.out(`vDSO from ${vdso.source}: ${vdso.path}\n\n`);
    const symbols = await runCli(['symbols', vdso.path], io);
    io.out('\n');
    const frames = await runCli(['frames', '--interp', vdso.path], io);
    // The shipped legacy and proposal designs fail checks on purpose (history, the mail's defects).
    const unexpected = failedChecks(results.filter((r) => r.subject === 'upstream' || r.subject === 'auxv')).length > 0;
    return Math.max(symbols, frames, unexpected ? EXIT_CHECK_FAILED : EXIT_OK);
  },
};
