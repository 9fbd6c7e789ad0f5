// dist/cli.js through V8's code cache (toolchain/code-cache.ts): with no cache, with the one
// its first run wrote, and with that file truncated, altered, replaced by data V8 refuses, or
// a folder in its place, `disasm` prints exactly what objdump -d prints, nothing on stderr,
// status 0.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import { assemble, run, scratch } from '../support/oracles';
import { sampled } from '../support/scale';
import { cliArgs } from './invoke';

const dir = scratch('vdso-lab-code-cache-');
after(() => rmSync(dir, { recursive: true, force: true }));
const cache = join(dir, 'cache');
const object = assemble('prog', [
  '\t.text',
  '\t.globl _start',
  '_start:',
  '\tmovl $1, %eax',
  '\tlock addl $1, 4(%esp,%ecx,2)',
  '\trep movsb',
  '\tfldl 8(%ebp)',
  '\tcmovne %edx, %eax',
  '\tint $0x80',
  '',
].join('\n'), dir);
const expected = run('objdump', ['-d', object]);

function disasm(): { stdout: string; stderr: string; status: number | null } {
  return spawnSync(process.execPath, [...cliArgs(), 'disasm', object], { encoding: 'utf8', env: { ...process.env, VDSO_LAB_CACHE: cache } });
}

function assertAsObjdump(what: string): void {
  const r = disasm();
  assert.deepEqual({ status: r.status, stderr: r.stderr, stdout: r.stdout }, { status: 0, stderr: '', stdout: expected }, what);
}

test('disasm prints what objdump -d prints with no code cache, with the one it wrote, and with that one damaged', () => {
  assertAsObjdump('no cache');
  const folder = join(cache, 'v8');
  const names = readdirSync(folder).filter((n) => n.startsWith('cli-'));
  assert.equal(names.length, 1, `the first run wrote one cache for dist/cli.js in ${folder}`);
  const file = join(folder, names[0]!);
  const good = readFileSync(file);
  assertAsObjdump('the cache the first run wrote');

  const altered = Buffer.from(good);
  altered[altered.length >> 1]! ^= 0x5a;
  // A header that holds (the length and CRC-32 of what follows it) over data V8 refuses.
  const garbage = Buffer.alloc(good.length - 12, 0xa5);
  const header = Buffer.from(good.subarray(0, 12));
  header.writeUInt32LE(garbage.length, 4);
  header.writeUInt32LE(crc32(garbage), 8);
  const damaged: Record<string, Buffer> = {
    empty: Buffer.alloc(0),
    truncated: good.subarray(0, good.length >> 1),
    'one byte altered': altered,
    'data V8 refuses': Buffer.concat([header, garbage]),
  };
  // Quick runs: the first and the last kind of damage (test/support/scale.ts).
  for (const [what, bytes] of sampled(Object.entries(damaged), 2)) {
    writeFileSync(file, bytes);
    assertAsObjdump(`a cache file ${what}`);
  }
  rmSync(file);
  mkdirSync(file);
  assertAsObjdump('a folder where the cache file goes');
});
