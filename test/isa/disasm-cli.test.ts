// The `disasm` command on the real vdso32.so: its listing of .text, line by line, against
// `objdump -d` (labels, addresses, bytes and text, whitespace aside), and its input errors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runCli } from '../../cli/run-cli';
import { run } from '../support/oracles';
import { realVdso } from '../support/real-vdso';

function memoryIo() {
  const io = { stdout: '', stderr: '', cwd: process.cwd(), out(t: string) { io.stdout += t; }, err(t: string) { io.stderr += t; } };
  return io;
}

/** Instruction and label lines of a listing, whitespace collapsed; instructions outside the table dropped. */
function body(listing: string): string[] {
  return listing.split('\n')
    .filter((l) => /^\s*[0-9a-f]+:\t|^[0-9a-f]+ <.*>:$/.test(l))
    .map((l) => l.replace(/\s+/g, ' ').trim())
    .filter((l) => !l.includes('not covered'));
}

test('disasm --section .text of the real vDSO equals objdump -d line by line', async () => {
  const vdso = realVdso();
  const io = memoryIo();
  assert.equal(await runCli(['disasm', vdso.path, '--section', '.text'], io), 0, io.stderr);
  const ours = body(io.stdout);
  const theirs = body(run('objdump', ['-d', '-j', '.text', vdso.path]));
  assert.ok(theirs.length > 1000);
  assert.deepEqual(ours, theirs);
});

test('disasm --symbol __kernel_vsyscall --json lists the stub and ends with ret', async () => {
  const vdso = realVdso();
  const io = memoryIo();
  assert.equal(await runCli(['disasm', vdso.path, '--symbol', '__kernel_vsyscall', '--json'], io), 0, io.stderr);
  const json = JSON.parse(io.stdout) as { instructions: { text: string; label?: string }[] };
  const texts = json.instructions.map((i) => i.text.replace(/\s+/g, ' ')).filter((t) => t !== 'int3');
  assert.equal(json.instructions[0]!.label, '__kernel_vsyscall');
  assert.ok(texts.includes('int $0x80'), texts.join('\n'));
  assert.equal(texts[texts.length - 1], 'ret');
});

test('disasm reports a missing section or symbol as one line with status 2', async () => {
  const vdso = realVdso();
  for (const args of [['--section', '.nope'], ['--symbol', 'nope']]) {
    const io = memoryIo();
    assert.equal(await runCli(['disasm', vdso.path, ...args], io), 2);
    assert.equal(io.stderr.trim().split('\n').length, 1);
    assert.match(io.stderr, /nope/);
  }
});
