// Hand-written .eh_frame rows checked against the code they describe, on the legacy
// sysenter design (its FDE written as bytes) and on copies with one byte of it changed. The
// expected lines come from the object GNU as builds: readelf --debug-dump=frames-interp's
// rows walked along objdump's instructions (a push makes the CFA 4 more, a pop 4 less,
// anything else keeps it; after a jmp or ret the walk takes readelf's row again).
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { run, scratch } from '../support/oracles';
import { startLsp } from './lsp-client';
import { objdumpInstructions, readelfFdes, rowAtAddress } from './frames-oracle';

const lsp = startLsp();
const quiet = startLsp({ diagnostics: { ehFrame: false } });
after(() => Promise.all([lsp.close(), quiet.close()]));

const dir = scratch('vdso-lab-lsp-eh-');
const LEGACY = readFileSync(resolve('vdso/legacy/sysenter.S'), 'utf8');
// The copies sit beside the header they include, as the design does.
writeFileSync(join(dir, 'eh-frame.h'), readFileSync(resolve('vdso/legacy/eh-frame.h')));

/** 0-based lines of the instructions whose CFA after them (readelf) is not what the code makes it. */
function disagreeingLines(path: string): number[] {
  const obj = join(dir, 'walk.o');
  run('gcc', ['-m32', '-c', '-g', '-I', resolve('vdso/include'), path, '-o', obj]);
  const fde = readelfFdes(obj)[0]!;
  const cfa = (at: number) => Number(/^esp\+(\d+)$/.exec(rowAtAddress(fde, Math.min(at, fde.pcEnd - 1))!.cfa)![1]);
  const out: number[] = [];
  let tracked: number | undefined;
  for (const i of objdumpInstructions(obj).filter((x) => x.section === '.text' && x.address >= fde.pcBegin && x.address < fde.pcEnd)) {
    tracked ??= cfa(i.address);
    if (/^(jmp|ret)$/.test(i.mnemonic)) {
      tracked = undefined;
      continue;
    }
    tracked += i.mnemonic === 'push' ? 4 : i.mnemonic === 'pop' ? -4 : 0;
    if (i.address + i.length < fde.pcEnd && cfa(i.address + i.length) !== tracked) out.push(i.line - 1);
  }
  return out;
}

async function findings(name: string, text: string, client = lsp): Promise<number[]> {
  const path = join(dir, name);
  writeFileSync(path, text);
  const uri = await client.open(path, text);
  assert.deepEqual(client.diagnostics(uri).filter((d) => d.code === 'assembler'), [], 'the file builds');
  return client.diagnostics(uri).filter((d) => d.code === 'ehFrame').map((d) => d.range.start.line);
}

test('the legacy sysenter design\'s hand-written FDE agrees with its code: no finding, as the readelf walk says', async () => {
  writeFileSync(join(dir, 'legacy.S'), LEGACY);
  assert.deepEqual(disagreeingLines(join(dir, 'legacy.S')), []);
  assert.deepEqual(await findings('legacy.S', LEGACY), []);
});

const mutants: Record<string, (t: string) => string> = {
  'the row after pushl %edx says 16': (t) => t.replace('DW_CFA_def_cfa_offset, 12', 'DW_CFA_def_cfa_offset, 16'),
  'the row after popl %edx is missing': (t) => t.replace('\t.byte\tDW_CFA_def_cfa_offset, 8\n\t.byte\tDW_CFA_advance_loc(.Lpopped_ecx', '\t.byte\tDW_CFA_advance_loc(.Lpopped_ecx'),
  'the row after popl %ebp says 8': (t) => t.replace('DW_CFA_advance_loc(.Lpopped_ebp - .Lenter_kernel)\n\t.byte\tDW_CFA_def_cfa_offset, 12', 'DW_CFA_advance_loc(.Lpopped_ebp - .Lenter_kernel)\n\t.byte\tDW_CFA_def_cfa_offset, 8'),
};

for (const [name, mutate] of Object.entries(mutants)) {
  test(`a hand-written row that disagrees with the code is found on the instruction readelf's walk names: ${name}`, async () => {
    const text = mutate(LEGACY);
    assert.notEqual(text, LEGACY, 'the mutation applies');
    const file = `${name.replace(/\W+/g, '-')}.S`;
    writeFileSync(join(dir, file), text);
    const expected = disagreeingLines(join(dir, file));
    assert.equal(expected.length, 1, `the walk finds one line: ${JSON.stringify(expected)}`);
    assert.deepEqual(await findings(file, text), expected);
    assert.deepEqual(await findings(`off-${file}`, text, quiet), [], 'vdsoLab.diagnostics.ehFrame: false');
  });
}
