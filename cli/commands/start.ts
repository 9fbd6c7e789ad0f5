// `vdso-lab start` (what `npm start` runs): the main job on the shipped defaults. For now:
// get a real 32-bit vDSO (this host's, or the distro kernel's where the host cannot run
// i386 programs) and print its exported symbols and its unwind table.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { runCli } from '../run-cli';
import { EXIT_OK, type CliIo, type Command } from '../command';

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
  summary: "the main job: this machine's 32-bit vDSO, its symbols and its unwind table",
  usage: '',
  options: {},
  positionals: [0, 0],
  async run(_args, io) {
    const cache = join(projectRoot(), '.vdso-lab-cache');
    mkdirSync(cache, { recursive: true });
    const vdso = await obtainVdso(io, cache);
    if (!vdso) return 2;
    io.out(`vDSO from ${vdso.source}: ${vdso.path}\n\n`);
    const symbols = await runCli(['symbols', vdso.path], io);
    io.out('\n');
    const frames = await runCli(['frames', '--interp', vdso.path], io);
    return Math.max(symbols, frames);
  },
};
