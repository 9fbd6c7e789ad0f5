// Owns building a user's own stub (.S) from a file into a vDSO image for one kernel kind
// (the rules are toolchain/designs/user-stub.ts), with the line table `as -g` run where the
// user named the file from would write, so that the debugger shows the user's source.
// `vdso-lab check` and `vdso-lab alternatives` both take a .S through here.
import { basename, dirname, isAbsolute } from 'node:path';
import { InputError } from '../toolchain/errors';
import type { AsmModule } from '../toolchain/asm/module';
import { linkStub, stubDefines, stubIncludeDirs } from '../toolchain/designs/user-stub';
import type { KernelKind } from '../toolchain/designs/options';
import { assembleFile } from './commands/asm';

export function buildUserStub(path: string, shown: string, kernel: KernelKind): { bytes: Uint8Array; module: AsmModule } {
  const { module, diagnostics } = assembleFile(path, shown, stubIncludeDirs(path), stubDefines(kernel));
  const error = diagnostics.find((d) => d.severity === 'error');
  if (error) throw new InputError(error.location.file, `line ${error.location.line}:${error.location.column}`, error.message);
  const debug = path.endsWith(shown) && !isAbsolute(shown)
    ? { name: shown, compDir: path.slice(0, path.length - shown.length - 1) || '/' }
    : { name: basename(path), compDir: dirname(path) };
  return { bytes: linkStub(module, shown, debug), module };
}
