// Owns building the shipped designs with GNU tools for the tests: each vdso/ source through
// `gcc -m32 -c -D__ASSEMBLY__ -Wa,-g` (GNU cpp + GNU as 2.40 -g, with the header's own ALTERNATIVE
// macros instead of vdso-lab's built-ins) and the objects through GNU ld with the kernel's
// vdso-layout script (test/link/sources.ts), and reading sections out with readelf -x.
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { designsRoot, includeDirs } from '../../toolchain/designs/build';
import type { DesignImage, DesignVersion } from '../../toolchain/designs/registry';
import { readBytes, run } from '../support/oracles';
import { runOverFiles } from '../support/run-tool';
import { ldVdso } from '../link/sources';

/** GNU's image of `image` from the sources under `root` (the shipped vdso/), built in a fresh folder under `dir`; returns its path. */
export function gnuImage(dir: string, label: string, image: DesignImage, versions: readonly DesignVersion[], root = designsRoot()): string {
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

/** readelf's options that dump each of `names`. */
function hexOptions(names: readonly string[]): string[] {
  return ['-W', ...names.flatMap((name) => ['-x', name])];
}

/** The arguments of one `readelf -x` of `file` for each of `names` (sectionsHex; runEach). */
export function sectionsHexArgs(file: string, names: readonly string[]): string[] {
  return [...hexOptions(names), file];
}

/**
 * Sections' bytes as hex, by name, from one `readelf -x` of `file` for all of them ('' for a
 * section the file does not have, or one without bytes).
 */
export function sectionsHex(file: string, names: readonly string[]): Map<string, string> {
  return sectionsHexEach([file], names)[0]!;
}

/** sectionsHex of each of `files`, from one readelf over them all (test/support/run-tool.ts runOverFiles). */
export function sectionsHexEach(files: readonly string[], names: readonly string[]): Array<Map<string, string>> {
  return runOverFiles('readelf', hexOptions(names), files).map((dump) => parseSectionsHex(dump, names));
}

/** sectionsHex from readelf's output `dump`. */
export function parseSectionsHex(dump: string, names: readonly string[]): Map<string, string> {
  const hex = new Map<string, string>(names.map((name) => [name, '']));
  for (const part of dump.split(/^Hex dump of section '/m).slice(1)) {
    const name = part.slice(0, part.indexOf("'"));
    // Each row: the address, then 16 bytes as four groups of 8 hex digits (36 columns, padded in the last row), then the text.
    const rows = [...part.matchAll(/^ {2}0x[0-9a-f]+ (.{1,36})/gm)].map((m) => m[1]!.replace(/ /g, ''));
    hex.set(name, rows.join(''));
  }
  return hex;
}

/** A section's bytes as hex (sectionsHex). */
export function sectionHex(file: string, name: string): string {
  return sectionsHex(file, [name]).get(name)!;
}
