// Owns the ways the tests damage a file kept in the cache folder (toolchain/checked-file.ts):
// one byte altered, cut short, another file's text in its place. Each must read as missing.
// The altered byte comes first: a quick run that samples the list (test/support/scale.ts) keeps
// the one only the checksum catches.
import { readFileSync, statSync, truncateSync, writeFileSync } from 'node:fs';

export const ENTRY_DAMAGE: ReadonlyArray<readonly [label: string, damage: (path: string) => void]> = [
  ['one byte altered', (path) => {
    const bytes = readFileSync(path);
    bytes[bytes.length - 1]! ^= 0xff;
    writeFileSync(path, bytes);
  }],
  ['truncated', (path) => truncateSync(path, statSync(path).size - 3)],
  ['foreign', (path) => writeFileSync(path, 'not an entry\n')],
];
