// Owns what the tests need from the machine and getting it before any test runs (`npm test`
// runs this first, as its pretest step): the oracles (GNU binutils, gcc -m32, qemu-i386,
// gdb, the decompressors), Neovim for the README's editor set-up, Chromium and ripgrep for
// the end-to-end suite, then, in the cache folder (toolchain/cache.ts), the distribution
// kernel package (its vDSO is the tests' real one), code-server (.ci/install-vscode) and a
// Neovim 0.10 (.ci/install-neovim; the one requirement whose failure only skips its test).
// What is missing is installed, once, where it can be: Debian packages as root with
// apt-get, the cache's contents as anyone. Where it cannot (not root, no apt-get), it stops
// at once with one line naming what is missing and the command that installs it, and exit
// status 1.
import { spawnSync, type SpawnSyncOptions } from 'node:child_process';
import { accessSync, constants, existsSync } from 'node:fs';
import { delimiter, join, resolve } from 'node:path';
import { CACHE_ENV, cacheDir } from '../toolchain/cache';
import { DistroKernelUnavailable, fetchKernelImage } from '../toolchain/capture/distro-kernel';

/** One thing the tests need from the machine, and the Debian package that brings it. */
interface Requirement {
  /** How the line names it. */
  readonly what: string;
  readonly apt: string;
  /** True when it is there (`path` is the PATH to search). */
  have(path: string): boolean;
}

function onPath(command: string): (path: string) => boolean {
  return (path) =>
    path.split(delimiter).some((dir) => {
      if (!dir) return false;
      try {
        accessSync(join(dir, command), constants.X_OK);
        return true;
      } catch {
        return false;
      }
    });
}

function tool(command: string, apt: string): Requirement {
  return { what: command, apt, have: onPath(command) };
}

/** gcc -m32 preprocesses a libc header: the 32-bit headers (gcc-multilib) are there. */
function gccM32(path: string): boolean {
  if (!onPath('gcc')(path)) return false;
  const r = spawnSync('gcc', ['-m32', '-E', '-x', 'c', '-', '-o', '/dev/null'], { input: '#include <stdio.h>\n', env: { ...process.env, PATH: path }, stdio: ['pipe', 'ignore', 'ignore'] });
  return r.status === 0;
}

export const REQUIREMENTS: readonly Requirement[] = [
  tool('as', 'binutils'),
  tool('ld', 'binutils'),
  tool('objdump', 'binutils'),
  tool('readelf', 'binutils'),
  tool('gcc', 'gcc'),
  { what: 'gcc -m32', apt: 'gcc-multilib', have: gccM32 },
  tool('qemu-i386', 'qemu-user'),
  tool('gdb', 'gdb'),
  tool('lz4', 'lz4'),
  tool('gzip', 'gzip'),
  tool('xz', 'xz-utils'),
  tool('zstd', 'zstd'),
  tool('bzip2', 'bzip2'),
  tool('nvim', 'neovim'),
  tool('chromium', 'chromium'),
  tool('rg', 'ripgrep'),
  { what: 'gssapi/gssapi.h', apt: 'libkrb5-dev', have: () => existsSync('/usr/include/gssapi/gssapi.h') },
];

export interface Outcome {
  readonly ok: boolean;
  /** The lines printed (one when it failed). */
  readonly lines: readonly string[];
}

function unique(items: readonly string[]): string[] {
  return [...new Set(items)];
}

function missingOf(path: string): Requirement[] {
  return REQUIREMENTS.filter((r) => !r.have(path));
}

function described(missing: readonly Requirement[]): string {
  return missing.map((r) => `${r.what} (${r.apt})`).join(', ');
}

function installCommand(packages: readonly string[]): string {
  return `apt-get update && apt-get install -y --no-install-recommends ${packages.join(' ')}`;
}

/** Installs Debian packages; true when apt-get said so. */
function aptInstall(packages: readonly string[], say: (line: string) => void): boolean {
  say(`vdso-lab tests: installing ${packages.join(' ')} (once)`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const quiet: SpawnSyncOptions = { stdio: ['ignore', 'ignore', 'inherit'], env };
  spawnSync('apt-get', ['update', '-q'], quiet);
  return spawnSync('apt-get', ['install', '-y', '-q', '--no-install-recommends', ...packages], quiet).status === 0;
}

/**
 * Checks, and installs what it can. `env` is the environment (PATH, the cache variables);
 * `root` whether this process may install Debian packages.
 */
export function ensurePrerequisites(options: { env: NodeJS.ProcessEnv; root: boolean; repo: string; say: (line: string) => void }): Outcome {
  const { env, root, repo, say } = options;
  const lines: string[] = [];
  const print = (line: string): void => {
    lines.push(line);
    say(line);
  };
  const path = env.PATH ?? '';
  let missing = missingOf(path);
  const hasApt = onPath('apt-get')(path);
  if (missing.length && root && hasApt) {
    aptInstall(unique(missing.map((r) => r.apt)), print);
    missing = missingOf(path);
  }
  if (missing.length) {
    const packages = unique(missing.map((r) => r.apt));
    const how = !hasApt
      ? `this host has no apt-get: install the equivalents of Debian's ${packages.join(' ')}`
      : root
        ? `apt-get could not install them: run ${installCommand(packages)}`
        : `install them as root with: ${installCommand(packages)} (or run npm test as root: it installs them)`;
    print(`vdso-lab tests: missing ${described(missing)}; ${how}`);
    return { ok: false, lines };
  }
  const cache = cacheDir(env);
  try {
    fetchKernelImage(print, cache);
  } catch (e) {
    if (!(e instanceof DistroKernelUnavailable)) throw e;
    print(`vdso-lab tests: no distribution kernel package in ${cache}: ${e.message}`);
    return { ok: false, lines };
  }
  // .ci/install-vscode knows the version and returns at once when it is installed.
  const codeServer = join(cache, 'code-server');
  if (!existsSync(join(codeServer, 'node_modules', '.bin', 'code-server'))) print(`vdso-lab tests: installing code-server for the end-to-end suite into ${codeServer} (once)`);
  {
    const r = spawnSync('bash', [join(repo, '.ci', 'install-vscode')], { cwd: repo, env: { ...env, [CACHE_ENV]: cache }, stdio: ['ignore', 'ignore', 'inherit'] });
    if (r.status !== 0) {
      print(`vdso-lab tests: code-server could not be installed into ${codeServer}: run VDSO_LAB_CACHE=${cache} bash .ci/install-vscode to see why`);
      return { ok: false, lines };
    }
  }
  // A Neovim 0.10 for the README's newer set-up: an extra (Debian 12's nvim runs the older
  // one), so where Debian 13's packages cannot be had, its test says so and skips.
  const neovim = join(cache, 'neovim');
  if (!existsSync(join(neovim, 'bin', 'nvim'))) print(`vdso-lab tests: installing Neovim 0.10 from Debian 13's packages into ${neovim} (once)`);
  {
    const r = spawnSync('bash', [join(repo, '.ci', 'install-neovim')], { cwd: repo, env: { ...env, [CACHE_ENV]: cache }, stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
    if (r.status !== 0) print(`vdso-lab tests: no Neovim 0.10 in ${neovim} (its README set-up test will skip): ${(r.stderr ?? '').trim().split('\n').pop() ?? ''}`);
  }
  return { ok: true, lines };
}

/** As `npm test`'s pretest step (out/prerequisites.js calls it): exit status 1 with the one line when something is missing. */
export function main(): void {
  const repo = resolve(__dirname, '..');
  const root = typeof process.getuid === 'function' && process.getuid() === 0;
  const outcome = ensurePrerequisites({ env: process.env, root, repo, say: (line) => process.stderr.write(`${line}\n`) });
  process.exitCode = outcome.ok ? 0 : 1;
}
