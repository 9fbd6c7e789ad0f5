// Every fuzz target (test/fuzz/targets/: the ELF, DWARF and LZ4 readers, the decoder, the
// cpp and the assembler, the DAP and LSP servers behind their wires, the guest ABI) from a
// fixed seed for its count of inputs (about two seconds' worth; a count, never a time, so
// the outcome does not depend on the machine), scaled by VDSO_LAB_TEST_SCALE
// (test/support/scale.ts); the checked-in corpus, regressions included, runs first. A slow
// input fails `npm run fuzz`; here only a hang (three times the target's limit) does, so a
// loaded machine cannot fail the test. A failing input is written to
// test/fuzz/crashes/ and fails the test with its message. Both outcomes (accepted and
// rejected) must occur where a target can reject, so that the mutations reach the checks.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runFuzz } from './harness';
import { isFuzzWorker, runFuzzWorker } from './worker';
import { TARGETS } from './targets/index';
import { scaled } from '../support/scale';

const SEED = 20260101;
/** Targets whose every input is taken (the decoder decodes anything; the guest's calls fail inside the guest). */
const ALWAYS_ACCEPTED = new Set(['dwarf-expression', 'decoder', 'guest-abi']);

if (isFuzzWorker()) runFuzzWorker();
else {
  for (const target of TARGETS) {
    const inputs = scaled(target.testInputs, 20);
    test(`fuzz ${target.name}: ${inputs} inputs from seed ${SEED} (the corpus first): ${target.what}`, async () => {
      const [report] = await runFuzz({ seconds: Infinity, maxInputs: inputs, seed: SEED, targets: [target.name], slowFails: false });
      assert.ok(report, 'a report');
      assert.deepEqual(report.failures.map((f) => `input ${f.index}: ${f.message} (${f.file})`), []);
      assert.equal(report.inputs, Math.max(inputs, 1), 'every input ran');
      assert.ok(report.inputs > report.seeds, `more inputs (${report.inputs}) than seeds (${report.seeds})`);
      if (!ALWAYS_ACCEPTED.has(target.name)) assert.ok(report.accepted > 0 && report.rejected > 0, `both outcomes occur: ${JSON.stringify(report)}`);
    });
  }
}
