// Owns building a user's own stub (.S) into a vDSO image for one kernel kind, the way the
// shipped designs are built: CONFIG_X86_64 for compat64, vdso/include and the file's folder
// on the include path, the kernel's version script less the stubs the file does not define,
// and the line table of `as -g` so that the debugger shows the user's source.
// `vdso-lab check` and `vdso-lab alternatives` both take a .S through here.
import { basename, dirname, isAbsolute, join } from 'node:path';
import { InputError } from '../toolchain/errors';
import type { AsmModule } from '../toolchain/asm/module';
import { withGeneratedSections } from '../toolchain/dwarf/emit-sections';
import { writeObject } from '../toolchain/elf/write-object';
import { linkVdso } from '../toolchain/link/index';
import { BUILD_DEFINES, designsRoot } from '../toolchain/designs/build';
import { VDSO_VERSIONS } from '../toolchain/designs/registry';
import { type KernelKind } from '../toolchain/designs/options';
import { assembleFile } from './commands/asm';

export function buildUserStub(path: string, shown: string, kernel: KernelKind): { bytes: Uint8Array; module: AsmModule } {
  const includes = [dirname(path)];
  try {
    includes.unshift(join(designsRoot(), 'include'));
  } catch {
    // No shipped vdso/include beside this build (a user's own tree): the file's folder only.
  }
  const defines = [...BUILD_DEFINES, ...(kernel === 'compat64' ? ['CONFIG_X86_64'] : [])];
  const { module, diagnostics } = assembleFile(path, shown, includes, defines);
  const error = diagnostics.find((d) => d.severity === 'error');
  if (error) throw new InputError(error.location.file, `line ${error.location.line}:${error.location.column}`, error.message);
  const defined = new Set(module.symbols.filter((s) => s.section !== 'UND' && s.binding !== 'local').map((s) => s.name));
  const versions = VDSO_VERSIONS.map((v) => ({ name: v.name, globals: v.globals.filter((g) => g.includes('*') || defined.has(g)) }));
  // With line information, as `as -g` run where the user named the file from would write it.
  const debug = path.endsWith(shown) && !isAbsolute(shown)
    ? { name: shown, compDir: path.slice(0, path.length - shown.length - 1) || '/' }
    : { name: basename(path), compDir: dirname(path) };
  const bytes = linkVdso([{ fileName: shown, bytes: writeObject(withGeneratedSections(module, { debug }), shown) }], { versions });
  return { bytes, module };
}
