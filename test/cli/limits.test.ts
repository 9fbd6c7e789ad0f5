// Input that used to end in status 70 (a JS stack overflow, an invalid string length) or
// out of memory gives a result or a one-line error within limits: `symbols --all` on
// 150,000 symbols (the same count as readelf), 200,000 nested parentheses in an expression
// and in #if (GNU as itself crashes on them), a macro that doubles its argument on every
// call, and disasm of a 4 MiB .text, byte-identical to objdump -d with the CLI's peak
// memory independent of the section's size. All but the last run through test/cli/invoke.ts
// (in process at a quick scale); the last measures the process's peak memory. Quick runs list
// and disassemble a tenth of the symbols and of the .text (test/support/scale.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { run, scratch } from '../support/oracles';
import { scaled } from '../support/scale';
import { cliCommand, vdsoLab } from './invoke';
import { peakMemory } from './peak-memory';

const dir = scratch('vdso-lab-limits-');

/** How many symbols `symbols --all` lists, and how many 8-byte instruction pairs `disasm` reads (4 MiB at full scale). */
const SYMBOLS = scaled(150_000);
const PAIRS = scaled(524_288);

function cli(args: readonly string[]) {
  return vdsoLab(args, dir);
}

test(`symbols --all on ${SYMBOLS.toLocaleString('en-US')} symbols lists them all, as readelf counts them`, async () => {
  writeFileSync(join(dir, 'syms.s'), '.text\n' + Array.from({ length: SYMBOLS }, (_, i) => `.globl s${i}\ns${i}: nop\n`).join(''));
  run('as', ['--32', join(dir, 'syms.s'), '-o', join(dir, 'syms.o')]);
  const r = await cli(['symbols', '--all', 'syms.o']);
  assert.equal(r.status, 0, r.stderr);
  const ours = r.stdout.split('\n').filter((l) => / s\d+$/.test(l)).length;
  const theirs = run('readelf', ['-sW', join(dir, 'syms.o')]).split('\n').filter((l) => / s\d+$/.test(l)).length;
  assert.equal(ours, theirs);
  assert.equal(ours, SYMBOLS);
});

test('200,000 nested parentheses: one line, status 2, in an expression and in #if', async () => {
  writeFileSync(join(dir, 'parens.s'), `.long ${'('.repeat(200_000)}1${')'.repeat(200_000)}\n`);
  writeFileSync(join(dir, 'parens.S'), `#if ${'('.repeat(200_000)}1${')'.repeat(200_000)}\n.long 1\n#endif\n`);
  const a = await cli(['asm', 'parens.s', '-o', 'p.o']);
  assert.equal(a.status, 2);
  assert.equal(a.stderr, 'parens.s: Assembler messages:\nparens.s:1:1: Error: expression nested more than 2000 deep\n');
  const b = await cli(['asm', 'parens.S', '-o', 'p.o']);
  assert.equal(b.status, 2);
  assert.match(b.stderr, /^parens\.S: Assembler messages:\nparens\.S:1:\d+: Error: #if expression nested more than 2000 deep\n$/);
});

test('a macro that doubles its argument on each call: one line, status 2', async () => {
  writeFileSync(join(dir, 'dbl.s'), '.macro dbl a\ndbl \\a\\a\n.endm\ndbl x\n');
  const r = await cli(['asm', 'dbl.s', '-o', 'd.o']);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /^dbl\.s: Assembler messages:\ndbl\.s:4:1: Error: macro dbl: expansion larger than 16777216 bytes\n$/);
});

test(`disasm of a ${Number(((PAIRS * 8) / 2 ** 20).toFixed(1))} MiB .text: what objdump -d prints, in bounded memory`, () => {
  writeFileSync(join(dir, 'big.s'), `.text\n.globl _start\n_start:\n.rept ${PAIRS}\nmovl $0x12345678, %eax\naddl %ebx, %ecx\n.endr\n`);
  run('as', ['--32', join(dir, 'big.s'), '-o', join(dir, 'big.o')]);
  const peak = peakMemory(dir);
  const ours = spawnSync('bash', ['-c', `${cliCommand(peak.node)} disasm big.o | sha256sum`], { cwd: dir, encoding: 'utf8', timeout: 120_000 });
  const theirs = spawnSync('bash', ['-c', 'objdump -d big.o | sha256sum'], { cwd: dir, encoding: 'utf8', timeout: 120_000 });
  assert.equal(ours.stdout, theirs.stdout);
  assert.notEqual(ours.stdout, createHash('sha256').update('').digest('hex') + '  -\n');
  const peakKb = peak.read();
  assert.ok(peakKb > 0 && peakKb < 200 * 1024, `peak ${peakKb} KB`);
});
