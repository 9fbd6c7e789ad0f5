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
  const names = ['as', 'ld', 'objdump', 'readelf', 'gcc', 'qemu-i386', 'gdb', 'lz4', 'gzip', 'xz', 'zstd', 'bzip2', 'nvim', 'chromium', 'rg', 'sh', 'bash'].filter((n) => !left.includes(n));
  // One shell looks them all up: a line "NAME PATH" for each one PATH has.
  const found = spawnSync('sh', ['-c', 'for n do p=$(command -v "$n") && printf "%s %s\\n" "$n" "$p"; done', 'sh', ...names], { encoding: 'utf8' }).stdout;
  for (const line of found.split('\n').filter(Boolean)) {
    const space = line.indexOf(' ');
    symlinkSync(line.slice(space + 1), join(bin, line.slice(0, space)));
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
  // One dpkg-query for them all: a line "PACKAGE STATUS" for each one it knows.
  const packages = [...new Set(REQUIREMENTS.map((r) => r.apt))];
  const lines = spawnSync('dpkg-query', ['-W', '-f', '${Package} ${Status}\\n', ...packages], { encoding: 'utf8' }).stdout.split('\n');
  const status = new Map(lines.filter(Boolean).map((l) => [l.slice(0, l.indexOf(' ')), l.slice(l.indexOf(' ') + 1)]));
  for (const r of REQUIREMENTS) assert.equal(status.get(r.apt), 'install ok installed', `${r.apt} is installed (npm test's first step saw to it)`);
});
