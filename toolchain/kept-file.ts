// Owns the files kept in the cache folder whose bytes are checked by SHA-256 when read (the tests' built
// inputs, the designs' images): a header line (the kind's name, the SHA-256 and length of the
// bytes, then the writer's own fields), then the bytes. A file whose header, length or
// SHA-256 does not hold reads as missing. Written through a temporary file and a rename, so a
// process reading at the same time sees all or nothing.
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

/** The bytes of the file `kind` wrote at `path` and its own fields, or undefined when it is missing or does not check. */
export function readChecked(path: string, kind: string): { readonly bytes: Uint8Array; readonly fields: readonly string[] } | undefined {
  let file: Buffer;
  try {
    file = readFileSync(path);
  } catch {
    return undefined;
  }
  const end = file.indexOf(0x0a);
  const line = file.subarray(0, Math.max(end, 0)).toString('latin1');
  if (end < 0 || !line.startsWith(`${kind} `)) return undefined;
  const [hash, length, ...fields] = line.slice(kind.length + 1).split(' ');
  const bytes = new Uint8Array(file.subarray(end + 1));
  if (String(bytes.length) !== length || sha256(bytes) !== hash) return undefined;
  return { bytes, fields };
}

/** Writes `bytes` with their header at `path` (making its folder); throws when it cannot, leaving no temporary file. */
export function writeChecked(path: string, kind: string, bytes: Uint8Array, fields: readonly string[] = []): void {
  mkdirSync(dirname(path), { recursive: true });
  // The pid is not enough: worker threads share it.
  const temp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    const header = [kind, sha256(bytes), String(bytes.length), ...fields].join(' ');
    writeFileSync(temp, Buffer.concat([Buffer.from(`${header}\n`, 'latin1'), bytes]), { flag: 'wx' });
    renameSync(temp, path);
  } catch (e) {
    try {
      unlinkSync(temp);
    } catch {
      // No temporary file was made.
    }
    throw e;
  }
}
