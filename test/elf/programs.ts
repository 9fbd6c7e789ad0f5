// Owns the C inputs the ELF tests build with gcc -m32 (an object with many kinds of
// symbol, a program, a shared object with a version script) and the build commands.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildC, scratch } from '../support/oracles';

export const OBJECT_C = `
#include <stdio.h>
int counter = 3;
int zeroed;
__thread int per_thread = 5;
char big_table[200000];
static int local_helper(int x) { return x * 3; }
__attribute__((weak)) int weak_hook(int x) { return x; }
__attribute__((visibility("hidden"))) int hidden_fn(int x) { return local_helper(x) + 1; }
__attribute__((visibility("protected"))) int protected_fn(int x) { return x - 1; }
static int impl_a(void) { return 1; }
static void *resolve_pick(void) { return (void *)impl_a; }
int picked(void) __attribute__((ifunc("resolve_pick")));
int main(void) { printf("%d\\n", hidden_fn(counter) + weak_hook(zeroed) + protected_fn(per_thread) + big_table[7] + picked()); return 0; }
`;

export const LIBRARY_C = `
#include <stdio.h>
int counter = 3;
int old_api(int x) { return x + 1; }
int new_api(int x) { printf("%d\\n", x); return x + 2; }
__asm__(".symver old_api,api@V1");
__asm__(".symver new_api,api@@V2");
static int hidden_helper(void) { return 7; }
int uses(void) { return hidden_helper(); }
`;

export const LIBRARY_MAP = 'V1 { global: old_api; uses; api; local: *; };\nV2 { global: new_api; counter; api; } V1;\n';

export interface Built {
  readonly label: string;
  readonly path: string;
}

/** Builds every ELF kind the tests read, in one scratch folder. */
export function buildAll(): Built[] {
  const dir = scratch('vdso-lab-elf-');
  const map = join(dir, 'lib.map');
  writeFileSync(map, LIBRARY_MAP);
  return [
    { label: 'gcc -m32 -c object', path: buildC('object', OBJECT_C, ['-c', '-O1', '-fcommon', '-g'], dir, { anyFolder: true }) },
    { label: 'gcc -m32 -static program', path: buildC('static', OBJECT_C, ['-static', '-O1'], dir) },
    { label: 'gcc -m32 -static-pie program', path: buildC('staticpie', OBJECT_C, ['-static-pie', '-fPIE', '-O1'], dir) },
    { label: 'gcc -m32 PIE program', path: buildC('pie', OBJECT_C, ['-O1', '-fPIE', '-pie'], dir) },
    { label: 'gcc -m32 -shared with a version script', path: buildC('lib.so', LIBRARY_C, ['-shared', '-fPIC', `-Wl,--version-script=${map}`], dir) },
  ];
}
