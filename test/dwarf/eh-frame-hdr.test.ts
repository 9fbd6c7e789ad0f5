// .eh_frame_hdr parsing and lookup, checked against the ELF headers readelf reports and
// against the FDEs themselves: every FDE's first and last byte map to it, pcs outside
// every FDE map to none.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { buildC, readelf } from '../support/oracles';
import { realVdso } from '../support/real-vdso';
import { parseElf32 } from '../../toolchain/elf/reader';
import { frameSectionsOf } from '../../toolchain/dwarf/elf-frames';
import { lookupFde, parseEhFrameHdr } from '../../toolchain/dwarf/eh-frame-hdr';

function check(path: string): void {
  const elf = parseElf32(new Uint8Array(readFileSync(path)), path);
  const hdrSection = elf.section('.eh_frame_hdr')!;
  assert.ok(hdrSection, `${path} has .eh_frame_hdr`);
  const hdr = parseEhFrameHdr({ fileName: path, name: '.eh_frame_hdr', address: hdrSection.addr, bytes: hdrSection.data });
  const frames = frameSectionsOf(elf).find((f) => f.kind === 'eh_frame')!;
  // readelf -S gives .eh_frame's address: eh_frame_ptr must point at it.
  const line = readelf(['-S', '-W', path]).split('\n').find((l) => /\s\.eh_frame\s/.test(l))!;
  assert.equal(hdr.ehFrameAddress, parseInt(line.trim().split(/\s+/)[3]!, 16));
  assert.equal(hdr.version, 1);
  assert.equal(hdr.table.length, hdr.fdeCount);
  const listed = new Set(hdr.table.map((e) => e.fdeAddress - frames.section.address));
  const fdes = frames.fdes.filter((f) => listed.has(f.offset));
  assert.equal(fdes.length, hdr.fdeCount, 'every table entry names an FDE');
  for (const e of hdr.table) assert.equal(e.location, frames.fdes.find((f) => f.offset === e.fdeAddress - frames.section.address)!.start);
  const covers = (pc: number) => fdes.some((f) => pc >= f.start && pc < f.start + f.range);
  for (const fde of fdes) {
    assert.equal(lookupFde(hdr, frames, fde.start), fde);
    assert.equal(lookupFde(hdr, frames, fde.start + fde.range - 1), fde);
    for (const pc of [fde.start - 1, fde.start + fde.range]) {
      if (!covers(pc)) assert.equal(lookupFde(hdr, frames, pc), undefined, `pc 0x${pc.toString(16)} lies outside every FDE`);
    }
  }
  assert.equal(lookupFde(hdr, frames, 0), undefined);
  assert.equal(lookupFde(hdr, frames, 0xffffffff), undefined);
}

test('the real vDSO .eh_frame_hdr finds each FDE for its first and last byte and nothing outside', () => {
  check(realVdso().path);
});

test('a dynamically linked program .eh_frame_hdr finds each FDE and nothing outside', () => {
  check(buildC('prog', 'int f(int x) { return x * 2; } int main(int c, char **v) { (void)v; return f(c); }', ['-O2']));
});
