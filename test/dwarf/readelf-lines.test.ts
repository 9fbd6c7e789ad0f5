// `vdso-lab lines` against GNU readelf 2.40 at test time: the exact text of
// --debug-dump=decodedline, line for line, on gcc -m32 -g objects and programs (DWARF 2 to
// 5, several units, inlined headers from other directories, -O2 views, names longer than
// readelf's column), `as --32 -g` objects of every DWARF version, vdso-lab's own `asm -g`
// objects and the images the project builds (every design image, a linked -g program); and truncated .debug_line bytes
// give one-line InputErrors naming the file, the section and the offset (mutations: test/fuzz); the
// .debug_info reader's units and functions against readelf and nm.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readelf, readelfSymbols, scratch } from '../support/oracles';
import { buildInput } from '../support/builds';
import { runEach } from '../support/run-tool';
import { sampled } from '../support/scale';
import { InputError } from '../../toolchain/errors';
import { parseElf32 } from '../../toolchain/elf/reader';
import { debugSectionBytes } from '../../toolchain/dwarf/elf-lines';
import { parseLineSection } from '../../toolchain/dwarf/line-table';
import { compileUnitsOf } from '../../toolchain/dwarf/debug-info';
import { formatDecodedLines } from '../../toolchain/dwarf/readelf-lines';
import { BUILD_DEFINES, buildDesign, designsRoot, includeDirs } from '../../toolchain/designs/build';
import { allDesigns } from '../../toolchain/designs/registry';
import { firstDifference, vdsoLab } from './frames-fixtures';

const dir = scratch('vdso-lab-lines-');
mkdirSync(join(dir, 'sub'));
writeFileSync(join(dir, 'h.h'), 'static inline int twice(int x) { return x + x; }\n');
writeFileSync(join(dir, 'sub', 'g.h'), 'static inline int thrice(int x) { return 3 * x; }\n');
writeFileSync(join(dir, 'u.c'), '#include "h.h"\n#include "sub/g.h"\nint g(int a) { return twice(a) * thrice(a); }\n');
writeFileSync(join(dir, 'a_file_name_longer_than_readelf_shows.c'), 'int lng(int x) {\n  if (x)\n    return x * 2;\n  return 1;\n}\n');
writeFileSync(join(dir, 'main.c'), `
extern int g(int), lng(int);
static int sq(int x) { return x * x; }
int main(int argc, char **argv) {
  int s = 0;
  (void)argv;
  for (int i = 0; i < argc; i++)
    s += sq(i) + g(i);
  return s + lng(argc);
}
`);

interface Listed {
  readonly path: string;
  readonly label: string;
  /** readelf must print a line table for it (default true). */
  readonly mustHaveTable?: boolean;
}

/**
 * `vdso-lab lines` of each file against readelf --debug-dump=decodedline, readelf's runs from one
 * shell (test/support/run-tool.ts runEach); returns how many had a line table.
 */
async function compareAll(files: readonly Listed[]): Promise<number> {
  const decoded = runEach(files.map(({ path }) => ({ tool: 'readelf', args: ['--debug-dump=decodedline', path], cwd: dir })));
  let tables = 0;
  for (const [k, { path, label, mustHaveTable = true }] of files.entries()) {
    const expected = decoded[k]!();
    const got = await vdsoLab(['lines', path]);
    assert.equal(got.stderr, '', `${label}: stderr`);
    assert.equal(got.status, 0, `${label}: exit status`);
    const hasTable = expected.includes('Contents of the .debug_line section');
    if (mustHaveTable) assert.ok(hasTable, `${label}: readelf printed no line table`);
    assert.ok(got.stdout === expected, `${label} differs from readelf at ${firstDifference(expected, got.stdout)}`);
    if (hasTable) tables++;
  }
  return tables;
}

const FLAGS: readonly (readonly string[])[] = [
  ['-gdwarf-2'], ['-gdwarf-3'], ['-gdwarf-4'], ['-gdwarf-5'], ['-O2', '-gdwarf-4'], ['-O2', '-gdwarf-5'], ['-O3', '-g', '-ffunction-sections'],
];

// A smaller run samples them, at least four: DWARF 2, 4 (-O0 and -O2) and 5 (-O3's default);
// DWARF 3 is still met in the as --gdwarf-3 test.
for (const flags of sampled(FLAGS, 4)) {
  test(`gcc -m32 ${flags.join(' ')}: objects and a static program match readelf decodedline`, async () => {
    const out = join(dir, flags.join('').replace(/[^\w]/g, '_'));
    mkdirSync(out);
    const objects = ['u.c', 'a_file_name_longer_than_readelf_shows.c', 'main.c'].map((c) => {
      const o = join(out, c.replace(/\.c$/, '.o'));
      return buildInput({ tool: 'gcc', args: ['-m32', ...flags, '-c', c, '-o', o], dir, anyFolder: true });
    });
    const exe = buildInput({ tool: 'gcc', args: ['-m32', '-static', ...flags, ...objects, '-o', join(out, 'prog')], dir, anyFolder: true });
    await compareAll([...objects.map((o) => ({ path: o, label: `${flags.join(' ')} ${o}` })), { path: exe, label: `${flags.join(' ')} static program` }]);
  });
}

const ASM = `
        .text
        .globl f
        .type f, @function
f:
        movl $1, %eax
        nop

        ret
        .size f, .-f
        .section .text.other, "ax"
g:      nop
        .fill 300, 1, 0x90
        ret
`;

for (const version of ['', '--gdwarf-2', '--gdwarf-3', '--gdwarf-4', '--gdwarf-5']) {
  test(`as --32 -g ${version}: two code sections match readelf decodedline`, async () => {
    const src = join(dir, `a${version.replace(/-/g, '')}.s`);
    const obj = src.replace(/\.s$/, '.o');
    writeFileSync(src, ASM);
    buildInput({ tool: 'as', args: ['--32', '-g', ...(version ? [version] : []), src, '-o', obj], dir, anyFolder: true });
    await compareAll([{ path: obj, label: `as -g ${version}` }]);
  });
}

test('vdso-lab asm -g objects of every shipped design source match readelf decodedline', async () => {
  const root = designsRoot();
  const seen = new Set<string>();
  const objects: Listed[] = [];
  for (const design of allDesigns()) {
    for (const { image } of design.images) {
      for (const source of image.sources) {
        const key = `${source.path} ${source.defines.join(' ')}`;
        if (seen.has(key)) continue;
        seen.add(key);
        const obj = join(dir, `design-${seen.size}.o`);
        const includes = includeDirs(root, source).flatMap((d) => ['-I', d]);
        const defines = [...BUILD_DEFINES, ...source.defines].flatMap((d) => ['-D', d]);
        const r = await vdsoLab(['asm', join(root, source.path), '-c', '-g', ...includes, ...defines, '-o', obj]);
        assert.equal(r.status, 0, r.stderr);
        objects.push({ path: obj, label: `asm -g ${key}`, mustHaveTable: false });
      }
    }
  }
  const tables = await compareAll(objects);
  assert.ok(tables >= 4, `${tables} of ${seen.size} design sources have a line table`);
});

test('every image the project builds (each design and image, a linked -g program) matches readelf decodedline', async () => {
  const images: Listed[] = [];
  for (const design of allDesigns()) {
    for (const { image, kernel } of design.images) {
      const so = join(dir, `${design.name}-${image.name}.so`);
      writeFileSync(so, buildDesign(design.name, kernel, { image: image.name }).bytes);
      images.push({ path: so, label: `${design.name} ${image.name}` });
    }
  }
  const src = join(dir, 'prog.S');
  writeFileSync(src, '\t.text\n\t.globl _start\n_start:\n\tmovl $1, %eax\n\n\tmovl $3, %ebx\n\tint $0x80\n');
  const exe = join(dir, 'prog-S');
  const r = await vdsoLab(['asm', src, '--exe', '-g', '-o', exe]);
  assert.equal(r.status, 0, r.stderr);
  await compareAll([...images, { path: exe, label: 'asm --exe -g' }]);
});

test('a missing .debug_line prints nothing; --json gives the rows readelf prints', async () => {
  const obj = join(dir, 'nodebug.o');
  buildInput({ tool: 'gcc', args: ['-m32', '-c', 'main.c', '-o', obj], dir });
  const none = await vdsoLab(['lines', obj]);
  assert.equal(none.status, 0);
  assert.equal(none.stdout, readelf(['--debug-dump=decodedline', obj]));
  const dbg = join(dir, 'json.o');
  buildInput({ tool: 'gcc', args: ['-m32', '-g', '-c', 'main.c', '-o', dbg], dir, anyFolder: true });
  const json = JSON.parse((await vdsoLab(['lines', dbg, '--json'])).stdout) as { units: Array<{ version: number; rows: Array<{ address: string; line: number; endSequence?: boolean }> }> };
  const shown = readelf(['--debug-dump=decodedline', dbg]).split('\n')
    .map((l) => /^main\.c\s+(\d+|-)\s+(0x[0-9a-f]+|0)\b/.exec(l)).filter((m): m is RegExpExecArray => m !== null)
    .map((m) => `${m[1]} ${Number(m[2])}`);
  assert.deepEqual(json.units[0]!.rows.map((r) => `${r.endSequence ? '-' : r.line} ${Number(r.address)}`), shown);
  assert.equal(json.units[0]!.version, 5);
});

test('.debug_info: each unit\'s name and comp_dir as readelf prints them, each function\'s pc range as nm gives it (DWARF 4 and 5, -O2 ranges)', () => {
  // A smaller run takes the first and the last: DWARF 4, and 5 with -O2 ranges.
  for (const flags of sampled([['-gdwarf-4'], ['-gdwarf-5'], ['-O2', '-gdwarf-5', '-ffunction-sections']], 2)) {
    const exe = join(dir, `info${flags.join('')}`);
    buildInput({ tool: 'gcc', args: ['-m32', '-static', ...flags, 'u.c', 'main.c', 'a_file_name_longer_than_readelf_shows.c', '-o', exe], dir, anyFolder: true });
    const units = compileUnitsOf(parseElf32(new Uint8Array(readFileSync(exe)), exe));
    const info = readelf(['--debug-dump=info', exe]);
    const named = [...info.matchAll(/DW_TAG_compile_unit\)\n(?:.*\n)*?.*DW_AT_name\s+: (?:\(indirect (?:line )?string, offset: (?:0x)?[0-9a-f]+\): )?(.*)\n(?:.*\n)*?.*DW_AT_comp_dir\s+: (?:\(indirect (?:line )?string, offset: (?:0x)?[0-9a-f]+\): )?(.*)/g)]
      .map((m) => `${m[1]!.trim()} ${m[2]!.trim()}`);
    const ours = units.filter((u) => u.name !== undefined).map((u) => `${u.name} ${u.compDir}`);
    assert.deepEqual(ours, named, flags.join(' '));
    const nm = new Map(readelfSymbols(exe).filter((s) => s.code).map((s) => [s.name, [s.value, s.size]] as const));
    const functions = units.flatMap((u) => u.functions);
    for (const name of ['g', 'main', 'lng']) {
      const f = functions.find((x) => x.name === name);
      assert.ok(f, `${flags.join(' ')}: ${name} is described`);
      const [start, size] = nm.get(name)!;
      assert.ok(f.ranges.some((r) => r.start === start && r.end === start + size), `${flags.join(' ')}: ${name} at ${JSON.stringify(f.ranges)}, nm ${start}+${size}`);
    }
  }
});

// Random mutations of .debug_line and .debug_info are test/fuzz's (targets debug-line, debug-info).
test('hostile .debug_line bytes: every truncation parses or fails with one line naming the section and offset', () => {
  const inputs = ['-gdwarf-4', '-gdwarf-5'].map((v) => {
    const obj = join(dir, `trunc${v}.o`);
    buildInput({ tool: 'gcc', args: ['-m32', '-O2', v, '-c', 'u.c', '-o', obj], dir, anyFolder: true });
    const elf = parseElf32(new Uint8Array(readFileSync(obj)), obj);
    return { bytes: debugSectionBytes(elf, '.debug_line')!, lineStr: debugSectionBytes(elf, '.debug_line_str') };
  });
  let rejected = 0;
  for (const { bytes, lineStr } of inputs) {
    for (let n = 0; n < bytes.length; n++) {
      try {
        formatDecodedLines(parseLineSection({ fileName: 'trunc.o', bytes: bytes.slice(0, n), lineStr }));
      } catch (e) {
        assert.ok(e instanceof InputError, `not an InputError: ${String(e)}`);
        assert.match(e.message, /^trunc\.o: section \.debug_line offset 0x[0-9a-f]+: [^\n]+$/);
        rejected++;
      }
    }
  }
  assert.ok(rejected > 100, `only ${rejected} inputs were rejected`);
});
