// Owns the inputs that are not regular files, which the input tests give the CLI and the
// debugger where a file is read (toolchain/input-file.ts checks each before reading): a device
// (/dev/zero, which never ends), a FIFO no one writes to, and a folder, the FIFO and the folder
// made in a scratch folder of their own.
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { scratch } from '../support/oracles';

export interface NonFileInputs {
  /** The scratch folder holding the FIFO and the folder (the tests' other files go there too). */
  readonly dir: string;
  readonly fifo: string;
  readonly folder: string;
  /** Each input with how a one-line error names its kind. */
  readonly kinds: readonly (readonly [path: string, kind: string])[];
}

/** Makes the FIFO and the folder in a new scratch folder named from `prefix`. */
export function nonFileInputs(prefix: string): NonFileInputs {
  const dir = scratch(prefix);
  const fifo = join(dir, 'fifo');
  const made = spawnSync('mkfifo', [fifo], { encoding: 'utf8' });
  if (made.status !== 0) throw new Error(`mkfifo ${fifo}: ${made.stderr.trim() || made.error?.message}`);
  const folder = join(dir, 'folder');
  mkdirSync(folder);
  return { dir, fifo, folder, kinds: [['/dev/zero', 'a device'], [fifo, 'a FIFO'], [folder, 'a folder']] };
}
