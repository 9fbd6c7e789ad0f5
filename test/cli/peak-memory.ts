// Owns how a test reads the peak resident memory of a dist/ process it starts (the CLI under a
// pipe, the debug adapter under a flood): node is started with `-r` of a hook that writes
// `process.resourceUsage().maxRSS` to a file at exit. The hook's path is the same in every
// run (named by its text, in the temporary folder) and the file it writes is named in the
// environment, so the process's Node options are the same from run to run: its V8 code caches
// (toolchain/code-cache.ts, emulator/x86/cold-cache.ts, keyed by those options) are found as
// in any other run instead of being compiled and written again for a path never seen before
// (docs/speed-and-exactness.md).
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const VARIABLE = 'VDSO_LAB_TEST_PEAK_FILE';
const HOOK = `'use strict';
const file = process.env.${VARIABLE};
delete process.env.${VARIABLE};
if (file) process.on('exit', () => require('fs').writeFileSync(file, String(process.resourceUsage().maxRSS)));
`;

/** The hook's file, written (through a rename) when it is not there yet. */
function hookFile(): string {
  const path = join(tmpdir(), `vdso-lab-peak-hook-${createHash('sha256').update(HOOK).digest('hex').slice(0, 16)}.js`);
  if (!existsSync(path)) {
    const temporary = `${path}.${process.pid}.tmp`;
    writeFileSync(temporary, HOOK);
    renameSync(temporary, path);
  }
  return path;
}

export interface PeakMemory {
  /** Node's arguments that load the hook (before the script). */
  readonly nodeArgs: readonly string[];
  /** The environment the process needs beside its own (the file the hook writes). */
  readonly env: Readonly<Record<string, string>>;
  /** The same, as a shell command line's prefix: `NAME=FILE node -r HOOK`. */
  readonly node: string;
  /** The peak the process reported at its exit, in KB (0 when it wrote none). */
  read(): number;
}

/** A peak-memory reading for one process, its file in `dir`. */
export function peakMemory(dir: string, name = 'peak'): PeakMemory {
  const file = join(dir, name);
  const hook = hookFile();
  return {
    nodeArgs: ['-r', hook],
    env: { [VARIABLE]: file },
    node: `${VARIABLE}=${JSON.stringify(file)} ${JSON.stringify(process.execPath)} -r ${JSON.stringify(hook)}`,
    read: () => (existsSync(file) ? Number(readFileSync(file, 'utf8')) : 0),
  };
}
