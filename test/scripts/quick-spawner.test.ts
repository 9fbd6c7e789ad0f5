// The quick runner's C spawner (scripts/quick-spawner.c behind scripts/quick-spawn.cjs): a
// program's spawnSync calls made through it return what node's own spawnSync returns (status,
// signal, outputs, the error for a start that failed, a timeout, input not taken; the child's
// PATH lookup, folder, environment, signal dispositions and mask, and descriptors), every field
// in node's order. The same calls are made by a node process without the hook and by one with it
// and the spawner; only the pids (numbers in both) and the bytes read before too much output
// ended a child (a matter of when its writes came) may differ.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { scratch } from '../support/oracles';
import { buildInput } from '../support/builds';

const dir = scratch('vdso-lab-quick-spawner-');
const onlyHere = join(dir, 'bin');
mkdirSync(onlyHere);
writeFileSync(join(onlyHere, 'only-here'), '#!/bin/sh\necho "found in $0"\n');
chmodSync(join(onlyHere, 'only-here'), 0o755);

/** The calls, as the child program makes them (JSON: [file, args, options]; `input` of { bytes, fill } is a Buffer). */
const CALLS = [
  ['readelf', ['-h', '/bin/true'], { encoding: 'utf8' }],
  ['sh', ['-c', 'echo out; echo err >&2; exit 3'], {}],
  ['sh', ['-c', 'kill -9 $$'], { encoding: 'utf8' }],
  ['no-such-tool-anywhere', ['a'], {}],
  ['true', [], { cwd: join(dir, 'no-such-folder') }],
  ['true', [], { stdio: 'ignore' }],
  ['cat', [], { input: 'hello\n', encoding: 'utf8' }],
  // No input: stdin at its end at once (the timeout only bounds a spawner that left it open).
  ['cat', [], { encoding: 'utf8', timeout: 60_000 }],
  ['cat', [], { input: { bytes: 300_000, fill: 7 } }],
  ['sh', ['-c', 'echo $FOO; pwd'], { env: { PATH: process.env.PATH, FOO: 'bar' }, cwd: dir, encoding: 'utf8' }],
  ['only-here', [], { env: { PATH: `${onlyHere}:${process.env.PATH}` }, encoding: 'utf8' }],
  ['sleep', ['5'], { timeout: 100 }],
  // The shell killed at its timeout; what its background job writes later is not read.
  ['sh', ['-c', '(sleep 1; echo late) & sleep 5'], { timeout: 100, encoding: 'utf8' }],
  ['head', ['-c', '3000000', '/dev/zero'], { maxBuffer: 8 << 20 }],
  // yes dies of SIGPIPE (status 141) only if it starts with SIGPIPE's default disposition.
  ['sh', ['-c', '(yes; echo "yes ended $?" >&2) | head -1'], { encoding: 'utf8' }],
  ['sh', ['-c', 'grep -E "^Sig(Blk|Ign)" /proc/self/status; ls /proc/self/fd | wc -l'], { encoding: 'utf8' }],
  ['cat', [], { input: { bytes: 200_000, fill: 1 }, stdio: ['pipe', 'ignore', 'pipe'] }],
  ['head', ['-c', '1'], { input: { bytes: 1 << 20, fill: 1 } }],
  ['sh', ['-c', 'head -c 3000000 /dev/zero'], { maxBuffer: 1000 }],
];

const PROGRAM = String.raw`
const { spawnSync } = require('node:child_process');
const calls = JSON.parse(process.argv[1]);
const shown = (x) => (x === null ? null : Buffer.isBuffer(x) ? 'bytes ' + x.length + ' ' + x.subarray(0, 32).toString('hex') : x);
const out = calls.map(([file, args, options]) => {
  if (options.input && options.input.bytes) options.input = Buffer.alloc(options.input.bytes, options.input.fill);
  const r = spawnSync(file, args, options);
  const error = r.error && { fields: Object.keys(r.error), ...r.error, message: r.error.message };
  return { fields: Object.keys(r), ...r, error, pid: typeof r.pid, output: r.output && r.output.map(shown), stdout: shown(r.stdout), stderr: shown(r.stderr) };
});
process.stdout.write(JSON.stringify(out));
`;

type Outcome = Record<string, unknown>;

function outcomes(hooked: boolean, spawner: string): Outcome[] {
  const args = [...(hooked ? [`--require=${resolve('scripts/quick-spawn.cjs')}`] : []), '-e', PROGRAM, JSON.stringify(CALLS)];
  const env = { ...process.env, VDSO_LAB_QUICK_SPAWNER: hooked ? spawner : '' };
  const r = spawnSync(process.execPath, args, { env, encoding: 'utf8', maxBuffer: 64 << 20 });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout) as Outcome[];
}

test('spawnSync through the quick runner\'s C spawner returns what node\'s own returns', () => {
  // Built once per source, as the quick runner builds it (builds.ts keys it by the source's bytes).
  const spawner = buildInput({ tool: 'gcc', args: ['-O2', resolve('scripts/quick-spawner.c'), '-o', 'quick-spawner'], dir });
  const node = outcomes(false, spawner);
  const through = outcomes(true, spawner);
  assert.equal(through.length, CALLS.length);
  CALLS.forEach((call, k) => {
    const [want, got] = [node[k]!, through[k]!];
    if (((call[2] as { maxBuffer?: number }).maxBuffer ?? Infinity) < 1 << 20) {
      // Only the error, the status and the signal: how much was read before the child ended is timing.
      assert.deepEqual([got.fields, got.error, got.status, got.signal], [want.fields, want.error, want.status, want.signal], JSON.stringify(call));
      return;
    }
    assert.deepEqual(got, want, JSON.stringify(call));
  });
});
