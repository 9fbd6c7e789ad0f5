// Builds the bundles (CLI and its check worker, extension, debug adapter, language server) with esbuild,
// and with --tests also every test/**/*.test.ts into out/test for `node --test`.
import { build } from 'esbuild';
import { readdirSync, statSync, rmSync, chmodSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: true,
  logLevel: 'warning',
  absWorkingDir: root,
};

const entries = [
  { in: 'cli/main.ts', out: 'dist/cli.js', banner: '#!/usr/bin/env node' },
  { in: 'extension/extension.ts', out: 'dist/extension.js' },
  { in: 'debug-adapter/main.ts', out: 'dist/debug-adapter.js' },
  { in: 'language-server/main.ts', out: 'dist/language-server.js' },
  { in: 'cli/check-worker.ts', out: 'dist/check-worker.js' },
];

function findTests(dir, found = []) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) findTests(path, found);
    else if (name.endsWith('.test.ts')) found.push(path);
  }
  return found;
}

// --prerequisites builds only what npm test runs before anything else (scripts/prerequisites.ts).
if (process.argv.includes('--prerequisites')) {
  await build({
    ...common,
    stdin: { contents: "import { main } from './prerequisites';\nmain();\n", resolveDir: join(root, 'scripts'), loader: 'ts', sourcefile: 'prerequisites-main.ts' },
    outfile: 'out/prerequisites.js',
  });
  process.exit(0);
}

// --fuzz builds only the fuzzing harness (npm run fuzz: test/fuzz/main.ts, its own worker).
if (process.argv.includes('--fuzz')) {
  await build({ ...common, entryPoints: ['test/fuzz/main.ts'], outfile: 'out/fuzz/main.js', packages: 'external' });
  process.exit(0);
}

await Promise.all(entries.map((e) => build({
  ...common,
  entryPoints: [e.in],
  outfile: e.out,
  external: ['vscode'],
  banner: e.banner ? { js: e.banner } : undefined,
})));
chmodSync(join(root, 'dist/cli.js'), 0o755);

// --tests builds every test (after clearing out/); --tests=A,B builds only the tests whose
// path contains A or B and clears nothing, so that several people can build their own at once.
// A filter that matches no test is an error: otherwise out/ keeps stale bundles that look current.
const testsArg = process.argv.find((a) => a === '--tests' || a.startsWith('--tests='));
if (testsArg) {
  const filters = testsArg.includes('=') ? testsArg.slice('--tests='.length).split(',').filter(Boolean) : [];
  if (filters.length === 0) rmSync(join(root, 'out'), { recursive: true, force: true });
  const all = findTests(join(root, 'test'));
  const tests = filters.length === 0 ? all : all.filter((t) => filters.some((f) => relative(root, t).includes(f)));
  const unmatched = filters.filter((f) => !all.some((t) => relative(root, t).includes(f)));
  if (unmatched.length > 0) {
    console.error(`build: no test path contains ${unmatched.map((f) => `'${f}'`).join(', ')}`);
    process.exit(2);
  }
  await build({
    ...common,
    entryPoints: tests.map((t) => relative(root, t)),
    outdir: 'out',
    outbase: '.',
    packages: 'external',
  });
}
