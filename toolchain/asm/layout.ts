// Owns the assembler's section contents while it reads a file: sections made of fragments
// ("frags", as GAS calls them), each a run of fixed bytes with their fixups, optionally
// ending in one variable-size part (an alignment, a relaxable branch, a LEB128 of label
// differences, an .org, a .space of a late count). Addresses are estimates while reading and
// final after relaxation (toolchain/asm/relax.ts).
import type { Expr } from './expr';
import type { SourceLocation } from './module';

/** A field whose value is only known at the end: written then, or left to a relocation. */
export interface Fixup {
  /** Offset of the field in its frag's bytes (fixed part first, then the materialized variable part). */
  offset: number;
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
  /** Whether the value must fit signed (branch displacements) or either way (data). */
  readonly signed: boolean;
  readonly location: SourceLocation;
  /**
   * Creation order: GAS writes a section's relocations in the order their fixups were made.
   * A direct jmp/jcc's fixup is `late`: GAS makes it when it relaxes, after reading, so its
   * number is given then (finish.ts), in address order.
   */
  seq: number;
  readonly late?: boolean;
  /** Set for relaxed branches: GAS resolves them to global symbols of the same section too. */
  readonly resolveGlobal?: boolean;
}

/** One encoded form of a relaxable branch. */
export interface BranchForm {
  readonly bytes: Uint8Array;
  /** Offset and size of the displacement field in `bytes`. */
  readonly dispOffset: number;
  readonly dispSize: 1 | 2 | 4;
  readonly relocType: number;
}

export type Variable =
  | { readonly kind: 'align'; readonly alignment: number; readonly fill: 'nop' | Uint8Array; readonly max: number; readonly location: SourceLocation }
  | { readonly kind: 'branch'; readonly short: BranchForm; readonly near: BranchForm; readonly target: Expr; isNear: boolean; readonly location: SourceLocation; readonly seq: number }
  | { readonly kind: 'leb'; readonly expr: Expr; readonly signed: boolean; readonly location: SourceLocation }
  | { readonly kind: 'org'; readonly expr: Expr; readonly fill: number; readonly location: SourceLocation }
  | { readonly kind: 'space'; readonly count: Expr; readonly fill: number; readonly location: SourceLocation };

export class Frag {
  bytes: number[] = [];
  readonly fixups: Fixup[] = [];
  variable: Variable | undefined;
  /** Size of the variable part at the current relaxation step. */
  varSize = 0;
  /** Address of the frag's first byte within its section (estimate until relaxation ends). */
  address = 0;
  constructor(readonly section: SectionState, readonly subsection: number) {}

  get size(): number {
    return this.bytes.length + this.varSize;
  }
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
}

export const SHT_PROGBITS = 1;
export const SHT_NOBITS = 8;
export const SHT_NOTE = 7;
export const SHF_WRITE = 1;
export const SHF_ALLOC = 2;
export const SHF_EXECINSTR = 4;

/** The frags of a section in address order. */
export function orderedFrags(section: SectionState): Frag[] {
  if (section.ordered) return section.ordered;
  const keys = [...section.subsections.keys()].sort((a, b) => a - b);
  const out: Frag[] = [];
  for (const k of keys) for (const frag of section.subsections.get(k)!) out.push(frag);
  section.ordered = out;
  return out;
}

/** Recomputes every frag's address in a section from the current sizes; returns the section size. */
export function layoutSection(section: SectionState): number {
  let address = 0;
  for (const f of orderedFrags(section)) {
    f.address = address;
    address += f.size;
  }
  return address;
}

/** True when the section holds code (GAS pads its alignments with NOPs). */
export function isCode(section: SectionState): boolean {
  return (section.flags & SHF_EXECINSTR) !== 0;
}
