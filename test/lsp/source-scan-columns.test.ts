// The lexical scan written as columns (language-server/source-scan.ts, region-scan.ts) gives
// the lexemes, ALTERNATIVE blocks and cpp directives that the scan of one object per lexeme
// gave (source-scan-reference.ts, the code before the columns): every field of every lexeme,
// each line's list, for a scan at line 0 and further down, and the joined and spread scans of
// pieces; on the bench's generator, kernel-style stubs, vdso/'s designs, the asm fuzz corpus,
// random splices of their lines and random character mutations aimed at what the scan tells
// apart (quotes, escapes, `%` `\` `$'`, colons, local labels, ALTERNATIVE words, comments,
// continuations, cpp lines, CR LF).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { scanSource, splitLines, type SourceScan } from '../../language-server/source-scan';
import { joinScans, spreadScans } from '../../language-server/region-scan';
import { kernelStyleSource } from '../../bench/lsp-latency';
import { kernelStyle } from './kernel-style';
import { referenceJoin, referenceScan, referenceSpread, type SourceScan as ReferenceScan } from './source-scan-reference';

function same(scan: SourceScan, ref: ReferenceScan, what: string): void {
  assert.equal(scan.count, ref.lexemes.length, `${what}: lexeme count`);
  assert.deepEqual(scan.lexemes.map((l) => ({ ...l })), ref.lexemes.map((l) => ({ ...l })), `${what}: lexemes`);
  assert.equal(scan.byLine.length, ref.byLine.length, `${what}: lines`);
  assert.equal(scan.lineCount, ref.byLine.length, `${what}: lineCount`);
  ref.byLine.forEach((list, n) => assert.deepEqual(scan.byLine[n]!.map((l) => ({ ...l })), list.map((l) => ({ ...l })), `${what}: line ${n}`));
  for (let i = 0; i < scan.count; i++) assert.equal(scan.textOf(i), ref.lexemes[i]!.text, `${what}: text of lexeme ${i}`);
  assert.deepEqual(JSON.parse(JSON.stringify(scan.alternatives)), JSON.parse(JSON.stringify(ref.alternatives)), `${what}: ALTERNATIVE blocks`);
  assert.deepEqual(JSON.parse(JSON.stringify(scan.directives)), JSON.parse(JSON.stringify(ref.directives)), `${what}: cpp directives`);
}

function sources(): Array<[string, string]> {
  const texts: Array<[string, string]> = [
    ['bench', kernelStyleSource(60)],
    ['kernel-style', kernelStyle(30).join('\n')],
  ];
  for (const dir of ['vdso', 'test/fuzz/corpus/asm']) {
    for (const name of readdirSync(resolve(dir))) {
      if (/\.[sS]$/.test(name)) texts.push([`${dir}/${name}`, readFileSync(join(resolve(dir), name), 'utf8')]);
    }
  }
  return texts;
}

let seed = 23;
const next = (): number => (seed = (seed * 1103515245 + 12345) & 0x7fffffff);

/** Random texts: splices of the sources' lines and of lines that stress the scan, some with characters replaced or inserted. */
function randomTexts(pool: readonly string[], count: number): Array<[string, string]> {
  const extra = [
    '/* open', 'close */ nop', '\tmovl $1, %eax \\', '#define X(a) \\', '  a + 1', '\tALTERNATIVE "", "nop; nop", X86_FEATURE_SEP',
    '1: jmp 1b', '# comment', '\talternative_2 "1: jmp 1f; 2:", "movl $\'x, %eax", X86_FEATURE_XMM2, "\\"q\\" ; lbl :: nop", X86_FEATURE_SEP',
    'ALTERNATIVE: nop', '\tALTERNATIVEx "a" ; nop "b"', '  #  include <a/b.h> "c" 12 0x1f // x', '#if FOO /* c */ && 3', 'lbl :: x', '0x10: nop',
    '\t\\param, %\\x $0b101 $\'a', '\tCFI_ADJUST_CFA_OFFSET 4 ; .cfi_endproc', '"unterminated \\', '\tALTERNATIVE "mov %eax, %ebx', '  , "x" ; 1f: 2b',
    '#line 7 "f.S"', '#error no \\', '  \\', '.Lx: .L$y: 3:4: jmp 3f', '\tALTERNATIVE_3 "\\\\", "$\'\\"", X86_FEATURE_A', '\tALTERNATIVE "movb $\'", "push $\'"',
  ];
  const chars = ['"', '\\', ';', ':', '%', '$', "'", '#', '/', '*', ' ', '\t', 'A', '1', 'f', 'b', 'x', '.', '\r', ','];
  const out: Array<[string, string]> = [];
  for (let n = 0; n < count; n++) {
    const lines: string[] = [];
    for (let k = next() % 40; k > 0; k--) {
      let line = next() % 3 === 0 ? extra[next() % extra.length]! : pool[next() % pool.length]!;
      for (let m = next() % 4; m > 0 && line.length > 0; m--) {
        const at = next() % (line.length + 1);
        const c = chars[next() % chars.length]!;
        line = next() % 2 === 0 ? line.slice(0, at) + c + line.slice(at) : line.slice(0, at) + c + line.slice(at + 1);
      }
      lines.push(line);
    }
    out.push([`random ${n}`, lines.join(next() % 5 === 0 ? '\r\n' : '\n')]);
  }
  return out;
}

test('the columnar scan equals the scan of one object per lexeme, on real, spliced and mutated sources', () => {
  const real = sources();
  const texts = [...real, ...randomTexts(real.flatMap(([, t]) => t.split('\n')), 600)];
  let lexemes = 0;
  for (const [what, text] of texts) {
    const scan = scanSource(text);
    same(scan, referenceScan(text), what);
    same(scanSource(text, 37), referenceScan(text, 37), `${what} at line 37`);
    lexemes += scan.count;
  }
  assert.ok(lexemes > 20000, 'the sources have lexemes to compare');
});

test('joined and spread scans of pieces equal the reference join and spread', () => {
  const real = sources();
  for (const [what, text] of [...real, ...randomTexts(real.flatMap(([, t]) => t.split('\n')), 200)]) {
    const lines = splitLines(text);
    // Pieces ending in a line end, at random lines (the join does not ask whether the cut is at rest).
    const cuts = [0];
    while (cuts[cuts.length - 1]! < lines.length - 1) cuts.push(Math.min(lines.length - 1, cuts[cuts.length - 1]! + 1 + (next() % 30)));
    const pieces: Array<[string, number]> = [];
    for (let k = 0; k + 1 < cuts.length; k++) pieces.push([lines.slice(cuts[k], cuts[k + 1]).join('\n') + '\n', cuts[k]!]);
    pieces.push([lines.slice(cuts[cuts.length - 1]).join('\n'), cuts[cuts.length - 1]!]);
    same(joinScans(pieces.map(([t, at]) => scanSource(t, at))), referenceJoin(pieces.map(([t, at]) => referenceScan(t, at))), `${what} joined`);
    const some = pieces.filter(() => next() % 2 === 0);
    same(spreadScans(lines.length + 1, some.map(([t, at]) => scanSource(t, at))), referenceSpread(lines.length + 1, some.map(([t, at]) => referenceScan(t, at))), `${what} spread`);
  }
});
