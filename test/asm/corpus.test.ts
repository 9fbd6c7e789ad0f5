// Compares the front end with GNU as 2.40 (`as --32`) on the corpus: every section's
// attributes and bytes, every relocation (offset, type, symbol) and every symbol (name,
// section, value, size, binding, type, visibility), read from GAS's object with parseElf32.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assemble } from '../../toolchain/asm/assembler';
import { CORPUS } from './corpus';
import { comparableFromElf, comparableFromModule, gas } from './gas-object';

for (const file of CORPUS) {
  test(`asm corpus ${file.name}: same sections, relocations and symbols as as --32`, () => {
    const oracle = gas(file.name, file.source);
    assert.ok(oracle.elf, `as --32 rejected the corpus file: ${JSON.stringify(oracle.messages)}`);
    const module = assemble({ file: `${file.name}.s`, text: file.source });
    const errors = module.diagnostics.filter((d) => d.severity === 'error');
    assert.deepEqual(errors, [], 'no errors expected');
    const want = comparableFromElf(oracle.elf);
    const got = comparableFromModule(module);
    for (const w of want.sections) {
      const g = got.sections.find((s) => s.name === w.name);
      assert.ok(g, `section ${w.name} missing`);
      assert.deepEqual(g, w, `section ${w.name}`);
    }
    const extra = got.sections.filter((g) => !want.sections.some((w) => w.name === g.name));
    assert.deepEqual(extra.map((s) => s.name), [], 'sections GAS does not make');
    assert.deepEqual(got.relocations, want.relocations, 'relocations');
    assert.deepEqual(got.symbols, want.symbols, 'symbols');
    const gasWarnings = oracle.messages.filter((m) => m.severity === 'warning').map((m) => `${m.line}: ${m.message}`);
    const ourWarnings = module.diagnostics.filter((d) => d.severity === 'warning').map((d) => `${d.location.line}: ${d.message}`);
    assert.deepEqual(ourWarnings, gasWarnings, 'warnings');
  });
}
