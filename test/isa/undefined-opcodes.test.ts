// Every opcode of the 0f, 0f 38 and 0f 3a maps under every run of 66/f2/f3 objdump reads as a
// mandatory prefix (none, one, or two of them in either order), with register and memory
// modrm bytes of every modrm.reg (every byte of the register forms for the groups 0f 01, 0f ae
// and 0f c7): `vdso-lab disasm` against `objdump -d -M att` on the same object. Where objdump
// prints `(bad)`, ours is the same line (length, and the prefixes it names). Where it decodes an
// instruction, ours is that instruction or `(not covered: ...)` of the same length (a row of
// table-uncovered.ts). Where it prints a mnemonic with a `(bad)` operand (movbe with a register,
// bndmov %bnd4), the form is not executed: ours is not an Ok instruction either. And the
// emulator's view: every decode that is not Ok is an op whose semantics raise #UD.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../../cli/run-cli';
import { decode } from '../../toolchain/isa/decoder';
import { DecodeStatus } from '../../toolchain/isa/instruction';
import { Op } from '../../toolchain/isa/ops';
import { run, scratch } from '../support/oracles';
import { normalize, objdump } from './compare';
import { combinationsAt, TEST_SCALE } from '../support/scale';

const PREFIX_RUNS = [[], [0x66], [0xf2], [0xf3], [0x66, 0xf3], [0xf3, 0x66], [0x66, 0xf2], [0xf2, 0x66], [0xf2, 0xf3], [0xf3, 0xf2]];
const ESCAPES = [[0x0f], [0x0f, 0x38], [0x0f, 0x3a]];
const OPCODES = Array.from({ length: 256 }, (_, op) => op);
/** Opcode groups whose register forms differ by modrm.rm as well. */
const BY_RM = new Set([0x01, 0xae, 0xc7]);

/** Every map, opcode and prefix run at full scale; a run at a smaller `scale` samples them (combinationsAt). */
function cases(scale = TEST_SCALE): number[][] {
  const out: number[][] = [];
  for (const { escape, op, prefixes } of combinationsAt(scale, { escape: ESCAPES, op: OPCODES, prefixes: PREFIX_RUNS })) {
    if (escape.length === 1 && (op === 0x38 || op === 0x3a)) continue;
    const modrms: number[] = [];
    for (let reg = 0; reg < 8; reg++) modrms.push(0xc1 | (reg << 3), 0x01 | (reg << 3));
    if (escape.length === 1 && BY_RM.has(op)) for (let m = 0xc0; m < 0x100; m++) if ((m & 7) !== 1) modrms.push(m);
    // Four nops after the modrm: the immediates of the forms that have them (0f 3a, pshufw, 3DNow!).
    for (const m of modrms) out.push([...prefixes, ...escape, op, m, 0x90, 0x90, 0x90, 0x90]);
  }
  return out;
}

/**
 * objdump's one reading no row can give: with f3 then 66 (or 66 then f3) before 0f 1e and a
 * modrm no f3 form takes (not endbr32/endbr64/rdsspd), it names data16 although the nop's
 * operand is 16-bit by it (`data16 repz nop %cx`).
 */
function objdumpNamesUsedData16(bytes: readonly number[]): boolean {
  return bytes[0] !== 0x0f && bytes[1] !== 0x0f && bytes.indexOf(0x0f) === 2 && bytes[3] === 0x1e && bytes.slice(0, 2).includes(0x66);
}

test('0f / 0f 38 / 0f 3a under every mandatory-prefix run, register and memory forms: objdump -d agrees on every (bad), and on the length of every instruction', async () => {
  const dir = scratch('vdso-lab-undefined-opcodes-');
  const all = cases();
  // One symbol per case: both tools start afresh at each, and neither reads past it.
  writeFileSync(join(dir, 'maps.s'), `\t.text\n${all.map((b, n) => `c${n}:\t.byte ${b.join(',')}`).join('\n')}\n`);
  const obj = join(dir, 'maps.o');
  run('as', ['--32', join(dir, 'maps.s'), '-o', obj]);
  const gnu = objdump(obj);
  const out: string[] = [];
  const status = await runCli(['disasm', '--json', obj], { cwd: dir, out: (t) => out.push(t), err: (t) => out.push(t) });
  assert.equal(status, 0);
  const ours = new Map<number, { bytes: string; text: string; status: string }>();
  for (const i of (JSON.parse(out.join('')) as { instructions: { address: number; bytes: string; text: string; status: string }[] }).instructions) ours.set(i.address, i);
  const counts = { bad: 0, decoded: 0, notCovered: 0, badOperand: 0, quirk: 0 };
  const differ: string[] = [];
  let address = 0;
  for (const bytes of all) {
    const want = gnu.lines.get(address)!;
    const got = ours.get(address)!;
    const gotLength = got.bytes.split(' ').length;
    const gotText = normalize(got.text);
    const hex = bytes.slice(0, -4).map((b) => b.toString(16).padStart(2, '0')).join(' ');
    const place = `${hex}: objdump ${want.length} '${want.text}', ours ${gotLength} '${gotText}'`;
    if (/^(?:(?:data16|repz|repnz) )*\(bad\)$/.test(want.text)) {
      counts.bad++;
      if (gotLength !== want.length || gotText !== want.text) {
        if (objdumpNamesUsedData16(bytes) && gotText === want.text.replace('data16 ', '')) counts.quirk++;
        else differ.push(place);
      }
    } else if (want.text.includes('(bad)')) {
      counts.badOperand++;
      if (got.status === 'Ok') differ.push(place);
    } else {
      counts.decoded++;
      if (got.status === 'NotCovered') counts.notCovered++;
      if (gotLength !== want.length || (got.status !== 'NotCovered' && gotText !== want.text)) {
        if (objdumpNamesUsedData16(bytes) && gotLength === want.length && gotText === want.text.replace('data16 ', '')) counts.quirk++;
        else differ.push(place);
      }
    }
    address += bytes.length;
  }
  assert.deepEqual(differ.slice(0, 20), [], `${differ.length} of ${all.length} differ`);
  // The cases cover what they claim: both kinds of (bad), and defined forms in and outside the
  // table (in a sample, as many as its share of all the cases).
  const share = all.length / cases(1).length;
  const atLeast = (n: number): number => n * share;
  assert.ok(counts.bad > atLeast(80_000) && counts.decoded > atLeast(20_000) && counts.notCovered > atLeast(10_000) && counts.badOperand > atLeast(500), JSON.stringify(counts));
  assert.ok(counts.quirk <= 30, JSON.stringify(counts));

  // Run, every form that is not an Ok instruction is an op whose semantics raise #UD (sem-system.ts).
  const ops = new Set<Op>();
  for (const bytes of all) {
    const i = decode(Uint8Array.from(bytes), 0, 0);
    if (i.status !== DecodeStatus.Ok) ops.add(i.op);
    else assert.notEqual(i.entry?.op, Op.NotCovered);
  }
  assert.deepEqual([...ops].sort(), [Op.Invalid, Op.NotCovered].sort());
});
