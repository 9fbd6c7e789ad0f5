// Owns the distribution kernel's 32-bit vDSO, for hosts whose own cannot be captured: the
// current Debian cloud kernel package (linux-image-cloud-amd64's dependency, about 26 MB)
// is fetched once with apt-get download into the cache folder (its /boot only: vmlinuz,
// config, System.map), and its vdso32.so is extracted with toolchain/image/ and kept beside
// it as vdso32-VERSION.so. Safe to call again and from several processes: each step lands
// by rename, and what is there already is used.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cacheDir } from '../cache';
import { extractVdsos } from '../image/kernel-image';

/** The package whose dependency is the current cloud kernel. */
const META_PACKAGE = 'linux-image-cloud-amd64';

/** Why the kernel package cannot be had here: one line. */
export class DistroKernelUnavailable extends Error {}

function boot(cache: string): string {
  return join(cache, 'kernel', 'boot');
}

/** The cached kernel image (newest version), or undefined. */
export function cachedKernelImage(cache: string = cacheDir()): { path: string; version: string } | undefined {
  const dir = boot(cache);
  const names = existsSync(dir) ? readdirSync(dir).filter((n) => n.startsWith('vmlinuz-')).sort() : [];
  const name = names[names.length - 1];
  return name ? { path: join(dir, name), version: name.slice('vmlinuz-'.length) } : undefined;
}

function aptKernelPackage(): string | undefined {
  const r = spawnSync('apt-cache', ['depends', META_PACKAGE], { encoding: 'utf8' });
  if (r.error || r.status !== 0) return undefined;
  return /Depends: (linux-image-[0-9]\S*)/.exec(r.stdout)?.[1];
}

/**
 * The kernel image, fetched into the cache when it is not there yet. `progress` gets one
 * line before the download. Throws DistroKernelUnavailable (apt missing, nothing known).
 */
export function fetchKernelImage(progress: (line: string) => void, cache: string = cacheDir()): { path: string; version: string } {
  const have = cachedKernelImage(cache);
  if (have) return have;
  if (spawnSync('apt-get', ['--version'], { stdio: 'ignore' }).error) {
    throw new DistroKernelUnavailable('apt-get is not available on this host to fetch the distribution kernel package');
  }
  let pkg = aptKernelPackage();
  if (!pkg) {
    spawnSync('apt-get', ['update', '-qq'], { stdio: 'ignore' });
    pkg = aptKernelPackage();
  }
  if (!pkg) throw new DistroKernelUnavailable(`apt knows no ${META_PACKAGE} package (run apt-get update as root)`);
  progress(`vdso-lab: fetching the distribution kernel package ${pkg} (about 26 MB, once) into ${join(cache, 'kernel')}`);
  mkdirSync(join(cache, 'kernel'), { recursive: true });
  const tmp = mkdtempSync(join(cache, 'kernel', 'download.'));
  try {
    const got = spawnSync('apt-get', ['download', '-qq', pkg], { cwd: tmp, stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
    const deb = readdirSync(tmp).find((n) => n.endsWith('.deb'));
    if (got.status !== 0 || !deb) throw new DistroKernelUnavailable(`apt-get download ${pkg} failed${got.stderr ? `: ${got.stderr.trim().split('\n').pop()}` : ''}`);
    const unpacked = spawnSync('sh', ['-c', 'dpkg-deb --fsys-tarfile "$1" | tar -x -C "$2" ./boot', 'sh', join(tmp, deb), tmp], { stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
    if (unpacked.status !== 0) throw new DistroKernelUnavailable(`cannot unpack ${deb}: ${unpacked.stderr.trim().split('\n').pop() ?? 'dpkg-deb failed'}`);
    try {
      renameSync(join(tmp, 'boot'), boot(cache));
    } catch (e) {
      // Another process landed it first: use theirs.
      if (!cachedKernelImage(cache)) throw e;
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  const image = cachedKernelImage(cache);
  if (!image) throw new DistroKernelUnavailable(`${pkg} holds no /boot/vmlinuz-*`);
  return image;
}

/** The distribution kernel's vdso32.so: the cached copy, else extracted (and fetched) now. */
export function distroVdso(progress: (line: string) => void, cache: string = cacheDir()): { path: string; bytes: Uint8Array; version: string } {
  const kernel = fetchKernelImage(progress, cache);
  const path = join(cache, `vdso32-${kernel.version}.so`);
  if (!existsSync(path)) {
    const { vdso32 } = extractVdsos(new Uint8Array(readFileSync(kernel.path)), kernel.path);
    const temp = `${path}.${process.pid}.tmp`;
    writeFileSync(temp, vdso32.bytes);
    renameSync(temp, path);
  }
  return { path, bytes: new Uint8Array(readFileSync(path)), version: kernel.version };
}
