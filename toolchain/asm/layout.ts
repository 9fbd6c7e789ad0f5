// Owns the assembler's section contents while it reads a file: sections made of fragments
// ("frags", as GAS calls them), each a run of fixed bytes with their fixups, optionally
// ending in one variable-size part (an alignment, a relaxable branch, a LEB128 of label
// differences, an .org, a .space of a late count). Addresses are estimates while reading and
// final after relaxation (toolchain/asm/relax.ts).
import { SHF_EXECINSTR } from '../elf/sections';
import type { Expr } from './expr';
import type { SmallCount } from './count-program';
import type { FixupColumns } from './fixups';

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
 * A run of fixed bytes with their fixups, and maybe a variable part. A plain object made by
 * `newFrag`, its sizes read by `fixedSize` and `fragSize` (see newFrag for why not a class).
 */
export interface Frag {
  /**
   * Its subsection's fixups (shared by the subsection's frags): the frag's are rows from
   * `fixupStart` to where the next frag's start (`fixupsEnd`).
   */
  readonly fixups: FixupColumns;
  readonly fixupStart: number;
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
export function newFrag(section: SectionState, stream: ByteStream, fixups: FixupColumns): Frag {
  return {
    fixups, fixupStart: fixups.count, variable: undefined, varSize: 0, address: 0,
    start: stream.length, end: -1, section, stream,
  };
}

/**
 * Where frag `f`'s rows of `f.fixups` end, `next` the frag after it in its section's order: a
 * closed frag gets no more fixups, and the next frag of its subsection was made when it closed.
 * No field of its own (frags are kept to the end: four a function on the bench's source).
 */
export function fixupsEnd(f: Frag, next: Frag | undefined): number {
  return next !== undefined && next.fixups === f.fixups ? next.fixupStart : f.fixups.count;
}

/** Bytes in the fixed part (the frag's offsets count from its first). */
export function fixedSize(f: Frag): number {
  return (f.end < 0 ? f.stream.length : f.end) - f.start;
}

/** Ends the fixed part: the stream's next bytes, and the next fixups, belong to the next frag. */
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
  // A section of one subsection (most are) is in order already: its own list, not a copy as
  // long as it (made when reading is done, so no frag is added to it after).
  if (section.subsections.size === 1) {
    for (const frags of section.subsections.values()) return (section.ordered = frags);
  }
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
