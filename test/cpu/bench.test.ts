// The benchmarks' guest programs: the integer loop's bytes are what GNU as makes of its
// source, and short runs of it and of the call-heavy C program end in the same final state
// (output and exit status) in the emulator as under qemu-i386 (at the quick scale, the
// call-heavy program's compiling run alone).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readBytes, run, scratch } from '../support/oracles';
import { intLoopCode, INT_LOOP_SOURCE } from '../../bench/int-loop';
import { runIntLoopBench } from '../../bench/run-bench';
import { callHeavyBuild, callHeavySourcePath, runCallHeavyBench } from '../../bench/call-heavy';
import { buildInput } from '../support/builds';
import { TEST_SCALE } from '../support/scale';

test('the integer loop bytes are GNU as output of its source', () => {
  const dir = scratch('vdso-lab-bench-');
  const src = join(dir, 'loop.s');
  writeFileSync(src, `.set ITERATIONS, 1234567\n${INT_LOOP_SOURCE}`);
  run('as', ['--32', src, '-o', join(dir, 'loop.o')]);
  run('objcopy', ['-O', 'binary', '-j', '.text', join(dir, 'loop.o'), join(dir, 'loop.bin')]);
  assert.deepEqual(intLoopCode(1234567), readBytes(join(dir, 'loop.bin')));
});

test('a short integer-loop run: the emulator (breakpoints and a watchpoint armed) ends in the state qemu-i386 ends in', () => {
  const r = runIntLoopBench({ iterations: 30000, runs: 1 });
  assert.equal(r.peer, 'qemu-i386');
  assert.ok(r.ours! > 0 && r.peerValue! > 0 && r.ratio! > 0);
  assert.match(r.checksum!, /^[0-9a-f]{16}$/);
  assert.equal(r.checksum, r.peerChecksum, 'the buffer written out and the exit status are the same as under qemu-i386');
});

test('the call-heavy C benchmark (gcc -O2) prints the same results in the emulator as under qemu-i386', () => {
  // The bench's own build, once per machine (test/support/builds.ts): the program is an input here, not an oracle's answer.
  const source = { 'call-heavy.c': readFileSync(callHeavySourcePath(), 'utf8') };
  const built = buildInput({ tool: 'gcc', args: callHeavyBuild('call-heavy.c', 'call-heavy'), dir: scratch('vdso-lab-bench-'), sources: source });
  // Quick runs: the first (compiling) run alone against qemu-i386's output, not the timed run
  // on its translations (test/support/scale.ts; the translations' own tests are test/cpu/'s).
  const r = runCallHeavyBench({ scale: 1, runs: TEST_SCALE >= 1 ? 1 : 0, built });
  assert.ok(r.ours! > 0, r.note);
  assert.match(r.checksum!, /^[0-9a-f]{16}$/);
  assert.equal(r.checksum, r.peerChecksum, r.note);
});
