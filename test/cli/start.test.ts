// `vdso-lab start` (npm start): the check matrix of the shipped designs (upstream and auxv
// pass everything), one upstream vsyscall stepped whose disassembly is objdump's of the same
// mapped image, and a real vDSO whose unwind table and symbols are what readelf says.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { readelf, run } from '../support/oracles';

test('npm start prints a real vDSO: its dynamic symbols and readelf-identical unwind table', () => {
  const r = spawnSync(process.execPath, [resolve('dist/cli.js'), 'start'], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const m = /^vDSO from (.*): (\S+)$/m.exec(r.stdout);
  assert.ok(m, `names the vDSO it used:\n${r.stdout.slice(0, 400)}`);
  const file = m[2]!;
  const matrix = r.stdout.split('\n').filter((l) => /^(legacy|proposal|upstream|auxv)\s+(intel|amd|generic)\s/.test(l));
  assert.equal(matrix.length, 54, 'one row per design, CPU, kernel and caller');
  for (const row of matrix.filter((l) => /^(upstream|auxv)\s/.test(l))) assert.doesNotMatch(row, /FAIL/, row);
  const image = /\(image as mapped: (\S+)\),/.exec(r.stdout);
  assert.ok(image, 'names the stepped image');
  const base = Number(/vDSO at (0x[0-9a-f]+)/.exec(r.stdout)![1]);
  const stepped = [...r.stdout.matchAll(/^0x([0-9a-f]{8}) <__kernel_vsyscall[^>]*>:  (.*?)(?:    ; .*)?$/gm)];
  assert.ok(stepped.length >= 9, 'every instruction of __kernel_vsyscall stepped');
  const dis = run('objdump', ['-d', '-j', '.text', image[1]!]);
  for (const [, addr, text] of stepped) {
    const offset = (parseInt(addr!, 16) - base).toString(16);
    const line = dis.split('\n').find((l) => l.trimStart().startsWith(`${offset}:`));
    assert.ok(line, `objdump has an instruction at ${offset}`);
    assert.equal(line.split('\t')[2]!.trim().replace(/\s+/g, ' '), text!.trim().replace(/\s+/g, ' '), `instruction at ${offset}`);
  }
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
