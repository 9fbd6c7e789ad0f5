// Checks the bound on the tests' built inputs on disk (builds.ts pruneBuilds): a pass removes
// entries and fixed folders unused for a week and keeps those used lately; a read of an entry
// and a fixed folder asked for again are uses; a writer's temporary file and what is not an
// entry are left alone, and a temporary file a week old goes; a pass runs at most once an hour
// per cache folder; a fixed folder removed under a process is made again by its next build.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readBytes, run, scratch } from './oracles';
import { BUILD_CACHE_ENV, buildInput, cacheEntryOf, fixedFolder, forgetBuilds, pruneBuilds } from './builds';

const DAY = 24 * 3600 * 1000;

/** Sets `path`'s last use `ago` ms before now. */
function used(path: string, ago: number): string {
  const when = new Date(Date.now() - ago);
  utimesSync(path, when, when);
  return path;
}

/** A file `name` in `dir` (made when missing), last used `ago` ms before now. */
function file(dir: string, name: string, ago: number): string {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, name), 'x');
  return used(join(dir, name), ago);
}

function key(): string {
  return randomBytes(32).toString('hex');
}

test('a pass removes the entries and fixed folders unused for a week, and keeps the rest', () => {
  const root = scratch('vdso-lab-build-pruning-');
  const stale = key();
  const fresh = key();
  const staleEntry = file(join(root, stale.slice(0, 2)), stale, 8 * DAY);
  const freshEntry = file(join(root, fresh.slice(0, 2)), fresh, 6 * DAY);
  const writing = file(join(root, stale.slice(0, 2)), `${stale}.123.abcd.tmp`, 3600 * 1000);
  const orphan = file(join(root, fresh.slice(0, 2)), `${fresh}.456.abcd.tmp`, 8 * DAY);
  const identity = file(join(root, 'identities'), key().slice(0, 32), 30 * DAY);
  const identityOrphan = file(join(root, 'identities'), `${key().slice(0, 32)}.789.abcd.tmp`, 8 * DAY);
  const staleFolder = join(root, 'folders', 'a'.repeat(32));
  file(staleFolder, 'prog.c', 9 * DAY);
  used(staleFolder, 9 * DAY);
  const freshFolder = join(root, 'folders', 'b'.repeat(32));
  file(freshFolder, 'prog.c', 9 * DAY);
  used(freshFolder, DAY);
  pruneBuilds(root);
  assert.equal(existsSync(staleEntry), false, 'an entry unused for 8 days is removed');
  assert.equal(existsSync(staleFolder), false, 'a fixed folder unused for 9 days is removed');
  assert.ok(existsSync(freshEntry), 'an entry used 6 days ago is kept');
  assert.ok(existsSync(freshFolder), 'a fixed folder used yesterday is kept, however old its files');
  assert.ok(existsSync(writing), 'a temporary file an hour old may be a writer\'s: kept');
  assert.equal(existsSync(orphan), false, 'a temporary file 8 days old is a stopped writer\'s: removed');
  assert.equal(existsSync(identityOrphan), false, 'among the identities too');
  assert.ok(existsSync(identity), 'the tools\' identities keep their own bound');
});

test('a pass runs at most once an hour in a cache folder', () => {
  const root = scratch('vdso-lab-build-pruning-');
  const first = key();
  file(join(root, first.slice(0, 2)), first, 8 * DAY);
  pruneBuilds(root);
  const second = key();
  const entry = file(join(root, second.slice(0, 2)), second, 8 * DAY);
  pruneBuilds(root);
  assert.ok(existsSync(entry), 'a pass ran a moment ago: this one does nothing');
  used(join(root, 'last-pruned'), 2 * 3600 * 1000);
  pruneBuilds(root);
  assert.equal(existsSync(entry), false, 'the last pass two hours ago: this one removes it');
});

test('a build read from the disk marks its entry used', (t) => {
  const dir = scratch();
  const request = { tool: 'as' as const, args: ['--32', 'in.s', '-o', 'in.o'], dir, sources: { 'in.s': `fresh_${key()}: .long 1\n` } };
  buildInput(request);
  const entry = cacheEntryOf(request);
  if (entry === undefined) {
    assert.equal(process.env[BUILD_CACHE_ENV], 'off');
    t.skip(`${BUILD_CACHE_ENV}=off: no entry on disk`);
    return;
  }
  used(entry, 8 * DAY);
  forgetBuilds();
  buildInput({ ...request, dir: scratch() });
  assert.ok(Date.now() - statSync(entry).mtimeMs < DAY, 'the read moved its last use on');
});

test('asking for a fixed folder again marks it used', () => {
  const sources = { 'in.s': `fresh_${key()}: .long 1\n` };
  const dir = used(fixedFolder(sources), 8 * DAY);
  assert.equal(fixedFolder(sources), dir);
  assert.ok(Date.now() - statSync(dir).mtimeMs < DAY, 'the call moved its last use on');
});

test('a fixed folder another process\'s pass removed after this one asked for it is made whole by the next build there', () => {
  const sources = { 'in.s': `fresh_${key()}: .long 1\n` };
  const dir = fixedFolder(sources);
  rmSync(dir, { recursive: true, force: true });
  const built = buildInput({ tool: 'as', args: ['--32', 'in.s', '-o', 'in.o'], dir });
  const gas = join(scratch(), 'gas.o');
  run('as', ['--32', 'in.s', '-o', gas], { cwd: dir });
  assert.deepEqual(readBytes(built), readBytes(gas));
});
