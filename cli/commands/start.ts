// `vdso-lab start` (what `npm start` runs): the main job on the shipped defaults. First the
// contract-check matrix over the shipped designs; then one vsyscall of the upstream design
// (intel, compat64) stepped instruction by instruction with the registers each instruction
// changed and the stack unwound by the stub's CFI (the mapped image is saved so that its
// disassembly can be compared with objdump); last a real 32-bit vDSO (this host's, or the
// distro kernel's where the host cannot run i386 programs): its exported symbols and its
// unwind table.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { writeOutputFile } from '../output-file';
import { basename, join, resolve } from 'node:path';
import { runCli } from '../run-cli';
import { EXIT_CHECK_FAILED, EXIT_OK, type CliIo, type Command } from '../command';
import { failedChecks } from '../../emulator/check/matrix';
import { checkMatrix } from '../check-jobs';
import { designSubject } from '../../emulator/check/subject';
import { formatMatrix } from '../../emulator/check/format';
import { Session } from '../../emulator/check/session';
import { formatTrace, traceCall } from '../../emulator/check/step-trace';

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

/** The repository root (dist/cli.js lives one folder below it). */
function projectRoot(): string {
  return resolve(__dirname, '..');
}

/** A CliIo that keeps what a nested command printed, to show only on failure. */
function quietIo(cwd: string): CliIo & { text: string } {
  const io = { text: '', cwd, out(t: string) { io.text += t; }, err(t: string) { io.text += t; } };
  return io;
}

async function obtainVdso(io: CliIo, cache: string): Promise<{ path: string; source: string } | undefined> {
  const hostCopy = join(cache, 'host-vdso32.so');
  const host = quietIo(io.cwd);
  if ((await runCli(['capture-host', '-o', hostCopy], host)) === EXIT_OK) {
    return { path: hostCopy, source: "this host's running kernel" };
  }
  io.out(`${host.text.trim()}\n`);
  const fetch = spawnSync('bash', [join(projectRoot(), 'scripts/fetch-kernel-image.sh')], { encoding: 'utf8' });
  if (fetch.status !== 0) {
    io.err(`vdso-lab start: no vDSO: ${fetch.stderr.trim() || 'the distro kernel image could not be fetched'}\n`);
    return undefined;
  }
  const image = resolve(projectRoot(), fetch.stdout.trim());
  const out = join(cache, `${basename(image).replace(/^vmlinuz-/, 'vdso32-')}.so`);
  const extract = quietIo(io.cwd);
  if (!existsSync(out) && (await runCli(['capture-host', '--kernel-image', image, '-o', out], extract)) !== EXIT_OK) {
    io.err(extract.text);
    return undefined;
  }
  return { path: out, source: `the distro kernel image ${image}` };
}

export const startCommand: Command = {
  name: 'start',
  summary: 'the main job: the check matrix of the shipped designs, one vsyscall stepped, a real vDSO',
  usage: '',
  options: {},
  positionals: [0, 0],
  async run(_args, io) {
    const cache = join(projectRoot(), '.vdso-lab-cache');
    mkdirSync(cache, { recursive: true });
    const results = await checkMatrix({ spec: undefined, abi: undefined, cwd: io.cwd, cpus: undefined, kernels: undefined });
    io.out(formatMatrix(results));
    io.out('\n');
    stepUpstream(io, join(cache, 'upstream-intel-compat64.so'));
    io.out('\n');
    const vdso = await obtainVdso(io, cache);
    if (!vdso) return 2;
    io.out(`vDSO from ${vdso.source}: ${vdso.path}\n\n`);
    const symbols = await runCli(['symbols', vdso.path], io);
    io.out('\n');
    const frames = await runCli(['frames', '--interp', vdso.path], io);
    // The shipped legacy and proposal designs fail checks on purpose (history, the mail's defects).
    const unexpected = failedChecks(results.filter((r) => r.subject === 'upstream' || r.subject === 'auxv')).length > 0;
    return Math.max(symbols, frames, unexpected ? EXIT_CHECK_FAILED : EXIT_OK);
  },
};
