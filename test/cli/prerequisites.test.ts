// npm test's first step (scripts/prerequisites.ts) as a user who cannot install anything:
// run for real as an unprivileged user (setpriv, where this runs as root) with a PATH that
// has every tool the tests need but qemu-i386, it stops in under 10 s, before anything else,
// with exactly one line naming qemu-i386, its Debian package and the command installing it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, symlinkSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { REQUIREMENTS } from '../../scripts/prerequisites';
import { scratch } from '../support/oracles';

/** A folder of links to what the real PATH has, for every name but those left out. */
function pathWithout(left: readonly string[]): string {
  const top = scratch('vdso-lab-prereq-');
  chmodSync(top, 0o755);
  const bin = join(top, 'bin');
  mkdirSync(bin, { mode: 0o755 });
  const names = ['as', 'ld', 'objdump', 'readelf', 'gcc', 'qemu-i386', 'gdb', 'lz4', 'gzip', 'xz', 'zstd', 'bzip2', 'nvim', 'chromium', 'rg', 'apt-get', 'sh', 'bash'];
  for (const name of names) {
    if (left.includes(name)) continue;
    const found = spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' }).stdout.trim();
    if (found) symlinkSync(found, join(bin, name));
  }
  return bin;
}

test('as a user who cannot install: no qemu-i386 on PATH stops the tests at once with one line naming it and its install command', () => {
  // The bundle npm test runs first, copied where any user can read it.
  const dir = scratch('vdso-lab-prereq-run-');
  chmodSync(dir, 0o755);
  const script = join(dir, 'prerequisites.js');
  spawnSync(process.execPath, [resolve('scripts/build.mjs'), '--prerequisites'], { stdio: 'ignore' });
  copyFileSync(resolve('out/prerequisites.js'), script);
  chmodSync(script, 0o644);
  const env = { PATH: pathWithout(['qemu-i386']), XDG_CACHE_HOME: join(dir, 'cache'), HOME: dir };
  const asRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  // Not root for real: setpriv drops to nobody; a non-root runner already is a user.
  const command = asRoot ? ['/usr/bin/setpriv', '--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, script] : [process.execPath, script];
  const started = Date.now();
  const r = spawnSync(command[0]!, command.slice(1), { env, encoding: 'utf8', timeout: 30_000 });
  const seconds = (Date.now() - started) / 1000;
  assert.equal(r.status, 1, r.stderr);
  assert.equal(r.stdout, '');
  const lines = r.stderr.split('\n').filter(Boolean);
  assert.equal(lines.length, 1, r.stderr);
  assert.equal(lines[0], 'vdso-lab tests: missing qemu-i386 (qemu-user); install them as root with: apt-get update && apt-get install -y --no-install-recommends qemu-user (or run npm test as root: it installs them)');
  assert.ok(seconds < 10, `stopped in ${seconds} s`);
});

test('each requirement names a Debian package that dpkg lists as installed (the first step installs by these names)', () => {
  for (const r of REQUIREMENTS) {
    const status = spawnSync('dpkg-query', ['-W', '-f', '${Status}', r.apt], { encoding: 'utf8' });
    assert.equal(status.stdout, 'install ok installed', `${r.apt} is installed (npm test's first step saw to it)`);
  }
});
