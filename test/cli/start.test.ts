// `vdso-lab start` (npm start): it names the vDSO it used, and what it prints of it is what
// readelf says of the same file (the unwind table as frames-interp, the exported symbols).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { readelf } from '../support/oracles';

test('npm start prints a real vDSO: its dynamic symbols and readelf-identical unwind table', () => {
  const r = spawnSync(process.execPath, [resolve('dist/cli.js'), 'start'], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const m = /^vDSO from (.*): (\S+)$/m.exec(r.stdout);
  assert.ok(m, `names the vDSO it used:\n${r.stdout.slice(0, 400)}`);
  const file = m[2]!;
  const interp = readelf(['--debug-dump=frames-interp', file]);
  assert.ok(r.stdout.endsWith(interp), 'the unwind table is readelf --debug-dump=frames-interp, line for line');
  const dynsyms = readelf(['--dyn-syms', '-W', file]);
  for (const name of ['__kernel_vsyscall', '__kernel_sigreturn', '__kernel_rt_sigreturn']) {
    const line = dynsyms.split('\n').find((l) => l.includes(` ${name}@`));
    assert.ok(line, `${name} is exported`);
    const [, value, size] = line.trim().split(/\s+/);
    assert.match(r.stdout, new RegExp(`^${value}\\s+${Number(size)}\\s+FUNC\\s+GLOBAL\\s+DEFAULT\\s+\\.text\\s+${name}@@LINUX_2\\.5$`, 'm'));
  }
});
