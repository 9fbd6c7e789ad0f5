// Owns the checked files vdso-lab keeps in the cache folder: V8's compiled code
// (toolchain/code-cache.ts for the bundles, emulator/x86/cold-cache.ts for the cold blocks),
// the designs' built images (toolchain/designs/kept-images.ts) and the tests' built inputs
// (test/support/builds.ts). Each is a header (a magic number naming its user and layout, the
// length and the CRC-32 of what follows) then the data. A file is written once to a temporary
// file then renamed, so a reader sees a whole file or none; one that is missing, unreadable,
// of another layout, truncated or altered reads as no file. Files that keep their own layout
// (the cold blocks', read in parts) use the same checksum, names and writing through a rename
// (writeThrough). Nothing here throws or prints.
import { closeSync, constants, copyFileSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, statSync, unlinkSync, utimesSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import * as zlib from 'node:zlib';

const HEADER_BYTES = 12;

/** zlib.crc32 came with Node 20.15; without it no file is read or written. */
const crc32 = (zlib as { crc32?: (data: Uint8Array) => number }).crc32;

/** Whether checked files can be read and written in this Node. */
export const checkedFilesWork = crc32 !== undefined;

/** The CRC-32 of `data` (only where checkedFilesWork). */
export function checksum(data: Uint8Array): number {
  return crc32 ? crc32(data) : 0;
}

/** A 32-bit hash of a string (FNV-1a over its UTF-16 code units). */
export function textHash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** A short hash of a string (FNV-1a), for a file's name. */
export function nameHash(text: string): string {
  return textHash(text).toString(16).padStart(8, '0');
}

/** The data in `file` when its header (`magic`), length and CRC-32 hold, else undefined. */
export function readChecked(file: string, magic: number): Buffer | undefined {
  if (!crc32) return undefined;
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch {
    return undefined;
  }
  if (bytes.length < HEADER_BYTES || bytes.readUInt32LE(0) !== magic) return undefined;
  const data = bytes.subarray(HEADER_BYTES);
  if (bytes.readUInt32LE(4) !== data.length || bytes.readUInt32LE(8) !== crc32(data)) return undefined;
  return data;
}

/**
 * Which older files of the folder a write removes, of those whose names start with `family` and
 * end with `suffix`: with `kept`, all but the `kept` newest; with `lastUse`, those whose last
 * use (their mtime, which `touchUsed` moves on at each use) is older than `maxAgeMs`, then the
 * least recently used while the family's files together are larger than `maxBytes`. The file
 * just written is never removed.
 */
export type Pruning =
  | { readonly family: string; readonly suffix: string; readonly kept: number }
  | { readonly family: string; readonly suffix: string; readonly lastUse: { readonly maxAgeMs: number; readonly maxBytes: number } };

/** Marks `file` used now (its mtime), so that a last-use pruning keeps it; nothing when it cannot. */
export function touchUsed(file: string): void {
  try {
    const now = new Date();
    utimesSync(file, now, now);
  } catch {
    // Removed meanwhile, or a folder not ours to write: the file is only pruned sooner.
  }
}

/** What ends the name of a temporary file writeThrough fills before its rename: never pruned, whatever the family. */
export const TEMPORARY_SUFFIX = '.tmp';

/** A file a last-use pruning weighs: its path, its last use (its mtime) and its size. */
export interface UsedFile {
  readonly path: string;
  readonly time: number;
  readonly size: number;
}

/** The files of `dir` that `prune` removes, `written` (the file just written) kept. */
export function prunedFiles(dir: string, written: string, prune: Pruning, now = Date.now()): string[] {
  const files = readdirSync(dir)
    .filter((n) => n.startsWith(prune.family) && n.endsWith(prune.suffix) && !n.endsWith(TEMPORARY_SUFFIX))
    .map((n) => usedFile(join(dir, n)));
  if ('kept' in prune) return files.sort((a, b) => b.time - a.time).slice(prune.kept).map((f) => f.path).filter((f) => f !== written);
  return unusedFiles(files, written, prune.lastUse, now);
}

/** `path`'s last use and size. */
export function usedFile(path: string): UsedFile {
  const st = statSync(path);
  return { path, time: st.mtimeMs, size: st.size };
}

/**
 * Of `files`, those unused for more than `maxAgeMs` before `now`, then the least recently used
 * while the kept ones together (`written` counted first) are larger than `maxBytes`; `written`
 * is never among them.
 */
export function unusedFiles(files: readonly UsedFile[], written: string, lastUse: { readonly maxAgeMs: number; readonly maxBytes: number }, now = Date.now()): string[] {
  const { maxAgeMs, maxBytes } = lastUse;
  const out: string[] = [];
  let total = files.find((f) => f.path === written)?.size ?? 0;
  let full = false;
  for (const f of [...files].sort((a, b) => b.time - a.time)) {
    if (f.path === written) continue;
    full ||= total + f.size > maxBytes;
    if (full || now - f.time > maxAgeMs) out.push(f.path);
    else total += f.size;
  }
  return out;
}

/**
 * Writes `parts` (one after another) as the checked file `file` in `dir` (made when missing)
 * through a temporary file and a rename, then, with `prune`, removes that folder's older files
 * of the family; a failure leaves no file.
 */
export function writeChecked(dir: string, file: string, magic: number, parts: readonly Uint8Array[], prune?: Pruning): void {
  if (!crc32) return;
  writeThrough(dir, file, (fd) => {
    const data = parts.length === 1 ? parts[0]! : Buffer.concat(parts);
    const header = Buffer.alloc(HEADER_BYTES);
    header.writeUInt32LE(magic, 0);
    header.writeUInt32LE(data.length, 4);
    header.writeUInt32LE(crc32(data), 8);
    writeSync(fd, header);
    writeSync(fd, data);
  }, prune);
}

/**
 * Makes `file` in `dir` (made when missing) through a temporary file that `write` fills (its
 * descriptor, opened for reading and writing; `start`, when given, names a file whose bytes it
 * starts with, copied by the kernel, or it starts empty) and a rename; then, with `prune`,
 * removes that folder's older files of the family. Whatever throws (in `write` too) leaves no
 * file and no temporary file.
 */
export function writeThrough(dir: string, file: string, write: (fd: number) => void, prune?: Pruning, start?: string): void {
  // The pid is not enough: the check worker threads of one process share it.
  const temp = `${file}.${process.pid}.${Math.random().toString(36).slice(2, 10)}${TEMPORARY_SUFFIX}`;
  try {
    mkdirSync(dir, { recursive: true });
    let copied = false;
    if (start !== undefined) {
      try {
        copyFileSync(start, temp, constants.COPYFILE_EXCL);
        copied = true;
      } catch {
        // No file to start from: start empty.
      }
    }
    const fd = openSync(temp, copied ? 'r+' : 'wx+');
    try {
      write(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temp, file);
  } catch {
    try {
      unlinkSync(temp);
    } catch {
      // No temporary file was made.
    }
    return;
  }
  if (!prune) return;
  try {
    for (const old of prunedFiles(dir, file, prune)) unlinkSync(old);
  } catch {
    // Another process removed one first.
  }
}
