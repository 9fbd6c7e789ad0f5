// `vdso-lab start` (npm start): the check matrix of the shipped designs (proposal, upstream
// and auxv pass everything), one upstream vsyscall stepped whose disassembly is objdump's of the same
// mapped image, and a real vDSO whose unwind table and symbols are what readelf says. Where
// the running kernel's vDSO cannot be captured (as on this kind of machine) start takes the
// distribution kernel's, as test/support/real-vdso.ts does: so the quick run leaves this file
// out (it needs the kernel package).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readelf, run } from '../support/oracles';
import { TEST_SCALE } from '../support/scale';
import { realVdso } from '../support/real-vdso';
import { vdsoLab, type Invocation } from './invoke';

let shared: Promise<Invocation> | undefined;
/** `vdso-lab start`: a run of its own for each test at full scale, one run both tests read at a smaller one. */
function start(): Promise<Invocation> {
  if (TEST_SCALE >= 1) return vdsoLab(['start']);
  return (shared ??= vdsoLab(['start']));
}

test('npm start prints a real vDSO: its dynamic symbols and readelf-identical unwind table', async () => {
  const r = await start();
  assert.equal(r.status, 0, r.stderr);
  const m = /^vDSO from (.*): (\S+)$/m.exec(r.stdout);
  assert.ok(m, `names the vDSO it used:\n${r.stdout.slice(0, 400)}`);
  const file = m[2]!;
  if (m[1] === 'the distribution kernel') assert.equal(file, realVdso().path, 'the distribution kernel\'s vdso32.so, as the cache folder holds it');
  const matrix = r.stdout.split('\n').filter((l) => /^(legacy|proposal|upstream|auxv)\s+(intel|amd|generic)\s/.test(l));
  assert.equal(matrix.length, 54, 'one row per design, CPU, kernel and caller');
  for (const row of matrix.filter((l) => /^(proposal|upstream|auxv)\s/.test(l))) assert.doesNotMatch(row, /FAIL/, row);
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

interface CheckJson {
  readonly results: ReadonlyArray<{
    readonly subject: string;
    readonly cells: ReadonlyArray<{ readonly config: { cpu: string; kernel: string; caller: string }; readonly outcomes: ReadonlyArray<{ check: string; pass: boolean }> }>;
  }>;
}

const CALLERS: Readonly<Record<string, string>> = { sysinfo: 'AT_SYSINFO', dynsym: 'dynsym', 'dynsym-dropped': 'dynsym dropped' };

test('npm start names each distinct failure once with the configurations it appears in; --verbose gives every failed check', async () => {
  const json = await vdsoLab(['check', '--json']);
  const failed = (JSON.parse(json.stdout) as CheckJson).results.flatMap((r) =>
    r.cells.flatMap((c) => c.outcomes.filter((o) => !o.pass).map((o) => ({ subject: r.subject, check: o.check, ...c.config }))));
  assert.ok(failed.length > 0, 'the shipped legacy design fails checks on purpose');
  const started = await start();
  assert.equal(started.status, 0, started.stderr);
  const groups = started.stdout.split('\n').filter((l) => l.startsWith('FAIL '));
  assert.ok(groups.length < failed.length, `fewer lines (${groups.length}) than failed checks (${failed.length})`);
  for (const f of failed) {
    const covering = groups.filter((g) => {
      const m = /^FAIL (\S+) (\S) \([^)]*\) on (.*?): /.exec(g);
      if (!m || m[1] !== f.subject || m[2] !== f.check) return false;
      const configs = m[3]!;
      const pair = `${f.cpu}/${f.kernel}`;
      const crossed = /^(.*) × (.*)$/.exec(configs);
      return crossed
        ? crossed[1]!.split(', ').includes(pair) && crossed[2]!.split(', ').includes(CALLERS[f.caller]!)
        : configs.includes(`${pair} (`) && new RegExp(`${pair} \\([^)]*\\b${CALLERS[f.caller]}\\b`).test(configs);
    });
    assert.equal(covering.length, 1, `${f.subject} ${f.check} ${f.cpu}/${f.kernel} ${f.caller} is in exactly one group`);
  }
  assert.match(started.stdout, new RegExp(`: ${failed.length} failed \\(${groups.length} distinct\\)$`, 'm'));
  const verbose = await vdsoLab(['start', '--verbose']);
  assert.equal(verbose.status, 0, verbose.stderr);
  const every = verbose.stdout.split('\n').filter((l) => l.startsWith('FAIL '));
  assert.equal(every.length, failed.length, 'one FAIL line per failed check of each configuration');
  for (const f of failed) assert.ok(every.some((l) => l.startsWith(`FAIL ${f.subject} ${f.cpu}/${f.kernel} ${CALLERS[f.caller]} ${f.check} `)), `${f.subject} ${f.cpu}/${f.kernel} ${f.caller} ${f.check}`);
});
