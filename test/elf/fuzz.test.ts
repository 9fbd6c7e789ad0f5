// Robustness of parseElf32: 3000 truncated and mutated copies of real ELF files (the real
// vDSO, a gcc -m32 object with debug info, a static program), from a fixed seed. Each copy
// must either parse or throw an InputError whose message is one line starting with the
// file name, within a bounded time; no other exception.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { performance } from 'node:perf_hooks';
import { parseElf32 } from '../../toolchain/elf/reader';
import { versionedName } from '../../toolchain/elf/names';
import { InputError } from '../../toolchain/errors';
import type { ElfFile } from '../../toolchain/elf/types';
import { selectSymbols } from '../../cli/commands/symbols';
import { buildC, readBytes } from '../support/oracles';
import { realVdso } from '../support/real-vdso';
import { scaled } from '../support/scale';
import { OBJECT_C } from './programs';

const SEED = 0x5eed_e1f3;
const CASES_PER_FILE = scaled(1000, 100);
const MAX_MS_PER_CASE = 1000;

/** mulberry32: a small, fixed PRNG so every run mutates the same way. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Region {
  readonly start: number;
  readonly size: number;
}

/** The parts of a file where a mutation reaches the reader's checks: header, tables, structured sections. */
function regions(elf: ElfFile): Region[] {
  const h = elf.header;
  const out: Region[] = [{ start: 0, size: 52 }];
  if (h.phnum) out.push({ start: h.phoff, size: h.phnum * 32 });
  if (h.shnum) out.push({ start: h.shoff, size: h.shnum * 40 });
  const structured = new Set([2, 3, 6, 7, 11, 0x6ffffffd, 0x6ffffffe, 0x6fffffff]);
  for (const s of elf.sections) if (structured.has(s.type) && s.size) out.push({ start: s.offset, size: Math.min(s.size, 4096) });
  return out;
}

const SPECIAL = [0, 1, 2, 0xff, 0xffff, 0x7fffffff, 0x80000000, 0xffffffff, 0xfffffff0, 20, 40, 52];

function mutate(original: Uint8Array, rs: readonly Region[], rnd: () => number): Uint8Array {
  const pick = (n: number) => Math.floor(rnd() * n);
  const kind = pick(4);
  if (kind === 0) {
    const region = rs[pick(rs.length)]!;
    const cut = rnd() < 0.5 ? pick(original.length) : Math.min(original.length - 1, region.start + pick(region.size + 1));
    return original.slice(0, cut);
  }
  const b = original.slice();
  const view = new DataView(b.buffer);
  const steps = 1 + pick(kind === 3 ? 3 : 6);
  for (let i = 0; i < steps; i++) {
    const region = rnd() < 0.85 ? rs[pick(rs.length)]! : { start: 0, size: b.length };
    const at = Math.min(b.length - 4, region.start + pick(Math.max(1, region.size)));
    if (kind === 1) b[at] = pick(256);
    else if (kind === 2) b[at] ^= 1 << pick(8);
    else {
      const aligned = at & ~3;
      const value = rnd() < 0.7 ? SPECIAL[pick(SPECIAL.length)]! : pick(b.length * 2);
      if (rnd() < 0.5) view.setUint32(aligned, value >>> 0, true);
      else view.setUint16(aligned + (pick(2) << 1), value & 0xffff, true);
    }
  }
  return b;
}

/** Touches everything a consumer would read from a parsed file, so lazy faults would show. */
function consume(elf: ElfFile): void {
  const end = elf.bytes.byteOffset + elf.bytes.length;
  for (const s of elf.sections) {
    assert.ok(s.data.byteOffset + s.data.length <= end && typeof s.name === 'string');
    assert.equal(elf.section(s.name)?.name, s.name);
  }
  for (const sym of [...elf.symbols, ...elf.dynamicSymbols]) assert.equal(typeof versionedName(sym), 'string');
  for (const n of elf.notes) assert.ok(n.desc.byteOffset + n.desc.length <= end);
  selectSymbols(elf, true);
  selectSymbols(elf, false);
}

test(`${3 * CASES_PER_FILE} truncated and mutated ELF files each parse or throw a one-line InputError naming the file, quickly`, () => {
  const sources: [string, Uint8Array][] = [
    ['vdso32.so', realVdso().bytes],
    ['object.o', readBytes(buildC('object', OBJECT_C, ['-c', '-O1', '-g', '-fcommon']))],
    ['static', readBytes(buildC('static', OBJECT_C, ['-static', '-O1']))],
  ];
  const rnd = prng(SEED);
  const outcomes = { parsed: 0, rejected: 0 };
  const messages = new Set<string>();
  let slowest = 0;
  for (const [label, original] of sources) {
    const rs = regions(parseElf32(original, label));
    for (let i = 0; i < CASES_PER_FILE; i++) {
      const name = `${label}#${i}`;
      const input = mutate(original, rs, rnd);
      const started = performance.now();
      try {
        consume(parseElf32(input, name));
        outcomes.parsed++;
      } catch (e) {
        if (!(e instanceof InputError)) throw new Error(`${name}: ${(e as Error)?.stack ?? String(e)}`);
        assert.ok(e.message.startsWith(`${name}: `), e.message);
        assert.ok(!/[\x00-\x1f\x7f]/.test(e.message), `one printable line: ${JSON.stringify(e.message)}`);
        assert.equal(e.file, name);
        messages.add(e.detail.replace(/0x[0-9a-f]+|\d+/g, 'N'));
        outcomes.rejected++;
      }
      const ms = performance.now() - started;
      slowest = Math.max(slowest, ms);
      assert.ok(ms < MAX_MS_PER_CASE, `${name} took ${ms.toFixed(0)} ms`);
    }
  }
  const total = outcomes.parsed + outcomes.rejected;
  assert.equal(total, 3 * CASES_PER_FILE);
  assert.ok(outcomes.parsed > total / 10 && outcomes.rejected > total / 10, `both outcomes occur: ${JSON.stringify(outcomes)}`);
  assert.ok(messages.size >= 15, `the mutations reach many different checks (${messages.size})`);
  if (process.env.VDSO_LAB_DEBUG) console.log(outcomes, `slowest ${slowest.toFixed(1)} ms`, [...messages].sort().join('\n'));
});
