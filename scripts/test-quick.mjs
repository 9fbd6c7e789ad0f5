// `npm run test:quick`: the inner-loop subset of `npm test`. Every test file except those that
// need code-server (test/e2e) or the Debian kernel package (anything importing, directly or
// through other test modules, test/support/real-vdso.ts), built into out-quick/ and run with
// VDSO_LAB_TEST_SCALE=quick (test/support/scale.ts: a tenth of the fuzzers' and the
// differential CPU test's full counts). The full suite stays `npm test`.
import { spawnSync } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { existsSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { build } from 'esbuild';

const root = new URL('..', import.meta.url).pathname;
const testRoot = join(root, 'test');
const EXCLUDED_DIRS = ['test/e2e/'];
const NEEDS_KERNEL_PACKAGE = join(testRoot, 'support', 'real-vdso.ts');

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

const memo = new Map();
function needsKernelPackage(file, path = new Set()) {
  if (file === NEEDS_KERNEL_PACKAGE) return true;
  if (memo.has(file)) return memo.get(file);
  if (path.has(file)) return false;
  path.add(file);
  const answer = localImports(file).some((f) => needsKernelPackage(f, path));
  path.delete(file);
  memo.set(file, answer);
  return answer;
}

const all = walk(testRoot).filter((f) => f.endsWith('.test.ts'));
const chosen = all.filter((f) => {
  const rel = relative(root, f);
  return !EXCLUDED_DIRS.some((d) => rel.startsWith(d)) && !needsKernelPackage(f);
});
const out = join(root, 'out-quick');
rmSync(out, { recursive: true, force: true });
await build({
  entryPoints: chosen.map((t) => relative(root, t)),
  outdir: 'out-quick',
  outbase: '.',
  absWorkingDir: root,
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: true,
  logLevel: 'warning',
  packages: 'external',
});
console.log(`test:quick: ${chosen.length} of ${all.length} test files (${all.length - chosen.length} need code-server or the kernel package)`);
const r = spawnSync(process.execPath, ['--test', '--test-reporter=spec', `--test-concurrency=${availableParallelism()}`, ...chosen.map((f) => join('out-quick', relative(root, f).replace(/\.ts$/, '.js')))], {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, VDSO_LAB_TEST_SCALE: 'quick' },
});
process.exit(r.status ?? 1);
