// The benchmark's guest program: its bytes are what GNU as makes of its source, and a short
// run ends with the same exit status in the emulator (with breakpoints and a watchpoint
// armed) as under qemu-i386.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readBytes, run, scratch } from '../support/oracles';
import { intLoopCode, INT_LOOP_SOURCE } from '../../bench/int-loop';
import { runBench } from '../../bench/run-bench';

test('the integer loop bytes are GNU as output of its source', () => {
  const dir = scratch('vdso-lab-bench-');
  const src = join(dir, 'loop.s');
  writeFileSync(src, `.set ITERATIONS, 1234567\n${INT_LOOP_SOURCE}`);
  run('as', ['--32', src, '-o', join(dir, 'loop.o')]);
  run('objcopy', ['-O', 'binary', '-j', '.text', join(dir, 'loop.o'), join(dir, 'loop.bin')]);
  assert.deepEqual(intLoopCode(1234567), readBytes(join(dir, 'loop.bin')));
});

test('a short benchmark run: emulator and qemu-i386 agree, native is reported as unavailable or agreeing', () => {
  const result = runBench({ iterations: 30000, runs: 1 });
  assert.equal(result.instructions, 300011);
  const [emulator, qemu, native] = result.lines;
  assert.equal(emulator!.runner, 'emulator');
  assert.ok(emulator!.mips! > 0);
  assert.match(qemu!.note, /same as the emulator/);
  assert.ok(native!.mips === null ? /cannot run i386/.test(native!.note) : native!.note === emulator!.note.split(';')[0]);
});
