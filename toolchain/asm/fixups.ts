// Owns the fixups: a field whose value is only known at the end of an assembly, asked for as
// a FixupSpec by the encoder and the data directives, and kept as a row of FixupColumns (one
// set per subsection, shared by its frags: layout.ts) to the end, written then or left to a
// REL relocation (finish.ts). Rows, not objects: four fixups a function on the bench's source,
// each an object of 64 bytes and most frags' list of them one more object, were kept to the
// end of the assembly, and the collector traced and copied each (docs/speed-and-exactness.md).
import type { Expr } from './expr';
import { ChunkedList } from '../chunked-list';
import { grown } from '../grown';

/** A field whose value is only known at the end, as it is asked for (`FixupColumns.add` keeps it as a row). */
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

const FIXUP_PCREL = 16;
const FIXUP_SIGNED = 32;
const FIXUP_LATE = 64;
const FIXUP_RESOLVE_GLOBAL = 128;
const PC_BIAS_SHIFT = 8;
const RELOC_TYPE_SHIFT = 16;

/**
 * A spec's size (1, 2, 4 or 8) in bits 0-3, its flags in 4-7, its pc bias (at most an
 * instruction's length) in 8-15 and its relocation type plus one (0: none; ELF32_R_TYPE is 8
 * bits) in 16-24: one number, read by fixupSize, isPcrel, isSigned, isLate, resolvesGlobal,
 * pcBias and relocTypeOf.
 */
export function fixupBits(spec: FixupSpec): number {
  if (spec.pcBias < 0 || spec.pcBias > 0xff || (spec.relocType !== undefined && (spec.relocType < 0 || spec.relocType > 0xff))) {
    throw new Error(`fixup out of its packed range: pc bias ${spec.pcBias}, relocation type ${spec.relocType}`);
  }
  const flags = (spec.pcrel ? FIXUP_PCREL : 0) | (spec.signed ? FIXUP_SIGNED : 0) | (spec.late === true ? FIXUP_LATE : 0) | (spec.resolveGlobal === true ? FIXUP_RESOLVE_GLOBAL : 0);
  return spec.size | flags | (spec.pcBias << PC_BIAS_SHIFT) | ((spec.relocType === undefined ? 0 : spec.relocType + 1) << RELOC_TYPE_SHIFT);
}

/** FixupSpec.pcBias. */
export function pcBias(bits: number): number {
  return (bits >>> PC_BIAS_SHIFT) & 0xff;
}

/** FixupSpec.relocType (undefined: chosen by size and pcrel). */
export function relocTypeOf(bits: number): number | undefined {
  const t = bits >>> RELOC_TYPE_SHIFT;
  return t === 0 ? undefined : t - 1;
}

export function fixupSize(bits: number): 1 | 2 | 4 | 8 {
  return (bits & 15) as 1 | 2 | 4 | 8;
}

export function isPcrel(bits: number): boolean {
  return (bits & FIXUP_PCREL) !== 0;
}

export function isSigned(bits: number): boolean {
  return (bits & FIXUP_SIGNED) !== 0;
}

export function isLate(bits: number): boolean {
  return (bits & FIXUP_LATE) !== 0;
}

export function resolvesGlobal(bits: number): boolean {
  return (bits & FIXUP_RESOLVE_GLOBAL) !== 0;
}

/**
 * Fixups as rows: the field's offset in its frag's bytes (fixed part first, then the
 * materialized variable part), the expression, the statement's place, the creation number (GAS
 * writes a section's relocations in the order their fixups were made; -1 for a late one until
 * finish numbers it) and the bits. A frag's fixups are consecutive rows of its subsection's
 * columns (only a subsection's last frag gets new ones while reading).
 */
export class FixupColumns {
  private offsets = new Int32Array(0);
  private places = new Int32Array(0);
  private seqs = new Int32Array(0);
  private bitsOf = new Int32Array(0);
  private readonly exprs = new ChunkedList<Expr>();
  count = 0;

  /** Adds the row of `spec` at `offset` of its frag, with creation number `seq`. */
  add(offset: number, spec: FixupSpec, seq: number): void {
    const k = this.count;
    if (k === this.offsets.length) this.grow();
    this.offsets[k] = offset;
    this.places[k] = spec.place;
    this.seqs[k] = seq;
    this.bitsOf[k] = fixupBits(spec);
    this.exprs.push(spec.expr);
    this.count = k + 1;
  }

  private grow(): void {
    const n = Math.max(16, this.offsets.length * 2);
    this.offsets = grown(this.offsets, n);
    this.places = grown(this.places, n);
    this.seqs = grown(this.seqs, n);
    this.bitsOf = grown(this.bitsOf, n);
  }

  offset(k: number): number {
    return this.offsets[k]!;
  }

  expr(k: number): Expr {
    return this.exprs.get(k);
  }

  place(k: number): number {
    return this.places[k]!;
  }

  seq(k: number): number {
    return this.seqs[k]!;
  }

  setSeq(k: number, seq: number): void {
    this.seqs[k] = seq;
  }

  bits(k: number): number {
    return this.bitsOf[k]!;
  }
}
