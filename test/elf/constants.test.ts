// The ELF constants live once, in toolchain/elf, and are glibc's: every SHT_/SHF_/PT_/PF_/
// STT_/STB_/STV_/SHN_/ET_/EM_/DT_/R_386_/VER_FLG_ value toolchain/elf exports equals the one
// <elf.h> defines (compiled by gcc at test time and printed natively or under qemu-i386), and
// no other source file of the project defines its own copy of one of those names
// (docs/style.md: each fact once).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { buildC, hostRunsI386, run, scratch } from '../support/oracles';
import * as dynamic from '../../toolchain/elf/dynamic';
import * as relocationTypes from '../../toolchain/elf/relocation-types';
import * as relocations from '../../toolchain/elf/relocations';
import * as sections from '../../toolchain/elf/sections';
import * as symbols from '../../toolchain/elf/symbols';
import * as types from '../../toolchain/elf/types';
import * as versions from '../../toolchain/elf/versions';

const ELF_NAME = /^(SHT|SHF|PT|PF|STT|STB|STV|SHN|ET|EM|DT|R_386|VER_FLG)_[A-Z0-9_]+$/;
/** The names <elf.h> spells otherwise. */
const GLIBC_NAME: Readonly<Record<string, string>> = { SHT_GNU_VERDEF: 'SHT_GNU_verdef', SHT_GNU_VERNEED: 'SHT_GNU_verneed', SHT_GNU_VERSYM: 'SHT_GNU_versym' };

/** Every ELF-named number toolchain/elf exports. */
function exported(): Map<string, number> {
  const out = new Map<string, number>();
  for (const m of [dynamic, relocationTypes, relocations, sections, symbols, types, versions]) {
    for (const [name, value] of Object.entries(m)) if (ELF_NAME.test(name) && typeof value === 'number') out.set(name, value);
  }
  return out;
}

test("toolchain/elf's ELF constants are <elf.h>'s", () => {
  const names = [...exported().keys()];
  assert.ok(names.length > 60, `${names.length} constants`);
  const source = `#include <elf.h>\n#include <stdio.h>\nint main(void) {\n${names
    .map((n) => [n, GLIBC_NAME[n] ?? n])
    .map(([n, g]) => `#ifdef ${g}\n  printf("${n} %llu\\n", (unsigned long long)(${g}));\n#else\n  printf("${n} missing\\n");\n#endif\n`)
    .join('')}  return 0;\n}\n`;
  const prog = buildC('elf-constants', source, ['-O0'], scratch('vdso-lab-elf-constants-'));
  // Natively where the host runs i386 programs, else under qemu-i386 (the values are <elf.h>'s either way).
  const printed = hostRunsI386() ? run(prog, []) : run('qemu-i386', [prog]);
  const glibc = new Map(printed.trim().split('\n').map((l) => l.split(' ') as [string, string]));
  const want = exported();
  const differ = names.filter((n) => glibc.get(n) !== String(want.get(n)! >>> 0)).map((n) => `${n}: ours ${want.get(n)}, elf.h ${glibc.get(n)}`);
  assert.deepEqual(differ, []);
});

/** The .ts files below `dir`, node_modules and build output left out. */
function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return ['node_modules', 'out', 'dist', 'out-quick'].includes(name) ? [] : sources(path);
    return name.endsWith('.ts') ? [path] : [];
  });
}

test('no source outside toolchain/elf defines its own copy of an ELF constant', () => {
  const want = exported();
  const copies: string[] = [];
  for (const top of ['toolchain', 'emulator', 'cli', 'debug-adapter', 'language-server', 'extension']) {
    for (const file of sources(top)) {
      if (file.startsWith(join('toolchain', 'elf'))) continue;
      readFileSync(file, 'utf8').split('\n').forEach((line, i) => {
        // A declaration (`const A = 1, B = 2;` too), not a comment that gives values.
        const declared = /^\s*(?:export\s+)?(?:const|let)\s+(.*)$/.exec(line);
        if (!declared) return;
        for (const m of declared[1]!.matchAll(/(?:^|,)\s*([A-Z][A-Z0-9_]*)\s*=/g)) {
          if (ELF_NAME.test(m[1]!) && want.has(m[1]!)) copies.push(`${file}:${i + 1}: ${m[1]}`);
        }
      });
    }
  }
  assert.deepEqual(copies, []);
});
