// Owns keeping the compiled code of cold block shapes (cold-functions.ts) across processes:
// every new process that runs a guest compiled the same ~670 shapes of a static C library's
// start-up again (docs/speed-and-exactness.md, "The first guest of a process"). The shapes a
// process compiled are written at its exit as one script of their factories with V8's code
// cache for it, in the cache folder (toolchain/cache.ts) under v8/, one file per bundle
// (toolchain/code-cache.ts bundleIdentity: a new build never reads an old build's file) and
// per Node version and options; the first process that runs a guest reads it back and takes a
// shape's factory from it. The file is a checked file (toolchain/checked-file.ts): missing,
// truncated, altered or of another layout, it is ignored. The script is made here from the
// shapes' text, so a factory's source is always its shape's; V8 refusing the cached data only
// costs the compilation. Only processes started from a bundle take part (the CLI, the debug
// adapter, the check worker); nothing here prints or throws.
import { join } from 'node:path';
import { Script } from 'node:vm';
import { cacheDir } from '../../toolchain/cache';
import { checkedFilesWork, nameHash, readChecked, writeChecked } from '../../toolchain/checked-file';
import { bundleIdentity, v8Key } from '../../toolchain/code-cache';

/** "vdso-lab cold shapes", then the layout's version. */
const MAGIC = 0x76636b31;
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
function scriptOf(shapes: readonly string[]): string {
  let text = '[\n';
  for (const shape of shapes) text += `(function (X, K) {${factoryBody(shape)}}),\n`;
  return `${text}]`;
}

type Factory = (X: Int32Array, K: readonly number[]) => unknown;

/** The file for this bundle and Node, or undefined when this process takes no part. */
function cacheFile(): string | undefined {
  const bundle = bundleIdentity();
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

/**
 * The factories kept in this bundle's file, by shape (empty when there is none or it does not
 * hold), read once per process; from then on, the shapes noted with `noteCompiled` are written
 * at exit when there are enough of them.
 */
export function keptFactories(): ReadonlyMap<string, Factory> {
  const found = new Map<string, Factory>();
  if (started) return found;
  started = true;
  file = cacheFile();
  if (file === undefined) return found;
  process.once('exit', writeAtExit);
  const data = readChecked(file, MAGIC);
  if (data === undefined) return found;
  try {
    const count = data.readUInt32LE(0);
    let at = 4 + 4 * count;
    if (count > MOST_SHAPES || at > data.length) return found;
    const shapes: string[] = [];
    for (let i = 0; i < count; i++) {
      const length = data.readUInt32LE(4 + 4 * i);
      if (at + length > data.length) return found;
      // The shapes are ASCII (writeAtExit keeps no other), so latin1 reads them as they are.
      shapes.push(data.toString('latin1', at, at + length));
      at += length;
    }
    const script = new Script(scriptOf(shapes), { filename: 'vdso-lab cold blocks', cachedData: data.subarray(at) });
    const factories = script.runInThisContext() as Factory[];
    for (let i = 0; i < shapes.length; i++) found.set(shapes[i]!, factories[i]!);
    held = shapes;
  } catch {
    found.clear();
  }
  return found;
}

/** Notes a shape this process compiled (keptFactories did not have it). */
export function noteCompiled(shape: string): void {
  if (file !== undefined && compiled.length < MOST_SHAPES) compiled.push(shape);
}

/** At exit: the file again, with the shapes it held and then those compiled here, when this process compiled enough new ones. */
function writeAtExit(): void {
  if (file === undefined || compiled.length < LEAST_NEW) return;
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
    const script = new Script(scriptOf(shapes), { filename: 'vdso-lab cold blocks' });
    const data = script.createCachedData();
    const lengths = Buffer.alloc(4 + 4 * shapes.length);
    lengths.writeUInt32LE(shapes.length, 0);
    shapes.forEach((shape, i) => lengths.writeUInt32LE(shape.length, 4 + 4 * i));
    writeChecked(join(file, '..'), file, MAGIC, [lengths, Buffer.from(shapes.join(''), 'latin1'), data], { family: 'cold-', suffix: '.v8', kept: KEPT });
  } catch {
    // No file: the next process compiles its shapes, as without one.
  }
}
