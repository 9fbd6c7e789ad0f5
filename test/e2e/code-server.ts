// Owns the real VS Code of the end-to-end suite: finding the code-server that
// .ci/install-vscode put in the cache folder's code-server/, packaging the extension into a
// .vsix, installing it into a fresh user-data/extensions folder, and starting and stopping
// code-server (its own process group, its own HOME/XDG/TMPDIR) on a free loopback port.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { repoRoot } from '../support/real-vdso';
import { cacheDir } from '../../toolchain/cache';

export const CODE_SERVER_VERSION = '4.100.3';
export const CHROMIUM = '/usr/bin/chromium';

/** The folders of one run: everything code-server and Chromium write goes under `root`. */
export interface RunDirs {
  readonly root: string;
  readonly home: string;
  readonly userData: string;
  readonly extensions: string;
  readonly browserProfile: string;
  readonly screens: string;
  readonly log: string;
}

export function runDirs(root: string): RunDirs {
  const dirs: RunDirs = {
    root,
    home: join(root, 'home'),
    userData: join(root, 'user-data'),
    extensions: join(root, 'extensions'),
    browserProfile: join(root, 'chromium-profile'),
    screens: join(root, 'screens'),
    log: join(root, 'code-server.log'),
  };
  for (const dir of [dirs.home, dirs.userData, dirs.extensions, dirs.browserProfile, dirs.screens]) mkdirSync(dir, { recursive: true });
  for (const sub of ['.config', '.cache', '.local/share', 'tmp']) mkdirSync(join(dirs.home, sub), { recursive: true });
  return dirs;
}

/**
 * The environment for code-server and Chromium: this process's, with HOME, XDG_* and TMPDIR
 * inside the run folder, and without VSCODE_* variables (inside a VS Code terminal they would
 * make code-server hand its arguments to that instance instead).
 */
export function isolatedEnv(dirs: RunDirs): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('VSCODE_')) env[k] = v;
  return {
    ...env,
    HOME: dirs.home,
    XDG_CONFIG_HOME: join(dirs.home, '.config'),
    XDG_CACHE_HOME: join(dirs.home, '.cache'),
    XDG_DATA_HOME: join(dirs.home, '.local/share'),
    TMPDIR: join(dirs.home, 'tmp'),
  };
}

/** code-server's launcher; throws naming .ci/install-vscode when it (or Chromium) is missing. */
export function codeServerBinary(): string {
  const prefix = join(cacheDir(), 'code-server');
  const bin = join(prefix, 'node_modules', '.bin', 'code-server');
  const manifest = join(prefix, 'node_modules', 'code-server', 'package.json');
  if (!existsSync(bin) || !existsSync(manifest)) {
    throw new Error(`code-server ${CODE_SERVER_VERSION} is not installed in ${prefix}: run npm test (its first step installs it) or VDSO_LAB_CACHE=${cacheDir()} bash .ci/install-vscode`);
  }
  const version = (JSON.parse(readFileSync(manifest, 'utf8')) as { version?: string }).version;
  if (version !== CODE_SERVER_VERSION) {
    throw new Error(`${prefix} holds code-server ${version}, not ${CODE_SERVER_VERSION}: run .ci/install-vscode`);
  }
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: run .ci/install-vscode (it installs Debian's chromium)`);
  return bin;
}

/** Runs a short command to completion within `timeoutMs`; throws with its output on failure. */
function runBounded(tool: string, args: readonly string[], options: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs: number }): string {
  const r = spawnSync(tool, args, { cwd: options.cwd, env: options.env, encoding: 'utf8', timeout: options.timeoutMs, killSignal: 'SIGKILL' });
  if (r.error) throw new Error(`${tool} ${args.join(' ')}: ${r.error.message}`);
  if (r.status !== 0) throw new Error(`${tool} ${args.join(' ')} failed (${r.status ?? r.signal}):\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

/** Packages the already-built bundles (dist/) into `<dir>/vdso-lab.vsix` with the project's vsce. */
export function packageExtension(dir: string): string {
  const root = repoRoot();
  for (const bundle of ['dist/extension.js', 'dist/language-server.js', 'dist/cli.js']) {
    if (!existsSync(join(root, bundle))) throw new Error(`${bundle} is missing: build the bundles first (node scripts/build.mjs, as npm test does)`);
  }
  const vsix = join(dir, 'vdso-lab.vsix');
  runBounded(join(root, 'node_modules', '.bin', 'vsce'), ['package', '--allow-missing-repository', '--no-rewrite-relative-links', '-o', vsix], { cwd: root, timeoutMs: 60_000 });
  return vsix;
}

/** User settings that keep the workbench quiet and offline (no gallery, no telemetry, no tips). */
const SETTINGS = {
  'extensions.ignoreRecommendations': true,
  'extensions.autoUpdate': false,
  'extensions.autoCheckUpdates': false,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'security.workspace.trust.enabled': false,
  'chat.disableAIFeatures': true,
};

/** Installs the .vsix into the run's own extensions folder and writes its user settings. */
export function installExtension(bin: string, dirs: RunDirs, vsix: string): void {
  const settings = join(dirs.userData, 'User', 'settings.json');
  mkdirSync(join(dirs.userData, 'User'), { recursive: true });
  writeFileSync(settings, JSON.stringify(SETTINGS, null, 2));
  const config = join(dirs.root, 'code-server.yaml');
  writeFileSync(config, 'auth: none\ncert: false\n');
  const out = runBounded(bin, ['--config', config, '--user-data-dir', dirs.userData, '--extensions-dir', dirs.extensions, '--install-extension', vsix], {
    env: isolatedEnv(dirs),
    timeoutMs: 60_000,
  });
  if (!/successfully installed/i.test(out)) throw new Error(`code-server --install-extension ${vsix} printed no success:\n${out}`);
}

export function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => (port ? done(port) : fail(new Error('no free loopback port'))));
    });
  });
}

export interface CodeServer {
  readonly url: string;
  /** The last lines code-server printed, for failure reports. */
  logTail(lines?: number): string;
  /** SIGTERM to the whole process group, SIGKILL after `graceMs`; resolves when the leader exits. */
  stop(graceMs?: number): Promise<void>;
}

function exited(child: ChildProcess): Promise<void> {
  return new Promise((done) => {
    if (child.exitCode !== null || child.signalCode !== null) done();
    else child.once('exit', () => done());
  });
}

function killGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ESRCH') throw e;
  }
}

async function healthy(url: string, deadline: number, child: ChildProcess, log: () => string): Promise<void> {
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`code-server exited (${child.exitCode ?? child.signalCode}) before it served:\n${log()}`);
    try {
      const r = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(2_000) });
      if (r.ok) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`code-server did not answer ${url}/healthz in time:\n${log()}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Starts code-server in its own process group (the `setsid` of docs/testing.md) and waits for /healthz. */
export async function startCodeServer(bin: string, dirs: RunDirs, timeoutMs = 30_000): Promise<CodeServer> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const config = join(dirs.root, 'code-server.yaml');
  const args = [
    '--config', config,
    '--user-data-dir', dirs.userData,
    '--extensions-dir', dirs.extensions,
    '--bind-addr', `127.0.0.1:${port}`,
    '--auth', 'none',
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-workspace-trust',
    '--disable-getting-started-override',
  ];
  const logStream = createWriteStream(dirs.log);
  const child = spawn(bin, args, { env: isolatedEnv(dirs), detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout!.pipe(logStream);
  child.stderr!.pipe(logStream);
  const pgid = child.pid;
  if (pgid === undefined) throw new Error(`could not start ${bin}`);
  const logTail = (lines = 40): string => {
    const text = existsSync(dirs.log) ? readFileSync(dirs.log, 'utf8') : '';
    return text.split('\n').slice(-lines).join('\n');
  };
  const stop = async (graceMs = 5_000): Promise<void> => {
    killGroup(pgid, 'SIGTERM');
    const timer = new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), graceMs).unref());
    if ((await Promise.race([exited(child), timer])) === 'timeout') killGroup(pgid, 'SIGKILL');
    await exited(child);
    killGroup(pgid, 'SIGKILL'); // children the leader left behind (file watchers)
    logStream.end();
  };
  try {
    await healthy(url, Date.now() + timeoutMs, child, logTail);
  } catch (e) {
    await stop(1_000);
    throw e;
  }
  return { url, logTail, stop };
}
