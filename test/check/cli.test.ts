// `vdso-lab check`: the matrix for a design, exit 0 when everything passes and 1 when a
// check fails (a broken .S, with the failure's file:line), --json, and status 2 for bad usage.
// What a command prints runs through test/cli/invoke.ts (in process at a quick scale); the
// --jobs comparison spawns dist/cli.js, whose worker bundle lies beside it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { writeBrokenStub } from './broken-stubs';
import { cliArgs, vdsoLab } from '../cli/invoke';
import { sampled, TEST_SCALE } from '../support/scale';
import { scratch } from '../support/oracles';

function cli(...args: string[]) {
  return vdsoLab(['check', ...args]);
}

/** `vdso-lab check ARGS` as the bin runs it, with its worker threads. */
function spawned(...args: string[]) {
  return spawnSync(process.execPath, [...cliArgs(), 'check', ...args], { encoding: 'utf8' });
}

test('check --vdso upstream --cpu amd: four rows, all ok, exit 0', async () => {
  const r = await cli('--vdso', 'upstream', '--cpu', 'amd');
  assert.equal(r.status, 0, r.stderr);
  const rows = r.stdout.split('\n').filter((l) => l.startsWith('upstream '));
  assert.equal(rows.length, 4);
  assert.match(rows[0]!, /^upstream\s+amd\s+compat64\s+AT_SYSINFO\s+syscall at __kernel_vsyscall\+0x5(\s+ok){7}$/);
  assert.match(r.stdout, /4 configurations, 28 checks: all pass\n$/);
});

test('check --vdso broken/preserve.S --json: exit 1, the failure with its source line', async () => {
  const stub = writeBrokenStub('preserve');
  const r = await cli('--vdso', stub.path, '--cpu', 'generic', '--kernel', 'native32', '--json');
  assert.equal(r.status, 1, r.stderr);
  const j = JSON.parse(r.stdout);
  assert.deepEqual(j.failed, ['b']);
  const f = j.results[0].cells[0].outcomes[1].findings[0];
  const line = readFileSync(stub.path, 'utf8').split('\n').findIndex((l) => /^\tmovl\t\$0, %esi$/.test(l)) + 1;
  assert.ok(line > 0);
  assert.equal(f.where.source, `${stub.path}:${line}`);
  assert.equal(f.where.symbol, '__kernel_vsyscall+0xc');
});

test('check with a bad --cpu or an unreadable file: one line, exit 2', async () => {
  const a = await cli('--cpu', 'arm');
  assert.equal(a.status, 2);
  assert.match(a.stderr, /--cpu must be all or one of intel, amd, generic/);
  const b = await cli('--vdso', 'no-such.so');
  assert.equal(b.status, 2);
  assert.match(b.stderr, /no-such\.so: no such file$/m);
});

test('check and alternatives on a .S with an assembly error: one line naming file:line:column, exit 2', async () => {
  const dir = scratch('vdso-lab-bad-stub-');
  const path = join(dir, 'bad.S');
  writeFileSync(path, '\t.text\n\t.globl __kernel_vsyscall\n__kernel_vsyscall:\n\tmovl\t%eax\n');
  const gas = spawnSync('as', ['--32', path, '-o', join(dir, 'bad.o')], { encoding: 'utf8' });
  const message = /Error: (.*)/.exec(gas.stderr)?.[1];
  assert.ok(message, `GNU as rejects the line too: ${gas.stderr}`);
  for (const command of ['check', 'alternatives']) {
    const r = await vdsoLab([command, command === 'check' ? '--vdso' : '', path].filter(Boolean));
    assert.equal(r.status, 2, r.stderr);
    assert.equal(r.stderr, `vdso-lab ${command}: ${path}: line 4:2: ${message}\n`);
  }
});

test('check --jobs: worker threads give byte-identical output and status to one thread (four designs on one kernel kind, a .S, a .S that does not build)', async () => {
  assert.ok(existsSync(resolve('dist/check-worker.js')), 'the worker bundle is built beside dist/cli.js');
  const stub = writeBrokenStub('preserve');
  const dir = scratch('vdso-lab-check-jobs-');
  const bad = join(dir, 'bad.S');
  writeFileSync(bad, '\t.text\n\t.globl __kernel_vsyscall\n__kernel_vsyscall:\n\tmovl %eax,\n');
  // Quick runs take the four designs on one CPU model of the three (still more configurations
  // than threads) and the .S that does not build, with one worker thread beside this one.
  const cpus = sampled(['intel', 'amd', 'generic']);
  const jobs = TEST_SCALE >= 1 ? '3' : '2';
  const oneKernel = ['--json', '--kernel', 'native32', ...(cpus.length < 3 ? ['--cpu', cpus[0]!] : [])];
  for (const args of sampled([oneKernel, ['--vdso', stub.path], ['--vdso', bad]], 2)) {
    const one = await cli(...args, '--jobs', '1');
    const several = spawned(...args, '--jobs', jobs);
    assert.equal(several.status, one.status, args.join(' '));
    assert.equal(several.stdout, one.stdout, args.join(' '));
    assert.equal(several.stderr, one.stderr, args.join(' '));
  }
  const zero = await cli('--jobs', '0');
  assert.equal(zero.status, 2);
  assert.match(zero.stderr, /--jobs wants a whole number from 1 to 99, got '0'/);
});

test('check --vdso vdso/proposal.S: a design\'s own .S is checked with its design\'s ABI (as check --vdso proposal is), unless --abi names another', async () => {
  const design = await cli('--vdso', 'proposal', '--cpu', 'amd', '--kernel', 'compat64');
  assert.equal(design.status, 0, design.stderr);
  const own = await cli('--vdso', 'vdso/proposal.S', '--cpu', 'amd', '--kernel', 'compat64');
  assert.equal(own.status, 0, own.stdout + own.stderr);
  const rows = (out: string, name: string) => out.split('\n').filter((l) => l.startsWith(name + ' ')).map((l) => l.slice(name.length).trim());
  assert.equal(rows(own.stdout, 'vdso/proposal.S').length, 2);
  assert.deepEqual(rows(own.stdout, 'vdso/proposal.S'), rows(design.stdout, 'proposal'));
  const upstream = await cli('--vdso', 'vdso/proposal.S', '--abi', 'upstream', '--cpu', 'amd', '--kernel', 'compat64');
  assert.equal(upstream.status, 1, 'the proposal stub under the upstream kernel fails its checks');
});
