// Owns path resolution in the guest file system: every component is looked up by us, one
// at a time, under the guest root: "." and ".." (clamped at the root, never above it),
// absolute paths (from the guest root), symlinks read with readlink and re-rooted at the
// guest root (at most 40 per lookup, else ELOOP), ENOTDIR, ENAMETOOLONG. The result is a
// host path whose components are all real directories: nothing outside the root is reachable.
import { E } from '../linux-abi';
import type { HostFs, HostStat } from './host';

export const PATH_MAX = 4096;
export const NAME_MAX = 255;
export const MAX_SYMLINKS = 40;

export interface Resolved {
  /** The guest path, normalised: "/" + components. */
  readonly guestPath: string;
  readonly hostPath: string;
  /** The final component's facts, or undefined when it does not exist (its parent does). */
  readonly stat: HostStat | undefined;
}

export interface ParentAndName {
  /** The directory, resolved inside the root. */
  readonly parent: Resolved;
  /** The last component, without slashes. */
  readonly name: string;
  readonly kind: 'name' | 'dot' | 'dotdot' | 'root';
  /** Whether the path ended in '/' (the last component must then be a directory). */
  readonly trailingSlash: boolean;
}

export class GuestPaths {
  constructor(
    readonly host: HostFs,
    /** The host directory that is the guest's "/" (already a real path). */
    readonly root: string,
  ) {}

  hostPathOf(components: readonly string[]): string {
    return components.length === 0 ? this.root : `${this.root}/${components.join('/')}`;
  }

  /**
   * Resolves `path` relative to the directory `cwd` (guest components). `followFinal`:
   * whether a symlink in the last component is followed (false for lstat, readlink,
   * O_NOFOLLOW). Returns a negative errno on failure.
   */
  resolve(path: string, cwd: readonly string[], followFinal: boolean): Resolved | number {
    if (path.length === 0) return -E.ENOENT;
    if (path.length >= PATH_MAX) return -E.ENAMETOOLONG;
    let current: string[] = path.startsWith('/') ? [] : [...cwd];
    let pending = splitPath(path);
    const wantsDir = path.endsWith('/');
    let links = 0;
    let stat: HostStat | undefined = this.statOf([]);
    for (let guard = 0; pending.length > 0; guard++) {
      if (guard > PATH_MAX) return -E.ELOOP;
      const name = pending.shift()!;
      const last = pending.length === 0;
      if (name === '.') continue;
      if (name === '..') {
        current.pop();
        stat = this.statOf(current);
        continue;
      }
      if (name.length > NAME_MAX) return -E.ENAMETOOLONG;
      if (stat && stat.kind !== 'dir') return -E.ENOTDIR;
      const candidate = [...current, name];
      const s = this.host.lstat(this.hostPathOf(candidate));
      if (typeof s === 'number') {
        if (s === -E.ENOENT && last) return { guestPath: '/' + candidate.join('/'), hostPath: this.hostPathOf(candidate), stat: undefined };
        return s === -E.ENOENT || s === -E.ENOTDIR ? s : -E.EACCES;
      }
      if (s.kind === 'symlink' && (!last || followFinal || wantsDir)) {
        if (++links > MAX_SYMLINKS) return -E.ELOOP;
        const target = this.host.readlink(this.hostPathOf(candidate));
        if (typeof target === 'number') return target;
        if (target.length === 0) return -E.ENOENT;
        if (target.startsWith('/')) current = [];
        pending = [...splitPath(target), ...pending];
        stat = this.statOf(current);
        continue;
      }
      current = candidate;
      stat = s;
    }
    if (wantsDir && stat && stat.kind !== 'dir') return -E.ENOTDIR;
    return { guestPath: '/' + current.join('/'), hostPath: this.hostPathOf(current), stat };
  }

  /**
   * The directory that holds the last component of `path` and that component, as the
   * kernel's filename_parentat finds them for unlink and the like: the parent resolved (its
   * symlinks followed), the last name not looked up. `kind` is 'name', or 'dot', 'dotdot'
   * and 'root' for a last component of ".", ".." or a path of only slashes.
   */
  resolveParent(path: string, cwd: readonly string[]): ParentAndName | number {
    if (path.length === 0) return -E.ENOENT;
    if (path.length >= PATH_MAX) return -E.ENAMETOOLONG;
    const trimmed = path.replace(/\/+$/, '');
    const trailingSlash = trimmed.length !== path.length;
    const cut = trimmed.lastIndexOf('/');
    const parentText = cut < 0 ? '.' : cut === 0 ? '/' : trimmed.slice(0, cut);
    const name = trimmed.slice(cut + 1);
    const parent = this.resolve(trimmed === '' ? '/' : parentText, cwd, true);
    if (typeof parent === 'number') return parent;
    if (!parent.stat) return -E.ENOENT;
    if (parent.stat.kind !== 'dir') return -E.ENOTDIR;
    const kind = trimmed === '' ? 'root' : name === '.' ? 'dot' : name === '..' ? 'dotdot' : 'name';
    return { parent, name, kind, trailingSlash };
  }

  private statOf(components: readonly string[]): HostStat | undefined {
    const s = this.host.lstat(this.hostPathOf(components));
    return typeof s === 'number' ? undefined : s;
  }
}

function splitPath(path: string): string[] {
  return path.split('/').filter((c) => c.length > 0);
}
