// Parser details the readelf comparison cannot show: pointer encodings decoded to the
// addresses ld gave the symbols (nm), fixed-value encodings, .debug_frame CIE ids, bad
// input as one-line InputErrors, and the CLI's exit statuses and --json.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { assemble, readelfSymbols, scratch } from '../support/oracles';
import { buildInput } from '../support/builds';
import { InputError } from '../../toolchain/errors';
import { parseElf32 } from '../../toolchain/elf/reader';
import { parseFrameSection } from '../../toolchain/dwarf/cie-fde';
import { frameSectionsOf } from '../../toolchain/dwarf/elf-frames';
import { HAND_EH_FRAME_2, vdsoLab } from './frames-fixtures';

const ENCODINGS = String.raw`
	.text
	.globl _start
_start:	.fill 16,1,0x90
f2:	.fill 16,1,0x90
	.data
	.p2align 3
dbase:	.long 0
pers:	.long 0
lsda1:	.long 0
lsda2:	.long 0
	.section .eh_frame,"a",@progbits
c1:	.long c1e - c1s
c1s:	.long 0
	.byte 1
	.string "zPLR"
	.uleb128 1
	.sleb128 -4
	.byte 8
	.uleb128 c1ae - c1a
c1a:	.byte 0x50
	.p2align 2
	.long pers
	.byte 0x1b
	.byte 0x03
c1ae:	.byte 0x0c, 4, 4
	.p2align 2
c1e:
f1e:	.long f1ee - f1es
f1es:	.long f1es - c1
	.long _start
	.long 16
	.uleb128 4
	.long lsda1 - .
	.byte 0
f1ee:
c2:	.long c2e - c2s
c2s:	.long 0
	.byte 1
	.string "zPLR"
	.uleb128 1
	.sleb128 -4
	.byte 8
	.uleb128 7
	.byte 0x9b
	.long pers - .
	.byte 0x3b
	.byte 0x1b
c2e:
f2e:	.long f2ee - f2es
f2es:	.long f2es - c2
	.long f2 - .
	.long 16
	.uleb128 4
	.long lsda2 - dbase
f2ee:
c3:	.long c3e - c3s
c3s:	.long 0
	.byte 1
	.string "zR"
	.uleb128 1
	.sleb128 -4
	.byte 8
	.uleb128 1
	.byte 0x01
c3e:
f3e:	.long f3ee - f3es
f3es:	.long f3es - c3
	.uleb128 0x8049abc
	.uleb128 0x20
	.uleb128 0
f3ee:
c4:	.long c4e - c4s
c4s:	.long 0
	.byte 1
	.string "zR"
	.uleb128 1
	.sleb128 -4
	.byte 8
	.uleb128 1
	.byte 0x0c
c4e:
f4e:	.long f4ee - f4es
f4es:	.long f4es - c4
	.quad 0x12345678
	.quad 0x30
	.uleb128 0
f4ee:
	.long 0
`;

function symbols(exe: string): Map<string, number> {
  const out = new Map(readelfSymbols(exe).filter((s) => s.section !== 'UND').map((s) => [s.name, s.value]));
  return out;
}

test('personality, LSDA and FDE pointers decode to the addresses ld assigned (aligned, indirect, pcrel, datarel, udata4, uleb128, sdata8)', () => {
  const dir = scratch();
  const obj = assemble('enc', ENCODINGS, dir);
  const exe = buildInput({ tool: 'ld', args: ['-m', 'elf_i386', '-o', 'enc', obj], dir });
  const sym = symbols(exe);
  const elf = parseElf32(new Uint8Array(readFileSync(exe)), exe);
  const s = elf.section('.eh_frame')!;
  const frames = parseFrameSection({ fileName: exe, name: '.eh_frame', address: s.addr, bytes: s.data }, 'eh_frame', { dataBase: sym.get('dbase')! });
  const [f1, f2, f3, f4] = frames.fdes;
  assert.equal(frames.fdes.length, 4);
  assert.equal(f1!.cie.personality!.value, sym.get('pers'), 'aligned absptr personality');
  assert.equal(f1!.cie.personality!.indirect, false);
  assert.equal(f1!.start, sym.get('_start'), 'udata4 FDE address');
  assert.equal(f1!.lsda!.value, sym.get('lsda1'), 'pcrel sdata4 LSDA');
  assert.equal(f2!.cie.personality!.indirect, true, 'DW_EH_PE_indirect');
  assert.equal(f2!.cie.personality!.value, sym.get('pers'), 'pcrel personality (the address of the pointer)');
  assert.equal(f2!.start, sym.get('f2'), 'pcrel FDE address');
  assert.equal(f2!.lsda!.value, sym.get('lsda2'), 'datarel LSDA');
  assert.equal(f3!.start, 0x8049abc, 'uleb128 FDE address');
  assert.equal(f3!.range, 0x20, 'uleb128 range');
  assert.equal(f4!.start, 0x12345678, 'sdata8 FDE address');
  assert.equal(f4!.range, 0x30);
  assert.equal(frames.entries[frames.entries.length - 1]!.kind, 'terminator');
});

test('hand-written CIEs: versions, S augmentation, eh data, 64-bit .debug_frame ids', () => {
  const obj = assemble('hand2', HAND_EH_FRAME_2);
  const [eh, debug] = frameSectionsOf(parseElf32(new Uint8Array(readFileSync(obj)), obj));
  assert.deepEqual(eh!.cies.map((c) => [c.version, c.augmentation, c.signalFrame]), [[3, 'zPLRS', true], [1, 'eh', false], [1, 'zPR', false], [1, 'zLR', false]]);
  assert.equal(eh!.cies[3]!.lsdaEncoding, 0xff);
  assert.equal(eh!.cies[3]!.fdeEncoding, 0x0a);
  assert.equal(eh!.cies[0]!.personality!.raw, 0x1234n);
  assert.deepEqual(debug!.cies.map((c) => [c.version, c.offsetSize, c.id, c.addressSize]), [[4, 8, 0xffffffffffffffffn, 4], [4, 4, 0xffffffffn, 4]]);
  assert.equal(debug!.fdes[0]!.cie, debug!.cies[0]);
  const expr = eh!.fdes[0]!.instructions.find((i) => i.op === 'def_cfa_expression');
  assert.ok(expr && expr.op === 'def_cfa_expression');
  assert.deepEqual(expr.expression.ops.map((o) => [o.name, o.operands, o.at]), [
    ['DW_OP_breg5', [8n], 0], ['DW_OP_deref', [], 2], ['DW_OP_plus_uconst', [4n], 3], ['DW_OP_deref_size', [4n], 5],
    ['DW_OP_dup', [], 7], ['DW_OP_lit0', [], 8], ['DW_OP_ne', [], 9], ['DW_OP_bra', [0n], 10],
  ]);
});

test('truncated and corrupt sections are one-line InputErrors naming section and offset', () => {
  const cie = [0x0c, 0, 0, 0, 0, 0, 0, 0, 1, 0x7a, 0x52, 0, 1, 0x7c, 8, 1, 0x1b, 0x0c, 4, 4];
  const cases: [number[], RegExp][] = [
    [cie.slice(0, 10), /offset 0x0: entry length 0xc runs past the end/],
    [[...cie.slice(0, 8), 9, ...cie.slice(9)], /offset 0x8: unsupported CIE version 9/],
    [[0x08, 0, 0, 0, 0x10, 0, 0, 0, 0, 0, 0, 0], /offset 0x4: CIE pointer leads to offset/],
    [[1, 0], /offset 0x0: 2 trailing bytes/],
    [[0x0c, 0, 0, 0, 0, 0, 0, 0, 1, 0, 1, 0x7c, 8, 0x17, 0, 0], /offset 0xd: unknown call frame instruction 0x17/],
  ];
  for (const [bytes, pattern] of cases) {
    assert.throws(() => parseFrameSection({ fileName: 'x.o', name: '.eh_frame', address: 0, bytes: new Uint8Array(bytes) }, 'eh_frame'), (e: unknown) => {
      assert.ok(e instanceof InputError);
      assert.match(e.message, /^x\.o: section \.eh_frame /);
      assert.match(e.message, pattern);
      return true;
    });
  }
});

test('vdso-lab frames: exit 2 with one line for a non-ELF file, --json gives CIEs, FDEs and rows', async () => {
  const dir = scratch();
  const bad = join(dir, 'bad.so');
  writeFileSync(bad, 'not an elf file at all');
  const r = await vdsoLab(['frames', bad]);
  assert.equal(r.status, 2);
  assert.equal(r.stderr.trim().split('\n').length, 1);
  assert.match(r.stderr, /bad\.so/);
  const obj = assemble('hand2', HAND_EH_FRAME_2, dir);
  const j = await vdsoLab(['frames', obj, '--json']);
  assert.equal(j.status, 0);
  const parsed = JSON.parse(j.stdout) as { sections: { section: string; entries: { kind: string; rows?: { start: string; cfa: { kind: string } }[] }[] }[] };
  assert.deepEqual(parsed.sections.map((s) => s.section), ['.eh_frame', '.debug_frame']);
  const fde = parsed.sections[0]!.entries.find((e) => e.kind === 'fde')!;
  assert.equal(fde.rows![0]!.start, '0x0');
  assert.equal(fde.rows![0]!.cfa.kind, 'register');
  assert.ok(fde.rows!.some((row) => row.cfa.kind === 'expression'));
});
