// Data-driven vectors generated from the opcode table itself: for every entry, its operand
// forms (register and memory r/m, SIB, 16- and 32-bit operand size, immediates) are encoded
// as bytes; each row "hex | AT&T text" is checked against `objdump -D -b binary -m i386`, and
// the text is assembled back with `as --32` and must disassemble (objdump) to the same text.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { decode } from '../../toolchain/isa/decoder';
import { formatAtt } from '../../toolchain/isa/att-formatter';
import { MODRM_NONE, MODRM_REG, ModKind, OperandKind, Suffix, type OpcodeEntry } from '../../toolchain/isa/entry';
import { Op } from '../../toolchain/isa/ops';
import { DecodeStatus } from '../../toolchain/isa/instruction';
import { TABLE } from '../../toolchain/isa/table-index';
import { run, scratch } from '../support/oracles';
import { normalize } from './compare';

interface Vector { entry: OpcodeEntry; bytes: number[] }

function immediates(e: OpcodeEntry, opSize: number): number[] {
  const out: number[] = [];
  const le = (v: number, n: number) => { for (let i = 0; i < n; i++) out.push((v >>> (8 * i)) & 0xff); };
  for (const k of e.operands) {
    switch (k) {
      case OperandKind.Ib: le(0x12, 1); break;
      case OperandKind.Ibs: le(0xf0, 1); break;
      case OperandKind.Iw: le(0x1234, 2); break;
      case OperandKind.Iz: le(opSize === 2 ? 0x1234 : 0x12345678, opSize); break;
      case OperandKind.Jb: le(0x10, 1); break;
      case OperandKind.Jz: le(0x100, opSize); break;
      case OperandKind.Ap: le(0x1000, opSize); le(0x23, 2); break;
      case OperandKind.Ob: case OperandKind.Ov: le(0x2000, 4); break;
      default: break;
    }
  }
  return out;
}

/** Every operand form of one entry as bytes. */
function vectors(e: OpcodeEntry): Vector[] {
  const out: Vector[] = [];
  // 66 0f ae is another instruction family (clflushopt...), not the fences with data16.
  const sizes = e.opSizeOnly ? [e.opSizeOnly] : e.map === 1 && e.opcode === 0xae ? [4] : [4, 2];
  for (const opSize of sizes) {
    // fwait comes first (GNU as writes `9b 66 d9 30` for fstenvs; a 66 before it would belong to it).
    const pre = e.mandatoryPrefix === 0x9b ? [0x9b, ...(opSize === 2 ? [0x66] : [])]
      : [...(opSize === 2 ? [0x66] : []), ...(e.mandatoryPrefix ? [e.mandatoryPrefix] : [])];
    const op = [...(e.map ? [0x0f] : []), e.opcode + (e.regInOpcode ? 3 : 0)];
    const imm = immediates(e, opSize);
    if (e.modrm === MODRM_NONE) { out.push({ entry: e, bytes: [...pre, ...op, ...imm] }); continue; }
    if (e.modrmByte >= 0) { out.push({ entry: e, bytes: [...pre, ...op, e.modrmByte, ...imm] }); continue; }
    const reg = e.modrm === MODRM_REG ? (e.operands.includes(OperandKind.Sw) ? 3 : 2) : e.modrm;
    if (e.mod !== ModKind.Mem) out.push({ entry: e, bytes: [...pre, ...op, 0xc0 | (reg << 3) | 1, ...imm] });
    if (e.mod !== ModKind.Reg) {
      out.push({ entry: e, bytes: [...pre, ...op, 0x40 | (reg << 3) | 3, 0x10, ...imm] });
      out.push({ entry: e, bytes: [...pre, ...op, 0x84 | (reg << 3), 0x8e, 0x34, 0x12, 0, 0, ...imm] });
    }
  }
  return out;
}

function objdumpBinary(bytes: Uint8Array, dir: string): Map<number, { length: number; text: string }> {
  const path = join(dir, 'one.bin');
  writeFileSync(path, bytes);
  const out = run('objdump', ['-D', '-b', 'binary', '-m', 'i386', '--insn-width=16', path]);
  const lines = new Map<number, { length: number; text: string }>();
  for (const l of out.split('\n')) {
    const m = /^\s*([0-9a-f]+):\t([0-9a-f ]+?)\s*\t(.*)$/.exec(l);
    if (m) lines.set(parseInt(m[1]!, 16), { length: m[2]!.trim().split(/\s+/).length, text: normalize(m[3]!) });
  }
  return lines;
}

test('every table entry and operand form: bytes -> text equals objdump, text -> as --32 -> objdump round-trips', () => {
  const dir = scratch('vdso-lab-isa-vectors-');
  // The rows of forms outside the emulator (nc, undef) are test/isa/undefined-opcodes.test.ts's.
  const all = TABLE.filter((e) => e.op !== Op.NotCovered && e.op !== Op.Invalid).flatMap(vectors);
  // One binary holding every vector keeps objdump to a single run; rows are found by address.
  const rows: string[] = [];
  const flat: number[] = [];
  const starts: number[] = [];
  // A nop after fwait keeps objdump from folding it into the next vector's x87 instruction.
  for (const v of all) { starts.push(flat.length); flat.push(...v.bytes, ...(v.entry.op === Op.Fwait ? [0x90] : [])); }
  const listing = objdumpBinary(Uint8Array.from(flat), dir);
  const failures: string[] = [];
  const assemblable: string[] = [];
  all.forEach((v, n) => {
    const bytes = Uint8Array.from(v.bytes);
    const i = decode(bytes, 0, starts[n]!);
    const hex = v.bytes.map((b) => b.toString(16).padStart(2, '0')).join(' ');
    const text = normalize(formatAtt(i));
    rows.push(`${hex} | ${text} | ${v.entry.intel}`);
    const od = listing.get(starts[n]!) ?? { length: 0, text: '(objdump ran over this vector)' };
    if (i.status !== DecodeStatus.Ok || i.entry !== v.entry && i.entry?.op !== v.entry.op) failures.push(`${hex}: decoded ${text} for ${v.entry.intel}`);
    if (i.length !== v.bytes.length || od.length !== v.bytes.length) failures.push(`${hex}: length ours ${i.length}, objdump ${od.length}`);
    if (text !== od.text && v.entry.op !== Op.Salc) failures.push(`${hex} (${v.entry.intel}): ours '${text}', objdump '${od.text}'`);
    const branch = v.entry.operands.some((k) => k === OperandKind.Jb || k === OperandKind.Jz);
    // GNU as rejects a few texts objdump prints for 16-bit forms (bswap %cx, movzww, movsww)
    // and drops the 66 of `mov %cx,%ds`.
    const asRejects = i.opSize === 2 && (v.entry.op === Op.Bswap || v.entry.op === Op.MovToSeg
      || v.entry.suffix === Suffix.Movx && v.entry.operands[1] === OperandKind.Ew);
    // GNU as takes the 8087/287-only forms without objdump's `(8087 only)` note.
    if (!branch && !asRejects && !text.includes('(bad)') && v.entry.mnemonic !== 'salc' && v.entry.op !== Op.Fwait) assemblable.push(text);
  });
  writeFileSync(join(dir, 'vectors.txt'), rows.join('\n') + '\n');
  // Round trip through GNU as: each line must come back as the same text.
  const src = join(dir, 'round.s');
  writeFileSync(src, assemblable.map((t) => `\t${t.replace(/\((8087|287) only\)$/, '')}`).join('\n') + '\n');
  run('as', ['--32', src, '-o', join(dir, 'round.o')]);
  const back = run('objdump', ['-d', '--insn-width=16', join(dir, 'round.o')]).split('\n')
    .map((l) => /^\s*[0-9a-f]+:\t[0-9a-f ]+?\s*\t(.*)$/.exec(l)).filter((m) => m !== null).map((m) => normalize(m![1]!));
  assert.equal(back.length, assemblable.length, 'as produced a different number of instructions');
  back.forEach((t, n) => { if (t !== assemblable[n]) failures.push(`as round trip: '${assemblable[n]}' came back as '${t}'`); });
  assert.deepEqual(failures.slice(0, 60), []);
  assert.ok(all.length > 700, `${all.length} vectors`);
  console.log(`${all.length} vectors from ${TABLE.length} entries (rows in ${join(dir, 'vectors.txt')}), ${assemblable.length} assembled back with as --32`);
});
