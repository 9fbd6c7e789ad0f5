// Differential test of the CPU against qemu-i386 (the host cannot run i386 programs): seeded
// random instruction sequences from every eligible table entry, batched 1000 cases to a
// program built with as/ld; registers, esp, EFLAGS, scratch memory and the stack window are
// compared case by case. A failure prints the seed, batch, case and sequence. A smaller scale
// runs fewer cases, at least 400 (more cases than there are eligible entries, so each still
// leads one), the first ones of the full run's batches of 1000, in as few batches as they fill
// (as, ld and qemu-i386 run once a batch): the cost is the emulator compiling each case's
// blocks, which run once.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { scratch } from '../support/oracles';
import { scaled } from '../support/scale';
import { eligibleEntries, generateCase, Rng, type GeneratedCase } from './generate';
import { buildProgramAsync, compareRecord, runBatches } from './harness';

const SEED = Number(process.env.VDSO_LAB_CPU_SEED ?? 20151006);
const CASES = scaled(100, 4) * scaled(1000, 100);
const PER_BATCH = Math.min(1000, CASES);
const BATCHES = Math.ceil(CASES / PER_BATCH);

test(`emulator matches qemu-i386 on ${BATCHES * PER_BATCH} random instruction sequences (seed ${SEED})`, async () => {
  const entries = eligibleEntries();
  const dir = scratch('vdso-lab-cpu-diff-');
  const seen = new Set<number>();
  const failures: string[] = [];
  let compared = 0;
  let instructions = 0;
  const generate = (b: number): GeneratedCase[] => {
    const rng = new Rng(SEED + b * 7919);
    const cases: GeneratedCase[] = [];
    for (let n = 0; n < PER_BATCH; n++) {
      const c = generateCase(rng, entries, entries[(b * PER_BATCH + n) % entries.length]!, n);
      for (const i of c.insns) seen.add(i.entry.id);
      cases.push(c);
    }
    return cases;
  };
  try {
    await runBatches(dir, BATCHES, generate, buildProgramAsync, (b, cases, { oracle, actual }) => {
      assert.equal(actual.problem, null, `seed ${SEED} batch ${b}: ${actual.problem}`);
      assert.equal(actual.stdout.length, oracle.length, `seed ${SEED} batch ${b}: output sizes differ`);
      instructions += actual.instructions;
      cases.forEach((c, n) => {
        compared++;
        const diffs = compareRecord(oracle, actual.stdout, n, c.flagMask);
        if (diffs.length && failures.length < 20) {
          const regs = c.regs.map((v) => '0x' + (v >>> 0).toString(16)).join(' ');
          failures.push(`seed ${SEED} batch ${b} case ${n}: ${c.insns.map((i) => i.entry.intel).join(' ; ')}\n` +
            `  eax..edi ${regs} eflags 0x${c.flags.toString(16)}\n    ${c.insns.flatMap((i) => i.lines).join('\n    ')}\n  ${diffs.join('\n  ')}`);
        }
      });
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  assert.deepEqual(failures, [], `${failures.length} of ${compared} cases differ:\n${failures.join('\n')}`);
  const missing = entries.filter((e) => !seen.has(e.id)).map((e) => e.intel);
  assert.deepEqual(missing, [], 'table entries never generated');
  assert.ok(compared >= BATCHES * PER_BATCH && instructions > 0);
});
