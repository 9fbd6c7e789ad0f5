// Holds the printing of lines that are one function-like macro invocation (Lexer.invocationLine,
// invocation-lines.ts, Printer.invocationLine) to what reading the same lines token by token
// prints, and to gcc -E: random macros (function-like ones naming others, with `#`, `##`,
// __LINE__, ending with a function-like macro's name, of one, two or variable parameters) and
// random lines invoking them, redefined now and then. A comment at the end of a line keeps it
// off the plain and invocation readings and changes nothing printed, so the same source with
// ` /**/` after every line is the token-by-token reference: the same text, line locations,
// spans, messages.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { preprocess } from '../../toolchain/asm/cpp/preprocess';
import { prng, type Random } from '../support/prng';
import { scaled } from '../support/scale';
import { run, scratch } from '../support/oracles';

const NAMES = ['F', 'G', 'H', 'K', 'O'];
const ARGS = ['x', 'stub_1', 'O', 'F', 'G', 'y2', 'L', 'u8'];
const PIECES = [' ', '\t', '.globl', ';', ',', ':', '@function', '.', '-', '0x90', '(', ')', '+', '"s"', '<', 'movl', '%eax'];

function pick<T>(random: Random, list: readonly T[]): T {
  return list[Math.floor(random() * list.length)]!;
}

function blank(random: Random): string {
  const r = random();
  return r < 0.6 ? '' : r < 0.8 ? ' ' : r < 0.9 ? '\t' : ' \t ';
}

/** A replacement list: pieces, the parameter `p` (if any), other macros' names, now and then `#`, `##` or __LINE__ (no parentheses when `balanced`). */
function body(random: Random, param: boolean, balanced = false): string {
  let s = '';
  const count = 1 + Math.floor(random() * 7);
  for (let k = 0; k < count; k++) {
    const r = random();
    if (param && r < 0.3) s += ' p';
    else if (r < 0.45) s += ` ${pick(random, NAMES)}`;
    else if (r < 0.5) s += ` ${pick(random, NAMES)}(p)`.replace('(p)', param ? '(p)' : '(1)');
    else if (r < 0.52) s += param ? ' #p' : ' #';
    else if (r < 0.54) s += ' a ## b';
    else if (r < 0.56) s += ' __LINE__';
    else {
      const piece = pick(random, PIECES);
      s += ` ${balanced && (piece === '(' || piece === ')') ? ';' : piece}`;
    }
  }
  return s;
}

/**
 * A random source: macros defined (function-like of one parameter mostly) and lines invoking
 * them, redefined now and then. `valid`: only what gcc reads without an error (one parameter,
 * no parentheses in replacement lists, no line starting with `(`); an invocation line
 * reaching a built-in macro such as __LINE__ is read token by token.
 */
function source(random: Random, lines: number, valid = false): string {
  const out: string[] = [];
  const define = () => {
    const name = pick(random, NAMES);
    const r = random();
    out.push(`#undef ${name}`);
    if (r < 0.1) out.push(`#define ${name} ${body(random, false, valid)}`);
    else if (valid) out.push(`#define ${name}(p)${blank(random)}${body(random, true, true)}`);
    else if (r < 0.15) out.push(`#define ${name}(p, q) q ${body(random, true)}`);
    else if (r < 0.2) out.push(`#define ${name}(p...) ${body(random, true)}`);
    else if (r < 0.25) out.push(`#define ${name}(p)`);
    else out.push(`#define ${name}(p)${blank(random)}${body(random, true)}${random() < 0.1 ? ` ${pick(random, NAMES)}` : ''}`);
  };
  for (const _ of NAMES) define();
  for (let i = 0; i < lines; i++) {
    const r = random();
    if (r < 0.05) define();
    else if (r < 0.1 && !valid) out.push(`${blank(random)}(${pick(random, ARGS)})`);
    else if (r < 0.15) out.push(`\t.long ${pick(random, ARGS)}`);
    else {
      const name = random() < 0.9 ? pick(random, NAMES) : pick(random, ARGS);
      out.push(`${blank(random)}${name}${blank(random)}(${blank(random)}${pick(random, ARGS)}${blank(random)})${blank(random)}`);
    }
  }
  // A last line that the reference leaves as it is: an argument list open at the end is reported there, at the same column.
  out.push('\t.end');
  return out.join('\n') + '\n';
}

/** The token-by-token reference: an empty comment after every line but directives and the last. */
function tokenByToken(text: string): string {
  const lines = text.split('\n');
  return lines.map((l, i) => (l === '' || l.startsWith('#') || i >= lines.length - 2 ? l : `${l} /**/`)).join('\n');
}

function read(text: string) {
  const r = preprocess({ file: 'm.S', text, readFile: () => undefined });
  const spans = [];
  for (let i = 0; i < r.spans.length; i++) spans.push(r.spans.line(i));
  return { text: r.text, lines: r.lines, spans, diagnostics: r.diagnostics };
}

test('lines of one function-like macro invocation print as token by token: text, locations, spans, messages', () => {
  const random = prng(0x1f0c);
  // At least 16: a template kept after a redefinition shows from the twelfth source on.
  for (let n = 0; n < scaled(80, 16); n++) {
    const text = source(random, 60);
    assert.deepEqual(read(text), read(tokenByToken(text)), text);
  }
});

test('the kernel style ENTRY(x) and END(x) lines print as gcc -E prints them', () => {
  const header = '#define SYM(name) .globl name; .type name, @function; .p2align 4, 0x90; name:\n#define ENTRY(name) SYM(name)\n#define END(name)\t.size name, . - name\n';
  const lines = ['ENTRY(a)', '  END( a )', '\tENTRY (b)x', 'END(b) ; END(c)', 'ENTRY(\tc\t)\t', 'END(ENTRY)', 'ENTRY(d) /* */', 'END(d)'];
  const text = header + lines.join('\n') + '\n';
  const dir = scratch('vdso-lab-cpp-invocation-');
  writeFileSync(join(dir, 'main.S'), text);
  const nonBlank = (t: string): string[] => t.split('\n').map((l) => l.trimEnd()).filter((l) => l !== '');
  const gcc = nonBlank(run('gcc', ['-m32', '-E', '-P', '-x', 'assembler-with-cpp', 'main.S'], { cwd: dir }));
  assert.deepEqual(nonBlank(preprocess({ file: 'main.S', text, readFile: () => undefined }).text), gcc);
});

test('random invocation lines print as gcc -E prints them', () => {
  const random = prng(0x9cc1);
  const dir = scratch('vdso-lab-cpp-invocation-');
  for (let n = 0; n < 4; n++) {
    const text = source(random, 300, true);
    writeFileSync(join(dir, 'main.S'), text);
    const nonBlank = (t: string): string[] => t.split('\n').map((l) => l.trimEnd()).filter((l) => l !== '');
    const gcc = nonBlank(run('gcc', ['-m32', '-E', '-P', '-x', 'assembler-with-cpp', 'main.S'], { cwd: dir }));
    assert.deepEqual(nonBlank(preprocess({ file: 'main.S', text, readFile: () => undefined }).text), gcc, text);
  }
});
