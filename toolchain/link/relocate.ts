// Owns applying i386 relocations to the placed output bytes with GNU ld's semantics:
// R_386_32/16/8 write S + A, R_386_PC32/PC16/PC8 write S + A - P, the addend being the
// field's own bytes (REL) or r_addend (RELA); 16- and 8-bit fields are checked for
// overflow the way ld checks them (below); R_386_NONE does nothing; any other type is refused.
import { InputError, hex } from '../errors';
import { printable } from '../elf/bytes';
import { R_386_16, R_386_32, R_386_8, R_386_NONE, R_386_PC16, R_386_PC32, R_386_PC8 } from '../elf/relocations';
import { relocationTypeName } from '../elf/relocation-types';
import { STT_SECTION } from '../elf/symbols';
import { inputAddress, symbolValue } from './symbols';
import type { Definition, InputRelocation, InputSection } from './types';

interface Howto {
  readonly name: string;
  readonly bits: 8 | 16 | 32;
  readonly pcRelative: boolean;
  /**
   * 'bitfield': the field holds -2^n .. 2^n-1 (signed or unsigned); 'signed': -2^(n-1) .. 2^(n-1)-1.
   * ld checks S (or S - P) alone against the range, then that adding the sign-extended
   * in-place addend did not carry into the bits above the range.
   */
  readonly check: 'bitfield' | 'signed';
}

const HOWTOS = new Map<number, Howto>([
  [R_386_32, { name: 'R_386_32', bits: 32, pcRelative: false, check: 'bitfield' }],
  [R_386_PC32, { name: 'R_386_PC32', bits: 32, pcRelative: true, check: 'bitfield' }],
  [R_386_16, { name: 'R_386_16', bits: 16, pcRelative: false, check: 'bitfield' }],
  [R_386_PC16, { name: 'R_386_PC16', bits: 16, pcRelative: true, check: 'bitfield' }],
  [R_386_8, { name: 'R_386_8', bits: 8, pcRelative: false, check: 'bitfield' }],
  [R_386_PC8, { name: 'R_386_PC8', bits: 8, pcRelative: true, check: 'signed' }],
]);


export interface RelocateOptions {
  /**
   * The output is position-independent (a vDSO): an absolute relocation against an
   * address would need a dynamic relocation, which the image must not have.
   */
  readonly positionIndependent: boolean;
}

/** Applies every relocation of `section` to `out` (the bytes of its output section). */
export function relocateSection(section: InputSection, out: Uint8Array, globals: ReadonlyMap<string, Definition>, options: RelocateOptions): void {
  const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
  const base = section.output!.addr;
  for (const r of section.relocations) {
    const fail = (what: string): never => {
      throw new InputError(section.object.fileName, `section ${printable(section.section.name)} offset ${hex(r.offset)}`, what);
    };
    if (r.type === R_386_NONE) continue;
    const howto = HOWTOS.get(r.type);
    if (!howto) fail(`unsupported relocation type ${r.type} (${relocationTypeName(r.type)})`);
    const width = howto!.bits / 8;
    if (r.offset + width > section.section.size) fail(`${howto!.name} field of ${width} bytes runs past the section (size ${hex(section.section.size)})`);
    const target = symbolValue(section.object, r.symbol, globals);
    const symbolName = describeSymbol(r);
    if (target.kind === 'undefined') fail(`undefined symbol ${symbolName}`);
    const s = target.kind === 'address' ? target.value : 0;
    if (options.positionIndependent && !howto!.pcRelative && target.kind === 'address' && !target.absolute) {
      fail(`${howto!.name} against ${symbolName} needs a dynamic relocation (the image is position-independent and must have none); use a pc-relative reference`);
    }
    const place = inputAddress(section, r.offset);
    const at = place - base;
    const a = howto!.pcRelative ? (s - place) >>> 0 : s;
    const field = readField(view, at, howto!.bits);
    const addend = r.addend ?? signExtend(field, howto!.bits);
    const sum = (a + addend) >>> 0;
    if (howto!.bits < 32 && overflows(howto!, a, addend >>> 0, sum)) {
      fail(`${howto!.name} against ${symbolName} overflows: ${howto!.pcRelative ? 'S + A - P' : 'S + A'} = ${signedHex(sum)} does not fit ${howto!.bits} bits`);
    }
    writeField(view, at, howto!.bits, sum);
  }
}

function signedHex(value: number): string {
  const v = value | 0;
  return v < 0 ? '-' + hex(-v) : hex(v);
}

function describeSymbol(r: InputRelocation): string {
  if (r.symbol.type === STT_SECTION) return `section symbol ${r.symbol.index}`;
  return `'${printable(r.symbol.name)}'`;
}

function readField(view: DataView, at: number, bits: number): number {
  if (bits === 32) return view.getUint32(at, true);
  if (bits === 16) return view.getUint16(at, true);
  return view.getUint8(at);
}

function writeField(view: DataView, at: number, bits: number, value: number): void {
  if (bits === 32) view.setUint32(at, value >>> 0, true);
  else if (bits === 16) view.setUint16(at, value & 0xffff, true);
  else view.setUint8(at, value & 0xff);
}

function signExtend(value: number, bits: number): number {
  const shift = 32 - bits;
  return (value << shift) >> shift;
}

/**
 * ld's check, on 32-bit values: `a` (S or S - P) must have the bits above the range all
 * clear or all set; and adding the addend must not flip those bits when `a` and the
 * addend agree there (a carry out of the field into the sign region).
 */
function overflows(howto: Howto, a: number, addend: number, sum: number): boolean {
  const rangeBits = howto.check === 'signed' ? howto.bits - 1 : howto.bits;
  const upper = (~((1 << rangeBits) - 1)) >>> 0;
  const high = (a & upper) >>> 0;
  if (high !== 0 && high !== upper) return true;
  return ((~(a ^ addend) & (a ^ sum) & upper) >>> 0) !== 0;
}
