// Owns the assembler's section contents while it reads a file: sections made of fragments
// ("frags", as GAS calls them), each a run of fixed bytes with their fixups, optionally
// ending in one variable-size part (an alignment, a relaxable branch, a LEB128 of label
// differences, an .org, a .space of a late count). Addresses are estimates while reading and
// final after relaxation (toolchain/asm/relax.ts).
import { SHF_EXECINSTR } from '../elf/sections';
import type { Expr } from './expr';
import type { SmallCount } from './count-program';
import { objectList } from '../object-list';

/** A field whose value is only known at the end, as it is asked for (`newFixup` keeps it as a Fixup). */
export interface FixupSpec {
  readonly size: 1 | 2 | 4 | 8;
  readonly expr: Expr;
  /**
   * PC-relative: the value written is expr - (field address + pcBias). GAS's pcrel fixups on
   * i386 have pcBias = the distance from the field to the end of the instruction.
   */
  readonly pcrel: boolean;
  readonly pcBias: number;
  /** An explicit R_386_* type (from @PLT, @GOTOFF, ... or the encoder); otherwise chosen by size and pcrel. */
  readonly relocType?: number;
  /**
   * Whether the value must fit signed or either way. GAS checks a 1-byte branch displacement
   * signed; wider ones and data either way (a 16-bit branch wraps at 64K).
   */
  readonly signed: boolean;
  /** The statement that made it (places.ts), for messages. */
  readonly place: number;
  /**
   * A direct jmp/jcc's fixup is `late`: GAS makes it when it relaxes, after reading, so its
   * creation number is given then (finish.ts), in address order.
   */
  readonly late?: boolean;
  /**
   * Set for relaxed branches: GAS resolves them to global symbols of the same section too, and
   * writes such a displacement as it converts the frag, with no range check.
   */
  readonly resolveGlobal?: boolean;
}

/**
 * A field whose value is only known at the end: written then, or left to a relocation. Kept
 * to the end of the assembly (four per function on the bench's source), so the size, the
 * four flags, the pc bias and the relocation type of its FixupSpec are one number, `bits`
 * (read by fixupSize, isPcrel, isSigned, isLate, resolvesGlobal, pcBias, relocTypeOf): 64
 * bytes an object instead of 112.
 */
export interface Fixup {
  /** Offset of the field in its frag's bytes (fixed part first, then the materialized variable part). */
  offset: number;
  readonly expr: Expr;
  readonly place: number;
  /** Creation order: GAS writes a section's relocations in the order their fixups were made (-1 for a late one until finish numbers it). */
  seq: number;
  /**
   * The size (1, 2, 4 or 8) in bits 0-3, the FIXUP_* flags in 4-7, the pc bias (at most an
   * instruction's length) in 8-15, the relocation type plus one (0: none; ELF32_R_TYPE is 8
   * bits) in 16-24.
   */
  readonly bits: number;
}

const FIXUP_PCREL = 16;
const FIXUP_SIGNED = 32;
const FIXUP_LATE = 64;
const FIXUP_RESOLVE_GLOBAL = 128;
const PC_BIAS_SHIFT = 8;
const RELOC_TYPE_SHIFT = 16;

/** The Fixup of `spec` at `offset` of its frag, with creation number `seq`: one literal, for every fixup (one shape, one allocation site). */
export function newFixup(offset: number, spec: FixupSpec, seq: number): Fixup {
  if (spec.pcBias < 0 || spec.pcBias > 0xff || (spec.relocType !== undefined && (spec.relocType < 0 || spec.relocType > 0xff))) {
    throw new Error(`fixup out of its packed range: pc bias ${spec.pcBias}, relocation type ${spec.relocType}`);
  }
  const flags = (spec.pcrel ? FIXUP_PCREL : 0) | (spec.signed ? FIXUP_SIGNED : 0) | (spec.late === true ? FIXUP_LATE : 0) | (spec.resolveGlobal === true ? FIXUP_RESOLVE_GLOBAL : 0);
  const bits = spec.size | flags | (spec.pcBias << PC_BIAS_SHIFT) | ((spec.relocType === undefined ? 0 : spec.relocType + 1) << RELOC_TYPE_SHIFT);
  return { offset, expr: spec.expr, place: spec.place, seq, bits };
}

/** FixupSpec.pcBias. */
export function pcBias(fx: Fixup): number {
  return (fx.bits >>> PC_BIAS_SHIFT) & 0xff;
}

/** FixupSpec.relocType (undefined: chosen by size and pcrel). */
export function relocTypeOf(fx: Fixup): number | undefined {
  const t = fx.bits >>> RELOC_TYPE_SHIFT;
  return t === 0 ? undefined : t - 1;
}

export function fixupSize(fx: Fixup): 1 | 2 | 4 | 8 {
  return (fx.bits & 15) as 1 | 2 | 4 | 8;
}

export function isPcrel(fx: Fixup): boolean {
  return (fx.bits & FIXUP_PCREL) !== 0;
}

export function isSigned(fx: Fixup): boolean {
  return (fx.bits & FIXUP_SIGNED) !== 0;
}

export function isLate(fx: Fixup): boolean {
  return (fx.bits & FIXUP_LATE) !== 0;
}

export function resolvesGlobal(fx: Fixup): boolean {
  return (fx.bits & FIXUP_RESOLVE_GLOBAL) !== 0;
}

/** One encoded form of a relaxable branch. */
export interface BranchForm {
  readonly bytes: Uint8Array;
  /** Offset and size of the displacement field in `bytes`. */
  readonly dispOffset: number;
  readonly dispSize: 1 | 2 | 4;
  readonly relocType: number;
}

/** A relaxable branch's two forms: one object per kept encoding (instructions.ts), shared by every branch of that encoding. */
export interface BranchForms {
  readonly short: BranchForm;
  readonly near: BranchForm;
}

export type Variable =
  | { readonly kind: 'align'; readonly alignment: number; readonly fill: 'nop' | Uint8Array; readonly max: number; readonly place: number }
  /** `forms` is the encoding's own pair, not two fields of every branch (three a function on the bench's source, kept to the end). */
  | { readonly kind: 'branch'; readonly forms: BranchForms; readonly target: Expr; isNear: boolean; readonly place: number }
  | { readonly kind: 'leb'; readonly expr: Expr; readonly signed: boolean; readonly place: number }
  | { readonly kind: 'org'; readonly expr: Expr; readonly fill: number; readonly place: number }
  /** `small`: the count as a program (builtin-steps.ts), for a built-in macro's padding. */
  | { readonly kind: 'space'; readonly count: Expr; readonly fill: number; readonly place: number; readonly small: SmallCount | undefined }
  /** `.nops`: `size` bytes of NOPs of at most `limit` bytes each (0: the longest), checked when written, as GNU as does. */
  | { readonly kind: 'nops'; readonly size: number; readonly limit: number; readonly place: number };

/**
 * The bytes of one subsection as they are read, in one growable typed buffer (a byte is a
 * byte, not an 8-byte array element, and nothing per statement for the collector to copy).
 * Its frags are consecutive ranges of it: only the last one still grows.
 */
export class ByteStream {
  private data = new Uint8Array(256);
  length = 0;

  private reserve(n: number): void {
    if (this.length + n <= this.data.length) return;
    let capacity = this.data.length * 2;
    while (capacity < this.length + n) capacity *= 2;
    const grown = new Uint8Array(capacity);
    grown.set(this.data.subarray(0, this.length));
    this.data = grown;
  }

  /** Appends the low 8 bits of each value. */
  append(bytes: ArrayLike<number>): void {
    const n = bytes.length;
    this.reserve(n);
    const data = this.data;
    let at = this.length;
    for (let i = 0; i < n; i++) data[at++] = bytes[i]!;
    this.length = at;
  }

  /** Appends `count` copies of `value`. */
  fill(count: number, value: number): void {
    this.reserve(count);
    this.data.fill(value, this.length, this.length + count);
    this.length += count;
  }

  /** Writes the low 8 bits of `value` at `at` (within what was appended). */
  put(at: number, value: number): void {
    this.data[at] = value;
  }

  /** Writes `bytes` from `at`, at most `limit` of them (within what was appended). */
  write(at: number, bytes: ArrayLike<number>, limit: number): void {
    const n = Math.min(bytes.length, limit);
    const data = this.data;
    for (let i = 0; i < n; i++) data[at + i] = bytes[i]!;
  }

  /** Writes `count` copies of `value` from `at` (within what was appended). */
  fillAt(at: number, count: number, value: number): void {
    this.data.fill(value, at, at + count);
  }

  /** Copies the bytes from `start` to `end` into `out` at `at` (a short run byte by byte: no view object). */
  copyTo(out: Uint8Array, at: number, start: number, end: number): void {
    if (end - start > 64) {
      out.set(this.data.subarray(start, end), at);
      return;
    }
    const data = this.data;
    for (let i = start; i < end; i++) out[at++] = data[i]!;
  }
}

/**
 * The fixups of every frag that has none (most frags never get one): shared, never pushed to.
 * A list of objects like the frags' own (`[]` would be a list of small integers: another map
 * where `fixups` is read, and optimized code seeing one kind gave way at the other's first frag).
 */
const NO_FIXUPS: Fixup[] = objectList<Fixup>();

/**
 * A run of fixed bytes with their fixups, and maybe a variable part. A plain object made by
 * `newFrag`, its sizes read by `fixedSize` and `fragSize` (see newFrag for why not a class).
 */
export interface Frag {
  /** Read only: `addFixup` adds one. */
  fixups: Fixup[];
  variable: Variable | undefined;
  /** Size of the variable part at the current relaxation step (its bytes' count once it is materialized). */
  varSize: number;
  /** Address of the frag's first byte within its section (estimate until relaxation ends). */
  address: number;
  /** Where the fixed part starts in `stream`. */
  readonly start: number;
  /** Where the fixed part ends in `stream` once the frag is closed (-1 before: `closeFrag` sets it). */
  end: number;
  readonly section: SectionState;
  /** The stream of the frag's subsection (section.subsections holds which subsection it is). */
  readonly stream: ByteStream;
}

/**
 * A new frag of `section` whose fixed part starts at the end of `stream` (its subsection's).
 * An object literal, not a class's `new`: frags live to the end of the assembly, and V8
 * allocates the objects of a literal whose objects survive straight into the old generation
 * (allocation-site pretenuring), which it does not do for `new`, so each scavenge copied
 * every frag made since the last one, twice (docs/speed-and-exactness.md, the assembler's
 * sections). Every field in the literal, in one order: frags keep one shape; and no field
 * another one gives (frags are kept to the end: four per function on the bench's source).
 */
export function newFrag(section: SectionState, stream: ByteStream): Frag {
  return {
    fixups: NO_FIXUPS, variable: undefined, varSize: 0, address: 0,
    start: stream.length, end: -1, section, stream,
  };
}

export function addFixup(f: Frag, fixup: Fixup): void {
  if (f.fixups === NO_FIXUPS) f.fixups = [fixup];
  else f.fixups.push(fixup);
}

/** Bytes in the fixed part (the frag's offsets count from its first). */
export function fixedSize(f: Frag): number {
  return (f.end < 0 ? f.stream.length : f.end) - f.start;
}

/** Ends the fixed part: the stream's next bytes belong to the next frag. */
export function closeFrag(f: Frag): void {
  f.end = f.stream.length;
}

/** Bytes in the fixed part and the variable part. */
export function fragSize(f: Frag): number {
  return fixedSize(f) + f.varSize;
}

/** Writes the fixed part, then the materialized variable part (in `tails` from `tail`, finish.ts), to `out` at `at`. */
export function copyFrag(f: Frag, tails: ByteStream, tail: number, out: Uint8Array, at: number): void {
  const fixed = fixedSize(f);
  f.stream.copyTo(out, at, f.start, f.start + fixed);
  if (f.varSize > 0) tails.copyTo(out, at + fixed, tail, tail + f.varSize);
}

export interface SectionState {
  readonly name: string;
  type: number;
  flags: number;
  entsize: number;
  addralign: number;
  linkTo?: string;
  group?: { signature: string; comdat: boolean };
  /** Frags per subsection number, in the order they were made. */
  readonly subsections: Map<number, Frag[]>;
  /** The section's frags in final order (subsections ascending), rebuilt by `orderedFrags`. */
  ordered?: Frag[];
  /** Creation index (GAS keeps sections in creation order). */
  readonly index: number;
  /** Set when a relocation uses the section symbol (GAS 2.40 only emits those). */
  symbolUsed: boolean;
  /** Symbols made before the section (its symbol's place among them: GAS makes it with the section). */
  readonly symbolsBefore: number;
}

/** The frags of a section in address order. */
export function orderedFrags(section: SectionState): Frag[] {
  if (section.ordered) return section.ordered;
  const keys = [...section.subsections.keys()].sort((a, b) => a - b);
  const out: Frag[] = [];
  for (const k of keys) {
    const frags = section.subsections.get(k)!;
    for (let i = 0; i < frags.length; i++) out.push(frags[i]!);
  }
  section.ordered = out;
  return out;
}

/** Recomputes every frag's address in a section from the current sizes; returns the section size. */
export function layoutSection(section: SectionState): number {
  let address = 0;
  const frags = orderedFrags(section);
  for (let k = 0; k < frags.length; k++) {
    const f = frags[k]!;
    f.address = address;
    address += fragSize(f);
  }
  return address;
}

/** True when the section holds code (GAS pads its alignments with NOPs). */
export function isCode(section: SectionState): boolean {
  return (section.flags & SHF_EXECINSTR) !== 0;
}
