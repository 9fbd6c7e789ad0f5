// The numeric label references a module records for the editor (AsmModule.numericReferences,
// kept in columns by toolchain/asm/numeric-references.ts) are once per statement and instance
// named, whatever the number of times the assembler binds a statement's operands (an
// instruction's shape and its encoding, relaxation's passes): on sources of `1:`/`2:` labels
// with jumps and immediates that name one label twice, each line's records are its distinct `Nb`/`Nf` texts, and each
// names the instance GNU as resolves (the value of the label before or after it, checked
// against the branch targets objdump -d gives for the jumps: one as --32 and one objdump run
// for all the sources, each in a section of its own, whose disassembly is each source's alone).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { assemble } from '../../toolchain/asm/assembler';
import { run, scratch } from '../support/oracles';
import { compareWithGas } from './gas-compare';

function source(seed: number): string {
  let s = seed;
  const next = () => (s = (s * 1103515245 + 12345) & 0x7fffffff);
  const out = ['\t.text', '1:\tnop', '2:\tnop'];
  for (let k = 0; k < 30; k++) {
    const n = 1 + (next() % 2);
    switch (next() % 5) {
      case 0: out.push(`${n}:\tjmp ${1 + (next() % 2)}${next() % 2 ? 'b' : 'f'}`); break;
      case 1: out.push(`\tjne ${n}f`, `\t.fill ${next() % 150},1,0x90`, `${n}:\tnop`); break;
      case 2: out.push(`${n}:\tmovl $${n}b - ${n}b + ${n}b - ., %ecx`); break;
      case 3: out.push(`\tjz ${n}b`); break;
      default: out.push(`${n}:\tmovl $${n}f - ${n}b, %eax`); break;
    }
  }
  out.push('1:\tnop', '2:\tnop', '1:\tnop', '2:\tret');
  return out.join('\n') + '\n';
}

/** Each seed's source in a section of its own (`.text.SEED`: numeric labels do not cross seeds), for one as --32 run. */
function allSources(seeds: readonly number[]): string {
  return seeds.map((seed) => source(seed).replace('\t.text\n', `\t.section .text.${seed},"ax"\n`)).join('');
}

/** objdump -d's jumps of each section, by seed: the target of the jump at each offset. */
function jumpTargets(disassembly: string): Map<number, Map<number, number>> {
  const bySeed = new Map<number, Map<number, number>>();
  for (const part of disassembly.split(/^Disassembly of section \.text\./m).slice(1)) {
    const targets = new Map<number, number>();
    for (const m of part.matchAll(/^\s*([0-9a-f]+):\s+(?:[0-9a-f]{2} )+\s*j\w+\s+(?:0x)?([0-9a-f]+)/gm)) targets.set(parseInt(m[1]!, 16), parseInt(m[2]!, 16));
    bySeed.set(parseInt(part, 10), targets);
  }
  return bySeed;
}

test('numeric references: once per statement and instance, naming the instance GNU as resolves', async () => {
  const dir = scratch();
  const seeds = Array.from({ length: 25 }, (_, k) => k + 1);
  // One as and one objdump for every seed (objdump reads GNU as's object).
  writeFileSync(join(dir, 'n.s'), allSources(seeds));
  run('as', ['--32', 'n.s', '-o', 'n.o'], { cwd: dir });
  const targetsOf = jumpTargets(run('objdump', ['-d', 'n.o'], { cwd: dir }));
  let checked = 0;
  for (const seed of seeds) {
    const text = source(seed);
    const module = assemble({ file: 'n.s', text, numericReferences: true });
    assert.deepEqual(module.diagnostics, [], `seed ${seed}: assembles`);
    const refs = module.numericReferences!;
    const lines = text.split('\n');
    const expected: string[] = [];
    lines.forEach((l, i) => {
      const body = l.replace(/^\d+:/, '');
      for (const t of new Set(body.match(/\b\d+[bf]\b/g) ?? [])) expected.push(`${i + 1} ${t}`);
    });
    assert.deepEqual(refs.map((r) => `${r.location.line} ${r.text}`).sort(), expected.sort(), `seed ${seed}: one record per line and reference`);
    // A jump's target is the instance its record names.
    const targets = targetsOf.get(seed);
    assert.ok(targets, `seed ${seed}: objdump disassembled its section`);
    const jumpAt = new Map<number, number>();
    for (const l of module.lines) if (l.instruction && /^\s*(?:\d+:)?\s*j\w+\s/.test(lines[l.location.line - 1]!) && !jumpAt.has(l.location.line)) jumpAt.set(l.location.line, l.offset);
    for (const r of refs) {
      const at = jumpAt.get(r.location.line);
      if (at === undefined) continue;
      assert.equal(r.label.value, targets.get(at), `seed ${seed}: line ${r.location.line} ${r.text}`);
      checked++;
    }
  }
  assert.ok(checked > 100, 'jumps were checked against objdump');
});

test('forward references no label defines are reported in the order their instances were made, as by as --32', async () => {
  await compareWithGas('undefined-forward', ['\t.text', '1:\tnop', '\tjmp 3f', '\tjmp 1f', '\tjmp 2f', '2:\tnop', '\tjmp 2f', '\tjmp 3b', '\tjmp 4f', '\tjmp 1f', ''].join('\n'));
});
