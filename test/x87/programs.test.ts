// x87 acceptance: a C program built with gcc -m32 -static -O2 (programs.ts) whose output
// comes from glibc's floating-point formatting and parsing and its -lm functions runs
// under `vdso-lab run` with the same stdout, stderr and status as under qemu-i386.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hostRunsI386, run, scratch } from '../support/oracles';
import { buildInput } from '../support/builds';
import { runLab, runQemu } from '../kernel-acceptance/support';
import { FLOAT_PROGRAM, LEGACY_PROGRAM, SIGNAL_PROGRAM, TRAP_PROGRAM } from './programs';

/** gcc -m32 -static -O2 with libm after the source (a static link resolves in order). */
function build(name: string, source: string): string {
  return buildInput({ tool: 'gcc', args: ['-m32', '-static', '-O2', '-w', `${name}.c`, '-o', name, '-lm'], dir: scratch('vdso-lab-x87-'), sources: { [`${name}.c`]: source } });
}

test('printf %f/%g/%e/%Lf, strtod/strtold and libm give the same output under vdso-lab run as under qemu-i386', async () => {
  const prog = build('float', FLOAT_PROGRAM);
  const q = runQemu(prog, []);
  assert.equal(q.status, 0, q.stderr);
  assert.match(q.stdout, /^0\.100000\|0\.1\|1\.000000e-01\|0\.10000000000000001\|/);
  const l = await runLab(prog, ['--vdso', 'none']);
  assert.equal(l.stdout, q.stdout);
  assert.equal(l.status, q.status);
});

test('the x87 state in a signal frame and back through rt_sigreturn: the frame as under qemu-i386, the restore as Linux does it', async () => {
  const prog = build('fpsignal', SIGNAL_PROGRAM);
  const q = runQemu(prog, []);
  assert.equal(q.status, 0, q.stderr);
  assert.match(q.stdout, /^signal 10: handler cw 0x37f/);
  const l = await runLab(prog, ['--vdso', 'none']);
  const [qHandler, qFrame] = q.stdout.split('\n');
  const lines = l.stdout.split('\n');
  assert.equal(lines[0], qHandler);
  assert.equal(lines[1], qFrame);
  // qemu-i386 7.2 comes back from rt_sigreturn with a reset FPU (cw 0x37f, the handler's
  // registers); Linux restores the interrupted state from the frame: pi + 1 at 53 bits, cw 0x67f.
  assert.equal(lines[2], 'after: 4.1415926535897931159 cw 0x67f');
  assert.equal(l.status, 0);
});

test('unmasked exceptions are SIGFPE with FPE_FLTDIV/FPE_FLTINV; stack faults set IE|SF and C1 (Linux behaviour, written here: qemu-i386 models neither)', async () => {
  const prog = build('fptrap', TRAP_PROGRAM);
  const head = 'underflow: sw 0x3841 value -nan\noverflow: sw 0x3a41\n';
  const masked = await runLab(prog, ['--vdso', 'none']);
  assert.equal(masked.stdout, head);
  const div = await runLab(prog, ['--vdso', 'none'], ['div']);
  assert.equal(div.stdout, `${head}signal 8 code 3\n`);
  assert.equal(div.status, 0);
  const inv = await runLab(prog, ['--vdso', 'none'], ['inv']);
  assert.equal(inv.stdout, `${head}signal 8 code 7\n`);
  // Without a handler the process dies of it, as under Linux.
  const q = runQemu(prog, ['div']);
  assert.match(q.stdout, /^underflow: sw 0x3800/, 'qemu-i386 raises no stack fault (x87-deviations.ts)');
});

test('8087/287-only forms and the undocumented fstp/fxch/fcom aliases behave as under qemu-i386 and the host processor', async (t) => {
  const prog = build('legacy', LEGACY_PROGRAM);
  const q = runQemu(prog, []);
  assert.equal(q.status, 0, q.stderr);
  assert.match(q.stdout, /^fneni: sw 3000 st0 1 st1 3\.1415926535897931\n/);
  assert.match(q.stdout, /\nfrstpm: signal 4\n/);
  const l = await runLab(prog, ['--vdso', 'none']);
  assert.equal(l.stdout, q.stdout);
  assert.equal(l.status, 0);
  if (!hostRunsI386()) { t.diagnostic('this host cannot run i386 programs: compared with qemu-i386 only'); return; }
  assert.equal(l.stdout, run(prog, []));
});
