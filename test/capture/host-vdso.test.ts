// --vdso host from any folder: the cache folder's place (one per user, overridable), the
// vDSO `host` resolves to on a host whose own vDSO can be captured and on one that cannot
// (no 32-bit compat mode: the distribution kernel's, from the cache), each said in one line,
// and `vdso-lab run --vdso host` started from / behaving as qemu-i386 says the program does.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { cacheDir } from '../../toolchain/cache';
import { CaptureFailure } from '../../toolchain/capture/running';
import { hostVdso } from '../../toolchain/designs/vdso-spec';
import { buildC, hostRunsI386, readelf } from '../support/oracles';
import { realVdso } from '../support/real-vdso';

const HELLO = '#include <stdio.h>\nint main(int argc, char **argv) { printf("hello from %s, %d args\\n", argv[0], argc); return 7; }\n';

test('the cache folder: VDSO_LAB_CACHE, else an absolute XDG_CACHE_HOME/vdso-lab, else ~/.cache/vdso-lab', () => {
  assert.equal(cacheDir({ VDSO_LAB_CACHE: '/srv/c', XDG_CACHE_HOME: '/x' }, '/home/u'), '/srv/c');
  assert.equal(cacheDir({ XDG_CACHE_HOME: '/x' }, '/home/u'), '/x/vdso-lab');
  assert.equal(cacheDir({ XDG_CACHE_HOME: 'relative' }, '/home/u'), '/home/u/.cache/vdso-lab', 'a relative XDG_CACHE_HOME is ignored, as the XDG spec says');
  assert.equal(cacheDir({}, '/home/u'), '/home/u/.cache/vdso-lab');
});

test('--vdso host where the running kernel\'s vDSO cannot be captured: the distribution kernel\'s, from the cache, said in one line', () => {
  const notes: string[] = [];
  const why = 'this host cannot run i386 programs (execve: Exec format error; a kernel without 32-bit compat support)';
  const got = hostVdso((l) => notes.push(l), () => { throw new CaptureFailure(`${why}: extract the vDSO from a kernel image with --kernel-image VMLINUZ`); });
  assert.equal(got.source, 'distribution kernel');
  const expected = realVdso();
  assert.equal(got.name, expected.path);
  assert.deepEqual(notes, [`--vdso host: cannot capture the running kernel's vDSO (${why}); using the distribution kernel's, ${expected.path} instead`]);
  // readelf, the oracle, on the file the line names: an i386 vDSO exporting __kernel_vsyscall.
  assert.match(readelf(['-h', got.name]), /Machine:\s+Intel 80386/);
  assert.match(readelf(['--dyn-syms', '-W', got.name]), / __kernel_vsyscall@@LINUX_2\.5$/m);
});

test('cd / && vdso-lab run --vdso host PROGRAM: the program runs as under qemu-i386, and one line says which vDSO', () => {
  const prog = buildC('hello', HELLO, ['-static', '-O2']);
  const r = spawnSync(process.execPath, [resolve('dist/cli.js'), 'run', '--vdso', 'host', prog, '--', 'a', 'b'], { cwd: '/', encoding: 'utf8' });
  const q = spawnSync('qemu-i386', [prog, 'a', 'b'], { encoding: 'utf8' });
  assert.equal(r.status, q.status, r.stderr);
  assert.equal(r.stdout.replace(prog, '/hello'), q.stdout.replace(prog, '/hello'));
  // Sites the host's processor patched with features the model lacks (rdtscp, rdpid) get a line of their own.
  const lines = r.stderr.split('\n').filter((l) => l && !/^vdso-lab run: host: patched by the running kernel for its own processor; /.test(l));
  assert.equal(lines.length, 1, r.stderr);
  assert.match(lines[0]!, hostRunsI386()
    ? /^vdso-lab run: --vdso host: the running kernel's vDSO \(captured by the i386 capture program\)$/
    : /^vdso-lab run: --vdso host: cannot capture the running kernel's vDSO \(.*\); using the distribution kernel's, \S+vdso32-\S+\.so instead$/);
});
