// The assembler's instruction entries as columns (AsmModule.instructionEntries, made from
// pending-lines.ts without a LineEntry each) are the instruction entries of AsmModule.lines,
// in its order, field for field: on the language server's bench source, kernel-style stubs,
// vdso/'s designs, the asm fuzz corpus, and random sources of jumps over runs of code, padding
// and section switches (entries whose frag's variable part relaxation sized). A module whose
// lines are replaced (moduleWith, a spread copy) has none.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { assembleSource } from '../../toolchain/asm/assemble-source';
import { moduleWith, type AsmModule } from '../../toolchain/asm/module';
import { kernelStyleSource } from '../../bench/lsp-latency';
import { HEADER, kernelStyle } from '../lsp/kernel-style';
import { scratch } from '../support/oracles';

const BENCH_HEADER = '#ifndef BENCH_H\n#define BENCH_H\n#include "vdso-lab.h"\n#define BENCH_ENTRY(name) VDSO_FUNCTION(name)\n#endif\n';

function assembled(dir: string, name: string, text: string): AsmModule {
  const file = join(dir, name);
  const readFile = (path: string) => (existsSync(path) ? readFileSync(path, 'utf8') : undefined);
  return assembleSource({ file, text, includeDirs: [dir, resolve('vdso/include'), resolve('vdso/legacy')], readFile, numericReferences: true }).module;
}

function checkColumns(module: AsmModule, what: string): number {
  const columns = module.instructionEntries?.();
  assert.ok(columns, `${what}: the assembler's module has its instruction entries as columns`);
  const expected = module.lines.filter((l) => l.instruction);
  assert.equal(columns.count, expected.length, `${what}: one column row per instruction entry`);
  expected.forEach((l, k) => {
    const row = { section: columns.sectionNames[columns.section[k]!], offset: columns.offset[k], length: columns.length[k], location: columns.location(k) };
    assert.deepEqual(row, { section: l.section, offset: l.offset, length: l.length, location: l.location }, `${what}: instruction entry ${k}`);
  });
  return expected.length;
}

/** Jumps forward and back over runs of code of random sizes (short and long forms), padding and a second section. */
function relaxed(seed: number): string {
  let s = seed;
  const next = () => (s = (s * 1103515245 + 12345) & 0x7fffffff);
  const out = ['\t.text'];
  for (let k = 0; k < 40; k++) {
    switch (next() % 7) {
      case 0: out.push(`L${k}:`, `\tjmp L${(k + 1 + (next() % 5))}`); break;
      case 1: out.push(`L${k}:`, `\tjne L${Math.max(0, k - (next() % 6))}`); break;
      case 2: out.push(`L${k}:`, `\t.fill ${next() % 200},1,0x90`, '\tnop'); break;
      case 3: out.push(`L${k}:`, '\t.p2align 4', '\tmovl %esp, %ebp; pushl %ecx'); break;
      case 4: out.push(`L${k}:`, '\t.section .text.b,"ax"', `\tjmp L${k + 2}`, '\tret', '\t.text'); break;
      case 5: out.push(`L${k}:`, `\tcall L${(k + 3)}`, `\t.skip ${next() % 130}`); break;
      default: out.push(`L${k}:`, '\tint $0x80', `\tjz L${k + 1 + (next() % 3)}`); break;
    }
  }
  for (let k = 40; k < 48; k++) out.push(`L${k}:`, '\tnop');
  return out.join('\n') + '\n';
}

test('the instruction entries as columns equal the instruction entries of AsmModule.lines', () => {
  const dir = scratch('vdso-lab-insn-entries-');
  try {
    writeFileSync(join(dir, 'bench.h'), BENCH_HEADER);
    writeFileSync(join(dir, 't.h'), HEADER);
    let entries = 0;
    entries += checkColumns(assembled(dir, 'bench.S', kernelStyleSource(60)), 'bench');
    entries += checkColumns(assembled(dir, 'k.S', kernelStyle(40).join('\n') + '\n'), 'kernel-style');
    for (const d of ['vdso', 'vdso/legacy', 'test/fuzz/corpus/asm']) {
      for (const name of readdirSync(resolve(d))) {
        if (/\.[sS]$/.test(name)) entries += checkColumns(assembled(resolve(d), name, readFileSync(join(resolve(d), name), 'utf8')), `${d}/${name}`);
      }
    }
    for (let seed = 1; seed <= 60; seed++) entries += checkColumns(assembled(dir, `r${seed}.s`, relaxed(seed)), `relaxed ${seed}`);
    assert.ok(entries > 3000, 'the sources have instructions');
    const module = assembled(dir, 'bench.S', kernelStyleSource(2));
    assert.equal(moduleWith(module, { lines: [] }).instructionEntries, undefined, 'moduleWith replacing lines drops the columns');
    assert.ok(moduleWith(module, { symbols: [] }).instructionEntries, 'moduleWith keeping lines keeps them');
    assert.equal({ ...module }.instructionEntries, undefined, 'a spread copy has none');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
