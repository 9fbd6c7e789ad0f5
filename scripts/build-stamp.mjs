// What a build was built from (scripts/build.mjs's dist/, scripts/test-quick.mjs's out-quick/),
// so that a build whose inputs did not change is skipped:
// the content of every file esbuild read (its metafile's inputs) and of the files that steer the
// build (the build scripts, package.json, the lockfile, tsconfig.json, esbuild's version), the
// build's options as the script computed them (a `define` whose value is computed), the names in
// each folder an input came from (a new file there may be resolved in its place), and
// the size and time of each output (a bundle rewritten or removed since). Anything different, or
// no record (a fresh clone, `npm ci`), and everything is built again.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

const STEERING = ['scripts/build.mjs', 'scripts/build-stamp.mjs', 'package.json', 'package-lock.json', 'tsconfig.json', 'node_modules/esbuild/package.json'];

const fileHash = (root, path) => (existsSync(join(root, path)) ? createHash('sha256').update(readFileSync(join(root, path))).digest('hex') : 'missing');
const folderNames = (root, dir) => (existsSync(join(root, dir)) ? readdirSync(join(root, dir)).sort().join('\n') : 'missing');
const outputState = (root, path) => {
  if (!existsSync(join(root, path))) return 'missing';
  const s = statSync(join(root, path));
  return `${s.size} ${s.mtimeMs}`;
};

/**
 * The record of a build with `settings` (a string) from `inputs` (paths relative to `root`) to
 * `outputs`, steered also by the files `steering` (its own script, beyond STEERING).
 */
function describe(root, settings, inputs, outputs, steering) {
  const files = [...new Set([...STEERING, ...steering, ...inputs])].sort();
  const dirs = [...new Set(inputs.map((p) => dirname(p)))].sort();
  return {
    settings,
    files: Object.fromEntries(files.map((p) => [p, fileHash(root, p)])),
    dirs: Object.fromEntries(dirs.map((d) => [d, folderNames(root, d)])),
    outputs: Object.fromEntries([...outputs].sort().map((p) => [p, outputState(root, p)])),
  };
}

/** Whether the record at `stamp` describes the tree as it is now, built with `settings` and steered by `steering`. */
export function unchanged(root, stamp, settings, steering = []) {
  let was;
  try {
    was = JSON.parse(readFileSync(stamp, 'utf8'));
  } catch {
    return false;
  }
  if (!was || typeof was !== 'object' || !was.files || !was.dirs || !was.outputs) return false;
  const same = (kept, now) => Object.entries(kept).every(([k, v]) => now(k) === v);
  return (
    was.settings === settings &&
    [...STEERING, ...steering].every((p) => p in was.files) &&
    same(was.files, (p) => fileHash(root, p)) &&
    same(was.dirs, (d) => folderNames(root, d)) &&
    same(was.outputs, (p) => outputState(root, p))
  );
}

/**
 * Writes the record of a build that started at `started` (Date.now()) and just finished, whole or
 * not at all; none when an input was written meanwhile (the bundle may hold its older text).
 */
export function record(root, stamp, settings, started, inputs, outputs, steering = []) {
  if (inputs.some((p) => existsSync(join(root, p)) && statSync(join(root, p)).mtimeMs >= started)) return;
  mkdirSync(dirname(stamp), { recursive: true });
  writeFileSync(`${stamp}.tmp`, JSON.stringify(describe(root, settings, inputs, outputs, steering)));
  renameSync(`${stamp}.tmp`, stamp);
}
