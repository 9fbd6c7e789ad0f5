// Owns the shipped designs' built images kept across processes: the bytes buildDesign links
// for a design, image and kernel kind, written once into the cache folder's designs/ and read
// there by the next process that needs the same image, so that a `vdso-lab run`, `alternatives`
// or a debug session's launch does not assemble and link the design again (about 0.1 s of CPU;
// docs/speed-and-exactness.md, "A debug launch's common costs"). An entry's key holds the
// running bundle (toolchain/code-cache.ts bundleIdentity: a new build never reads an old
// build's entry), the sources' folder (the image's line table names its files by their
// paths, so another copy of the same sources has an entry of its own) and the bytes of every
// file under it. An entry is a checked file
// (toolchain/checked-file.ts): missing, truncated, altered or foreign, it is built again; a
// folder that cannot be written leaves the build as it was. Only the image's bytes are kept:
// the checker, which needs the assembled modules for its line maps, uses buildDesign.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { cacheDir } from '../cache';
import { readChecked, writeChecked } from '../checked-file';
import { bundleIdentity } from '../code-cache';
import { buildDesign, chooseImage, designFiles, designsRoot, filesStamp, type BuildOptions } from './build';
import type { KernelKind } from './options';

/** "vdso-lab design image", then the layout's version. */
const MAGIC = 0x76646931;
/** Entries kept in the folder (older bundles' and sources' images are removed when one is written). */
const KEPT = 256;

export interface KeptImageOptions extends BuildOptions {
  /** The cache folder; default cacheDir(). */
  readonly cacheFolder?: string;
}

/** This process's images by sources' stamp, so that a second launch reads neither the folder nor the sources. */
const memo = new Map<string, Uint8Array>();

/** The ET_DYN image of design `name` for `kernel`, as buildDesign links it (a copy the caller owns). */
export function designImage(name: string, kernel: KernelKind, options: KeptImageOptions = {}): Uint8Array {
  const { image } = chooseImage(name, kernel, options);
  const root = options.root ?? designsRoot();
  const stamp = `${root}\0${name}\0${kernel}\0${image.name}\0${filesStamp(root)}`;
  let bytes = memo.get(stamp);
  if (!bytes) {
    const key = entryKey(root, name, kernel, image.name);
    const dir = join(options.cacheFolder ?? cacheDir(), 'designs');
    const entry = key === undefined ? undefined : join(dir, `${key}.so`);
    const kept = entry === undefined ? undefined : readChecked(entry, MAGIC);
    bytes = kept === undefined ? undefined : new Uint8Array(kept);
    if (!bytes) {
      bytes = buildDesign(name, kernel, options).bytes;
      if (entry !== undefined) writeChecked(dir, entry, MAGIC, [bytes], { family: '', suffix: '.so', kept: KEPT });
    }
    if (memo.size > 64) memo.clear();
    memo.set(stamp, bytes);
  }
  return bytes.slice();
}

/** The key: the running bundle, the sources' folder and the bytes of every source under it; undefined when the bundle cannot be named. */
function entryKey(root: string, name: string, kernel: KernelKind, image: string): string | undefined {
  const bundle = runningBundle();
  if (bundle === null) return undefined;
  const h = createHash('sha256').update(`${MAGIC}\0${bundle}\0${root}\0${name}\0${kernel}\0${image}\0`);
  for (const f of designFiles(root)) h.update(`${relative(root, f.path)}\0`).update(readFileSync(f.path)).update('\0');
  return h.digest('hex');
}

let ownHash: string | null | undefined;

/**
 * The running bundle: its name and build when it was started through the code cache's loader
 * (dist/), else the SHA-256 of its own file's bytes (the tests' bundles, about 13 ms once per
 * process), so that a rebuild of the same sources finds the entries its last run wrote. Null
 * when neither is known: nothing is kept then.
 */
function runningBundle(): string | null {
  const identity = bundleIdentity();
  if (identity !== undefined) return identity;
  if (ownHash === undefined) {
    try {
      ownHash = createHash('sha256').update(readFileSync(__filename)).digest('hex');
    } catch {
      ownHash = null;
    }
  }
  return ownHash;
}
