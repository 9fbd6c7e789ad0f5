// Owns the initial length that opens every DWARF unit (.debug_info, .debug_line,
// .debug_aranges): 32-bit, or 0xffffffff then 64-bit (the 64-bit DWARF format, whose
// offsets are 8 bytes); 0xfffffff0..0xfffffffe are reserved. One-line InputErrors name the
// unit's offset.
import type { ByteReader } from './byte-reader';

export interface UnitExtent {
  /** The size of section offsets inside the unit: 4 (32-bit DWARF) or 8 (64-bit DWARF). */
  readonly offsetSize: 4 | 8;
  /** A reader over the unit's contents after the length, positioned at its start. */
  readonly unit: ByteReader;
  /** Where the contents start (just after the length) and end, in the section. */
  readonly start: number;
  readonly end: number;
}

/** Reads a unit's initial length at r.pos and moves r past the whole unit. */
export function readUnitLength(r: ByteReader): UnitExtent {
  const offset = r.pos;
  let offsetSize: 4 | 8 = 4;
  let length = BigInt(r.u32('unit length'));
  if (length === 0xffffffffn) {
    offsetSize = 8;
    length = r.u64('unit length');
  } else if (length >= 0xfffffff0n) {
    r.fail(offset, `reserved unit length 0x${length.toString(16)}`);
  }
  if (length > BigInt(r.end - r.pos)) r.fail(offset, `the unit length 0x${length.toString(16)} runs past the end of the section`);
  const start = r.pos;
  const end = start + Number(length);
  const unit = r.sub(start, end);
  r.pos = end;
  return { offsetSize, unit, start, end };
}
