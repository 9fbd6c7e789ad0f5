// Holds the macro table a preprocess starts from (setup-macros.ts: built-in, predefined, -D and
// -U, read once per set of options and then started from) to gcc -E: random option sets
// (object-like, function-like and empty -D values, predefined names redefined or undefined,
// names defined twice, with and without gcc's predefined macros) each preprocessed three times,
// interleaved with the others, a source that prints every name involved; each text equals
// gcc's (at a smaller scale, for a sample of the sets: scale.ts), and each repeat gives the same
// text and messages as the first reading.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { preprocess, formatDiagnostic } from '../../toolchain/asm/cpp/preprocess';
import { prng, type Random } from '../support/prng';
import { scratch } from '../support/oracles';
import { runEach } from '../support/run-tool';
import { sampled } from '../support/scale';

const NAMES = ['A', 'B', 'FN', '__i386__', 'linux', '__PIC__', '__STDC__', 'unix', 'EMPTY'];
const VALUES = ['', '=1', '=42', '=A', '=(B+1)', '=', '=.cfi_startproc', '="s"'];

function pick<T>(random: Random, list: readonly T[]): T {
  return list[Math.floor(random() * list.length)]!;
}

interface Options {
  readonly defines: string[];
  readonly undefines: string[];
}

function options(random: Random): Options {
  const defines: string[] = [];
  const undefines: string[] = [];
  const count = Math.floor(random() * 5);
  for (let k = 0; k < count; k++) {
    const r = random();
    if (r < 0.15) defines.push(`FN(x)=(x*${k})`);
    else defines.push(`${pick(random, NAMES)}${pick(random, VALUES)}`);
  }
  const u = Math.floor(random() * 3);
  for (let k = 0; k < u; k++) undefines.push(pick(random, NAMES));
  return { defines, undefines };
}

const SOURCE = `${NAMES.map((n) => `[${n}]`).join(' ')} FN(3) __LINE__ __FILE__ __BASE_FILE__ __INCLUDE_LEVEL__ __COUNTER__\n#ifdef __i386__\ni386-defined\n#endif\n#if defined(A) && A\nA-true\n#endif\n`;

/** gcc -E -P's text of main.S in `dir` under each option set, from one shell run (run-tool.ts runEach). */
function gccTexts(dir: string, sets: readonly Options[]): Array<() => string> {
  return runEach(sets.map((o) => ({ tool: 'gcc', args: ['-m32', '-E', '-P', '-x', 'assembler-with-cpp', ...o.defines.map((d) => `-D${d}`), ...o.undefines.map((u) => `-U${u}`), 'main.S'], cwd: dir })));
}

const nonBlank = (text: string): string[] => text.split('\n').map((l) => l.trimEnd()).filter((l) => l !== '');

test('the macro table set up from the options equals gcc -E, read once and started from again', () => {
  const random = prng(0x5e7);
  const dir = scratch('vdso-lab-cpp-setup-');
  writeFileSync(join(dir, 'main.S'), SOURCE);
  const sets = Array.from({ length: 24 }, () => options(random));
  // Every set is read three times; gcc reads a sample of them at a smaller scale (8 at least).
  const compared = sampled(sets, 8);
  const gccOf = new Map(gccTexts(dir, compared).map((text, i) => [compared[i]!, text]));
  const firsts = new Map<number, { text: string; messages: string[] }>();
  for (let round = 0; round < 3; round++) {
    for (let i = 0; i < sets.length; i++) {
      const o = sets[(i * 7 + round * 5) % sets.length]!;
      const k = sets.indexOf(o);
      const r = preprocess({ file: 'main.S', text: SOURCE, defines: o.defines, undefines: o.undefines, readFile: () => undefined });
      const seen = { text: r.text, messages: r.diagnostics.map(formatDiagnostic) };
      const first = firsts.get(k);
      if (first === undefined) {
        firsts.set(k, seen);
        const gcc = gccOf.get(o);
        if (gcc && !seen.messages.some((m) => m.includes('error'))) assert.deepEqual(nonBlank(r.text), nonBlank(gcc()), `-D ${o.defines.join(' ')} -U ${o.undefines.join(' ')}`);
      } else assert.deepEqual(seen, first, `-D ${o.defines.join(' ')} -U ${o.undefines.join(' ')}, read again`);
    }
  }
});

test('without the predefined macros, and with them, from the same -D options', () => {
  const dir = scratch('vdso-lab-cpp-setup-');
  writeFileSync(join(dir, 'main.S'), SOURCE);
  const [gcc] = gccTexts(dir, [{ defines: ['A=1'], undefines: [] }]);
  for (let round = 0; round < 2; round++) {
    const bare = preprocess({ file: 'main.S', text: SOURCE, defines: ['A=1'], predefined: false, readFile: () => undefined });
    const full = preprocess({ file: 'main.S', text: SOURCE, defines: ['A=1'], readFile: () => undefined });
    assert.deepEqual(nonBlank(full.text), nonBlank(gcc!()));
    assert.equal(bare.macros.has('__i386__'), false);
    assert.equal(full.macros.has('__i386__'), true);
    assert.ok(!bare.text.includes('i386-defined'));
  }
});
