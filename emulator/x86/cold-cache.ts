// Owns keeping the compiled code of cold block shapes (cold-functions.ts) across processes:
// every new process that runs a guest compiled the same ~670 shapes of a static C library's
// start-up again (docs/speed-and-exactness.md, "The first guest of a process"). The shapes a
// process compiled are written at its exit as one script of their factories with V8's code
// cache for it, in the cache folder (toolchain/cache.ts) under v8/, one file per bundle
// (toolchain/code-cache.ts bundleIdentity: a new build never reads an old build's file) and
// per Node version and options; the first process that runs a guest reads it back and takes a
// shape's factory from it. The tests' processes, whose bundles change at every run, take part
// through the identity of the code generator's sources their bundle was built with (the
// define VDSO_LAB_GENERATOR, scripts/generator-identity.mjs). The file is a checked file
// (toolchain/checked-file.ts): missing, truncated, altered or of another layout, it is ignored.
// The script is made here from the shapes' text, so a factory's source is always its shape's
// (a shape is looked up by its whole text: a changed generator gives other text), and V8's data
// is given only to the very script it was made from (V8 itself checks only the length: data made
// for an older wrapper of the same length would run the old wrapper), through the SHA-256 of
// the script kept in the file; V8 refusing the data only costs the compilation. Processes
// started neither from a bundle nor from a tests' bundle take no part; nothing here prints or
// throws.
import { createHash } from 'node:crypto';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { Script } from 'node:vm';
import { cacheDir } from '../../toolchain/cache';
import { checkedFilesWork, nameHash, readChecked, writeChecked } from '../../toolchain/checked-file';
import { bundleIdentity, v8Key } from '../../toolchain/code-cache';

/** "vdso-lab cold shapes", then the layout's version. */
const MAGIC = 0x76636b32;
/** The length of the script's SHA-256 in the file. */
const SCRIPT_HASH = 32;
/** Files kept (builds, Node versions and options); older ones are removed when one is written. */
const KEPT = 16;
/** A process writes the file again only when it compiled at least this many shapes the file did not hold. */
const LEAST_NEW = 64;
/**
 * The file holds at most this many shapes and this much text: reading it back costs about a
 * quarter of compiling what it holds, so a file of shapes a process does not use costs more
 * than it saves (a static C library's start-up is about 620 shapes, 1.1 MB).
 */
const MOST_SHAPES = 1024;
const MOST_TEXT = 2 << 20;

/** A factory's parameters and body around a shape (the text cold-functions.ts compiles). */
export function factoryBody(shape: string): string {
  return `return (function cold(s, m, H, limit) {\n${shape}\n});`;
}

/** The script of the factories of `shapes`: an array of them, each in parentheses (V8 compiles it with the script, so the cached data holds it). */
export function scriptOf(shapes: readonly string[]): string {
  let text = '[\n';
  for (const shape of shapes) text += `(function (X, K) {${factoryBody(shape)}}),\n`;
  return `${text}]`;
}

type Factory = (X: Int32Array, K: readonly number[]) => unknown;

/** The tests' bundles are built with the code generator's identity (scripts/generator-identity.mjs); other builds do not define it. */
declare const VDSO_LAB_GENERATOR: string | undefined;

/** What names the code that made the shapes: the bundle the loader started, else the generator's sources a tests' bundle was built from. */
function generatorIdentity(): string | undefined {
  return bundleIdentity() ?? (typeof VDSO_LAB_GENERATOR === 'string' && /^[0-9a-f]{16}$/.test(VDSO_LAB_GENERATOR) ? `tests-${VDSO_LAB_GENERATOR}` : undefined);
}

/** The file for this bundle and Node, or undefined when this process takes no part. */
function cacheFile(): string | undefined {
  const bundle = generatorIdentity();
  if (bundle === undefined || !checkedFilesWork) return undefined;
  try {
    return join(cacheDir(), 'v8', `cold-${bundle}-${nameHash(v8Key())}.v8`);
  } catch {
    return undefined;
  }
}

/** What the file held when this process read it. */
let held: readonly string[] = [];
/** Shapes this process compiled itself, in order. */
const compiled: string[] = [];
let file: string | undefined;
let started = false;
/** The file's modification time when this process read it (-1: no file). */
let readAt = -1;

/**
 * The factories kept in this bundle's file, by shape (empty when there is none or it does not
 * hold), read once per process; from then on, the shapes noted with `noteCompiled` are written
 * at exit when there are enough of them.
 */
export function keptFactories(): ReadonlyMap<string, Factory> {
  if (started) return new Map();
  started = true;
  file = cacheFile();
  if (file === undefined) return new Map();
  process.once('exit', writeAtExit);
  const kept = readColdFile(file);
  held = [...kept.keys()];
  readAt = modified(file);
  return kept;
}

/** The factories in the file `path`, by shape: none when it does not hold or when V8's data in it was made for another script. */
export function readColdFile(path: string): Map<string, Factory> {
  const found = new Map<string, Factory>();
  const data = readChecked(path, MAGIC);
  if (data === undefined) return found;
  try {
    const count = data.readUInt32LE(0);
    const hashAt = 4 + 4 * count;
    let at = hashAt + SCRIPT_HASH;
    if (count > MOST_SHAPES || at > data.length) return found;
    const shapes: string[] = [];
    for (let i = 0; i < count; i++) {
      const length = data.readUInt32LE(4 + 4 * i);
      if (at + length > data.length) return found;
      // The shapes are ASCII (writeAtExit keeps no other), so latin1 reads them as they are.
      shapes.push(data.toString('latin1', at, at + length));
      at += length;
    }
    const text = scriptOf(shapes);
    if (!data.subarray(hashAt, hashAt + SCRIPT_HASH).equals(scriptHash(text))) return found;
    const script = new Script(text, { filename: 'vdso-lab cold blocks', cachedData: data.subarray(at) });
    const factories = script.runInThisContext() as Factory[];
    for (let i = 0; i < shapes.length; i++) found.set(shapes[i]!, factories[i]!);
  } catch {
    found.clear();
  }
  return found;
}

function scriptHash(script: string): Buffer {
  return createHash('sha256').update(script, 'latin1').digest();
}

/**
 * Writes the file `path` of `shapes` (ASCII) with V8's data for `script`, which is their
 * script (scriptOf) but where a test stands for an older writer; throws when it cannot.
 */
export function writeColdFile(path: string, shapes: readonly string[], script = scriptOf(shapes)): void {
  const data = new Script(script, { filename: 'vdso-lab cold blocks' }).createCachedData();
  const lengths = Buffer.alloc(4 + 4 * shapes.length);
  lengths.writeUInt32LE(shapes.length, 0);
  shapes.forEach((shape, i) => lengths.writeUInt32LE(shape.length, 4 + 4 * i));
  writeChecked(join(path, '..'), path, MAGIC, [lengths, scriptHash(script), Buffer.from(shapes.join(''), 'latin1'), data], { family: 'cold-', suffix: '.v8', kept: KEPT });
}

/** Notes a shape this process compiled (keptFactories did not have it). */
export function noteCompiled(shape: string): void {
  if (file !== undefined && compiled.length < MOST_SHAPES) compiled.push(shape);
}

/** At exit: the file again, with the shapes it held and then those compiled here, when this process compiled enough new ones. */
function writeAtExit(): void {
  if (file === undefined || compiled.length < LEAST_NEW) return;
  // Another process wrote the file since this one read it: processes started together (the
  // tests' groups, the check workers) would otherwise each pay for writing what one writes.
  if (modified(file) !== readAt) return;
  const shapes = [...held];
  let text = 0;
  for (const shape of shapes) text += shape.length;
  const before = shapes.length;
  const known = new Set(held);
  for (const shape of compiled) {
    if (shapes.length >= MOST_SHAPES || text + shape.length > MOST_TEXT) break;
    if (known.has(shape) || !/^[\x00-\x7f]*$/.test(shape)) continue;
    known.add(shape);
    shapes.push(shape);
    text += shape.length;
  }
  if (shapes.length - before < LEAST_NEW) return;
  try {
    writeColdFile(file, shapes);
  } catch {
    // No file: the next process compiles its shapes, as without one.
  }
}

/** The file's modification time, or -1 when there is none. */
function modified(path: string): number {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return -1;
  }
}
