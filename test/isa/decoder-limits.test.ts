// Decoder edge statuses, each checked against what objdump and the architecture say: the 15-byte
// limit, bytes running out, invalid encodings, and instructions outside the table with lengths.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { decode } from '../../toolchain/isa/decoder';
import { DecodeStatus, Op } from '../../toolchain/isa/instruction';
import { scratch } from '../support/oracles';
import { runEach } from '../support/run-tool';

const bytes = (h: string) => Uint8Array.from(Buffer.from(h.replace(/ /g, ''), 'hex'));

/** objdump's line for the first instruction of each of `hexes` (each its own file; one objdump over them all, run-tool.ts runEach). */
function objdumpFirstLines(dir: string, hexes: readonly string[]): string[] {
  const files = hexes.map((h, k) => {
    writeFileSync(join(dir, `${k}.bin`), bytes(h));
    return `${k}.bin`;
  });
  return runEach(files.map((file) => ({ tool: 'objdump', args: ['-D', '-b', 'binary', '-m', 'i386', '--insn-width=16', file], cwd: dir })))
    .map((output) => output().split('\n').find((l) => /^\s+0:\t/.test(l))!);
}

test('15 bytes is the limit: 14 prefixes + nop decodes, 15 prefixes + nop is too long', () => {
  const ok = decode(bytes('66'.repeat(14) + '90'), 0, 0);
  assert.equal(ok.status, DecodeStatus.Ok);
  assert.equal(ok.length, 15);
  const long = decode(bytes('66'.repeat(15) + '90'), 0, 0);
  assert.equal(long.status, DecodeStatus.TooLong);
  assert.equal(long.length, 15);
});

test('bytes ending inside an instruction give Truncated, never a read past the end', () => {
  for (const h of ['b8 01 02', '0f', '8b', '8b 84 24 00', 'ea 00 00 00 00 10']) {
    const i = decode(bytes(h), 0, 0);
    assert.equal(i.status, DecodeStatus.Truncated, h);
    assert.ok(i.length <= h.split(' ').length, h);
  }
});

test('invalid encodings are reported with the opcode; SSE/system are NotCovered with objdump lengths', () => {
  for (const h of ['8d c0', 'c4 c0', '0f c7 c8', 'ff ff', '0f 04', '8e f0']) {
    const i = decode(bytes(h), 0, 0);
    assert.equal(i.status, DecodeStatus.Invalid, h);
    assert.equal(i.op, Op.Invalid);
  }
  const notCovered = ['0f 58 c0', '66 0f 6f 04 24', '0f 70 c0 01', '0f 3a 0f c0 01', '0f 01 d0', '0f 01 10'];
  const lines = objdumpFirstLines(scratch('vdso-lab-isa-limits-'), notCovered);
  for (const [k, h] of notCovered.entries()) {
    const i = decode(bytes(h), 0, 0);
    assert.equal(i.status, DecodeStatus.NotCovered, h);
    const line = lines[k]!;
    assert.equal(i.length, line.split('\t')[1]!.trim().split(/\s+/).length, `${h}: objdump says ${line}`);
  }
});

test('x87: table rows decode with objdump lengths; fwait folds into a following x87 instruction; undefined forms span their operand', () => {
  const cases = [['d9 e8', DecodeStatus.Ok], ['dd 45 f8', DecodeStatus.Ok], ['dd 84 24 00 01 00 00', DecodeStatus.Ok], ['9b', DecodeStatus.Ok],
    ['9b df e0', DecodeStatus.Ok], ['9b 9b d9 c0', DecodeStatus.Ok], ['9b 66 d9 30', DecodeStatus.Ok], ['d9 48 04', DecodeStatus.Invalid],
    ['dd ac 24 00 01 00 00', DecodeStatus.Invalid], ['d9 e2', DecodeStatus.Invalid], ['d9 d8', DecodeStatus.Ok], ['db e5', DecodeStatus.Ok]] as const;
  const lines = objdumpFirstLines(scratch('vdso-lab-isa-x87-'), cases.map(([h]) => h));
  for (const [k, [h, status]] of cases.entries()) {
    const i = decode(bytes(h), 0, 0);
    assert.equal(i.status, status, h);
    const line = lines[k]!;
    assert.equal(i.length, line.split('\t')[1]!.trim().split(/\s+/).length, `${h}: objdump says ${line}`);
  }
});
