// Differential test of the decoder and AT&T formatter on real i386 code: every instruction of
// the executable sections of a static glibc program (gcc -m32 -static -O2) and of the real
// Debian vdso32.so, compared with `objdump -d -M att` (length and text) and iced-x86 (length).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parseElf32 } from '../../toolchain/elf/reader';
import { buildC } from '../support/oracles';
import { realVdso } from '../support/real-vdso';
import { makeSymbolizer } from '../../toolchain/isa/symbolizer';
import { compareCode, objdump, type Comparison } from './compare';

const SHF_EXECINSTR = 4;

const PROGRAM = `
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>
static int cmp(const void *a, const void *b) { return *(const int *)a - *(const int *)b; }
__attribute__((noinline)) uint64_t mix(uint64_t a, uint32_t b) { return (a * 0x9e3779b97f4a7c15ull) / (b | 1) + (a % 7); }
__attribute__((noinline)) int bits(unsigned x) { return __builtin_popcount(x) + __builtin_ctz(x | 1) + __builtin_clz(x | 1) + __builtin_bswap32(x); }
int main(int argc, char **argv) {
  int v[64]; char buf[128];
  for (int i = 0; i < 64; i++) v[i] = (i * 7919) % 64 - argc;
  qsort(v, 64, sizeof v[0], cmp);
  snprintf(buf, sizeof buf, "%s %d %llu %d", argv[0], v[3], (unsigned long long)mix(argc, 3), bits(argc));
  memmove(buf + 1, buf, strlen(buf) / 2);
  long double d = argc * 1.5L;
  printf("%s %Lf %zu\\n", buf, d, strlen(buf));
  return strcmp(buf, "x") > 0;
}
`;

function compareElf(path: string, bytes: Uint8Array): Comparison[] {
  const elf = parseElf32(bytes, path);
  const listing = objdump(path);
  const symbolize = makeSymbolizer(elf.symbols, elf.dynamicSymbols);
  const results: Comparison[] = [];
  for (const s of elf.sections) {
    if (!(s.flags & SHF_EXECINSTR) || s.size === 0 || s.type === 8) continue;
    results.push(compareCode(s.data, s.addr, listing, `${path} ${s.name}`, symbolize));
  }
  return results;
}

function check(results: Comparison[], label: string): { instructions: number; covered: number; notCovered: number } {
  const total = { instructions: 0, covered: 0, notCovered: 0, iced: 0 };
  for (const r of results) {
    assert.deepEqual(r.mismatches, [], `${label}: disagreements with objdump`);
    assert.deepEqual(r.icedLengthMismatches, [], `${label}: length disagreements with iced-x86`);
    total.instructions += r.instructions;
    total.covered += r.covered;
    total.notCovered += r.notCovered.length;
    total.iced += r.icedTextAgreements;
  }
  const kinds = new Map<string, number>();
  for (const r of results) for (const n of r.notCovered) {
    const m = n.split(' ')[1] ?? '?';
    kinds.set(m, (kinds.get(m) ?? 0) + 1);
  }
  console.log(`${label}: ${total.instructions} instructions, ${total.covered} covered and equal to objdump `
    + `(${total.iced} also equal to iced's GAS text), ${total.notCovered} not covered: `
    + [...kinds].sort((a, b) => b[1] - a[1]).map(([k, n]) => `${k} ${n}`).join(', '));
  return total;
}

test('static glibc program: every instruction matches objdump and iced-x86', () => {
  const path = buildC('isa-real', PROGRAM, ['-static', '-O2']);
  const total = check(compareElf(path, new Uint8Array(readFileSync(path))), 'static glibc');
  assert.ok(total.covered > 50000, `only ${total.covered} covered instructions: the program is too small to mean much`);
  assert.ok(total.covered / total.instructions > 0.95, 'less than 95% of glibc is covered by the table');
});

test('real Debian vdso32.so: every instruction is in the table and matches objdump and iced-x86', () => {
  const vdso = realVdso();
  const results = compareElf(vdso.path, vdso.bytes);
  const total = check(results, 'vdso32.so');
  assert.ok(total.covered > 100);
  const kinds = new Set(results.flatMap((r) => r.notCovered.map((n) => n.split(' ')[1])));
  assert.deepEqual([...kinds], []);
});
