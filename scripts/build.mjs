// Builds the bundles (CLI and its check worker, extension, debug adapter, language server) with esbuild,
// the CLI, adapter and server each inside toolchain/code-cache.ts's loader (started through V8's
// code cache), and with --tests also every test/**/*.test.ts into out/test for `node --test`.
import { build } from 'esbuild';
import { createHash } from 'node:crypto';
import { readdirSync, statSync, rmSync, chmodSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import { record, unchanged } from './build-stamp.mjs';

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
/** The record of what dist/ was last built from (scripts/build-stamp.mjs); `npm ci` clears it. */
const STAMP = join(root, 'node_modules', '.cache', 'vdso-lab', 'dist-inputs.json');
/** Every file the dist/ builds read (their metafiles' inputs), relative to the root. */
const inputs = new Set();
/** A build of dist/: esbuild's, its inputs noted. */
async function distBuild(options) {
  const r = await build({ ...options, metafile: true });
  for (const path of Object.keys(r.metafile.inputs)) if (!path.startsWith('<')) inputs.add(path);
  return r;
}

// `cached`: the file is toolchain/code-cache.ts's loader with the bundle inside, started
// through V8's code cache (the processes and threads users and tests start many times), with
// `start` as startBundle's options (the CLI keeps one cache per command).
const entries = [
  { in: 'cli/main.ts', out: 'dist/cli.js', banner: '#!/usr/bin/env node', cached: true, start: { byCommand: true } },
  { in: 'extension/extension.ts', out: 'dist/extension.js' },
  { in: 'debug-adapter/main.ts', out: 'dist/debug-adapter.js', cached: true },
  { in: 'language-server/main.ts', out: 'dist/language-server.js', cached: true },
  { in: 'cli/check-worker.ts', out: 'dist/check-worker.js', cached: true },
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

/** toolchain/code-cache.ts's loaderFile, bundled for this script. */
async function codeCacheModule() {
  const r = await distBuild({
    ...common, sourcemap: false, format: 'esm', write: false,
    stdin: { contents: "export { loaderFile } from './toolchain/code-cache';", resolveDir: root, loader: 'ts' },
  });
  return import(`data:text/javascript;base64,${Buffer.from(r.outputFiles[0].text).toString('base64')}`);
}

/**
 * Builds a bundle and writes it inside its loader (with its source map beside it), without
 * whitespace or comments (identifiers stay): every start reads the file and copies the
 * bundle's text twice, and the CLI's file is 1.7 MB instead of 2.4 MB, with 14 comment ends
 * to escape instead of 2,826 (docs/speed-and-exactness.md, "The symbol table read when first
 * asked for, the bundles without whitespace").
 */
async function buildCached(e, loaderFile) {
  const r = await distBuild({ ...common, entryPoints: [e.in], outfile: e.out, external: ['vscode'], write: false, minifyWhitespace: true });
  const bundle = r.outputFiles.find((f) => f.path.endsWith('.js')).text;
  const map = r.outputFiles.find((f) => f.path.endsWith('.map'));
  const hash = createHash('sha256').update(bundle).digest('hex');
  const loader = await distBuild({
    ...common, sourcemap: false, write: false,
    stdin: {
      // The module wrapper Node compiled this file in (`arguments.callee` at the top level of a
      // CommonJS module) gives back the file's text as Node read it.
      contents: `import { startBundle } from './toolchain/code-cache';\nstartBundle(__filename, ${JSON.stringify(hash)}, ${JSON.stringify(e.start ?? {})}, () => arguments.callee.toString());\n`,
      resolveDir: root, loader: 'ts', sourcefile: `${basename(e.out)} loader`,
    },
  });
  // Through a rename: a process starting meanwhile reads the old file or the new one, whole.
  const out = join(root, e.out);
  // A fresh clone has no dist/ yet, and every bundle is built at once: none may count on another's.
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(`${out}.tmp`, loaderFile(e.banner ? `${e.banner}\n` : '', loader.outputFiles[0].text, bundle), { mode: e.banner ? 0o755 : 0o644 });
  renameSync(`${out}.tmp`, out);
  writeFileSync(map.path, map.contents);
}

// dist/ is built again only when something it is built from changed (scripts/build-stamp.mjs).
const settings = JSON.stringify({ common, entries });
if (!unchanged(root, STAMP, settings)) {
  const started = Date.now();
  const { loaderFile } = await codeCacheModule();
  await Promise.all(entries.map((e) => (e.cached ? buildCached(e, loaderFile) : distBuild({
    ...common,
    entryPoints: [e.in],
    outfile: e.out,
    external: ['vscode'],
    banner: e.banner ? { js: e.banner } : undefined,
  }))));
  chmodSync(join(root, 'dist/cli.js'), 0o755);
  record(root, STAMP, settings, started, [...inputs], entries.flatMap((e) => [e.out, `${e.out}.map`]));
}

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
    // The tests' processes share their cold blocks' code under it (emulator/x86/cold-cache.ts).
    define: (await import('./generator-identity.mjs')).generatorDefine(root),
  });
}
