// Owns keeping the compiled code of cold block shapes (cold-functions.ts) across processes:
// every new process that runs a guest compiled the same ~670 shapes of a static C library's
// start-up again (docs/speed-and-exactness.md, "The first guest of a process"). The file is in
// the cache folder (toolchain/cache.ts) under v8/, one per bundle (toolchain/code-cache.ts
// bundleIdentity: a new build never reads an old build's file) and per Node version and
// options. The tests' processes, whose bundles change at every run, take part through the
// identity of the code generator's sources their bundle was built with (the define
// VDSO_LAB_GENERATOR, scripts/generator-identity.mjs).
// The file is parts, each one script of up to PART_SHAPES shapes' factories with V8's code
// cache for it, then an index (each part's place, length and CRC-32, and a 32-bit hash of each
// shape's text) and a trailer (the layout's magic, the index's length and CRC-32). A process
// reads the index at its first cold block, and a part the first time it is asked for one of
// that part's shapes: a guest pays for the shapes it meets, not for the whole file
// (docs/speed-and-exactness.md, "Cold blocks read by parts"). A hash only says which part to
// read: a shape is looked up by its whole text, so a changed generator meets no old shape. The
// part's script is made here from its shapes' text, so a factory's source is always its shape's,
// and V8's data is given only to the very script it was made from (V8 itself checks only the
// length: data made for an older wrapper of the same length would run the old wrapper), through
// the SHA-256 of the script kept in the part; V8 refusing the data only costs the compilation.
// A process that compiled at least LEAST_NEW shapes the file does not hold adds them at exit, as
// new parts after a copy of the file as it is then (the kernel copies it; what others added
// since this process read it stays), through a rename (toolchain/checked-file.ts writeThrough):
// a reader sees a whole file or the one before. A file missing, truncated, altered or of
// another layout is ignored (its index, or a part when read); a process that met a damaged part
// writes the file anew, with the shapes of the parts it read and those it compiled. Processes
// started neither from a bundle nor from a tests' bundle take no part; nothing here prints or
// throws. The tests' processes run many guests made for one test (random instruction streams,
// one-off programs) whose shapes no later run meets: they add only shapes that served at least
// two blocks (a static C library's start-up in two programs), or each run would add its
// throw-away shapes until the file is full.
import { createHash } from 'node:crypto';
import { closeSync, fstatSync, ftruncateSync, openSync, readSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { Script } from 'node:vm';
import { cacheDir } from '../../toolchain/cache';
import { checkedFilesWork, checksum, nameHash, textHash, touchUsed, writeThrough, type Pruning } from '../../toolchain/checked-file';
import { bundleIdentity, v8Key } from '../../toolchain/code-cache';

/** "vdso-lab cold shapes", then the layout's version (3: parts, an index and a trailer). */
const MAGIC = 0x76636b33;
/** The trailer: the magic, where the index starts, its length and its CRC-32. */
const TRAILER = 16;
/** The length of a part's script's SHA-256. */
const SCRIPT_HASH = 32;
/** An index entry per part: its place, its length, its CRC-32 and its number of shapes. */
const PART_ENTRY = 16;
/**
 * The files of every build, Node version and option set sharing the folder (several worktrees
 * and versions of the tool may): each is marked used when a process opens it, and a write
 * removes those unused for PRUNE_AGE_MS, then the least recently used past PRUNE_BYTES in all
 * (sixteen files at their bound), never one in use (docs/speed-and-exactness.md, "Cold files
 * pruned by last use").
 */
const PRUNE_AGE_MS = 3 * 24 * 3600 * 1000;
const PRUNE_BYTES = 192 << 20;
export const COLD_PRUNING: Pruning = { family: 'cold-', suffix: '.v8', lastUse: { maxAgeMs: PRUNE_AGE_MS, maxBytes: PRUNE_BYTES } };
/** A process adds to the file only when it compiled at least this many shapes the file did not hold. */
const LEAST_NEW = 64;
/** Shapes per part: a part is read, checked and deserialized whole when one of its shapes is first asked for. */
const PART_SHAPES = 64;
/** The file holds at most this many shapes and this many bytes of parts (a static C library's start-up is about 620 shapes, 1.1 MB of text, 1.6 MB of parts). */
const MOST_SHAPES = 4096;
const MOST_BYTES = 12 << 20;

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

interface Part {
  readonly offset: number;
  readonly length: number;
  readonly crc: number;
  readonly count: number;
}

/** A file's index: its parts, the hash of each shape (the parts' shapes in order), and where the parts end. */
interface Index {
  readonly parts: readonly Part[];
  readonly hashes: readonly number[];
  readonly end: number;
}

const NO_PARTS: Index = { parts: [], hashes: [], end: 0 };

/** Reads `length` bytes at `offset` of `fd`, or undefined when the file is shorter. */
function readAt(fd: number, offset: number, length: number): Buffer | undefined {
  const bytes = Buffer.allocUnsafe(length);
  let done = 0;
  while (done < length) {
    const n = readSync(fd, bytes, done, length - done, offset + done);
    if (n === 0) return undefined;
    done += n;
  }
  return bytes;
}

/** The index of the open file `fd`, or undefined when its trailer, index or their checks do not hold. */
function readIndex(fd: number): Index | undefined {
  const size = fstatSync(fd).size;
  if (size < TRAILER) return undefined;
  const trailer = readAt(fd, size - TRAILER, TRAILER);
  if (trailer === undefined || trailer.readUInt32LE(0) !== MAGIC) return undefined;
  const end = trailer.readUInt32LE(4);
  const length = trailer.readUInt32LE(8);
  if (end + length + TRAILER !== size || length < 4 || length > 4 + (PART_ENTRY + 4) * MOST_SHAPES) return undefined;
  const data = readAt(fd, end, length);
  if (data === undefined || checksum(data) !== trailer.readUInt32LE(12)) return undefined;
  const count = data.readUInt32LE(0);
  if (4 + PART_ENTRY * count > length) return undefined;
  const parts: Part[] = [];
  let shapes = 0;
  for (let i = 0; i < count; i++) {
    const at = 4 + PART_ENTRY * i;
    const part = { offset: data.readUInt32LE(at), length: data.readUInt32LE(at + 4), crc: data.readUInt32LE(at + 8), count: data.readUInt32LE(at + 12) };
    if (part.offset + part.length > end) return undefined;
    parts.push(part);
    shapes += part.count;
  }
  const hashesAt = 4 + PART_ENTRY * count;
  if (shapes > MOST_SHAPES || hashesAt + 4 * shapes !== length) return undefined;
  const hashes: number[] = [];
  for (let i = 0; i < shapes; i++) hashes.push(data.readUInt32LE(hashesAt + 4 * i));
  return { parts, hashes, end };
}

/** The factories of a part's bytes (`data`, its CRC-32 checked), by shape: undefined when it does not hold or V8's data in it was made for another script. */
function readPart(data: Buffer): Map<string, Factory> | undefined {
  try {
    const count = data.readUInt32LE(0);
    const hashAt = 4 + 4 * count;
    let at = hashAt + SCRIPT_HASH;
    if (count > MOST_SHAPES || at > data.length) return undefined;
    const shapes: string[] = [];
    for (let i = 0; i < count; i++) {
      const length = data.readUInt32LE(4 + 4 * i);
      if (at + length > data.length) return undefined;
      // The shapes are ASCII (only such are written), so latin1 reads them as they are.
      shapes.push(data.toString('latin1', at, at + length));
      at += length;
    }
    const text = scriptOf(shapes);
    if (!data.subarray(hashAt, hashAt + SCRIPT_HASH).equals(scriptHash(text))) return undefined;
    const script = new Script(text, { filename: 'vdso-lab cold blocks', cachedData: data.subarray(at) });
    const factories = script.runInThisContext() as Factory[];
    const found = new Map<string, Factory>();
    for (let i = 0; i < shapes.length; i++) found.set(shapes[i]!, factories[i]!);
    return found;
  } catch {
    return undefined;
  }
}

/** The bytes of a part of `shapes` (ASCII) with V8's data for `script`, their script (scriptOf) unless a test stands for an older writer. */
function partBytes(shapes: readonly string[], script = scriptOf(shapes)): Buffer {
  const data = new Script(script, { filename: 'vdso-lab cold blocks' }).createCachedData();
  const lengths = Buffer.alloc(4 + 4 * shapes.length);
  lengths.writeUInt32LE(shapes.length, 0);
  shapes.forEach((shape, i) => lengths.writeUInt32LE(shape.length, 4 + 4 * i));
  return Buffer.concat([lengths, scriptHash(script), Buffer.from(shapes.join(''), 'latin1'), data]);
}

function scriptHash(script: string): Buffer {
  return createHash('sha256').update(script, 'latin1').digest();
}

/** Reads a part of the open file `fd` and checks its CRC-32: its factories, or undefined. */
function loadPart(fd: number, part: Part): Map<string, Factory> | undefined {
  const data = readAt(fd, part.offset, part.length);
  return data !== undefined && checksum(data) === part.crc ? readPart(data) : undefined;
}

/** Every factory in the file `path`, by shape: none when its index does not hold, and none of a part that does not (tests). */
export function readColdFile(path: string): Map<string, Factory> {
  const found = new Map<string, Factory>();
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    for (const part of readIndex(fd)?.parts ?? []) for (const [shape, make] of loadPart(fd, part) ?? []) found.set(shape, make);
  } catch {
    found.clear();
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
  return found;
}

/** Writes `data` at `offset` of `fd`, whole. */
function writeAt(fd: number, data: Uint8Array, offset: number): void {
  let done = 0;
  while (done < data.length) done += writeSync(fd, data, done, data.length - done, offset + done);
}

/** Thrown inside writeThrough to keep the file as it was. */
class NothingToAdd extends Error {}

/**
 * Makes the file `path`: the file `from` (when given and its index holds) with `shapes`
 * (those it does not hold, ASCII, within the bounds) added as new parts, when at least
 * `least` of them are new; else the file stays as it was. `script`, for a one-part file,
 * stands for an older writer's script (tests). Nothing is thrown.
 */
function addToFile(path: string, shapes: readonly string[], from: string | undefined, least: number, script?: string): void {
  writeThrough(join(path, '..'), path, (fd) => {
    const index = (from === undefined ? undefined : readIndex(fd)) ?? NO_PARTS;
    const known = new Set(index.hashes);
    const fresh: string[] = [];
    const hashes: number[] = [];
    for (const shape of shapes) {
      if (index.hashes.length + fresh.length >= MOST_SHAPES) break;
      const hash = textHash(shape);
      if (known.has(hash) || !/^[\x00-\x7f]*$/.test(shape)) continue;
      known.add(hash);
      fresh.push(shape);
      hashes.push(hash);
    }
    if (fresh.length < least) throw new NothingToAdd();
    const parts = [...index.parts];
    let at = index.end;
    // An older writer's script (tests) is one part's.
    const perPart = script === undefined ? PART_SHAPES : fresh.length;
    for (let first = 0; first < fresh.length; first += perPart) {
      const shapesOfPart = fresh.slice(first, first + perPart);
      const bytes = partBytes(shapesOfPart, script);
      if (at + bytes.length > MOST_BYTES) {
        hashes.length = first;
        break;
      }
      writeAt(fd, bytes, at);
      parts.push({ offset: at, length: bytes.length, crc: checksum(bytes), count: shapesOfPart.length });
      at += bytes.length;
    }
    if (parts.length === index.parts.length) throw new NothingToAdd();
    const all = [...index.hashes, ...hashes];
    const entries = Buffer.alloc(4 + PART_ENTRY * parts.length + 4 * all.length);
    entries.writeUInt32LE(parts.length, 0);
    parts.forEach((part, i) => {
      entries.writeUInt32LE(part.offset, 4 + PART_ENTRY * i);
      entries.writeUInt32LE(part.length, 8 + PART_ENTRY * i);
      entries.writeUInt32LE(part.crc, 12 + PART_ENTRY * i);
      entries.writeUInt32LE(part.count, 16 + PART_ENTRY * i);
    });
    all.forEach((hash, i) => entries.writeUInt32LE(hash, 4 + PART_ENTRY * parts.length + 4 * i));
    const trailer = Buffer.alloc(TRAILER);
    trailer.writeUInt32LE(MAGIC, 0);
    trailer.writeUInt32LE(at, 4);
    trailer.writeUInt32LE(entries.length, 8);
    trailer.writeUInt32LE(checksum(entries), 12);
    writeAt(fd, entries, at);
    writeAt(fd, trailer, at + entries.length);
    ftruncateSync(fd, at + entries.length + TRAILER);
  }, COLD_PRUNING, from);
}

/**
 * Writes the file `path` of `shapes` (ASCII) anew, as one part with V8's data for `script`,
 * which is their script (scriptOf) but where a test stands for an older writer (tests).
 */
export function writeColdFile(path: string, shapes: readonly string[], script = scriptOf(shapes)): void {
  addToFile(path, shapes, undefined, 1, script);
}

/** This process's file: its descriptor, its index (whose parts are read when asked for) and which shapes' hashes are in which part. */
interface Kept {
  readonly path: string;
  /** How many blocks a shape compiled here must have served to be added. */
  readonly served: number;
  fd: number | undefined;
  readonly index: Index;
  readonly partOf: Map<number, number>;
  readonly tried: Uint8Array;
}

/** undefined: not yet looked at; null: this process takes no part. */
let kept: Kept | null | undefined;
/** The factories of the parts read, by shape. */
const loaded = new Map<string, Factory>();
/** Shapes this process compiled itself, in order, with how many blocks took each. */
const compiled = new Map<string, number>();
/** A part of the file did not hold: the file is written anew. */
let damaged = false;

/** Opens this process's file and reads its index, once; from then on the shapes noted with noteCompiled are added at exit when there are enough of them. */
function keptFile(): Kept | null {
  if (kept !== undefined) return kept;
  const path = cacheFile();
  if (path === undefined) return (kept = null);
  process.once('exit', writeAtExit);
  let fd: number | undefined;
  let index: Index | undefined;
  try {
    fd = openSync(path, 'r');
    touchUsed(path);
    index = readIndex(fd);
  } catch {
    index = undefined;
  }
  if (index === undefined && fd !== undefined) {
    closeSync(fd);
    fd = undefined;
  }
  const partOf = new Map<number, number>();
  let shape = 0;
  (index ?? NO_PARTS).parts.forEach((part, i) => {
    for (let k = 0; k < part.count; k++) if (!partOf.has(index!.hashes[shape + k]!)) partOf.set(index!.hashes[shape + k]!, i);
    shape += part.count;
  });
  return (kept = { path, served: bundleIdentity() === undefined ? 2 : 1, fd, index: index ?? NO_PARTS, partOf, tried: new Uint8Array((index ?? NO_PARTS).parts.length) });
}

/** The factory an earlier process compiled for `shape`, from this bundle's file, or undefined (none, or this process takes no part). */
export function keptFactory(shape: string): Factory | undefined {
  const file = keptFile();
  if (file === null) return undefined;
  const found = loaded.get(shape);
  if (found !== undefined || file.fd === undefined) return found;
  const part = file.partOf.get(textHash(shape));
  if (part === undefined || file.tried[part] === 1) return undefined;
  file.tried[part] = 1;
  let factories: Map<string, Factory> | undefined;
  try {
    factories = loadPart(file.fd, file.index.parts[part]!);
  } catch {
    factories = undefined;
  }
  if (factories === undefined) damaged = true;
  for (const [text, make] of factories ?? []) loaded.set(text, make);
  return loaded.get(shape);
}

/** Notes a shape this process compiled (keptFactory did not have it). */
export function noteCompiled(shape: string): void {
  if (kept && compiled.size < MOST_SHAPES) compiled.set(shape, 1);
}

/** Notes that another block took the function of `shape`. */
export function noteTaken(shape: string): void {
  const served = compiled.get(shape);
  if (served !== undefined) compiled.set(shape, served + 1);
}

/** At exit: the shapes compiled here added to the file, when enough of them are not in it. */
function writeAtExit(): void {
  if (!kept) return;
  const file = kept;
  if (file.fd !== undefined) {
    try {
      closeSync(file.fd);
    } catch {
      // Closed already.
    }
    file.fd = undefined;
  }
  // What the file held when read needs no second look: most processes compiled nothing new.
  // A damaged file is written anew, with what its good parts gave and what was compiled here.
  const fresh: string[] = damaged ? [...loaded.keys()] : [];
  for (const [shape, served] of compiled) if (served >= file.served && (damaged || !file.partOf.has(textHash(shape)))) fresh.push(shape);
  if (fresh.length < LEAST_NEW) return;
  addToFile(file.path, fresh, damaged ? undefined : file.path, LEAST_NEW);
}
