// Differential test of the x87 FPU against qemu-i386: seeded random cases for every x87 row
// of the opcode table (register and memory forms, every memory format, the state images),
// from random FPU states in every rounding and precision mode, batched 1000 cases to a
// program built with as/ld. The FPU state, EFLAGS, eax and scratch memory are compared case
// by case, minus qemu's documented deviations (x87-deviations.ts). A failure prints the seed,
// batch, case, the instruction and what differs. A smaller scale runs fewer batches (at least
// 2) of fewer cases (at least 250: every row still leads a case).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { scratch } from '../support/oracles';
import { scaled } from '../support/scale';
import { Rng } from './generate';
import { linkSourceAsync, runBatches } from './harness';
import { compareX87, x87ProgramSource, X87_RECORD } from './x87-harness';
import { generateX87Case, x87Entries, type X87Case } from './x87-generate';

const SEED = Number(process.env.VDSO_LAB_X87_SEED ?? 19800101);
const BATCHES = scaled(20, 2);
const PER_BATCH = scaled(1000, 250);

function build(dir: string, name: string, cases: readonly X87Case[]): Promise<string> {
  return linkSourceAsync(dir, name, x87ProgramSource(cases));
}

test(`x87: emulator matches qemu-i386 on ${BATCHES * PER_BATCH} random cases over every x87 row (seed ${SEED})`, async () => {
  const entries = x87Entries();
  const dir = scratch('vdso-lab-x87-diff-');
  const seen = new Set<number>();
  const failures: string[] = [];
  let compared = 0;
  const generate = (b: number): X87Case[] => {
    const rng = new Rng(SEED + b * 7919);
    const cases: X87Case[] = [];
    for (let n = 0; n < PER_BATCH; n++) {
      const e = entries[(b * PER_BATCH + n) % entries.length]!;
      seen.add(e.id);
      cases.push(generateX87Case(rng, e, `x${n}`));
    }
    return cases;
  };
  try {
    await runBatches(dir, BATCHES, generate, build, (b, cases, { oracle, actual }) => {
      assert.equal(actual.problem, null, `seed ${SEED} batch ${b}: ${actual.problem}`);
      assert.equal(actual.stdout.length, oracle.length, `seed ${SEED} batch ${b}: output sizes differ`);
      assert.equal(oracle.length, cases.length * X87_RECORD);
      cases.forEach((c, n) => {
        compared++;
        const diffs = compareX87(oracle, actual.stdout, n, c);
        if (diffs.length && failures.length < 30) {
          const regs = [...c.image.subarray(0, 28)].map((v) => v.toString(16).padStart(2, '0')).join('');
          failures.push(`seed ${SEED} batch ${b} case ${n}: ${c.entry.intel} [${c.lines.join(' ; ')}]\n  env ${regs} flags 0x${c.flags.toString(16)}\n  ${diffs.join('\n  ')}`);
        }
      });
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  assert.deepEqual(failures, [], `${failures.length} of ${compared} cases differ:\n${failures.join('\n')}`);
  const missing = entries.filter((e) => !seen.has(e.id)).map((e) => e.intel);
  assert.deepEqual(missing, [], 'x87 rows never generated');
  assert.equal(compared, BATCHES * PER_BATCH);
});
