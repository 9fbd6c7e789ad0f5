// Owns how a user's own stub (.S) is built into a vDSO image for one kernel kind, the way
// the shipped designs are: CONFIG_X86_64 for compat64, vdso/include and the file's folder on
// the include path, the kernel's version script less the stubs the file does not define, and
// the line table of `as -g` when asked. The CLI (check, alternatives, --vdso FILE.S), the
// debugger ("vdso": FILE.S) and the language server (hover, code lenses) build through here.
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import { assembleSource } from '../asm/assemble-source';
import { InputError } from '../errors';
import { readIncludeCandidate, readInputText } from '../input-file';
import type { AsmModule } from '../asm/module';
import { withGeneratedSections } from '../dwarf/emit-sections';
import { writeObject } from '../elf/write-object';
import { linkVdso } from '../link/index';
import { BUILD_DEFINES, designsRoot } from './build';
import { VDSO_VERSIONS, allDesigns, type Design, type DesignImage } from './registry';
import { DEFAULT_ABI, type KernelAbi, type KernelKind } from './options';

/** The -D options a stub is built with for a kernel kind. */
export function stubDefines(kernel: KernelKind): string[] {
  return [...BUILD_DEFINES, ...(kernel === 'compat64' ? ['CONFIG_X86_64'] : [])];
}

/** The -I folders a stub at `path` is built with: the shipped vdso/include (when found), its own folder. */
export function stubIncludeDirs(path: string): string[] {
  const includes = [dirname(path)];
  try {
    includes.unshift(join(designsRoot(), 'include'));
  } catch {
    // No shipped vdso/include beside this build (a user's own tree): the file's folder only.
  }
  return includes;
}

/**
 * True when an assembled module is a vDSO stub rather than a program: it defines one of the
 * vDSO's exported names (__kernel_vsyscall, __vdso_*) and no `_start` for a program to begin at.
 */
export function isStubModule(module: AsmModule): boolean {
  const defined = module.symbols.filter((s) => s.section !== 'UND' && s.binding !== 'local').map((s) => s.name);
  if (defined.includes('_start')) return false;
  const exported = VDSO_VERSIONS.flatMap((v) => v.globals);
  return defined.some((name) => exported.some((g) => (g.endsWith('*') ? name.startsWith(g.slice(0, -1)) : name === g)));
}

/**
 * The shipped design a stub .S is a source of, and the image it is built into, known by its
 * place in a vdso-lab tree (vdso/proposal.S, vdso/legacy/sysenter.S: the shipped tree or a
 * clone of it, found as the nearest vdso/ with include/vdso-lab.h above the file), with the
 * file's index among the image's sources; undefined for any other file and for a source
 * several designs share.
 */
export function designOfStub(path: string): { readonly design: Design; readonly image: DesignImage; readonly source: number } | undefined {
  let root: string;
  try {
    root = designsRoot([dirname(path)]);
  } catch {
    return undefined;
  }
  const inTree = relative(root, path).split(sep).join('/');
  const holds = (image: DesignImage): boolean => image.sources.some((s) => s.path === inTree);
  const designs = allDesigns().filter((d) => d.images.some(({ image }) => holds(image)));
  if (designs.length !== 1) return undefined;
  const image = designs[0]!.images.find((i) => holds(i.image))!.image;
  return { design: designs[0]!, image, source: image.sources.findIndex((s) => s.path === inTree) };
}

/**
 * The entry ABI a stub's .S runs and is checked with when nobody names one: its design's own
 * for a design's source (vdso/proposal.S needs the proposal kernel), else the default.
 */
export function stubAbi(path: string): KernelAbi {
  return designOfStub(path)?.design.abi ?? DEFAULT_ABI;
}

/** Links an assembled stub into a vDSO image (the module must be free of errors). */
export function linkStub(module: AsmModule, shown: string, debug?: { readonly name: string; readonly compDir: string }): Uint8Array {
  const defined = new Set(module.symbols.filter((s) => s.section !== 'UND' && s.binding !== 'local').map((s) => s.name));
  const versions = VDSO_VERSIONS.map((v) => ({ name: v.name, globals: v.globals.filter((g) => g.includes('*') || defined.has(g)) }));
  return linkVdso([{ fileName: shown, bytes: writeObject(withGeneratedSections(module, debug ? { debug } : {}), shown) }], { versions });
}

/** A stub's .S at `path` (a full path) built into a vDSO image with its line table; the first error is one line. */
export function buildStubFile(path: string, kernel: KernelKind): Uint8Array {
  const dir = dirname(path);
  const { module, diagnostics } = assembleSource({
    file: path,
    text: readInputText(path, path),
    includeDirs: stubIncludeDirs(path),
    defines: stubDefines(kernel),
    readFile: (p) => readIncludeCandidate(resolve(dir, p), p),
  });
  const error = diagnostics.find((d) => d.severity === 'error');
  if (error) throw new InputError(error.location.file, `line ${error.location.line}:${error.location.column}`, error.message);
  return linkStub(module, path, { name: basename(path), compDir: dir });
}
