// The cold blocks' code kept across processes (emulator/x86/cold-cache.ts): `vdso-lab run` of
// a static C program gives what qemu-i386 gives with no file, with the file its first run
// wrote, and with that file altered in V8's data or in its shapes, empty, truncated, holding
// data V8 refuses, replaced by another layout's file (the bundle's code cache) or by another
// program's, or a folder in its place: stdout, stderr and the exit status all equal.
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

/** The file with the bytes from `from` altered every `step` bytes, its header left as it was. */
function altered(good: Buffer, from: number, step: number): Buffer {
  const bytes = Buffer.from(good);
  for (let at = from; at < bytes.length; at += step) bytes[at]! ^= 0x5a;
  return bytes;
}

/** Where V8's data starts in the file: after the count, the shapes' lengths, the script's SHA-256 and the shapes. */
function v8DataStart(good: Buffer): number {
  const count = good.readUInt32LE(12);
  let at = 16 + 4 * count + 32;
  for (let i = 0; i < count; i++) at += good.readUInt32LE(16 + 4 * i);
  return at;
}

test('vdso-lab run gives what qemu-i386 gives with no file of cold blocks, with the one it wrote, and with that one damaged', () => {
  const cache = join(dir, 'cache');
  assert.deepEqual(lab(cache), expected, 'no file');
  const file = coldFile(cache);
  const good = readFileSync(file);
  assert.ok(good.readUInt32LE(12) > 0, 'the first run kept the shapes it compiled');
  assert.deepEqual(lab(cache), expected, 'the file the first run wrote');

  const dataStart = v8DataStart(good);
  const refused = Buffer.from(good);
  refused.fill(0xa5, dataStart);
  refused.writeUInt32LE(crc32(refused.subarray(12)), 8);
  const otherCache = join(dir, 'other-cache');
  const damaged: Record<string, () => void> = {
    // Past V8's own header (which V8 checks): without the CRC-32, V8 takes this data and the run dies (checked).
    "V8's data altered every 64 bytes": () => writeFileSync(file, altered(good, dataStart + 64, 64)),
    empty: () => writeFileSync(file, Buffer.alloc(0)),
    truncated: () => writeFileSync(file, good.subarray(0, good.length >> 1)),
    'one byte of the shapes altered': () => writeFileSync(file, altered(good, dataStart >> 1, good.length)),
    'data V8 refuses under a header that holds': () => writeFileSync(file, refused),
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
