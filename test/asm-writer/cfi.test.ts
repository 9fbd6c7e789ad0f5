// Checks the CFI emitter against GNU as 2.40 --32: for every source of the corpus, the
// .eh_frame/.debug_frame bytes and relocations emitted from the directives equal GAS's
// byte for byte, and the whole object written from (GAS's other sections + our CFI)
// equals GAS's object byte for byte.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { AsmSection, Relocation } from '../../toolchain/asm/module';
import { emitFrameSection } from '../../toolchain/dwarf/emit-cfi';
import { withGeneratedSections } from '../../toolchain/dwarf/emit-sections';
import { writeObject } from '../../toolchain/elf/write-object';
import { gasObject, readBytes, scratch } from '../support/oracles';
import { cfiFromSource } from './cfi-source';
import { CFI_CASES, randomCfiSources } from './corpus';
import { moduleFromObject } from './from-object';
import { scaled } from '../support/scale';

const hexOf = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const relocText = (rs: readonly Relocation[]): string[] => rs.map((r) => `${r.offset.toString(16)} ${r.type} ${r.symbolIsSection ? 'section ' : ''}${r.symbol}`);

function checkSource(name: string, source: string, dir: string): void {
  const gas = readBytes(gasObject(name, source, dir));
  const full = moduleFromObject(gas, `${name}.o`);
  const procedures = cfiFromSource(source, `${name}.s`);
  for (const kind of ['eh', 'debug'] as const) {
    const sectionName = kind === 'eh' ? '.eh_frame' : '.debug_frame';
    const expected = full.module.sections.find((s) => s.name === sectionName);
    const wanted = procedures.some((p) => (kind === 'eh' ? p.ehFrame : p.debugFrame));
    assert.equal(wanted, expected !== undefined, `${name}: GAS ${expected ? 'made' : 'did not make'} ${sectionName}`);
    if (!expected) continue;
    const ours: AsmSection = emitFrameSection(procedures, kind, { symbols: full.module.symbols });
    assert.equal(hexOf(ours.bytes), hexOf(expected.bytes), `${name}: ${sectionName} bytes differ from GNU as`);
    assert.deepEqual(relocText(ours.relocations), relocText(expected.relocations), `${name}: ${sectionName} relocations differ`);
    assert.equal(ours.addralign, expected.addralign);
    assert.equal(ours.flags, expected.flags);
  }
  // The whole object: GAS's object minus its CFI sections, plus ours, written by us.
  const isCfi = (n: string): boolean => n === '.eh_frame' || n === '.debug_frame';
  const base = moduleFromObject(gas, `${name}.o`, (s) => !isCfi(s.name)).module;
  const module = withGeneratedSections({ ...base, symbols: base.symbols.filter((s) => !isCfi(s.section)), cfi: procedures });
  const written = writeObject(module, `${name}.s`);
  assert.equal(hexOf(written), hexOf(gas), `${name}: the written object differs from GNU as's`);
}

test('CFI corpus: .eh_frame/.debug_frame and whole objects are byte-identical to GNU as', () => {
  const dir = scratch();
  for (const [name, source] of Object.entries(CFI_CASES)) checkSource(name, source, dir);
});

const RANDOM_FILES = scaled(120, 12);

test(`random CFI corpus (fixed seed, ${RANDOM_FILES} files): byte-identical to GNU as`, () => {
  const dir = scratch();
  randomCfiSources(RANDOM_FILES).forEach((source, i) => {
    try {
      checkSource(`r${i}`, source, dir);
    } catch (e) {
      throw new Error(`random source ${i}:\n${source}\n${(e as Error).message}`);
    }
  });
});

test('bad CFI input gives one-line InputErrors naming the source line', () => {
  const location = { file: 'bad.s', line: 3, column: 1 };
  const proc = { section: '.text', start: 4, end: 8, simple: false, signalFrame: false, returnColumn: 8, instructions: [], ehFrame: true, debugFrame: false, location };
  assert.throws(() => emitFrameSection([{ ...proc, instructions: [{ offset: 2, op: { kind: 'remember_state' }, location: { ...location, line: 5 } }] }], 'eh'),
    /^InputError: bad\.s: line 5: CFI instruction at 0x2 is outside its procedure/);
  assert.throws(() => emitFrameSection([{ ...proc, personality: { encoding: 0x04, symbol: 'p' } }], 'eh'),
    /bad\.s: line 3: unsupported pointer encoding 0x4 for p/);
});
