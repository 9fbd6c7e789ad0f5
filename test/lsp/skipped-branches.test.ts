// Labels and groups in branches GNU as never reads, over LSP, in the .S and in a header it
// #includes: go to definition finds a label only where GAS defined it (none for one written
// only under `.if 0` or `#if 0`, the active branch's for one written in both), and the
// header's skipped groups are what vdsoLab/inactiveRegions gives for the header's URI. The
// oracle is gcc -m32 -E followed by `as --32 -alc` (its listing omits false conditionals) and
// the object's symbol table: the lines GAS read are the listed ones, mapped back through cpp's
// line markers.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { readelfSymbols, run, scratch } from '../support/oracles';
import { startLsp } from './lsp-client';

const lsp = startLsp();
after(() => lsp.close());

const HEADER = `#if 0
hdr_cpp0:
	nop
#endif
.if 0
hdr_if0:
	nop
.else
hdr_both:
	int3
.endif
.if 0
hdr_both:
	hlt
.endif
`;

const STUB = `#include "skip.h"
	.text
.if 0
only_if0:
	nop
.endif
#if 0
only_cpp0:
	nop
#endif
.if 1 - 1
both:
	nop
.else
both:
	int3
.endif
	.globl	entry
entry:
	jmp	only_if0
	jmp	only_cpp0
	jmp	both
	jmp	hdr_cpp0
	jmp	hdr_if0
	jmp	hdr_both
	ret
`;

/** The places (file:line, 1-based) of the non-blank lines GAS read: `as -alc` lists no line of a false conditional. */
function linesGasRead(dir: string, path: string): Array<{ place: string; text: string }> {
  const pre = run('gcc', ['-m32', '-E', '-I', dir, path]);
  const places: string[] = [];
  let file = '';
  let line = 0;
  for (const l of pre.split('\n')) {
    const m = /^# (\d+) "([^"]*)"/.exec(l);
    places.push(m ? '' : `${file}:${line}`);
    if (m) {
      line = Number(m[1]);
      file = m[2]!.startsWith('/') ? m[2]! : join(dir, m[2]!);
    } else line++;
  }
  const source = join(dir, 'pre.s');
  writeFileSync(source, pre);
  run('as', ['--32', `-alc=${join(dir, 'pre.lst')}`, source, '-o', join(dir, 'pre.o')]);
  const listing = readFileSync(join(dir, 'pre.lst'), 'utf8');
  const lines = pre.split('\n');
  const out: Array<{ place: string; text: string }> = [];
  for (const l of listing.split('\n')) {
    const m = /^\s*(\d+) /.exec(l);
    // cpp prints a skipped line as an empty one: GAS read nothing there.
    if (m && places[Number(m[1]) - 1] && lines[Number(m[1]) - 1]!.trim()) out.push({ place: places[Number(m[1]) - 1]!, text: lines[Number(m[1]) - 1]! });
  }
  return out;
}

test('go to definition of a label written in a skipped .if or #if branch finds only what GAS defined', async () => {
  const dir = scratch('vdso-lab-lsp-skipped-');
  const header = join(dir, 'skip.h');
  const path = join(dir, 'skip.S');
  writeFileSync(header, HEADER);
  writeFileSync(path, STUB);
  const read = linesGasRead(dir, path);
  const symbols = readelfSymbols(join(dir, 'pre.o')).filter((s) => s.code && s.bind === 'LOCAL').map((s) => s.name);
  const uri = await lsp.open(path, STUB);
  const lines = STUB.split('\n');
  for (const name of ['only_if0', 'only_cpp0', 'both', 'hdr_cpp0', 'hdr_if0', 'hdr_both']) {
    const gas = read.filter((r) => new RegExp(`^\\s*${name}:`).test(r.text)).map((r) => r.place).sort();
    // The symbol table agrees: defined (a `t` symbol) exactly when GAS read a definition.
    assert.equal(symbols.includes(name), gas.length > 0, `${name} in readelf -s: ${symbols.join(' ')}`);
    const use = lines.findIndex((l) => l.endsWith(`\t${name}`));
    const found = await lsp.request<Array<{ uri: string; range: { start: { line: number } } }>>('textDocument/definition', { textDocument: { uri }, position: { line: use, character: lines[use]!.indexOf(name) + 1 } });
    const server = found.map((f) => `${f.uri === uri ? path : new URL(f.uri).pathname}:${f.range.start.line + 1}`).sort();
    assert.deepEqual(server, gas, name);
  }
  assert.ok(!symbols.includes('only_if0') && !symbols.includes('hdr_cpp0'), 'the skipped-only labels are not in the object');
});

test('the #if and .if groups GAS skipped in an included header are its inactive regions', async () => {
  const dir = scratch('vdso-lab-lsp-skipped-header-');
  const header = join(dir, 'skip.h');
  const path = join(dir, 'skip.S');
  writeFileSync(header, HEADER);
  writeFileSync(path, STUB);
  const read = new Set(linesGasRead(dir, path).filter((r) => r.place.startsWith(`${header}:`)).map((r) => Number(r.place.slice(header.length + 1)) - 1));
  await lsp.open(path, STUB);
  const regions = await lsp.request<Array<{ start: { line: number }; end: { line: number } }>>('vdsoLab/inactiveRegions', { uri: pathToFileURL(header).href });
  const dimmed = new Set(regions.flatMap((r) => Array.from({ length: r.end.line - r.start.line + 1 }, (_, i) => r.start.line + i)));
  const hdr = HEADER.split('\n');
  // Every line but the conditional directives themselves: dimmed exactly when GAS did not read it.
  const body = hdr.flatMap((l, i) => (l.trim() && !/^\s*(#|\.if|\.else|\.endif)/.test(l) ? [i] : []));
  assert.ok(body.some((i) => read.has(i)) && body.some((i) => !read.has(i)), 'the header has lines GAS read and lines it skipped');
  assert.deepEqual(body.filter((i) => dimmed.has(i)), body.filter((i) => !read.has(i)));
  assert.ok([...dimmed].every((i) => !read.has(i)), `a dimmed line GAS read: ${JSON.stringify(regions)}`);
});
