// Compares the preprocessor with gcc's own (gcc -m32 -E -x assembler-with-cpp) on the
// corpus: the text (with -P; normalised only by dropping blank lines and trailing blanks,
// no other spacing change), and the line map against gcc's line markers (without -P):
// every non-blank output line must map to the file:line gcc's markers give it, and none of
// main.S's comes from a group our cpp says it skipped.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync, readFileSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { preprocess, formatDiagnostic } from '../../toolchain/asm/cpp/preprocess';
import { scratch } from '../support/oracles';
import { runEach } from '../support/run-tool';
import { CASES, type CppCase } from './corpus';
import { gccLineMap } from '../support/gcc-line-map';

function materialise(c: CppCase): string {
  const dir = scratch('vdso-lab-cpp-');
  for (const [path, text] of Object.entries(c.files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

function gccArgs(c: CppCase): string[] {
  return [
    '-m32', '-E', '-x', 'assembler-with-cpp',
    ...(c.includeDirs ?? []).map((d) => `-I${d}`),
    ...(c.defines ?? []).map((d) => `-D${d}`),
    ...(c.undefines ?? []).map((u) => `-U${u}`),
    ...(c.includes ?? []).flatMap((f) => ['-include', f]),
    ...(c.imacros ?? []).flatMap((f) => ['-imacros', f]),
    'main.S',
  ];
}

function ours(c: CppCase, dir: string) {
  return preprocess({
    file: 'main.S',
    includeDirs: c.includeDirs,
    defines: c.defines,
    undefines: c.undefines,
    includes: c.includes,
    imacros: c.imacros,
    readFile: (p) => (existsSync(join(dir, p)) ? readFileSync(join(dir, p), 'utf8') : undefined),
  });
}

const nonBlank = (text: string): string[] => text.split('\n').map((l) => l.trimEnd()).filter((l) => l !== '');

/** Each case in its folder with gcc's two answers (-P, and with line markers), from one shell run the file's tests share. */
let answers: Map<CppCase, { dir: string; text: () => string; markers: () => string }> | undefined;
function gccAnswers(c: CppCase): { dir: string; text: () => string; markers: () => string } {
  answers ??= (() => {
    const dirs = CASES.map(materialise);
    const outputs = runEach(CASES.flatMap((k, i) => [{ tool: 'gcc', args: ['-P', ...gccArgs(k)], cwd: dirs[i]! }, { tool: 'gcc', args: gccArgs(k), cwd: dirs[i]! }]));
    return new Map(CASES.map((k, i) => [k, { dir: dirs[i]!, text: outputs[2 * i]!, markers: outputs[2 * i + 1]! }]));
  })();
  return answers.get(c)!;
}

for (const c of CASES) {
  test(`cpp matches gcc -E -P: ${c.name}`, () => {
    const { dir, text } = gccAnswers(c);
    const expected = nonBlank(text());
    const r = ours(c, dir);
    assert.deepEqual(r.diagnostics.filter((d) => d.severity === 'error').map(formatDiagnostic), []);
    assert.deepEqual(nonBlank(r.text), expected);
  });

  test(`cpp line map matches gcc's line markers: ${c.name}`, () => {
    const { dir, markers } = gccAnswers(c);
    const expected = gccLineMap(markers());
    const r = ours(c, dir);
    const lines = r.text.split('\n');
    const mine: { text: string; place: string }[] = [];
    r.lines.forEach((loc, i) => {
      if (lines[i]!.trim() !== '') mine.push({ text: lines[i]!.trimEnd(), place: `${loc.file}:${loc.line}` });
    });
    assert.deepEqual(mine, expected);
    // A group our cpp skipped in main.S (read once; a header read twice may skip a group the first reading printed) holds no line gcc printed.
    const skippedOut = expected.filter((e) => e.place.startsWith('main.S:') && r.skipped.some((g) => g.file === 'main.S' && Number(e.place.slice(7)) >= g.from && Number(e.place.slice(7)) <= g.to));
    assert.deepEqual(skippedOut, []);
  });
}
