// The x87 FPU in the debugger, against gdb: a gcc -m32 program loads known extended values
// (pi, -0.1, 1e300 from a long double array), 0 and 1, divides 1 by 0 (+Inf, ZE) and loads
// a control word; at the instruction after, the "x87 FPU" scope shows ST0..ST7 as gdb's
// `info float` prints them (gdb's own printf "%+.19Lg" of the array elements read from the
// ELF, their raw bytes as gdb's x/10xb reads them), the tags those values have, and the
// status and control words gdb's `info float` reads through qemu-i386's gdbstub stopped at
// the same instruction. The value column for many random 80-bit patterns (normal, denormal,
// near the range's ends) equals the C library's printf("%+.19Lg") on the host's x87 long double.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildDebugC, run, scratch } from '../support/oracles';
import { buildInput } from '../support/builds';
import { scaled } from '../support/scale';
import { runGdbScript } from '../support/qemu-gdb';
import { formatExtended } from '../../emulator/debug/fpu-view';
import { fromBytes } from '../../emulator/x86/fpu/float80';
import { launch, parseObjdump, startClient } from './dap-helpers';

const SOURCE = `
long double vals[3] = { 3.14159265358979323846264338327950288L, -0.1L, 1e300L };
unsigned short cw = 0x0e7f;

int main(void)
{
  __asm__ volatile ("fninit\\n\\tfldt %0\\n\\tfldt %1\\n\\tfldt %2\\n\\tfldz\\n\\tfld1\\n\\tfdiv %%st(1), %%st\\n\\tfldcw %3\\n\\tnop"
                    : : "m"(vals[0]), "m"(vals[1]), "m"(vals[2]), "m"(cw));
  return 0;
}
`;

const dir = scratch('vdso-lab-fpu-');
const { program } = buildDebugC('fpu', SOURCE, ['-static', '-g', '-O0', '-fno-pie', '-no-pie']);

/** gdb on the ELF alone: each array element as "%+.19Lg" and its raw bytes (most significant first). */
function gdbValues(): Array<{ value: string; raw: string }> {
  const args = ['-batch', '-nx'];
  for (let i = 0; i < 3; i++) args.push('-ex', `printf "%+.19Lg\\n", vals[${i}]`, '-ex', `x/10xb &vals[${i}]`);
  const out = run('gdb', [...args, program]).split('\n');
  const values: Array<{ value: string; raw: string }> = [];
  for (let k = 0; k < out.length; k++) {
    if (!/^[+-]\d/.test(out[k]!)) continue;
    const bytes = [...`${out[k + 1]} ${out[k + 2]}`.matchAll(/0x([0-9a-f]{2})\b/g)].map((m) => m[1]!);
    values.push({ value: out[k]!, raw: '0x' + bytes.slice(0, 10).reverse().join('') });
  }
  assert.equal(values.length, 3, out.join('\n'));
  return values;
}

/** gdb's `info float` through qemu-i386's gdbstub, stopped at `address`. */
function gdbInfoFloat(address: number): string {
  const script = String.raw`
import gdb, json, time
cfg = json.load(open(CONFIG))
connect(cfg['port'])
gdb.execute('break *%d' % cfg['address'], to_string=True)
gdb.execute('continue', to_string=True)
out = open(cfg['out'], 'w')
out.write(json.dumps({'info': gdb.execute('info float', to_string=True)}) + '\n')
out.close()
try:
    gdb.execute('kill')
except gdb.error:
    pass
`;
  const { lines } = runGdbScript({ program, script, config: { address } });
  return (JSON.parse(lines[0]!) as { info: string }).info;
}

const words = (s: string): string => s.replace(/[;,]/g, ' ').trim().split(/\s+/).join(' ');

test('the x87 FPU scope: ST0..ST7, tags, status and control words as gdb shows them', async () => {
  const nop = parseObjdump(run('objdump', ['-d', '--disassemble=main', program])).find((l, i, all) => l.text === 'nop' && /^fldcw/.test(all[i - 1]?.text ?? ''))!;
  assert.ok(nop, 'objdump finds the nop after the fldcw');
  const [pi, tenth, big] = gdbValues();
  const info = gdbInfoFloat(nop.address);
  const { client } = await startClient();
  try {
    await launch(client, { program, vdso: 'upstream', cpu: 'intel', kernel: 'compat64', stopOnEntry: false }, async () => {
      await client.customRequest('setInstructionBreakpoints', { breakpoints: [{ instructionReference: '0x' + nop.address.toString(16) }] });
    });
    const scopes = await client.scopesRequest({ frameId: 0 });
    const scope = scopes.body.scopes.find((s) => s.name === 'x87 FPU');
    assert.ok(scope, 'frame 0 has an x87 FPU scope');
    const vars = new Map((await client.variablesRequest({ variablesReference: scope.variablesReference })).body.variables.map((v) => [v.name, v]));
    const st = (i: number): { value: string; type: string } => ({ value: vars.get(`st${i}`)!.value, type: vars.get(`st${i}`)!.type! });
    // TOP is 3 after five loads: ST(i) is R(3 + i).
    assert.deepEqual(st(0), { value: '+Inf (raw 0x7fff8000000000000000)', type: 'R3: Special' });
    assert.deepEqual(st(1), { value: '+0 (raw 0x00000000000000000000)', type: 'R4: Zero' });
    assert.deepEqual(st(2), { value: `${big!.value} (raw ${big!.raw})`, type: 'R5: Valid' });
    assert.deepEqual(st(3), { value: `${tenth!.value} (raw ${tenth!.raw})`, type: 'R6: Valid' });
    assert.deepEqual(st(4), { value: `${pi!.value} (raw ${pi!.raw})`, type: 'R7: Valid' });
    for (const i of [5, 6, 7]) assert.match(st(i).value, /^Empty \(raw 0x[0-9a-f]{20}\)$/);
    // Two bits per physical register: R0-R2 empty (3), R3 special (2), R4 zero (1), R5-R7 valid (0).
    const tags = [3, 3, 3, 2, 1, 0, 0, 0].reduce((t, v, p) => t | (v << (2 * p)), 0);
    assert.equal(vars.get('Tag Word')!.value, '0x' + tags.toString(16).padStart(4, '0'));

    // The words as gdb reads them through qemu's gdbstub at the same instruction.
    const status = /Status Word:\s+(.*)\n\s+TOP: (\d)/.exec(info);
    const control = /Control Word:\s+(.*)\n\s+PC: (.*)\n\s+RC: (.*)/.exec(info);
    assert.ok(status && control, info);
    assert.equal(words(vars.get('Status Word')!.value), words(`${status[1]} TOP: ${status[2]}`));
    assert.equal(words(vars.get('Control Word')!.value), words(`${control[1]} PC: ${control[2]} RC: ${control[3]}`));
  } finally {
    await client.stop();
  }
});

const PRINTF = `
#include <stdio.h>
#include <string.h>
int main(int argc, char **argv)
{
  FILE *f = fopen(argv[1], "rb");
  unsigned char b[10];
  while (fread(b, 1, 10, f) == 10) {
    long double x = 0;
    memcpy(&x, b, 10);
    printf("%+.19Lg\\n", x);
  }
  return 0;
}
`;

test('formatExtended is printf("%+.19Lg") of the C library on x87 long doubles', () => {
  const printf = buildInput({ tool: 'gcc', args: ['-O0', 'printf.c', '-o', 'printf'], dir, sources: { 'printf.c': PRINTF } });
  let seed = 12345;
  const next = (): number => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0);
  const patterns: Uint8Array[] = [];
  for (let k = 0, count = scaled(600, 60); k < count; k++) {
    const b = new Uint8Array(10);
    for (let i = 0; i < 8; i++) b[i] = next() & 0xff;
    const kind = k % 6;
    // Exponents all over the range, the smallest and largest normals, denormals (integer bit clear), short significands.
    const exp = kind === 0 ? 0 : kind === 1 ? 1 + (next() % 40) : kind === 2 ? 0x7ffe - (next() % 40) : kind === 3 ? 16383 + (next() % 200) - 100 : next() % 0x7fff;
    if (kind === 5) b.fill(0, 0, 4 + (next() % 4));
    if (exp !== 0) b[7] = b[7]! | 0x80;
    else b[7] = b[7]! & 0x7f;
    const sign = next() & 1;
    b[8] = exp & 0xff;
    b[9] = (exp >> 8) | (sign << 7);
    patterns.push(b);
  }
  const file = join(dir, 'values.bin');
  writeFileSync(file, Buffer.concat(patterns));
  const expected = run(printf, [file]).trimEnd().split('\n');
  const got = patterns.map((b) => formatExtended(fromBytes(b)).replace(/ Denormal$/, ''));
  assert.deepEqual(got, expected);
});
