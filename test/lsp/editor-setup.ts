// Owns what the README editor set-up tests (Neovim, Emacs) share: the stub with a misspelled
// feature name they open, `vdso-lab` on PATH running this checkout's CLI as the README's
// command names it, and the diagnostic the server must have brought into the editor.
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { delimiter, join, resolve } from 'node:path';

export const MISSPELT_STUB = `#include "vdso-lab.h"
	.text
VDSO_FUNCTION(__kernel_vsyscall)
	CFI_STARTPROC
	ALTERNATIVE "", "sysenter", X86_FEATURE_SYSENTER3
	int	$0x80
	ret
	CFI_ENDPROC
VDSO_END(__kernel_vsyscall)
`;

/** Puts a `vdso-lab` that runs this checkout's dist/cli.js first on `env.PATH`. */
export function cliOnPath(dir: string, env: NodeJS.ProcessEnv): void {
  const bin = join(dir, 'bin');
  mkdirSync(bin);
  writeFileSync(join(bin, 'vdso-lab'), `#!/bin/sh\nexec "${process.execPath}" "${resolve('dist/cli.js')}" "$@"\n`);
  chmodSync(join(bin, 'vdso-lab'), 0o755);
  env.PATH = `${bin}${delimiter}${env.PATH ?? ''}`;
}

/** `got` (0-based line, message pairs the editor reported) holds the unknown-feature diagnostic on its line. */
export function assertMisspeltFeature(got: ReadonlyArray<readonly string[]>, shown: string): void {
  const line = MISSPELT_STUB.split('\n').findIndex((l) => l.includes('X86_FEATURE_SYSENTER3'));
  assert.ok(got.some(([lnum, message]) => Number(lnum) === line && /unknown feature X86_FEATURE_SYSENTER3; did you mean X86_FEATURE_SYSENTER32\?/.test(message ?? '')), shown);
}
