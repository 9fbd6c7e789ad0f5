// Owns the tests' access to a real Debian vdso32.so: extracted with the project's own
// toolchain/image/ code from the Debian kernel image that .ci/install downloads into
// .vdso-lab-cache/kernel/boot, and cached as .vdso-lab-cache/vdso32-<kernel version>.so.
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { extractVdsos } from '../../toolchain/image/kernel-image';

/** The repository root: the nearest folder above this file holding .ci/install. */
export function repoRoot(): string {
  let dir = __dirname;
  for (let i = 0; i < 64; i++) {
    if (existsSync(join(dir, '.ci', 'install'))) return dir;
    const up = dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  throw new Error(`cannot find the repository root (a folder with .ci/install) above ${__dirname}`);
}

/** The Debian kernel image .ci/install downloaded; throws "run .ci/install" when missing. */
export function cachedKernelImage(): { path: string; version: string } {
  const boot = join(repoRoot(), '.vdso-lab-cache', 'kernel', 'boot');
  const names = existsSync(boot) ? readdirSync(boot).filter((n) => n.startsWith('vmlinuz-')).sort() : [];
  const name = names[names.length - 1];
  if (!name) throw new Error(`no kernel image in ${boot}: run .ci/install (it downloads the Debian cloud kernel package)`);
  return { path: join(boot, name), version: name.slice('vmlinuz-'.length) };
}

/** A real vdso32.so (ELF32 ET_DYN EM_386) and the path of the cached file holding it. */
export function realVdso(): { path: string; bytes: Uint8Array } {
  const kernel = cachedKernelImage();
  const path = join(repoRoot(), '.vdso-lab-cache', `vdso32-${kernel.version}.so`);
  if (!existsSync(path)) {
    const { vdso32 } = extractVdsos(new Uint8Array(readFileSync(kernel.path)), kernel.path);
    mkdirSync(dirname(path), { recursive: true });
    const temp = `${path}.${process.pid}.tmp`;
    writeFileSync(temp, vdso32.bytes);
    renameSync(temp, path);
  }
  return { path, bytes: new Uint8Array(readFileSync(path)) };
}
