// `npm run test:quick`: the inner-loop subset of `npm test`. Every test file except those that
// need code-server (test/e2e) or the Debian kernel package (anything importing, directly or
// through other test modules, test/support/real-vdso.ts), run with VDSO_LAB_TEST_SCALE=quick
// (test/support/scale.ts: a tenth of the randomised counts, a covering sample of each matrix).
// Starting node and loading a bundle costs about half a second, so the files run in groups
// (out-quick/groups/, each a small file over the one bundle of them all, out-quick/tests.js),
// each file's tests inside a suite named after the file, and the groups run side by side; a
// file that starts itself again (a worker or a child process on its own __filename) is
// bundled alone. The groups are balanced by the time each file took in
// the last run that passed it (scripts/quick-times-reporter.mjs; kept in node_modules/.cache/), the
// longest file first into the group with the least so far, and the runs start longest first,
// so the cores finish together; without times (a first run) files go round-robin. The full
// suite stays `npm test`.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { build } from 'esbuild';
import { record, unchanged } from './build-stamp.mjs';
import { exitStatus, runAsGroup } from './process-group.mjs';

const root = new URL('..', import.meta.url).pathname;
const testRoot = join(root, 'test');
const EXCLUDED_DIRS = ['test/e2e/'];
const NEEDS_KERNEL_PACKAGE = join(testRoot, 'support', 'real-vdso.ts');
/**
 * Runs side by side per core: two, because a group waiting on a child (gcc, qemu-i386, gdb, the
 * CLI) for a pipe or a timer leaves its core idle: with one per core the run kept the cores
 * 91% busy, with two 94-95% (docs/speed-and-exactness.md, "The runner").
 */
const RUNS_PER_CORE = 2;
/**
 * V8's budget before it optimizes a function, for the test processes: the default (about 132 KB of
 * bytecode run) has TurboFan compile thousands of functions (the block compiler's generated ones
 * among them) that a short test process then runs for milliseconds; optimizing was a sixth of the
 * processes' CPU. Thirty times the default leaves the truly hot code optimized (docs/testing.md).
 */
const INTERRUPT_BUDGET = 4_000_000;
/** How many groups per core: enough for the runner to even out the groups' lengths. */
const GROUPS_PER_CORE = 4;
/** Each file's time in the last run that passed it, and where this run's are written first. */
const TIMES = join(root, 'node_modules', '.cache', 'vdso-lab', 'test-quick-times.json');
const NEW_TIMES = `${TIMES}.new`;

function walk(dir, found = []) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) walk(path, found);
    else if (name.endsWith('.ts')) found.push(path);
  }
  return found;
}

/** The test modules `file` imports by relative path (other imports are not test code). */
function localImports(file) {
  const text = readFileSync(file, 'utf8');
  const out = [];
  for (const m of text.matchAll(/^\s*(?:import|export)[^'"]*?from\s+['"](\.{1,2}\/[^'"]+)['"]/gm)) {
    const target = resolve(dirname(file), m[1]);
    for (const candidate of [`${target}.ts`, join(target, 'index.ts')]) {
      if (candidate.startsWith(testRoot) && existsSync(candidate)) out.push(candidate);
    }
  }
  return out;
}

/** Whether `file`, or a test module it imports, answers `ask(file, text)` (import cycles answer no). */
function closureHas(ask, memo, file, path = new Set()) {
  if (memo.has(file)) return memo.get(file);
  if (path.has(file)) return false;
  path.add(file);
  const answer = ask(file, readFileSync(file, 'utf8')) || localImports(file).some((f) => closureHas(ask, memo, f, path));
  path.delete(file);
  memo.set(file, answer);
  return answer;
}
const kernelMemo = new Map();
const needsKernelPackage = (file) => closureHas((f) => f === NEEDS_KERNEL_PACKAGE, kernelMemo, file);
const aloneMemo = new Map();
const startsItself = (file) => closureHas((_, text) => /\b__filename\b/.test(text), aloneMemo, file);

const all = walk(testRoot).filter((f) => f.endsWith('.test.ts'));
const chosen = all.filter((f) => {
  const rel = relative(root, f);
  return !EXCLUDED_DIRS.some((d) => rel.startsWith(d)) && !needsKernelPackage(f);
});
const alone = chosen.filter(startsItself);
const grouped = chosen.filter((f) => !startsItself(f));
const groupCount = Math.max(1, Math.min(grouped.length, GROUPS_PER_CORE * availableParallelism()));
const out = join(root, 'out-quick');
const entries = join(out, 'entries');
/** The times of the last runs (milliseconds by file, relative to the root), or none. */
function lastTimes() {
  try {
    const t = JSON.parse(readFileSync(TIMES, 'utf8'));
    return t && typeof t === 'object' ? new Map(Object.entries(t).filter(([, ms]) => typeof ms === 'number' && ms >= 0)) : new Map();
  } catch {
    return new Map();
  }
}
const times = lastTimes();
const known = [...times.values()].sort((a, b) => a - b);
/** A file's expected time: its last one, or the median of the known ones for a file not timed yet. */
const expected = (f) => times.get(relative(root, f)) ?? known[known.length >> 1] ?? 1;
const memberLists = Array.from({ length: groupCount }, () => []);
const groupTimes = new Array(groupCount).fill(0);
if (known.length === 0) grouped.forEach((f, i) => memberLists[i % groupCount].push(f));
else {
  const byTime = [...grouped].sort((a, b) => expected(b) - expected(a) || (a < b ? -1 : 1));
  for (const f of byTime) {
    const g = groupTimes.indexOf(Math.min(...groupTimes));
    memberLists[g].push(f);
    groupTimes[g] += expected(f);
  }
}
// One bundle holds every grouped file (out-quick/tests.js): esbuild builds the modules they
// share once, not once a group, and the bundle is the same whatever the groups are, so that it
// is built again only when what it is built from changed (scripts/build-stamp.mjs), and the
// design images its processes keep (toolchain/designs/kept-images.ts) serve the next run. Each
// file is a function of it that runs the file's module (esbuild initialises a module that is
// required, and what it imports, only when it is first required); a group is a small file that
// calls its members' functions, each inside a suite named after the file.
const testsEntry = join(entries, 'tests.js');
const testsEntryText = `module.exports = {\n${grouped.map((f) => `  ${JSON.stringify(relative(root, f))}: () => require(${JSON.stringify(relative(entries, f))}),`).join('\n')}\n};\n`;
// The maps serve the stack traces of failures (scripts/quick-stack-traces.cjs), which need no
// sources' text. One build for the groups' bundle and the files alone: esbuild reads and parses
// each module once for both.
// define: the tests' processes share their cold blocks' code under it (emulator/x86/cold-cache.ts).
const options = {
  bundle: true, platform: 'node', target: 'node20', format: 'cjs', sourcemap: true, sourcesContent: false, logLevel: 'warning', packages: 'external', absWorkingDir: root, outdir: out,
  define: (await import('./generator-identity.mjs')).generatorDefine(root),
  entryPoints: [
    { in: relative(root, testsEntry), out: 'tests' },
    ...alone.map((t) => ({ in: relative(root, t), out: relative(root, t).replace(/\.ts$/, '') })),
  ],
};
/** The record of what out-quick/ was last built from (scripts/build-stamp.mjs); `npm ci` clears it. */
const STAMP = join(root, 'node_modules', '.cache', 'vdso-lab', 'quick-inputs.json');
const STEERING = ['scripts/test-quick.mjs', 'scripts/generator-identity.mjs'];
const settings = JSON.stringify({ options, testsEntryText });
if (!unchanged(root, STAMP, settings, STEERING)) {
  rmSync(out, { recursive: true, force: true });
  mkdirSync(entries, { recursive: true });
  writeFileSync(testsEntry, testsEntryText);
  const started = Date.now();
  const { metafile } = await build({ ...options, metafile: true });
  // The entry, written just before, is in the settings.
  const inputs = Object.keys(metafile.inputs).filter((p) => !p.startsWith('<') && p !== relative(root, testsEntry));
  record(root, STAMP, settings, started, inputs, Object.keys(metafile.outputs), STEERING);
}
rmSync(join(out, 'groups'), { recursive: true, force: true });
mkdirSync(join(out, 'groups'));
const groupFiles = memberLists.map((members, g) => {
  const lines = ["'use strict';", "const { describe } = require('node:test');", "const tests = require('../tests.js');"];
  for (const f of members) lines.push(`describe(${JSON.stringify(relative(root, f))}, () => { tests[${JSON.stringify(relative(root, f))}](); });`);
  const file = join(out, 'groups', `group${g}.js`);
  writeFileSync(file, lines.join('\n') + '\n');
  return file;
});
console.log(`test:quick: ${chosen.length} of ${all.length} test files (${all.length - chosen.length} need code-server or the kernel package), in ${groupCount} groups and ${alone.length} alone`);
const runs = [
  ...groupFiles.map((path, g) => ({ path, ms: groupTimes[g] })),
  ...alone.map((f) => ({ path: join('out-quick', relative(root, f).replace(/\.ts$/, '.js')), ms: expected(f) })),
].sort((a, b) => b.ms - a.ms);
mkdirSync(dirname(TIMES), { recursive: true });
rmSync(NEW_TIMES, { force: true });
/**
 * The test processes' environment: the quick scale, and no NODE_EXTRA_CA_CERTS. Node reads and
 * parses that file of extra certificates at every start (about 60 ms of CPU and 290 page faults
 * on the session's machine, where it names a 215 KB bundle), and no test makes a TLS connection
 * (docs/speed-and-exactness.md, "A guest's first start").
 */
function testEnv() {
  const env = { ...process.env, VDSO_LAB_TEST_SCALE: 'quick' };
  delete env.NODE_EXTRA_CA_CERTS;
  const spawner = builtSpawner();
  if (spawner) env.VDSO_LAB_QUICK_SPAWNER = spawner;
  else delete env.VDSO_LAB_QUICK_SPAWNER;
  return env;
}
/**
 * The C spawner the test processes' spawnSync calls go to (scripts/quick-spawner.c), built with
 * gcc when its source is new (the file's name holds the source's hash), or null where it cannot
 * be built (the node helper makes the calls then).
 */
function builtSpawner() {
  const source = readFileSync(join(root, 'scripts', 'quick-spawner.c'));
  const program = join(dirname(TIMES), `quick-spawner-${createHash('sha256').update(source).digest('hex').slice(0, 16)}`);
  if (existsSync(program)) return program;
  const building = `${program}.${process.pid}`;
  const built = spawnSync('gcc', ['-O2', '-o', building, join(root, 'scripts', 'quick-spawner.c')], { stdio: ['ignore', 'ignore', 'inherit'] });
  if (built.status !== 0) return null;
  renameSync(building, program);
  return program;
}
const reporters = ['--test-reporter=spec', '--test-reporter-destination=stdout', `--test-reporter=${join(root, 'scripts', 'quick-times-reporter.mjs')}`, `--test-reporter-destination=${NEW_TIMES}`];
// quick-spawn.cjs: the test processes' spawnSync calls fork a small helper process rather than
// the test process (docs/testing.md).
const hooks = ['quick-stack-traces.cjs', 'quick-spawn.cjs'].map((hook) => `--require=${join(root, 'scripts', hook)}`);
// In a process group of its own that ends with it (scripts/process-group.mjs): a closed stdout
// (`| head`) or Ctrl-C ends every group process and what they started.
const ended = await runAsGroup(process.execPath, [`--interrupt-budget=${INTERRUPT_BUDGET}`, ...hooks, '--test', ...reporters, `--test-concurrency=${RUNS_PER_CORE * availableParallelism()}`, ...runs.map((run) => run.path)], {
  cwd: root,
  env: testEnv(),
});
try {
  // This run's times over the last ones (a file that failed keeps its earlier time), written whole or not at all.
  const merged = { ...Object.fromEntries(times), ...JSON.parse(readFileSync(NEW_TIMES, 'utf8')) };
  writeFileSync(NEW_TIMES, JSON.stringify(merged));
  renameSync(NEW_TIMES, TIMES);
} catch {
  rmSync(NEW_TIMES, { force: true });
}
process.exit(exitStatus(ended));
