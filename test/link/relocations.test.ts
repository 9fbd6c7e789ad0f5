// Tests the relocation records (toolchain/elf/relocations.ts) against `readelf -r`, and the
// linker's R_386_8/16/PC8/PC16/32/PC32 arithmetic and overflow checks against GNU ld on a
// grid of boundary cases: the same objects either both link to the same bytes or both fail.
// Quick runs take ten rows spread over the grid (each directive kind, both outcomes).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { parseElf32 } from '../../toolchain/elf/reader';
import { relocationSections } from '../../toolchain/elf/relocations';
import { InputError } from '../../toolchain/errors';
import { linkExec } from '../../toolchain/link';
import { readBytes, run, scratch } from '../support/oracles';
import { assembleAll, SIGRETURN_S, VSYSCALL_S } from './sources';
import { sampled } from '../support/scale';
import { join } from 'node:path';

test('relocation records equal readelf -r for every REL section', () => {
  const built = assembleAll(scratch('vdso-lab-rel-'), { vsyscall: VSYSCALL_S, sigreturn: SIGRETURN_S, kinds: '\t.text\n\t.byte v - .\n\t.word v\n\t.word v - .\n\t.byte v\n\tcall f@PLT\n\tmovl x@GOTOFF(%ebx), %eax\n\t.data\nx: .long 1\n' });
  let total = 0;
  for (const path of built.objects) {
    const elf = parseElf32(readBytes(path), path);
    const ours = relocationSections(elf).flatMap((rs) =>
      rs.relocations.map((r) => `${rs.section.name} ${r.offset.toString(16).padStart(8, '0')} ${((r.symbolIndex << 8) | r.type).toString(16).padStart(8, '0')} ${r.symbol.name}`),
    );
    const theirs: string[] = [];
    let current = '';
    for (const line of run('readelf', ['-r', '-W', path]).split('\n')) {
      const head = /^Relocation section '([^']+)'/.exec(line);
      if (head) current = head[1]!;
      const row = /^([0-9a-f]{8})\s+([0-9a-f]{8})\s+\S+\s+[0-9a-f]{8}\s+(\S*)/.exec(line);
      if (row) theirs.push(`${current} ${row[1]} ${row[2]} ${row[3]}`);
    }
    // readelf names a section symbol by its section; ours keep the symbol's own (empty) name.
    assert.deepEqual(ours.map((l) => l.replace(/ $/, '')), theirs.map((l) => l.replace(/ \.\S+$/, '')));
    total += ours.length;
  }
  assert.ok(total >= 12, `only ${total} relocations compared`);
});

test('a relocation naming a symbol past the table is a one-line error', () => {
  const built = assembleAll(scratch('vdso-lab-rel-'), { one: '\t.text\n\t.long v\n' });
  const bytes = readBytes(built.objects[0]!);
  const elf = parseElf32(bytes, 'one.o');
  const rel = elf.sections.find((s) => s.name === '.rel.text')!;
  new DataView(bytes.buffer, bytes.byteOffset).setUint32(rel.offset + 4, (200 << 8) | 1, true);
  assert.throws(() => relocationSections(parseElf32(bytes, 'one.o')), (e: unknown) =>
    e instanceof InputError && e.message === 'one.o: section .rel.text offset 0x0: relocation 0 names symbol 200, but the symbol table has 2');
});

/** [directive, value of v]: each links at .text = 0x08048054 (one PT_LOAD, no data). */
const GRID: readonly [string, number][] = [
  ['.byte v', 0xff], ['.byte v', 0x100], ['.byte v', -0x100], ['.byte v', -0x101], ['.byte v - 1', 0x100], ['.byte v + 1', 0xff],
  ['.byte v + 0x80', 0x80], ['.byte v + 0xff', 0x1], ['.byte v + 0xff', -0x100],
  ['.word v', 0xffff], ['.word v', 0x10000], ['.word v', -0x10000], ['.word v', -0x10001], ['.word v + 0x8000', 0x8000], ['.word v + 0xffff', 0x10000],
  ['.byte v - .', 0x080480d3], ['.byte v - .', 0x080480d4], ['.byte v - .', 0x08047fd4], ['.byte v - .', 0x08047fd3], ['.byte v - . - 1', 0x080480d4], ['.byte v - . + 0x80', 0x08048054],
  ['.word v - .', 0x08058053], ['.word v - .', 0x08058054], ['.word v - .', 0x08038054], ['.word v - .', 0x08038053], ['.word v - . - 1', 0x08058054],
  ['.long v + 1', 0x7fffffff], ['.long v - . + 1', 0x88048053], ['.long v - .', 0],
];

/** The rows this run links, and how many of each outcome they must hold at least. */
const ROWS = sampled(GRID, 10);
const EACH_OUTCOME = ROWS.length === GRID.length ? 8 : 3;

test(`overflow checks and written bytes equal GNU ld's on ${GRID.length} boundary cases`, () => {
  const dir = scratch('vdso-lab-rel-');
  let failures = 0;
  ROWS.forEach(([directive, value], i) => {
    const built = assembleAll(dir, { [`use${i}`]: `\t.text\n\t.globl _start\n_start:\n\t${directive}\n`, [`def${i}`]: `\t.globl v\n\t.set v, ${value}\n` });
    const out = join(dir, `ld${i}`);
    const ld = spawnSync('ld', ['-m', 'elf_i386', '-z', 'noseparate-code', '-z', 'norelro', ...built.objects, '-o', out], { encoding: 'utf8' });
    let ours: Uint8Array | undefined;
    let error = '';
    try {
      ours = linkExec(built.inputs);
    } catch (e) {
      if (!(e instanceof InputError)) throw e;
      error = e.message;
    }
    const what = `${directive} with v = ${value}`;
    if (ld.status !== 0) {
      failures++;
      assert.match(ld.stderr, /relocation truncated to fit/, what);
      assert.match(error, /overflows: .* does not fit (8|16) bits$/, what);
    } else {
      assert.equal(error, '', what);
      const text = (bytes: Uint8Array) => parseElf32(bytes, what).section('.text')!.data.join(',');
      assert.equal(text(ours!), text(readBytes(out)), what);
    }
  });
  assert.ok(failures >= EACH_OUTCOME && failures <= ROWS.length - EACH_OUTCOME, `${failures} overflows: the grid must hold both kinds`);
});
