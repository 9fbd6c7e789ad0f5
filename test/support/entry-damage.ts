// Owns the ways the tests damage a file kept in the cache folder (toolchain/checked-file.ts):
// cut short, one byte altered, another file's text in its place. Each must read as missing.
import { readFileSync, statSync, truncateSync, writeFileSync } from 'node:fs';

export const ENTRY_DAMAGE: ReadonlyArray<readonly [label: string, damage: (path: string) => void]> = [
  ['truncated', (path) => truncateSync(path, statSync(path).size - 3)],
  ['one byte altered', (path) => {
    const bytes = readFileSync(path);
    bytes[bytes.length - 1]! ^= 0xff;
    writeFileSync(path, bytes);
  }],
  ['foreign', (path) => writeFileSync(path, 'not an entry\n')],
];
