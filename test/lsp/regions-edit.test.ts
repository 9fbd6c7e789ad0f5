// Holds the cut of an edited document (regions.ts: splitDocument, which makes it from the last
// cut when the edit stays within one line that sets no state) equal to the cut made from
// nothing, on random documents and random edits: characters typed, deleted or replaced in a
// line, state-setting ones (. = / # ; " \ and line ends) among them, a function's end written
// or unwritten, and the bench's edit.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cut, splitDocument } from '../../language-server/regions';
import { kernelStyleSource } from '../../bench/lsp-latency';
import { prng, type Random } from '../support/prng';
import { scaled } from '../support/scale';

// Whole lines; openers come with their closers (a document left open has no cut to make).
const PIECES = [
  '\tmovl %eax, %ebx', 'pushl %ecx', 'ret', '"a;b"', '"x.y"', ';', '.', 'x = 1', '// c', '# c', '#define X 1', '#if 1\nnop\n#endif',
  '.macro m\nnop\n.endm', '.rept 2\nnop\n.endr', '.cfi_startproc\nnop\n.cfi_endproc', 'CFI_STARTPROC\nnop\nCFI_ENDPROC', '/* c\nc */',
  'ALTERNATIVE "", "nop; nop", 5', 'END(x)', 'VDSO_END(s)', '.size x, .-x', 'x:', '1:', ' ', '\t', '.text', 'a = 1', 'nop', 'nop', 'nop',
];
const TYPED = [
  'a', ' ', 'x', '1', '%', ',', '.', '=', '/', '#', ';', '"', '\\', '\n', '*', '\r', 'proc', '__COUNTER__',
  'END(', 'VDSO_END(f)', '.size f, 4', '.macro m', '.endm', '.cfi_startproc', '.cfi_endproc', '#if 1', '#endif', '/*', '*/', 'b = 2', '.text',
];

function documentOf(random: Random): string {
  const lines: string[] = [];
  const count = 20 + Math.floor(random() * 600);
  for (let i = 0; i < count; i++) lines.push(random() < 0.2 ? '' : PIECES[Math.floor(random() * PIECES.length)]!);
  return lines.join('\n') + (random() < 0.9 ? '\n' : '');
}

function edited(random: Random, text: string): string {
  const at = Math.floor(random() * (text.length + 1));
  const r = random();
  const typed = TYPED[Math.floor(random() * TYPED.length)]!;
  if (r < 0.4) return text.slice(0, at) + typed + text.slice(at);
  if (r < 0.7) return text.slice(0, at) + text.slice(at + 1 + Math.floor(random() * 3));
  return text.slice(0, at) + typed + text.slice(at + typed.length);
}

test('the cut of an edited document is the cut made from nothing', () => {
  const random = prng(0xc07);
  let cuts = 0;
  const documents = scaled(400, 40);
  for (let d = 0; d < documents; d++) {
    let text = documentOf(random);
    const regionLines = random() < 0.5 ? 20 : 200;
    const cpp = random() < 0.8;
    if (splitDocument(text, regionLines, cpp)) cuts++;
    for (let e = 0; e < 10; e++) {
      text = edited(random, text);
      assert.deepEqual(splitDocument(text, regionLines, cpp), cut(text, regionLines, cpp), JSON.stringify(text));
    }
  }
  assert.ok(cuts > documents / 2, `only ${cuts} of the documents have a cut`);
});

test("the bench's one-line edit and its undoing cut as from nothing", () => {
  const text = kernelStyleSource(100);
  const edit = text.replace('\tpushl\t%ecx\n', '\tpushl\t%ecx \n');
  for (const t of [text, edit, text, edit]) assert.deepEqual(splitDocument(t), cut(t, 200, true));
  assert.ok(cut(text, 200, true)!.starts.length > 5);
});

test("a function's end written or unwritten in one line moves the cut as from nothing", () => {
  const text = kernelStyleSource(100);
  for (let k = 0; k < 100; k += 7) {
    const end = `VDSO_END(stub_${k})\n`;
    const unwritten = text.replace(end, `VDSO_FIN(stub_${k})\n`);
    for (const t of [text, unwritten, text]) assert.deepEqual(splitDocument(t), cut(t, 200, true), end);
  }
});
