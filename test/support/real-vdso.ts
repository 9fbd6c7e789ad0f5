// Owns the tests' access to a real Debian vdso32.so: the distribution kernel's, as
// toolchain/capture/distro-kernel.ts fetches it into the cache folder (the test command's
// prerequisites fetch it before any test runs) and extracts it with toolchain/image/.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { distroVdso, fetchKernelImage } from '../../toolchain/capture/distro-kernel';

/** The repository root: the nearest folder above this file holding .ci/run. */
export function repoRoot(): string {
  let dir = __dirname;
  for (let i = 0; i < 64; i++) {
    if (existsSync(join(dir, '.ci', 'run'))) return dir;
    const up = dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  throw new Error(`cannot find the repository root (a folder with .ci/run) above ${__dirname}`);
}

/** The Debian kernel image in the cache folder (fetched now if it is missing). */
export function cachedKernelImage(): { path: string; version: string } {
  return fetchKernelImage((line) => process.stderr.write(`${line}\n`));
}

/** A real vdso32.so (ELF32 ET_DYN EM_386) and the path of the cached file holding it. */
export function realVdso(): { path: string; bytes: Uint8Array } {
  const { path, bytes } = distroVdso((line) => process.stderr.write(`${line}\n`));
  return { path, bytes };
}
