// Owns building the shipped designs with GNU tools for the tests: each vdso/ source through
// `gcc -m32 -c -D__ASSEMBLY__ -Wa,-g` (GNU cpp + GNU as 2.40 -g, with the header's own ALTERNATIVE
// macros instead of vdso-lab's built-ins) and the objects through GNU ld with the kernel's
// vdso-layout script (test/link/sources.ts), and reading sections out with objcopy.
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { designsRoot, includeDirs } from '../../toolchain/designs/build';
import type { DesignImage, DesignVersion } from '../../toolchain/designs/registry';
import { readBytes, run } from '../support/oracles';
import { ldVdso } from '../link/sources';

/** GNU's image of `image`, built in a fresh folder under `dir`; returns its path. */
export function gnuImage(dir: string, label: string, image: DesignImage, versions: readonly DesignVersion[]): string {
  const root = designsRoot();
  const out = join(dir, label);
  mkdirSync(out, { recursive: true });
  const objects = image.sources.map((s, i) => {
    const o = join(out, `${i}-${s.path.replace(/[/.]/g, '_')}.o`);
    const includes = includeDirs(root, s).flatMap((d) => ['-I', d]);
    // Run above vdso/ with -Wa,-g, as the design build names its line tables (vdso/..., comp_dir that folder).
    run('gcc', ['-m32', '-c', '-D__ASSEMBLY__', '-Wa,-g', ...s.defines.map((d) => `-D${d}`), ...includes, `vdso/${s.path}`, '-o', o], { cwd: dirname(root) });
    return o;
  });
  return ldVdso({ dir: out, objects, inputs: objects.map((o) => ({ fileName: o, bytes: readBytes(o) })) }, versions);
}

/** A section's bytes as hex (objcopy -O binary), or '' when the file has no such section. */
export function sectionHex(dir: string, file: string, name: string): string {
  const listing = run('readelf', ['-S', '-W', file]);
  if (!listing.includes(` ${name} `)) return '';
  const out = join(dir, `section-${Math.random().toString(36).slice(2)}.bin`);
  run('objcopy', ['-O', 'binary', '--only-section', name, file, out]);
  return Buffer.from(readBytes(out)).toString('hex');
}
