// `vdso-lab frames` against GNU readelf 2.40 at test time: the exact text of
// --debug-dump=frames and --debug-dump=frames-interp, line for line, on gcc -m32 objects
// and static programs, .debug_frame objects, hand-written CFI and the real vDSO.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { assemble, buildC, readelf, scratch } from '../support/oracles';
import { realVdso } from '../support/real-vdso';
import { CFI_DIRECTIVES, HAND_EH_FRAME_1, HAND_EH_FRAME_2, firstDifference, vdsoLab } from './frames-fixtures';

const C_SOURCE = `
#include <stdarg.h>
extern int sink(int, ...);
static int table[64];
int leaf(int x) { return x * 3 + 1; }
int loop(int n) { int s = 0; for (int i = 0; i < n; i++) s += sink(i, table[i & 63]); return s; }
int vla(int n) { int a[n]; for (int i = 0; i < n; i++) a[i] = sink(i); return a[n / 2]; }
int varargs(int n, ...) { va_list ap; va_start(ap, n); int s = 0; while (n--) s += va_arg(ap, int); va_end(ap); return s; }
long long wide(long long a, long long b) { return a / b + sink((int)a, (int)b, 1, 2, 3, 4, 5); }
int recurse(int n) { return n <= 1 ? 1 : n * recurse(n - 1) + sink(n); }
`;

const PROGRAM = `
int sink(int a, ...) { return a; }
` + C_SOURCE + `
int main(int argc, char **argv) { (void)argv; return loop(argc) + vla(argc + 3) + varargs(2, 1, 2) + (int)wide(9, 3) + recurse(4) + leaf(argc); }
`;

async function compare(path: string, label: string): Promise<void> {
  for (const interp of [false, true]) {
    const expected = readelf([`--debug-dump=${interp ? 'frames-interp' : 'frames'}`, path]);
    const got = await vdsoLab(['frames', path, ...(interp ? ['--interp'] : [])]);
    assert.equal(got.stderr, '', `${label}: stderr`);
    assert.equal(got.status, 0, `${label}: exit status`);
    assert.ok(expected.includes('Contents of the'), `${label}: readelf printed no frame section`);
    assert.ok(got.stdout === expected, `${label} ${interp ? 'frames-interp' : 'frames'} differs from readelf at ${firstDifference(expected, got.stdout)}`);
  }
}

const OBJECT_FLAGS: readonly (readonly string[])[] = [
  ['-O0'],
  ['-O2'],
  ['-O0', '-fomit-frame-pointer'],
  ['-O2', '-fno-omit-frame-pointer'],
  ['-O2', '-fasynchronous-unwind-tables', '-fomit-frame-pointer'],
  ['-Os', '-fPIC'],
  ['-O0', '-g', '-fno-asynchronous-unwind-tables'],
  ['-O2', '-g', '-fno-asynchronous-unwind-tables', '-fomit-frame-pointer'],
];

for (const flags of OBJECT_FLAGS) {
  test(`gcc -m32 -c ${flags.join(' ')}: frames and frames-interp match readelf`, async () => {
    const obj = buildC('cfi', C_SOURCE, ['-c', ...flags], scratch(), { anyFolder: true });
    await compare(obj, flags.join(' '));
  });
}

for (const flags of [['-O0'], ['-O2', '-fomit-frame-pointer']] as const) {
  test(`gcc -m32 -static ${flags.join(' ')} program: frames and frames-interp match readelf`, async () => {
    const exe = buildC('prog', PROGRAM, ['-static', ...flags]);
    await compare(exe, `static ${flags.join(' ')}`);
  });
}

test('a dynamically linked -O2 program with .debug_frame and .eh_frame matches readelf', async () => {
  const dir = scratch();
  const obj = assemble('stub', CFI_DIRECTIVES, dir);
  await compare(obj, '.cfi_sections .eh_frame, .debug_frame');
  const exe = buildC('prog', PROGRAM, ['-O2', '-g', join(dir, 'stub.o')], dir, { anyFolder: true });
  await compare(exe, 'dynamic -O2 -g program');
});

test('hand-written .eh_frame bytes (zPLR, every DW_CFA op, bad registers) match readelf', async () => {
  await compare(assemble('hand1', HAND_EH_FRAME_1), 'hand-written 1');
});

test('hand-written CIE versions 1/3/4, 64-bit DWARF, DW_OP zoo, eh/S/P/L augmentations match readelf', async () => {
  await compare(assemble('hand2', HAND_EH_FRAME_2), 'hand-written 2');
});

test('the real Debian vdso32.so matches readelf', async () => {
  await compare(realVdso().path, 'real vdso32.so');
});
