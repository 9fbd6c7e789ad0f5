// The lexical scan's per-line lists (language-server/source-scan.ts `byLine`, cut from the
// flat list as each line is scanned) hold exactly the lexemes of their line, in the flat
// list's order, for a scan that starts at line 0 and one that starts further down; on the
// bench's generator, kernel-style stubs, vdso/'s designs, the asm fuzz corpus and random
// splices of their lines (block comments, continuations and cpp lines across lines).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { scanSource, splitLines, type SourceScan } from '../../language-server/source-scan';
import { kernelStyleSource } from '../../bench/lsp-latency';
import { kernelStyle } from './kernel-style';
import { scaled } from '../support/scale';

function checkLines(scan: SourceScan, text: string, first: number, what: string): void {
  assert.equal(scan.byLine.length, splitLines(text).length, `${what}: one list per line`);
  let k = 0;
  scan.byLine.forEach((list, n) => {
    for (const l of list) {
      assert.equal(l.line, n + first, `${what}: a lexeme of line ${n + first} in its list`);
      assert.equal(l, scan.lexemes[k], `${what}: line ${n + first} in the flat list's order`);
      k++;
    }
  });
  assert.equal(k, scan.lexemes.length, `${what}: every lexeme in one line's list`);
}

test('each line of the scan holds its own lexemes, in order, on real and spliced sources', () => {
  const texts: Array<[string, string]> = [
    ['bench', kernelStyleSource(40)],
    ['kernel-style', kernelStyle(30).join('\n')],
  ];
  for (const dir of ['vdso', 'test/fuzz/corpus/asm']) {
    for (const name of readdirSync(resolve(dir))) {
      if (/\.[sS]$/.test(name)) texts.push([`${dir}/${name}`, readFileSync(join(resolve(dir), name), 'utf8')]);
    }
  }
  const pool = texts.flatMap(([, t]) => t.split('\n'));
  const extra = ['/* open', 'close */ nop', '\tmovl $1, %eax \\', '#define X(a) \\', '  a + 1', '\tALTERNATIVE "", "nop; nop", X86_FEATURE_SEP', '1: jmp 1b', '# comment'];
  let seed = 11;
  const next = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff);
  for (let n = 0, count = scaled(150, 15); n < count; n++) {
    const lines: string[] = [];
    for (let k = next() % 40; k > 0; k--) lines.push(next() % 4 === 0 ? extra[next() % extra.length]! : pool[next() % pool.length]!);
    texts.push([`splice ${n}`, lines.join(next() % 5 === 0 ? '\r\n' : '\n')]);
  }
  let lexemes = 0;
  for (const [what, text] of texts) {
    const scan = scanSource(text);
    checkLines(scan, text, 0, what);
    checkLines(scanSource(text, 37), text, 37, `${what} at line 37`);
    lexemes += scan.lexemes.length;
  }
  assert.ok(lexemes > 2000, 'the sources have lexemes to place');
});
