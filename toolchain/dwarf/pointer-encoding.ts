// Owns DW_EH_PE_* pointer encodings: their constants, their sizes and reading one
// encoded pointer (absptr, pcrel, datarel, textrel, funcrel, aligned, indirect; udata and
// sdata 2/4/8, uleb128/sleb128; omit) from a section.
import type { ByteReader } from './byte-reader';
import type { EncodedPointer } from './types';

export const DW_EH_PE_absptr = 0x00;
export const DW_EH_PE_uleb128 = 0x01;
export const DW_EH_PE_udata2 = 0x02;
export const DW_EH_PE_udata4 = 0x03;
export const DW_EH_PE_udata8 = 0x04;
export const DW_EH_PE_sleb128 = 0x09;
export const DW_EH_PE_sdata2 = 0x0a;
export const DW_EH_PE_sdata4 = 0x0b;
export const DW_EH_PE_sdata8 = 0x0c;
export const DW_EH_PE_signed = 0x08;
export const DW_EH_PE_pcrel = 0x10;
export const DW_EH_PE_textrel = 0x20;
export const DW_EH_PE_datarel = 0x30;
export const DW_EH_PE_funcrel = 0x40;
export const DW_EH_PE_aligned = 0x50;
export const DW_EH_PE_indirect = 0x80;
export const DW_EH_PE_omit = 0xff;

/** The bases an encoded pointer may be relative to; unknown ones leave `value` undefined. */
export interface PointerBases {
  /** Address of the section being read (pcrel adds this + the field's offset). */
  readonly sectionAddress: number;
  /** Address size of the target: 4 for i386. */
  readonly addressSize: number;
  readonly dataBase?: number;
  readonly textBase?: number;
  readonly functionBase?: number;
}

const FORMATS = new Set([0x00, 0x01, 0x02, 0x03, 0x04, 0x09, 0x0a, 0x0b, 0x0c]);
const APPLICATIONS = new Set([0x00, 0x10, 0x20, 0x30, 0x40, 0x50]);

/** True when the encoding's format and application bits are ones DWARF/LSB define. */
export function isValidEncoding(encoding: number): boolean {
  if (encoding === DW_EH_PE_omit) return true;
  return FORMATS.has(encoding & 0x0f) && APPLICATIONS.has(encoding & 0x70);
}

/** Fixed size of an encoded value in bytes; 0 for LEB128 (variable). */
export function encodedSize(encoding: number, addressSize: number): number {
  switch (encoding & 0x0f) {
    case 0x00: return addressSize;
    case 0x02: case 0x0a: return 2;
    case 0x03: case 0x0b: return 4;
    case 0x04: case 0x0c: return 8;
    default: return 0;
  }
}

/** Reads one pointer; the caller has already handled DW_EH_PE_omit. */
export function readEncodedPointer(r: ByteReader, encoding: number, bases: PointerBases, what: string): EncodedPointer {
  if (!isValidEncoding(encoding) || encoding === DW_EH_PE_omit) r.fail(r.pos, `${what} has invalid pointer encoding 0x${encoding.toString(16)}`);
  const application = encoding & 0x70;
  if (application === DW_EH_PE_aligned) {
    const addr = bases.sectionAddress + r.pos;
    const pad = (bases.addressSize - (addr % bases.addressSize)) % bases.addressSize;
    r.skip(pad, what);
  }
  const offset = r.pos;
  let raw: bigint;
  switch (encoding & 0x0f) {
    case 0x00: raw = r.unsigned(bases.addressSize, what); break;
    case 0x01: raw = r.ulebBig(what); break;
    case 0x02: raw = r.unsigned(2, what); break;
    case 0x03: raw = r.unsigned(4, what); break;
    case 0x04: raw = r.unsigned(8, what); break;
    case 0x09: raw = r.slebBig(what); break;
    case 0x0a: raw = r.signed(2, what); break;
    case 0x0b: raw = r.signed(4, what); break;
    default: raw = r.signed(8, what); break;
  }
  let base: number | undefined;
  switch (application) {
    case DW_EH_PE_absptr: case DW_EH_PE_aligned: base = 0; break;
    case DW_EH_PE_pcrel: base = bases.sectionAddress + offset; break;
    case DW_EH_PE_datarel: base = bases.dataBase; break;
    case DW_EH_PE_textrel: base = bases.textBase; break;
    default: base = bases.functionBase; break;
  }
  const value = base === undefined ? undefined : Number(BigInt.asUintN(32, raw + BigInt(base)));
  return { encoding, raw, value, indirect: (encoding & DW_EH_PE_indirect) !== 0, offset };
}
