// The local labels' names without their symbols (AsmModule.localLabelNames, what the language
// server's defined names read): the names of AsmModule.localLabels in order, and their `.L`
// names the ones GNU as keeps in the symbol table with -L (--keep-locals), on sources of .L
// labels and numeric labels written plainly, in macros and in .rept bodies, in two sections.
// A module whose localLabels are replaced (moduleWith) has none.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { assembleSource } from '../../toolchain/asm/assemble-source';
import { moduleWith } from '../../toolchain/asm/module';
import { prng } from '../support/prng';
import { run, scratch } from '../support/oracles';

function source(seed: number): string {
  const random = prng(seed);
  const out = ['\t.macro m n', '.Lm_\\n:', '1:\tnop', '\tjmp 1b', '\t.endm', '\t.text'];
  for (let i = 0; i < 40; i++) {
    const r = random();
    if (r < 0.25) out.push(`.Lf_${i}:`, '\tnop');
    else if (r < 0.45) out.push(`${Math.floor(random() * 3)}:`, '\tincl %eax');
    else if (r < 0.6) out.push(`\tm ${i}`);
    else if (r < 0.7) out.push('\t.rept 2', '7:\tnop', '\t.endr');
    else if (r < 0.8) out.push(`\t.section .data`, `.Ld_${i}: .long 0`, '\t.text');
    else out.push('\tret');
  }
  return out.join('\n') + '\n';
}

test('the local label names are localLabels\' names, and their .L names are those as -L keeps', () => {
  const dir = scratch('vdso-lab-asm-locals-');
  for (let seed = 1; seed <= 6; seed++) {
    const text = source(seed);
    const path = join(dir, `l${seed}.s`);
    writeFileSync(path, text);
    const module = assembleSource({ file: path, text, readFile: () => undefined }).module;
    const names = module.localLabelNames?.();
    assert.ok(names, 'the assembler gives the names');
    assert.deepEqual(names, module.localLabels!.map((s) => s.name));
    run('as', ['--32', '-L', path, '-o', join(dir, `l${seed}.o`)]);
    const kept = run('readelf', ['-sW', join(dir, `l${seed}.o`)]).split('\n').map((l) => l.trim().split(/\s+/)[7]).filter((n): n is string => n !== undefined && /^\.L[A-Za-z_]\w*$/.test(n));
    assert.deepEqual(names.filter((n) => n.startsWith('.L')).sort(), kept.sort(), text);
    assert.equal(moduleWith(module, { localLabels: [] }).localLabelNames, undefined);
  }
});
