// The cold blocks' code kept across processes (emulator/x86/cold-cache.ts): `vdso-lab run` of
// a static C program gives what qemu-i386 gives with a file another program's first run wrote
// (which it adds its own shapes to), with that file whole (which it leaves as it is), and with it
// altered in V8's data, in its shapes or in its index, empty, truncated, holding data V8 refuses
// under checks that hold, replaced by another layout's file (the bundle's code cache) or by
// another program's, or a folder in its place: stdout, stderr and the exit status all equal.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import { buildC, scratch } from '../support/oracles';
import { runQemu, shellStatus, type RunOutput } from '../support/run-program';
import { sampled } from '../support/scale';
import { cliArgs } from './invoke';

const dir = scratch('vdso-lab-cold-cache-');
after(() => rmSync(dir, { recursive: true, force: true }));

// Its output holds addresses, sums over calls through pointers, and formatted numbers: the
// C library's start-up and printf are most of its cold blocks.
const program = buildC('cold', [
  '#include <stdio.h>',
  '#include <stdlib.h>',
  '#include <string.h>',
  'static int order(const void *a, const void *b) { return *(const int *)a - *(const int *)b; }',
  'int main(int argc, char **argv) {',
  '  int v[64]; unsigned h = 2166136261u;',
  '  for (int i = 0; i < 64; i++) v[i] = (i * 7919) % 251 - 100;',
  '  qsort(v, 64, sizeof v[0], order);',
  '  for (int i = 0; i < 64; i++) h = (h ^ (unsigned)v[i]) * 16777619u;',
  '  char text[96]; snprintf(text, sizeof text, "%d %x %08.3f %s", v[0], h, v[63] / 7.0, argv[0] + strlen(argv[0]) - 4);',
  '  printf("%s %zu %p\\n", text, strlen(text), (void *)&order);',
  '  return (int)(h & 0x3f);',
  '}',
  '',
].join('\n'), ['-static', '-O1'], dir);
const other = buildC('other', '#include <stdio.h>\nint main(void) { long long x = 1; for (int i = 0; i < 40; i++) x = x * 3 % 1000003; printf("%lld\\n", x); return 0; }\n', ['-static', '-O2'], dir);
const expected = runQemu(program);

function lab(cache: string, path = program): RunOutput {
  const r = spawnSync(process.execPath, [...cliArgs(), 'run', path], { encoding: 'utf8', env: { ...process.env, VDSO_LAB_CACHE: cache } });
  return { stdout: r.stdout, stderr: r.stderr, status: shellStatus(r.status, r.signal) };
}

function coldFile(cache: string): string {
  const folder = join(cache, 'v8');
  const names = readdirSync(folder).filter((n) => n.startsWith('cold-'));
  assert.equal(names.length, 1, `one file of cold blocks in ${folder}`);
  return join(folder, names[0]!);
}

/** The file with the bytes in [from, to) altered every `step` bytes. */
function altered(good: Buffer, from: number, step: number, to = good.length): Buffer {
  const bytes = Buffer.from(good);
  for (let at = from; at < to; at += step) bytes[at]! ^= 0x5a;
  return bytes;
}

/** A part of the file (cold-cache.ts): where it is, its length, and where its V8 data starts (after the count, the shapes' lengths, the script's SHA-256 and the shapes). */
interface Part {
  readonly offset: number;
  readonly length: number;
  readonly data: number;
}

/** The file's index (before the 16-byte trailer: the magic, the index's place, length and CRC-32): where it starts, and its parts. */
function layout(file: Buffer): { index: number; parts: Part[] } {
  const index = file.readUInt32LE(file.length - 12);
  const parts: Part[] = [];
  for (let i = 0; i < file.readUInt32LE(index); i++) {
    const offset = file.readUInt32LE(index + 4 + 16 * i);
    const count = file.readUInt32LE(offset);
    let data = offset + 4 + 4 * count + 32;
    for (let k = 0; k < count; k++) data += file.readUInt32LE(offset + 4 + 4 * k);
    parts.push({ offset, length: file.readUInt32LE(index + 8 + 16 * i), data });
  }
  return { index, parts };
}

/** The file with its parts' and its index's CRC-32 made to hold again. */
function checksummed(file: Buffer): Buffer {
  const { index, parts } = layout(file);
  parts.forEach((part, i) => file.writeUInt32LE(crc32(file.subarray(part.offset, part.offset + part.length)), index + 12 + 16 * i));
  file.writeUInt32LE(crc32(file.subarray(index, file.length - 16)), file.length - 4);
  return file;
}

function partsOf(file: string): number {
  return layout(readFileSync(file)).parts.length;
}

test('vdso-lab run gives what qemu-i386 gives with a file of cold blocks of another program, with the one it wrote, and with that one damaged', () => {
  const cache = join(dir, 'cache');
  assert.deepEqual(lab(cache, other), runQemu(other), 'the other program, no file');
  const file = coldFile(cache);
  const before = partsOf(file);
  assert.ok(before > 0, 'the first run kept the shapes it compiled');
  assert.deepEqual(lab(cache), expected, "the other program's file");
  assert.ok(partsOf(file) > before, 'the program added the shapes the other did not meet');
  const good = readFileSync(file);
  assert.deepEqual(lab(cache), expected, 'the file the program wrote');
  assert.ok(readFileSync(file).equals(good), 'a run that took all its shapes from the file leaves it as it was');

  const { index, parts } = layout(good);
  const refused = Buffer.from(good);
  for (const part of parts) refused.fill(0xa5, part.data, part.offset + part.length);
  checksummed(refused);
  const otherCache = join(dir, 'other-cache');
  const damaged: Record<string, () => void> = {
    // Past V8's own header (which V8 checks): without the parts' CRC-32, V8 takes this data and
    // the run dies (checked). The first part only: the run reads the others as they are.
    "V8's data of its first part altered every 64 bytes": () => writeFileSync(file, altered(good, parts[0]!.data + 64, 64, parts[0]!.offset + parts[0]!.length)),
    empty: () => writeFileSync(file, Buffer.alloc(0)),
    truncated: () => writeFileSync(file, good.subarray(0, good.length >> 1)),
    'one byte of the shapes altered in each part': () => {
      let bytes: Buffer = good;
      for (const part of parts) bytes = altered(bytes, (part.offset + part.data) >> 1, good.length);
      writeFileSync(file, bytes);
    },
    'the index altered': () => writeFileSync(file, altered(good, index + 4, 64, good.length - 16)),
    'data V8 refuses under checks that hold': () => writeFileSync(file, refused),
    "the bundle's code cache in its place": () => {
      const bundle = readdirSync(join(cache, 'v8')).find((n) => n.startsWith('cli-'));
      assert.ok(bundle !== undefined, 'the CLI wrote its code cache');
      copyFileSync(join(cache, 'v8', bundle), file);
    },
    "another program's file in its place": () => {
      assert.deepEqual(lab(otherCache, other), runQemu(other), 'the other program');
      copyFileSync(coldFile(otherCache), file);
    },
    'a folder in its place': () => {
      rmSync(file);
      mkdirSync(file);
    },
  };
  // Quick runs: the first kind of damage (test/support/scale.ts).
  for (const [what, damage] of sampled(Object.entries(damaged))) {
    damage();
    assert.deepEqual(lab(cache), expected, `a file ${what}`);
    rmSync(file, { recursive: true, force: true });
    writeFileSync(file, good);
  }
});
