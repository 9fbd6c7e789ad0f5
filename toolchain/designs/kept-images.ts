// Owns the shipped designs' built images kept across processes: the bytes buildDesign links
// for a design, image and kernel kind, written once into the cache folder's designs/ and read
// there by the next process that needs the same image, so that a `vdso-lab run`, `alternatives`
// or a debug session's launch does not assemble and link the design again (about 0.1 s of CPU;
// docs/speed-and-exactness.md, "A debug launch's common costs"). An entry's key holds the
// bytes of the running bundle and of every file under vdso/; an entry whose stored length or
// SHA-256 does not match is built again. Writes go through a temporary file and a rename; a
// folder that cannot be written leaves the build as it was. Only the image's bytes are kept:
// the checker, which needs the assembled modules for its line maps, uses buildDesign.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync, unlinkSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { cacheDir } from '../cache';
import { readChecked, writeChecked } from '../kept-file';
import { buildDesign, chooseImage, designFiles, designsRoot, filesStamp, type BuildOptions } from './build';
import type { KernelKind } from './options';

const HEADER = 'vdso-lab design image 1';
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
    const entry = key === undefined ? undefined : join(options.cacheFolder ?? cacheDir(), 'designs', `${key}.so`);
    bytes = entry === undefined ? undefined : readChecked(entry, HEADER)?.bytes;
    if (!bytes) {
      bytes = buildDesign(name, kernel, options).bytes;
      if (entry !== undefined) writeEntry(entry, bytes);
    }
    if (memo.size > 64) memo.clear();
    memo.set(stamp, bytes);
  }
  return bytes.slice();
}

/** The key: the running bundle and the bytes of every source under `root`; undefined when the bundle cannot be read. */
function entryKey(root: string, name: string, kernel: KernelKind, image: string): string | undefined {
  const stamp = codeStamp();
  if (stamp === null) return undefined;
  const h = createHash('sha256').update(`${HEADER}\0${stamp}\0${name}\0${kernel}\0${image}\0`);
  for (const f of designFiles(root)) h.update(`${relative(root, f.path)}\0`).update(readFileSync(f.path)).update('\0');
  return h.digest('hex');
}

let code: string | null | undefined;

/**
 * The SHA-256 of the running bundle's bytes (about 13 ms for the CLI's 2.4 MB, once per
 * process): a rebuild of the same sources, as the test runners make at every run, finds the
 * entries its last run wrote. Null when the bundle cannot be read: nothing is kept then.
 */
function codeStamp(): string | null {
  if (code === undefined) {
    try {
      code = createHash('sha256').update(readFileSync(__filename)).digest('hex');
    } catch {
      code = null;
    }
  }
  return code;
}

/** Writes the entry (toolchain/kept-file.ts), then drops the oldest beyond KEPT; a folder that cannot be written is left as it is. */
function writeEntry(path: string, bytes: Uint8Array): void {
  const dir = dirname(path);
  try {
    writeChecked(path, HEADER, bytes);
  } catch {
    return;
  }
  try {
    const entries = readdirSync(dir)
      .filter((n) => n.endsWith('.so'))
      .map((n) => ({ path: join(dir, n), time: statSync(join(dir, n)).mtimeMs }))
      .sort((a, b) => b.time - a.time);
    for (const old of entries.slice(KEPT)) unlinkSync(old.path);
  } catch {
    // Another process removed one first.
  }
}
