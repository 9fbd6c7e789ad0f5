// Robustness: thousands of truncated and byte-mutated copies of real .eh_frame and
// .debug_frame sections (fixed-seed PRNG) are each parsed, printed in both readelf modes,
// turned into row tables and JSON, or rejected with a one-line InputError naming the
// file and section; nothing else may be thrown and each case must finish quickly.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { assemble, buildC } from '../support/oracles';
import { realVdso } from '../support/real-vdso';
import { scaled } from '../support/scale';
import { InputError } from '../../toolchain/errors';
import { parseElf32 } from '../../toolchain/elf/reader';
import { parseFrameSection } from '../../toolchain/dwarf/cie-fde';
import { relocatedSectionBytes } from '../../toolchain/dwarf/relocate';
import { formatFrameSection } from '../../toolchain/dwarf/readelf-frames';
import { buildRowTable } from '../../toolchain/dwarf/rows';
import { frameSectionJson } from '../../toolchain/dwarf/json';
import type { FrameSectionKind } from '../../toolchain/dwarf/types';
import { HAND_EH_FRAME_1, HAND_EH_FRAME_2 } from './frames-fixtures';

/** xorshift32: the same cases on every run. */
function prng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13; x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5; x >>>= 0;
    return x;
  };
}

interface Source { name: string; kind: FrameSectionKind; address: number; bytes: Uint8Array }

function sectionsOf(path: string, limit = 4096): Source[] {
  const elf = parseElf32(new Uint8Array(readFileSync(path)), path);
  return elf.sections
    .filter((s) => s.name === '.eh_frame' || s.name === '.debug_frame')
    .map((s) => ({ name: s.name, kind: s.name === '.eh_frame' ? 'eh_frame' as const : 'debug_frame' as const, address: s.addr, bytes: relocatedSectionBytes(elf, s).slice(0, limit) }));
}

function mutate(bytes: Uint8Array, next: () => number): Uint8Array {
  const mode = next() % 4;
  if (mode === 0) return bytes.slice(0, next() % (bytes.length + 1));
  const out = new Uint8Array(bytes);
  const flips = 1 + (next() % 4);
  for (let i = 0; i < flips && out.length; i++) {
    const at = next() % out.length;
    out[at] = mode === 1 ? out[at]! ^ (1 << (next() % 8)) : mode === 2 ? next() & 0xff : [0, 0xff, 0x7f, 0x80][next() % 4]!;
  }
  return out;
}

const MUTANTS = scaled(3000, 300);

test(`${MUTANTS} mutated frame sections are parsed or rejected with a one-line InputError, each quickly`, () => {
  const sources = [
    ...sectionsOf(realVdso().path),
    ...sectionsOf(buildC('o2', 'int g(int); int f(int x) { int a[x]; for (int i = 0; i < x; i++) a[i] = g(i); return a[0] + g(x); }', ['-c', '-O2'])),
    ...sectionsOf(buildC('dbg', 'int g(int); int f(int x) { return g(x) + g(x + 1); }', ['-c', '-O0', '-g', '-fno-asynchronous-unwind-tables'])),
    ...sectionsOf(assemble('hand1', HAND_EH_FRAME_1)),
    ...sectionsOf(assemble('hand2', HAND_EH_FRAME_2)),
  ];
  assert.ok(sources.length >= 6);
  const next = prng(0x5eed1234);
  const perSource = Math.ceil(MUTANTS / sources.length);
  let accepted = 0;
  let rejected = 0;
  let slowest = 0;
  for (const source of sources) {
    for (let i = 0; i < perSource; i++) {
      const bytes = mutate(source.bytes, next);
      const started = performance.now();
      try {
        const frames = parseFrameSection({ fileName: 'fuzz.o', name: source.name, address: source.address, bytes }, source.kind);
        formatFrameSection(frames, false);
        formatFrameSection(frames, true);
        for (const fde of frames.fdes) buildRowTable(fde);
        JSON.stringify(frameSectionJson(frames));
        accepted++;
      } catch (e) {
        if (!(e instanceof InputError)) throw new Error(`case ${i} of ${source.name}: ${(e as Error).stack}`);
        assert.equal(e.message.split('\n').length, 1, e.message);
        assert.match(e.message, new RegExp(`^fuzz\\.o: section \\${source.name} offset 0x[0-9a-f]+: `));
        rejected++;
      }
      slowest = Math.max(slowest, performance.now() - started);
    }
  }
  assert.ok(accepted > MUTANTS / 30 && rejected > MUTANTS / 30, `both outcomes occur (accepted ${accepted}, rejected ${rejected})`);
  assert.ok(slowest < 500, `slowest case took ${slowest.toFixed(1)} ms`);
});
