// npm test's first step (scripts/prerequisites.ts) as a user who cannot install anything:
// run for real as an unprivileged user (setpriv, where this runs as root) with a PATH that
// has every tool the tests need but qemu-i386, it stops before anything else (no apt-get run,
// nothing written to the cache folder), with exactly one line naming qemu-i386, its Debian
// package and the command installing it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { REQUIREMENTS } from '../../scripts/prerequisites';
import { scratch } from '../support/oracles';

/**
 * A folder of links to what the real PATH has, for every name but those left out, and an
 * apt-get that only records its arguments in `aptLog`.
 */
function pathWithout(left: readonly string[], aptLog: string): string {
  const top = scratch('vdso-lab-prereq-');
  chmodSync(top, 0o755);
  const bin = join(top, 'bin');
  mkdirSync(bin, { mode: 0o755 });
  const names = ['as', 'ld', 'objdump', 'readelf', 'gcc', 'qemu-i386', 'gdb', 'lz4', 'gzip', 'xz', 'zstd', 'bzip2', 'nvim', 'chromium', 'rg', 'sh', 'bash'];
  for (const name of names) {
    if (left.includes(name)) continue;
    const found = spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' }).stdout.trim();
    if (found) symlinkSync(found, join(bin, name));
  }
  writeFileSync(join(bin, 'apt-get'), `#!/bin/sh\necho "$*" >> '${aptLog}'\nexit 100\n`, { mode: 0o755 });
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
  // Where the script, as whichever user runs it, could write what it must not.
  const open = scratch('vdso-lab-prereq-open-');
  chmodSync(open, 0o777);
  const aptLog = join(open, 'apt-get.log');
  const cache = join(open, 'cache');
  const env = { PATH: pathWithout(['qemu-i386'], aptLog), XDG_CACHE_HOME: cache, HOME: dir };
  const asRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  // Not root for real: setpriv drops to nobody; a non-root runner already is a user.
  const command = asRoot ? ['/usr/bin/setpriv', '--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, script] : [process.execPath, script];
  const r = spawnSync(command[0]!, command.slice(1), { env, encoding: 'utf8', timeout: 30_000 });
  assert.equal(r.status, 1, r.stderr);
  assert.equal(r.stdout, '');
  const lines = r.stderr.split('\n').filter(Boolean);
  assert.equal(lines.length, 1, r.stderr);
  assert.equal(lines[0], 'vdso-lab tests: missing qemu-i386 (qemu-user); install them as root with: apt-get update && apt-get install -y --no-install-recommends qemu-user (or run npm test as root: it installs them)');
  assert.equal(existsSync(aptLog), false, 'apt-get was not run');
  assert.equal(existsSync(cache), false, 'nothing was fetched into the cache folder');
});

test('each requirement names a Debian package that dpkg lists as installed (the first step installs by these names)', () => {
  for (const r of REQUIREMENTS) {
    const status = spawnSync('dpkg-query', ['-W', '-f', '${Status}', r.apt], { encoding: 'utf8' });
    assert.equal(status.stdout, 'install ok installed', `${r.apt} is installed (npm test's first step saw to it)`);
  }
});
