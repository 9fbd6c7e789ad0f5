// Branch displacements that do not fit their field, checked against `as --32` at test time:
// GAS's "value of V too large for field of N bytes at A" (V from 0 to 1000 in decimal, any
// other as 8 hex digits; A always so), a 1-byte displacement checked signed and a wider one
// either way (a 16-bit call wraps at 64K), an absolute target in .code16 checked like any
// fixup, and a relaxed branch to its own section written unchecked, as GAS writes it.
// vdso-lab exits 2 where GAS exits 1 (README: an input error) and adds a column after the line;
// GAS prints no line for a relaxed branch's message (it makes that fixup after reading), so
// there only the text is compared. A jecxz or loop to a constant address GAS takes when the
// address is a disp8 (-0x80..0x7f), and relocates against nothing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { run, scratch } from '../support/oracles';

const dir = scratch('vdso-lab-field-range-');

interface Outcome { readonly status: number | null; readonly messages: string[]; readonly object?: Buffer }

/** `LINE: Error: TEXT` per message, or `Error: TEXT` when GAS names no line. */
function messages(stderr: string, file: string): string[] {
  return stderr.split('\n').flatMap((line) => {
    const m = new RegExp(`^${file.replace('.', '\\.')}:(?:(\\d+)(?::\\d+)?:)? (.*)$`).exec(line);
    return m && !m[2]!.startsWith('Assembler messages') ? [m[1] ? `${m[1]}: ${m[2]}` : m[2]!] : [];
  });
}

function outcome(cmd: string, args: string[], name: string, obj: string): Outcome {
  const r = spawnSync(cmd, args, { encoding: 'utf8', cwd: dir });
  return { status: r.status, messages: messages(r.stderr, `${name}.s`), object: r.status === 0 && existsSync(obj) ? readFileSync(obj) : undefined };
}

/** Both assemblers on `source`; asserts the same messages, the matching exit status and the same object. */
function compare(name: string, source: string): Outcome {
  run('as', ['--version']);
  writeFileSync(join(dir, `${name}.s`), source);
  const gasObj = join(dir, `${name}.gas.o`);
  const labObj = join(dir, `${name}.lab.o`);
  const gas = outcome('as', ['--32', `${name}.s`, '-o', gasObj], name, gasObj);
  const lab = outcome(process.execPath, [resolve('dist/cli.js'), 'asm', `${name}.s`, '-c', '-o', labObj], name, labObj);
  // Where GAS names no line, ours does: compare the text alone.
  const lineless = new Set(gas.messages.filter((m) => !/^\d+: /.test(m)));
  assert.deepEqual(lab.messages.map((m) => (lineless.has(m.replace(/^\d+: /, '')) ? m.replace(/^\d+: /, '') : m)), gas.messages);
  assert.equal(lab.status, gas.status === 0 ? 0 : 2);
  assert.equal(lab.object === undefined, gas.object === undefined, `object written: ${lab.object !== undefined}`);
  if (lab.object && gas.object) assert.ok(lab.object.equals(gas.object), `${name}: the objects differ`);
  return gas;
}

test('.code16 branches to an absolute address above 64K: GAS\'s error for the 2-byte field, in hex', () => {
  const gas = compare('abs16', '\t.code16\n\tjmp 0x12345\n\tcall 0x12345\n\tjz 0x12345\n\tjmp 5000000000\n\tcall 0x100\n');
  assert.ok(gas.messages.includes('3: Error: value of 00012343 too large for field of 2 bytes at 00000004'), gas.messages.join('\n'));
  assert.ok(gas.messages.includes('Error: value of 00012343 too large for field of 2 bytes at 00000001'), gas.messages.join('\n'));
});

test('jecxz and loop to a target out of 8-bit reach: decimal up to 1000, hex beyond and below zero', () => {
  const gas = compare('byte-field', '\tjecxz far\n\tloop far\n\tloopne far2\n\t.skip 300\nfar:\t.byte 0\n\t.skip 900\nfar2:\t.byte 0\nback:\t.skip 300\n\tjecxz back\n');
  assert.ok(gas.messages.includes('1: Error: value of 304 too large for field of 1 byte at 00000001'), gas.messages.join('\n'));
  assert.equal(gas.status, 1);
});

test('16-bit displacements GAS accepts: a call that wraps at 64K, relaxed jumps to their own section written unchecked', () => {
  const gas = compare('wrap16', '\t.code16\nback:\t.skip 40000\n\tcall back\n\tjmp back\n\tjz back\n\tcall fwd\n\t.skip 40000\nfwd:\t.byte 0\n\t.skip 70000\n\tjmp back\n\tjmp .+0x20000\n');
  assert.equal(gas.status, 0);
});

test('a 16-bit call out of reach either way: GAS\'s error with the value in hex', () => {
  const gas = compare('call16', '\t.code16\nback:\t.skip 70000\n\tcall back\n\tjmp back\n');
  assert.ok(gas.messages.includes('3: Error: value of fffeee8d too large for field of 2 bytes at 00011171'), gas.messages.join('\n'));
});

test('jecxz, jcxz and loop to an absolute address: accepted within a disp8 (a PC8 relocation against nothing), else GAS\'s messages', () => {
  compare('byte-abs-ok', '\t.equ X, 5\n\tloop 0x10\n\tjecxz 0x7f\n\tjcxz -0x7f\n\tloopne X\n\tloope 0\n\tloop -1\n\t.code16\n\tjcxz 0x10\n\tjecxz -1\n');
  const gas = compare('byte-abs-bad', '\tloop 0x80\n\tjecxz -0x80\n\tjcxz -0x81\n\tloop 0xffffff7f\n\t.code16\n\tjcxz 0x80\n\tjecxz -0x80\n');
  assert.ok(gas.messages.includes('1: Error: operand size mismatch for `loop\''), gas.messages.join('\n'));
  assert.ok(gas.messages.includes('2: Error: value of ffffff7f too large for field of 1 byte at 00000001'), gas.messages.join('\n'));
});
