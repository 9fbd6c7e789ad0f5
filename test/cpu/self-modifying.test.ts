// Self-modifying code: a store into code takes effect for the very next instruction, in the
// block that made it too (as qemu-i386 and a real CPU run it); a store invalidates only the
// blocks whose bytes it overlaps; an immediate rewritten again and again is read live rather
// than recompiled. The program is bench/smc-loop.ts's source, assembled and linked as a test
// input (test/support/builds.ts). Quick runs (test/support/scale.ts) take fewer iterations of
// the loops qemu-i386 retranslates at every store: the counts each assertion needs stay.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { assemble, hostRunsI386, scratch } from '../support/oracles';
import { buildInput } from '../support/builds';
import { scaled } from '../support/scale';
import { smcLoopSource } from '../../bench/smc-loop';
import { buildGuest, loadElf, runGuest } from './guest';

function runProcess(command: string, args: readonly string[]): Uint8Array {
  const r = spawnSync(command, [...args], { stdio: ['ignore', 'pipe', 'pipe'], timeout: 60_000 });
  if (r.error) throw new Error(`${command} could not run (${r.error.message}): .ci/run must install qemu-user`);
  assert.equal(r.status, 0, `${command} ${args.join(' ')}: ${r.stderr}`);
  return new Uint8Array(r.stdout);
}

/** bench/smc-loop.ts's program of `iterations` turns, linked with writable text (as bench/smc-loop.ts links it). */
function built(iterations: number): string {
  const dir = scratch();
  const object = assemble('smc-loop', smcLoopSource(iterations), dir);
  return buildInput({ tool: 'ld', args: ['-m', 'elf_i386', '-N', object, '-o', 'smc-loop'], dir });
}

/**
 * The iterations of the short run and of the long one held to it (qemu-i386 takes most of this
 * file's time on the long one: ~0.37 ms of CPU an iteration). A smaller run keeps at least 1,000
 * more iterations in the long one, where blocks compiled again at each rewrite would be a
 * thousand more, and at least 200 in the short one, where they would be 200 blocks against
 * its bound of 40.
 */
const SHORT = scaled(2_000, 200);
const LONG = SHORT + scaled(18_000, 1_000);
/** The stores of the data-beside-code loop (qemu-i386 retranslates its page at each): each one a block compiled again were it to invalidate. */
const BESIDE_STORES = scaled(3_000, 300);

test('a loop rewriting its own immediates (behind and ahead of the store, in its own block) ends as under qemu-i386 and natively', () => {
  const exe = built(LONG);
  const expected = runProcess('qemu-i386', [exe]);
  assert.equal(expected.length, 12);
  if (hostRunsI386()) assert.deepEqual(runProcess(exe, []), expected, 'qemu-i386 agrees with the real CPU');
  const p = loadElf(exe);
  const r = runGuest(p);
  assert.equal(r.exitCode, 0);
  assert.deepEqual(r.stdout, expected);
  const shorter = loadElf(built(SHORT));
  runGuest(shorter);
  const extra = p.cpu.compiledBlocks - shorter.cpu.compiledBlocks;
  assert.ok(extra < 10, `${LONG - SHORT} more iterations compiled ${extra} more blocks: the rewritten immediates are read live, not recompiled`);
  assert.ok(shorter.cpu.compiledBlocks < 40, `${shorter.cpu.compiledBlocks} blocks compiled: the loop flipping an opcode revives the two versions of its blocks`);
});

test('the same program sliced into budgets of a few instructions ends in the same state with the same count', () => {
  const exe = built(300);
  const whole = loadElf(exe);
  const ref = runGuest(whole);
  for (const slice of [1, 5, 7, 13]) {
    const p = loadElf(exe);
    const s = p.cpu.state;
    let exit: number | null = null;
    for (let guard = 0; guard < 1e6 && exit === null; guard++) {
      const stop = p.cpu.run(slice);
      if (stop.kind === 'budget') continue;
      assert.equal(stop.kind, 'kernel');
      if (s.r[0] === 1) exit = s.r[3]!;
      else s.r[0] = 12;
    }
    assert.equal(exit, 0);
    assert.equal(s.icount, whole.cpu.state.icount, `slice ${slice}: same instruction count`);
    assert.deepEqual([...s.r.subarray(0, 4)], [...whole.cpu.state.r.subarray(0, 4)]);
  }
  assert.equal(ref.exitCode, 0);
});

const DATA_BESIDE_CODE = `
.globl _start
_start:
  mov $${BESIDE_STORES}, %ecx
  xor %eax, %eax
1:
  add %ecx, %eax
  mov %eax, counter
  dec %ecx
  jnz 1b
  mov $4, %eax
  mov $1, %ebx
  mov $counter, %ecx
  mov $4, %edx
  int $0x80
  mov $1, %eax
  xor %ebx, %ebx
  int $0x80
counter: .long 0
`;

test('stores to data on a page holding code invalidate nothing', () => {
  const g = buildGuest('beside', DATA_BESIDE_CODE, true);
  const expected = runProcess('qemu-i386', [g.path]);
  const p = loadElf(g.path);
  const r = runGuest(p);
  assert.deepEqual(r.stdout, expected);
  assert.ok(p.cpu.compiledBlocks <= 4, `blocks compiled: ${p.cpu.compiledBlocks}`);
});

// A self-loop that flips bytes from a data byte on to the code after it (inc %eax <-> dec %eax;
// a load and a store through one memory site): its first pass reads the page from the read TLB
// in place and stores to the data byte, which touches no code, so its later passes must still
// store through Memory (the write TLB holds no page of code) and throw away the block of
// `patch` compiled in the call before.
const FLIP_INTO_CODE = `
.globl _start
_start:
  mov $100, %esi
2:
  call f
  dec %esi
  jnz 2b
  mov $4, %eax
  mov $1, %ebx
  mov $result, %ecx
  mov $4, %edx
  int $0x80
  mov $1, %eax
  xor %ebx, %ebx
  int $0x80
f:
  mov patch, %edx
  mov $pad, %edi
  mov $5, %ecx
1:
  movb (%edi), %al
  xorb $8, %al
  movb %al, (%edi)
  inc %edi
  dec %ecx
  jnz 1b
  mov %esi, %eax
  jmp patch
pad:
  .byte 0
patch:
  inc %eax
  inc %eax
  inc %eax
  inc %eax
  add %eax, result
  ret
result: .long 0
`;

test('a self-loop storing from data on to code on one page, after reading it from the TLB in place, runs as under qemu-i386', () => {
  const g = buildGuest('flip-into-code', FLIP_INTO_CODE, true);
  const expected = runProcess('qemu-i386', [g.path]);
  assert.equal(expected.length, 4);
  const p = loadElf(g.path);
  const r = runGuest(p);
  assert.equal(r.exitCode, 0);
  assert.deepEqual(r.stdout, expected);
});
