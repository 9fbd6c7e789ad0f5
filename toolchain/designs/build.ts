// Owns building a shipped design into a vDSO image with the project's own toolchain: each
// source under vdso/ is preprocessed (as `gcc -m32 -c -D__ASSEMBLY__` would, with
// vdso/include and the source's folder on the include path), assembled with line
// information (as `as -g` writes it), written as an
// ET_REL object and the objects linked with linkVdso. The sources are read from the vdso/
// folder found above this module (the repository, or the installed package).
import { existsSync, readdirSync, statSync } from 'node:fs';
import { readIncludeCandidate, readInputText } from '../input-file';
import { dirname, join, resolve } from 'node:path';
import { InputError } from '../errors';
import { assembleSource } from '../asm/assemble-source';
import type { AsmModule } from '../asm/module';
import { withGeneratedSections } from '../dwarf/emit-sections';
import { writeObject } from '../elf/write-object';
import { linkVdso } from '../link/index';
import { findDesign, type Design, type DesignImage, type DesignSource } from './registry';
import { DEFAULT_CPU, KERNEL_ABIS, type CpuModel, type KernelKind } from './options';

/** -D options every design source gets from our build (GNU as builds leave the second out). */
export const BUILD_DEFINES: readonly string[] = ['__ASSEMBLY__', 'VDSO_LAB_BUILTIN_ALTERNATIVES'];

/**
 * The folder holding the shipped sources: the nearest vdso/ with include/vdso-lab.h above
 * this module (the repository, or the installed package: dist/ beside vdso/ in the .vsix).
 * Never the working directory: a server or CLI started elsewhere finds the same header.
 */
export function designsRoot(from: readonly string[] = [__dirname]): string {
  for (const start of from) {
    let dir = start;
    for (let i = 0; i < 64; i++) {
      const candidate = join(dir, 'vdso');
      if (existsSync(join(candidate, 'include', 'vdso-lab.h'))) return candidate;
      const up = dirname(dir);
      if (up === dir) break;
      dir = up;
    }
  }
  throw new InputError('vdso/', '', `cannot find the shipped design sources (vdso/include/vdso-lab.h) above ${from.join(' or ')}`);
}

/** The -I folders for a source: vdso/include, then the source's own folder. */
export function includeDirs(root: string, source: DesignSource): string[] {
  return [join(root, 'include'), dirname(join(root, source.path))];
}

/** One source preprocessed and assembled into an ET_REL object. */
export function buildObject(root: string, source: DesignSource, extraDefines: readonly string[] = BUILD_DEFINES): Uint8Array {
  return objectOf(root, source, assembleDesignSource(root, source, extraDefines));
}

/** The ET_REL object of `module`, `source` assembled. */
function objectOf(root: string, source: DesignSource, module: AsmModule): Uint8Array {
  // As `as -g` run in the folder above vdso/ names it: the line table's file is vdso/..., the
  // compilation directory that folder (so debuggers find the source).
  const debug = { name: `vdso/${source.path}`, compDir: dirname(root) };
  return writeObject(withGeneratedSections(module, { debug }), `vdso/${source.path}`);
}

/** One source preprocessed and assembled (its module: sections, symbols, line entries). */
export function assembleDesignSource(root: string, source: DesignSource, extraDefines: readonly string[] = BUILD_DEFINES): AsmModule {
  const path = join(root, source.path);
  const shown = `vdso/${source.path}`;
  const text = readInputText(path, shown, { what: 'the design source' });
  // Included files are named from `shown` (vdso/...), so they resolve against vdso/'s parent.
  const base = dirname(root);
  const { module, diagnostics } = assembleSource({
    file: shown,
    text,
    includeDirs: includeDirs(root, source),
    defines: [...extraDefines, ...source.defines],
    readFile: (p) => readIncludeCandidate(resolve(base, p), p),
  });
  const error = diagnostics.find((d) => d.severity === 'error');
  if (error) throw new InputError(error.location.file, `line ${error.location.line}:${error.location.column}`, error.message);
  return module;
}

export interface BuiltDesign {
  readonly design: Design;
  readonly image: DesignImage;
  readonly kernel: KernelKind;
  /** The ET_DYN vDSO image, before alternatives are applied. */
  readonly bytes: Uint8Array;
  /** The image's sources as assembled (with BUILD_DEFINES), in link order: its line map's input. */
  readonly modules: readonly AsmModule[];
}

export interface BuildOptions {
  /** Picks the image for designs whose kernel chooses by CPU (legacy); default intel. */
  readonly cpu?: CpuModel;
  /** Build this image by name instead (legacy: int80, sysenter, syscall). */
  readonly image?: string;
  /** The vdso/ folder; default designsRoot(). */
  readonly root?: string;
}

/** The design `name` and the image it builds for `kernel` (and `options`); bad names are one-line InputErrors. */
export function chooseImage(name: string, kernel: KernelKind, options: BuildOptions = {}): { design: Design; image: DesignImage } {
  const design = findDesign(name);
  if (!design) throw new InputError(name, '', `no such design (known: ${KERNEL_ABIS.join(', ')})`);
  if (options.image === undefined) return { design, image: design.image(options.cpu ?? DEFAULT_CPU, kernel) };
  const named = design.images.find((i) => i.image.name === options.image);
  if (!named) throw new InputError(name, '', `no image ${options.image} (known: ${design.images.map((i) => i.image.name).join(', ')})`);
  return { design, image: named.image };
}

/** Builds a design's image for a kernel kind with vdso-lab's assembler and linker. */
export function buildDesign(name: string, kernel: KernelKind, options: BuildOptions = {}): BuiltDesign {
  const { design, image } = chooseImage(name, kernel, options);
  const root = options.root ?? designsRoot();
  // The same sources (every file under the root unchanged) build the same bytes: kept, so
  // that a debugger replaying a launch does not assemble the design again.
  const key = `${root}\0${name}\0${kernel}\0${image.name}\0${filesStamp(root)}`;
  let done = built.get(key);
  if (!done) {
    const modules = image.sources.map((s) => assembleDesignSource(root, s));
    const objects = image.sources.map((s, i) => ({ fileName: `vdso/${s.path}`, bytes: objectOf(root, s, modules[i]!) }));
    done = { bytes: linkVdso(objects, { versions: design.versions }), modules };
    if (built.size > 64) built.clear();
    built.set(key, done);
  }
  return { design, image, kernel, bytes: done.bytes.slice(), modules: done.modules };
}

const built = new Map<string, { readonly bytes: Uint8Array; readonly modules: readonly AsmModule[] }>();

/** Every file under `root` (the design sources and their headers), in a fixed order, with its size and modification time. */
export function designFiles(root: string): Array<{ readonly path: string; readonly size: number; readonly mtimeMs: number }> {
  const out: Array<{ path: string; size: number; mtimeMs: number }> = [];
  const walk = (dir: string, depth: number): void => {
    let names: string[];
    try {
      names = readdirSync(dir).sort();
    } catch {
      return;
    }
    for (const n of names) {
      const path = join(dir, n);
      const st = statSync(path, { throwIfNoEntry: false });
      if (!st) continue;
      if (st.isDirectory()) {
        if (depth < 4) walk(path, depth + 1);
      } else out.push({ path, size: st.size, mtimeMs: st.mtimeMs });
    }
  };
  walk(root, 0);
  return out;
}

/** Every file's path, size and modification time under `root`: the same stamp, the same sources. */
export function filesStamp(root: string): string {
  return designFiles(root).map((f) => `${f.path}:${f.size}:${f.mtimeMs}`).join('\n');
}
