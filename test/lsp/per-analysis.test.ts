// What navigation requests take from an analysis is found once per analysis (version), not on
// every request: the document's symbols and folds (outline() of the whole text), and the
// included files references search (read once through the server's FileSource, never from
// the disk behind its back: a header that became a FIFO is refused, not read, so the server
// answers). The expected places come from the test's own source text.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { analyze, diskFileSource } from '../../language-server/analysis';
import { documentSymbols, foldingRanges, references } from '../../language-server/symbols';
import { scratch } from '../support/oracles';
import { within } from '../support/within';
import { spawnLsp } from './lsp-client';

const HEADER = `#define SAVED_REG ecx
.macro save_it reg
	pushl	%\\reg
.endm
`;

const STUB = `#include "regs.h"
	.text
	.globl	entry
	.type	entry, @function
entry:
	.cfi_startproc
	save_it	SAVED_REG
	popl	%ecx
	save_it	SAVED_REG
	popl	%ecx
	ret
	.cfi_endproc
	.size	entry, .-entry
`;

function placesOf(text: string, name: string): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  text.split('\n').forEach((l, i) => {
    for (let at = l.indexOf(name); at >= 0; at = l.indexOf(name, at + 1)) out.push([i, at]);
  });
  return out;
}

test('symbols, folds and the included files references read are found once per analysis', () => {
  const dir = scratch('vdso-lab-lsp-once-');
  writeFileSync(join(dir, 'regs.h'), HEADER);
  const path = join(dir, 'stub.S');
  const disk = diskFileSource(() => undefined);
  const a = analyze({ uri: pathToFileURL(path).href, version: 1, getText: () => STUB }, {}, disk);
  assert.equal(documentSymbols(a), documentSymbols(a), 'the same symbols for the same analysis');
  assert.ok(documentSymbols(a).some((s) => s.name === 'entry' && s.kind === 'function'));
  assert.equal(foldingRanges(a), foldingRanges(a), 'the same folds for the same analysis');
  assert.deepEqual(foldingRanges(a).map((f) => [f.startLine, f.endLine]), [[STUB.split('\n').findIndex((l) => l.includes('.cfi_startproc')), STUB.split('\n').findIndex((l) => l.includes('.cfi_endproc'))]]);

  const reads: string[] = [];
  const counting = (p: string) => {
    reads.push(p);
    return disk(p);
  };
  const [line, column] = placesOf(STUB, 'SAVED_REG')[0]!;
  const expected = [...placesOf(STUB, 'SAVED_REG').map(([l, c]) => [path, l, c]), ...placesOf(HEADER, 'SAVED_REG').map(([l, c]) => [join(dir, 'regs.h'), l, c])];
  for (let i = 0; i < 3; i++) {
    assert.deepEqual(references(a, line, column, counting).map((r) => [r.file, r.line, r.column]), expected);
  }
  assert.deepEqual(reads, [join(dir, 'regs.h')], 'the header read once for three requests');

  // A new version is a new analysis: the header is read again, as it is now.
  writeFileSync(join(dir, 'regs.h'), `\n${HEADER}`);
  const b = analyze({ uri: pathToFileURL(path).href, version: 2, getText: () => STUB }, {}, disk);
  assert.deepEqual(references(b, line, column, counting).filter((r) => r.file !== path).map((r) => r.line), placesOf(HEADER, 'SAVED_REG').map(([l]) => l + 1));
});

test('references after an included header became a FIFO: refused, not read, and the server answers with the document\'s own uses', async () => {
  const dir = scratch('vdso-lab-lsp-fifo-ref-');
  const header = join(dir, 'regs.h');
  writeFileSync(header, HEADER);
  const path = join(dir, 'stub.S');
  writeFileSync(path, STUB);
  // Spawned: a read of the FIFO would block the process the server runs in.
  const lsp = spawnLsp();
  try {
    const uri = await lsp.open(path, readFileSync(path, 'utf8'));
    rmSync(header);
    assert.equal(spawnSync('mkfifo', [header]).status, 0);
    const [line, column] = placesOf(STUB, 'SAVED_REG')[0]!;
    // Generous: a read of the FIFO would block the server for good.
    const got = await within(
      lsp.request<Array<{ uri: string; range: { start: { line: number; character: number } } }>>('textDocument/references', { textDocument: { uri }, position: { line, character: column }, context: { includeDeclaration: true } }),
      20_000,
      () => { throw new Error('no answer: the server read the FIFO'); },
    );
    assert.deepEqual(got.map((r) => [r.uri, r.range.start.line, r.range.start.character]), placesOf(STUB, 'SAVED_REG').map(([l, c]) => [uri, l, c]));
  } finally {
    await lsp.close();
  }
});
