// Compares the preprocessor's diagnostics with gcc's (gcc -m32 -E -x assembler-with-cpp) on
// inputs with mistakes: #error/#warning, unterminated #if and argument lists, missing
// includes, bad #if expressions, bad #define lines. Compared: severity, line, and the
// message (gcc's wording without its "[-Wxxx]" suffix); columns where gcc gives the same
// place we do. gcc stops at a missing include (fatal), so that case is alone in its file.
// Also checks gcc's predefined macros against ours, and the bounds on hostile input.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { preprocess } from '../../toolchain/asm/cpp/preprocess';
import { PREDEFINED } from '../../toolchain/asm/cpp/predefined';
import { run, scratch } from '../support/oracles';

interface Seen {
  readonly severity: string;
  readonly line: number;
  readonly column: number | undefined;
  readonly message: string;
}

function gccDiagnostics(source: string): Seen[] {
  const dir = scratch('vdso-lab-cppdiag-');
  writeFileSync(join(dir, 'bad.S'), source);
  const r = spawnSync('gcc', ['-m32', '-E', '-x', 'assembler-with-cpp', 'bad.S', '-o', '/dev/null'], { cwd: dir, encoding: 'utf8' });
  if (r.error) throw new Error(`oracle 'gcc' is not installed: .ci/run must install it (${r.error.message})`);
  const out: Seen[] = [];
  for (const l of r.stderr.split('\n')) {
    const m = /^bad\.S:(\d+):(?:(\d+):)? (fatal error|error|warning): (.*?)(?: \[-W[\w-]+\])?$/.exec(l);
    if (!m || m[4] === 'the conditional began here') continue;
    out.push({ severity: m[3] === 'fatal error' ? 'error' : m[3]!, line: Number(m[1]), column: m[2] === undefined ? undefined : Number(m[2]), message: m[4]! });
  }
  return out;
}

function ourDiagnostics(source: string): Seen[] {
  const r = preprocess({ file: 'bad.S', text: source, readFile: () => undefined });
  return r.diagnostics.map((d) => ({ severity: d.severity, line: d.location.line, column: d.location.column, message: d.message }));
}

const CASES: { name: string; source: string; sameColumns: boolean }[] = [
  {
    name: '#error, #warning, directive mistakes',
    sameColumns: false,
    source: `#error this is bad FOO  "x"
#warning careful   now
#error
#define X(a,b) a
X(1)
X(1,2,3)
#else
#endif
#ifdef
#endif
#if 1
#else
#else
#endif
#elif 1
#define 3
#define A(x,x) x
#define B ## x
#define C(x) x ##
#define D(x
#define E(x,) x
#undef __FILE__
#ifdef X junk
#endif junk
#include
#include foo
#define defined
#line x
`,
  },
  {
    name: 'bad #if expressions',
    sameColumns: false,
    source: `#if 1 +
#endif
#if (2
#endif
#if 1/0
#endif
#if 0 && 1/0
#endif
#if
#endif
#if 1 2
#endif
#if 3.0
#endif
#if 1 ? 2
#endif
#if ()
#endif
#if 1 ==
#endif
#if x(
#endif
#if defined
#endif
#if defined(
#endif
#if 0x
#endif
#if 12abc
#endif
#if 099
#endif
#if 18446744073709551615 == -1
#endif
#if 'ab' == 24930
#endif
#if 5 % 0
#endif
#if "s"
#endif
#if @
#endif
#if UNDEFINED_F(1) + 0
#endif
#if 1 : 2
#endif
#if ''
#endif
`,
  },
  {
    name: 'unterminated #if, argument list and comment',
    sameColumns: false,
    source: `#define F(x) x
#ifndef Q
#if 1
F(1,
2
/* never closed
`,
  },
  { name: 'missing include', sameColumns: true, source: 'a\n#include "nothere.h"\n' },
  { name: 'missing angled include', sameColumns: true, source: 'a\n\n#include <nothere/either.h>\n' },
];

for (const c of CASES) {
  test(`cpp diagnostics match gcc's: ${c.name}`, () => {
    const expected = gccDiagnostics(c.source);
    const mine = ourDiagnostics(c.source);
    assert.ok(expected.length > 0);
    const strip = (s: Seen[]): Omit<Seen, 'column'>[] => s.map(({ severity, line, message }) => ({ severity, line, message }));
    assert.deepEqual(strip(mine), strip(expected));
    if (c.sameColumns) assert.deepEqual(mine.map((d) => d.column), expected.map((d) => d.column));
  });
}

test('cpp diagnostics carry the place of most expression errors as gcc does', () => {
  const source = CASES[1]!.source;
  const expected = gccDiagnostics(source);
  const mine = ourDiagnostics(source);
  const same = mine.filter((d, i) => d.column === expected[i]!.column).length;
  // gcc puts overflow and '?' errors after the operator; everything else at the same column.
  assert.ok(same >= expected.length - 2, `only ${same} of ${expected.length} columns agree`);
});

test('a message after `#line N ""` has gcc\'s wording and column, at the line of the file it is on', () => {
  // gcc names the empty file (`:101:9: warning: ...`); ours names the file being read and the
  // line there, a place a reader or an editor can open.
  const source = 'a\n#line 100 ""\n\n#pragma once\n#warning here\n';
  const dir = scratch('vdso-lab-cppline-');
  writeFileSync(join(dir, 'bad.S'), source);
  const g = spawnSync('gcc', ['-m32', '-E', '-x', 'assembler-with-cpp', 'bad.S', '-o', '/dev/null'], { cwd: dir, encoding: 'utf8' });
  const expected = [...g.stderr.matchAll(/^:(\d+):(\d+): warning: (.*?)(?: \[-W[\w-]+\])?$/gm)].map((m) => ({ presumed: Number(m[1]), column: Number(m[2]), message: m[3]! }));
  assert.equal(expected.length, 2, g.stderr);
  const mine = ourDiagnostics(source);
  const r = preprocess({ file: 'bad.S', text: source, readFile: () => undefined });
  assert.deepEqual(r.diagnostics.map((d) => d.location.file), ['bad.S', 'bad.S']);
  // `#line 100` on line 2 numbers line 3 100: a physical line is gcc's less 97.
  assert.deepEqual(mine.map((d) => ({ line: d.line, column: d.column, message: d.message })), expected.map((e) => ({ line: e.presumed - 97, column: e.column, message: e.message })));
  assert.deepEqual(mine.map((d) => source.split('\n')[d.line - 1]), ['#pragma once', '#warning here']);
});

test('predefined macros have the values gcc -m32 gives for assembler-with-cpp', () => {
  const dump = run('gcc', ['-m32', '-E', '-dM', '-x', 'assembler-with-cpp', '/dev/null']);
  const gcc = new Map<string, string>();
  for (const l of dump.split('\n')) {
    const m = /^#define (\S+) ?(.*)$/.exec(l);
    if (m) gcc.set(m[1]!, m[2]!);
  }
  for (const [name, value] of PREDEFINED) assert.equal(gcc.get(name), value, name);
  assert.equal(gcc.has('__ASSEMBLY__'), false, 'gcc does not define __ASSEMBLY__; the kernel passes -D__ASSEMBLY__');
});

test('include recursion stops at depth 200 with gcc\'s message', () => {
  const source = '#include "self.S"\nx\n';
  const dir = scratch('vdso-lab-cppdeep-');
  writeFileSync(join(dir, 'self.S'), source);
  const g = spawnSync('gcc', ['-m32', '-E', '-x', 'assembler-with-cpp', 'self.S', '-o', '/dev/null'], { cwd: dir, encoding: 'utf8' });
  const gccMessage = /error: (#include nested depth \d+ exceeds maximum of \d+)/.exec(g.stderr)?.[1];
  assert.ok(gccMessage);
  const r = preprocess({ file: 'self.S', readFile: (p) => (p === 'self.S' ? source : undefined) });
  const errors = r.diagnostics.filter((d) => d.severity === 'error');
  assert.equal(errors.length, 1);
  assert.ok(errors[0]!.message.startsWith(gccMessage), errors[0]!.message);
});

/**
 * Doublings of the exponential macro: 2^(DOUBLINGS + 1) tokens expanded whole, twice the cut-off
 * (2 million, toolchain/asm/cpp/engine.ts): over it, yet a run without the cut-off still ends
 * (about 4 M tokens) and fails the test rather than running away.
 */
const DOUBLINGS = 21;

test('exponential macro expansion is cut off with an error instead of running away', () => {
  let source = '#define M0 x x\n';
  for (let i = 1; i <= DOUBLINGS; i++) source += `#define M${i} M${i - 1} M${i - 1}\n`;
  source += `M${DOUBLINGS}\n`;
  const r = preprocess({ file: 'big.S', text: source, readFile: () => undefined });
  assert.ok(r.diagnostics.some((d) => d.severity === 'error' && /macro expansion too large/.test(d.message)));
  let expanded = 0;
  for (let at = r.text.indexOf('x'); at >= 0; at = r.text.indexOf('x', at + 1)) expanded++;
  assert.ok(expanded > 0 && expanded <= 2_000_000, `${expanded} tokens of the expansion were put out`);
});
