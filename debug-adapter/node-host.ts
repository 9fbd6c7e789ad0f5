// Owns the debugger runtime's host effects on Node: files read with node:fs, paths resolved
// against the launch folder, and the guest file system's host side for "root".
import { statSync } from 'node:fs';
import { readInputFile } from '../toolchain/input-file';
import { isAbsolute, resolve } from 'node:path';
import { nodeHostFs } from '../emulator/kernel/vfs/node-host';
import type { DebugHost } from '../emulator/debug/types';

/** `cwd` gives the folder relative paths start from, read at each use (it can change at launch). */
export function nodeDebugHost(cwd: () => string): DebugHost {
  return {
    readFile: (path: string, what?: string) => readInputFile(path, path, { what }),
    resolvePath: (path) => (isAbsolute(path) ? path : resolve(cwd(), path)),
    isDirectory: (path) => {
      try {
        return statSync(path).isDirectory();
      } catch {
        return false;
      }
    },
    fs: nodeHostFs,
  };
}
