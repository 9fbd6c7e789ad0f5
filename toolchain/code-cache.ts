// Owns starting the bundles of dist/ (cli.js, check-worker.js, debug-adapter.js,
// language-server.js) through V8's code cache. scripts/build.mjs writes each as this loader
// followed by the bundle inside one block comment (each `*/` in it written as
// COMMENT_END_ESCAPED), so that Node compiles only the loader; the loader takes the bundle's
// text from the file's text Node read (or reads its own file) and compiles it with the code
// V8 made for it in an earlier run, which skips most of compiling 1-2 MB of JavaScript
// (docs/speed-and-exactness.md, "Start-up of the processes"). The file stays one
// self-contained file. The cache lives in the cache folder (toolchain/cache.ts) under v8/,
// one file per bundle content, Node version and Node options (V8 refuses data made under
// other flags), and for the CLI per command (each command's cache holds the code that
// command runs, whichever command ran first); it is written once, at the exit of a run that
// found none (or one V8 refused), to a temporary file then renamed. A file that is missing,
// unreadable, truncated or altered (its length and CRC-32 are checked before V8 sees it) is
// ignored, and the bundle is compiled from its text, as without a cache (the file's checks:
// toolchain/checked-file.ts). The loader also names the bundle it started (bundleIdentity),
// for the caches the bundle keeps itself. Nothing here prints, and nothing here changes the
// exit status.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join } from 'node:path';
import { Script } from 'node:vm';
import { cacheDir } from './cache';
import { checkedFilesWork, nameHash, readChecked, writeChecked } from './checked-file';

/** The line that opens the comment holding the bundle (built from parts: the loader's own text must not contain it). */
export const BUNDLE_START = ['\n/', '*vdso-lab bundle\n'].join('');
/** How the bundle's `*\/` is written inside the comment. */
export const COMMENT_END_ESCAPED = ['*{vdso-lab', ' comment end}/'].join('');
/** The line that closes the comment. */
export const BUNDLE_END = ['\n*', '/\n'].join('');

/** "vdso-lab V8 code cache", then the layout's version: a file of another layout is not read. */
const MAGIC = 0x76386331;
/** Caches kept per bundle (other builds, Node versions, options or commands); older ones are removed when one is written. */
const KEPT_PER_BUNDLE = 32;

/** The global the loader names its bundle in (its file's name and build), for the bundle's own caches (emulator/x86/cold-cache.ts). */
const BUNDLE_IDENTITY = Symbol.for('vdso-lab.bundle-identity');

/**
 * The bundle this process or thread was started from through startBundle (`NAME-HASH`, HASH
 * the start of its SHA-256), or undefined when it was not (tests' bundles, other programs).
 */
export function bundleIdentity(): string | undefined {
  const identity = (globalThis as Record<symbol, unknown>)[BUNDLE_IDENTITY];
  return typeof identity === 'string' ? identity : undefined;
}

/** What V8's cached data depends on beyond the script: Node's version, the architecture and Node's options (V8 refuses data made under other flags). */
export function v8Key(): string {
  return [process.version, process.arch, process.env.NODE_OPTIONS ?? '', ...process.execArgv].join(' ');
}

/**
 * The file scripts/build.mjs writes for a bundle: `banner`, the loader (`loaderJs`, which
 * calls startBundle), then the bundle (`bundleJs`, ASCII) in the comment. Throws when the
 * bundle cannot be carried that way.
 */
export function loaderFile(banner: string, loaderJs: string, bundleJs: string): string {
  if (!/^[\x00-\x7f]*$/.test(bundleJs)) throw new Error('code cache: the bundle is not ASCII');
  if (bundleJs.includes(COMMENT_END_ESCAPED) || bundleJs.includes(BUNDLE_START)) throw new Error('code cache: the bundle holds the loader\'s markers');
  return `${banner}${loaderJs}${BUNDLE_START}${bundleJs.split('*/').join(COMMENT_END_ESCAPED)}${BUNDLE_END}`;
}

/**
 * The bundle's text inside the loader file `loader`, and whether it is the build this loader
 * came from (its loader names `sourceHash`): a rebuild between Node's read of the file and
 * this one must not pair the new text with the old build's cache. `ownText`, when given,
 * returns the text Node already read and compiled (the module wrapper's own source, which V8
 * keeps and hands out without a copy): the file is then not read a second time, and the
 * bundle is always the loader's own build.
 */
function bundleText(loader: string, sourceHash: string, ownText: (() => string) | undefined): { source: string; sameBuild: boolean } {
  let text: string | undefined;
  try {
    text = ownText?.();
  } catch {
    text = undefined;
  }
  // The bundle is ASCII (esbuild escapes the rest), so latin1 reads it as it is, and faster.
  if (text === undefined || !text.includes(BUNDLE_START)) text = readFileSync(loader, 'latin1');
  const start = text.lastIndexOf(BUNDLE_START);
  const end = text.lastIndexOf(BUNDLE_END);
  if (start < 0 || end < start) throw new Error(`${loader}: no bundle after the loader (rebuild with scripts/build.mjs)`);
  // replaceAll: split and join made a string per comment of the bundle (about 2,800), 20-30 ms.
  const source = text.slice(start + BUNDLE_START.length, end).replaceAll(COMMENT_END_ESCAPED, '*/');
  return { source, sameBuild: text.lastIndexOf(sourceHash, start) >= 0 };
}

/**
 * The command a CLI run's cache is kept for: its first argument when that is a word (a
 * command's name), else one shared name (`--help`, no argument, a mistake).
 */
function commandOf(argv: readonly string[]): string {
  const first = argv[2] ?? '';
  return /^[a-z][a-z0-9-]{0,31}$/.test(first) ? first : '-';
}

/** How startBundle keys the cache beyond the bundle, Node and its options. */
export interface StartOptions {
  /** One cache per command (the CLI): the first argument is part of the key. */
  readonly byCommand?: boolean;
}

/**
 * Runs the bundle inside the loader file `loader` as Node runs a main module, through the
 * code cache when there is one for `sourceHash` (the bundle's SHA-256, computed when it was
 * built: V8 itself checks only the length of the text it was given). `ownText` gives the
 * loader file's text as Node compiled it, when the loader can (see bundleText).
 */
export function startBundle(loader: string, sourceHash: string, options: StartOptions = {}, ownText?: () => string): void {
  const { source, sameBuild } = bundleText(loader, sourceHash, ownText);
  const wrapped = `(function (exports, require, module, __filename, __dirname) {${source}\n})`;
  const name = basename(loader, '.js');
  let file: string | undefined;
  let cached: Buffer | undefined;
  if (sameBuild) (globalThis as Record<symbol, unknown>)[BUNDLE_IDENTITY] = `${name}-${sourceHash.slice(0, 16)}`;
  if (checkedFilesWork && sameBuild) {
    try {
      const key = [v8Key(), ...(options.byCommand ? [`command=${commandOf(process.argv)}`] : [])].join(' ');
      file = join(cacheDir(), 'v8', `${name}-${sourceHash.slice(0, 16)}-${nameHash(key)}.v8`);
      cached = readChecked(file, MAGIC);
    } catch {
      file = undefined;
    }
  }
  const script = new Script(wrapped, { filename: loader, cachedData: cached });
  if (file !== undefined && (cached === undefined || script.cachedDataRejected === true)) {
    const cacheFile = file;
    // At exit the cache holds every function this run compiled, not only the top level.
    process.once('exit', () => {
      let data: Buffer;
      try {
        data = script.createCachedData();
      } catch {
        return;
      }
      writeChecked(dirname(cacheFile), cacheFile, MAGIC, [data], { family: `${name}-`, suffix: '.v8', kept: KEPT_PER_BUNDLE });
    });
  }
  const main = script.runInThisContext() as (exports: object, require: NodeJS.Require, module: object, filename: string, dirname: string) => void;
  const module = { exports: {}, filename: loader, id: '.', loaded: false };
  main.call(module.exports, module.exports, createRequire(loader), module, loader, dirname(loader));
}
