// Owns where vdso-lab keeps what it fetches or builds once for a user: one folder per user,
// $VDSO_LAB_CACHE if set (the extension's vdsoLab.cacheFolder setting sets it), else
// $XDG_CACHE_HOME/vdso-lab, else ~/.cache/vdso-lab. Every command, the extension, the tests
// and the install scripts (.ci/) use this folder: the distribution kernel package
// (kernel/boot), the vdso32 images taken from it (vdso32-VERSION.so), code-server for the
// end-to-end suite (code-server/), what `vdso-lab start` saves, V8's compiled code of the
// bundles and of the cold blocks (v8/), the shipped designs' built images (designs/) and the
// tests' built inputs (test-builds/).
import { homedir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';

/** The environment variable that names the cache folder outright. */
export const CACHE_ENV = 'VDSO_LAB_CACHE';

/** The cache folder for this environment (not created: callers make what they write). */
export function cacheDir(env: NodeJS.ProcessEnv = process.env, home: string = homedir()): string {
  const own = env[CACHE_ENV];
  if (own) return resolve(own);
  const xdg = env.XDG_CACHE_HOME;
  // The XDG base directory spec ignores a relative XDG_CACHE_HOME.
  if (xdg && isAbsolute(xdg)) return join(xdg, 'vdso-lab');
  return join(home, '.cache', 'vdso-lab');
}
