// Holds the printing of object-like macros on plain lines (Lexer.plainLine, Engine's
// plainExpansion, Printer.plainLine) to what reading the same lines token by token prints, and
// to gcc -E: random lines using random object-like (and other) macros. A comment at the end
// of a line keeps it off the plain reading and changes nothing printed, so the same source
// with ` /**/` after every line is the token-by-token reference: the same text, line
// locations, spans, messages.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { preprocess } from '../../toolchain/asm/cpp/preprocess';
import { prng, type Random } from '../support/prng';
import { run, scratch } from '../support/oracles';

const NAMES = ['A', 'B', 'C', 'D', 'E', 'F'];
const PIECES = [
  ' ', ' ', '\t', 'movl', '%eax', ',', '$', '0x80', '1e', '+', '-', '5', '.', '.5', '"s t"', '#', '<<', '<', '=', '>', '!', '&',
  '(', ')', ':', ';', '@', '`', 'x', '.cfi_offset', '->', '...', '|', '/',
];

function pick<T>(random: Random, list: readonly T[]): T {
  return list[Math.floor(random() * list.length)]!;
}

function piecesOf(random: Random, most: number, names: boolean): string {
  let s = '';
  const count = Math.floor(random() * most);
  for (let k = 0; k < count; k++) s += names && random() < 0.3 ? pick(random, NAMES) : pick(random, PIECES);
  return s;
}

/**
 * A random source: macros defined (object-like mostly; some naming others, some empty, some
 * with ##, some function-like unless `funLike` is false) and lines using them, redefined now
 * and then; with `repeated`, the lines are drawn from that many made at the start, so that each
 * is met again, before and after a redefinition (cpp remembers what a plain line printed).
 */
function source(random: Random, lines: number, funLike = true, repeated = 0): string {
  const out: string[] = [];
  const define = () => {
    const name = pick(random, NAMES);
    const r = random();
    out.push(`#undef ${name}`);
    if (r < 0.05) out.push(`#define ${name}`);
    else if (r < 0.1 && funLike) out.push(`#define ${name}(a) a+1`);
    else if (r < 0.15) out.push(`#define ${name} x ## 1`);
    else out.push(`#define ${name} ${piecesOf(random, 6, random() < 0.3).replace(/^\s+/, '').replace(/^##/, '#') || 'y'}`);
  };
  for (const _ of NAMES) define();
  const pool = Array.from({ length: repeated }, () => piecesOf(random, 8, true));
  for (let i = 0; i < lines; i++) {
    if (random() < 0.05) define();
    const line = repeated > 0 ? pick(random, pool) : piecesOf(random, 8, true);
    // A '/' last would meet the comment; a '#' first is a line kept as text (no directive), after a plain line or not.
    const kept = /\/\s*$/.test(line) ? `${line}x` : line;
    out.push(/^\s*#/.test(kept) || random() < 0.05 ? `#@${kept}` : kept);
  }
  return out.join('\n') + '\n';
}

function read(text: string) {
  const r = preprocess({ file: 'm.S', text, readFile: () => undefined });
  const spans = [];
  for (let i = 0; i < r.spans.length; i++) spans.push(r.spans.line(i));
  return { text: r.text, lines: r.lines, spans, diagnostics: r.diagnostics };
}

test('object-like macros on plain lines print as token by token: text, locations, spans', () => {
  const random = prng(0x5eed_c99);
  for (let n = 0; n < 60; n++) {
    const text = source(random, 80);
    const tokenByToken = text.split('\n').map((l) => (l === '' || l.startsWith('#') ? l : `${l} /**/`)).join('\n');
    assert.deepEqual(read(text), read(tokenByToken), text);
  }
});

test('plain lines met again print as token by token, the macros redefined or not', () => {
  const random = prng(0x1e1e);
  for (let n = 0; n < 60; n++) {
    const text = source(random, 120, true, 1 + Math.floor(random() * 12));
    const tokenByToken = text.split('\n').map((l) => (l === '' || l.startsWith('#') ? l : `${l} /**/`)).join('\n');
    assert.deepEqual(read(text), read(tokenByToken), text);
  }
});

test('object-like macros on plain lines print as gcc -E prints them', () => {
  const random = prng(0x6cc);
  const dir = scratch('vdso-lab-cpp-plain-');
  for (let n = 0; n < 4; n++) {
    const text = source(random, 400, false);
    writeFileSync(join(dir, 'main.S'), text);
    const nonBlank = (t: string): string[] => t.split('\n').map((l) => l.trimEnd()).filter((l) => l !== '');
    const gcc = nonBlank(run('gcc', ['-m32', '-E', '-P', '-x', 'assembler-with-cpp', 'main.S'], { cwd: dir }));
    assert.deepEqual(nonBlank(preprocess({ file: 'main.S', text, readFile: () => undefined }).text), gcc);
  }
});
