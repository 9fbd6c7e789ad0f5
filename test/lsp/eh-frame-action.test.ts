// The code action that turns hand-written .eh_frame bytes into .cfi_* directives, on the
// legacy design's __kernel_vsyscall: GNU as (gcc -m32 -c) builds the file before and after
// the edit, and readelf --debug-dump=frames-interp must show the same rows for the function.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { run, scratch } from '../support/oracles';
import { startLsp } from './lsp-client';
import { readelfFdes } from './frames-oracle';

const lsp = startLsp();
after(() => lsp.close());

interface Edit { range: { start: { line: number; character: number }; end: { line: number; character: number } }; newText: string }

function applyEdits(text: string, edits: readonly Edit[]): string {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text[i] === '\n') starts.push(i + 1);
  const offset = (p: { line: number; character: number }) => (starts[p.line] ?? text.length) + p.character;
  const sorted = [...edits].sort((x, y) => offset(y.range.start) - offset(x.range.start));
  let out = text;
  for (const e of sorted) out = out.slice(0, offset(e.range.start)) + e.newText + out.slice(offset(e.range.end));
  return out;
}

/** The frames-interp rows of the FDE that covers address 0 of .text: `LOC CFA cells` with unset columns dropped. */
function rowsOfFirstFunction(object: string): string[] {
  const fde = readelfFdes(object).find((f) => f.pcBegin === 0);
  assert.ok(fde, `no FDE at pc 0 in ${object}`);
  return fde.rows.map((r) => `${r.loc.toString(16).padStart(8, '0')} ${r.cells}`);
}

test('converting the legacy sysenter image\'s hand-written FDE gives .cfi directives that assemble to the same rows', async () => {
  const path = resolve('vdso/legacy/sysenter.S');
  const text = readFileSync(path, 'utf8');
  const uri = await lsp.open(path, text);
  const line = text.split('\n').findIndex((l) => l.includes('fde_begin'));
  const actions = await lsp.request<Array<{ title: string; edit: { changes: Record<string, Edit[]> } }>>('textDocument/codeAction', {
    textDocument: { uri }, range: { start: { line, character: 0 }, end: { line, character: 0 } }, context: { diagnostics: [] },
  });
  const convert = actions.find((x) => /\.eh_frame FDE to \.cfi_/.test(x.title));
  assert.ok(convert, JSON.stringify(actions.map((x) => x.title)));
  const converted = applyEdits(text, convert.edit.changes[uri]!);
  assert.match(converted, /\.cfi_startproc/);
  assert.doesNotMatch(converted, /fde_begin/);
  const dir = scratch();
  const build = (name: string, source: string) => {
    writeFileSync(join(dir, name), source);
    run('gcc', ['-m32', '-c', '-I', resolve('vdso/include'), '-I', resolve('vdso/legacy'), join(dir, name), '-o', join(dir, `${name}.o`)]);
    return rowsOfFirstFunction(join(dir, `${name}.o`));
  };
  const before = build('before.S', text);
  const afterRows = build('after.S', converted);
  assert.ok(before.length >= 6, before.join('\n'));
  assert.deepEqual(afterRows, before, `converted:\n${converted}`);
});

test('hover on a line of hand-written .eh_frame bytes decodes its FDE as readelf does', async () => {
  const path = resolve('vdso/legacy/sysenter.S');
  const text = readFileSync(path, 'utf8');
  const uri = await lsp.open(path, text);
  const line = text.split('\n').findIndex((l) => l.includes('DW_CFA_def_cfa_offset, 12'));
  const h = await lsp.request<{ contents: { value: string } }>('textDocument/hover', { textDocument: { uri }, position: { line, character: text.split('\n')[line]!.indexOf('.byte') + 1 } });
  const ours = h.contents.value.split('\n').filter((l) => /^\s+DW_CFA/.test(l));
  const object = join(scratch(), 'sysenter.o');
  run('gcc', ['-m32', '-c', '-I', resolve('vdso/include'), '-I', resolve('vdso/legacy'), path, '-o', object]);
  const readelf = run('readelf', ['--debug-dump=frames', object]);
  const fde = readelf.slice(readelf.indexOf(' FDE '));
  const theirs = fde.slice(0, fde.indexOf('\n\n')).split('\n').filter((l) => /^\s+DW_CFA/.test(l));
  assert.ok(theirs.length >= 8, readelf);
  assert.deepEqual(ours, theirs);
});
