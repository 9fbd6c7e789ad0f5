// Owns running a program given as its GAS source (`program`: a .S or .s file): the source
// is preprocessed (.S, with its own folder and the shipped vdso/include on the include path,
// as `vdso-lab asm` searches), assembled with line information (as `as -g` would, naming the
// file by its full path) and linked into a static program on the fly, so that the debugger
// shows and steps that source. A source that is a vDSO stub (it defines __kernel_vsyscall and
// no _start: F5 on a design's .S) is not linked: the launch runs it as the vDSO instead. The
// first error is one line naming the file and the place.
import { assembleSource } from '../../toolchain/asm/assemble-source';
import { InputError } from '../../toolchain/errors';
import { withGeneratedSections } from '../../toolchain/dwarf/emit-sections';
import { writeObject } from '../../toolchain/elf/write-object';
import { linkExec } from '../../toolchain/link/index';
import { isStubModule, stubIncludeDirs } from '../../toolchain/designs/user-stub';
import { joinPath } from './source-map';
import type { DebugHost } from './types';

/** True for a path the debugger assembles instead of loading. */
export function isAssemblySource(path: string): boolean {
  return /\.[sS]$/.test(path);
}

/** What an assembly source builds: a static program, or a vDSO stub to run as the vDSO. */
export type BuiltSource = { readonly kind: 'program'; readonly bytes: Uint8Array } | { readonly kind: 'stub' };

/** The static program built from the assembly source at `path` (a full path), or word that it is a stub. */
export function programFromSource(host: DebugHost, path: string, read: (path: string) => Uint8Array): BuiltSource {
  const dir = path.slice(0, Math.max(path.lastIndexOf('/'), 0)) || '/';
  const decoder = new TextDecoder('utf-8');
  const text = decoder.decode(read(path));
  const { module, diagnostics } = assembleSource({
    file: path,
    text,
    includeDirs: stubIncludeDirs(path),
    defines: ['__ASSEMBLY__'],
    readFile: (p) => {
      try {
        return decoder.decode(host.readFile(joinPath(dir, p), 'an included file'));
      } catch (e) {
        // Not there, or a folder: the search goes on, as cpp's does. A device, a FIFO or a
        // file over the input limit is the one-line error it is, as `vdso-lab asm` gives it.
        if (e instanceof InputError && !/(no such file|is a folder, not a file)$/.test(e.detail)) throw e;
        return undefined;
      }
    },
  });
  const error = diagnostics.find((d) => d.severity === 'error');
  if (error) throw new InputError(error.location.file, `line ${error.location.line}:${error.location.column}`, error.message);
  if (isStubModule(module)) return { kind: 'stub' };
  const object = writeObject(withGeneratedSections(module, { debug: { name: path, compDir: dir } }), path);
  return { kind: 'program', bytes: linkExec([{ fileName: path, bytes: object }]) };
}
